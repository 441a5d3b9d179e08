"""The public figures of the programme: per year, in total, and by theme, programme,
association, place and kind. The one home of every public figure: the home page, the statistics
page, the API and the open data read them here and never add them up themselves.

Each breakdown is one query whose count does not depend on the amount of data. Only public
Fabriques (``PUBLIC_STATUSES``) and their participations are counted. A participation is one
territory accompanied in one Fabrique: a commune that joined two Fabriques counts twice, as in
the figures ANCT publishes.

Two figures of territories are kept side by side and never corrected by each other: the
**declared** one (``ProgrammeYear.declared_territories``, as ANCT announced it; None when ANCT
published none) and the **counted** one (participations recorded on the platform). In 2020, for
instance, ANCT declares 20 territories but its description lists 16.

The totals rule (``programme_totals``): the totals cover every programme year, listed or not with
a public Fabrique. The Fabriques and the counted territories are summed. The declared total is
published only when every programme year has a declared figure; as soon as one year has none, the
declared total is None (« non publié »), since a partial sum would read as a declaration ANCT
never made, and ``undeclared_years`` names the years that lack one so that every surface can say
why. The counted total is always published.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Q

from fabriques.core.versioning import cached_by_version
from fabriques.territories.models import Departement, Participation, ParticipationKind, Region

from .models import PUBLIC_STATUSES, AnctProgramme, Organisation, ProgrammeYear, Role, Theme


@dataclass(frozen=True)
class YearStatistics:
    year: int
    declared_territories: int | None  # as declared by ANCT (may differ from the count)
    counted_territories: int  # participations recorded on the platform
    fabriques: int


def year_statistics() -> list[YearStatistics]:
    """Per programme year, most recent first: declared vs counted territories, Fabriques.

    One query whatever the number of years or Fabriques.
    """
    public = Q(fabriques__status__in=PUBLIC_STATUSES)
    rows = ProgrammeYear.objects.annotate(
        n_fabriques=Count("fabriques", filter=public, distinct=True),
        n_participations=Count("fabriques__participations", filter=public, distinct=True),
    ).order_by("-year")
    return [
        YearStatistics(
            year=row.year,
            declared_territories=row.declared_territories,
            counted_territories=row.n_participations,
            fabriques=row.n_fabriques,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class CategoryCount:
    """One category of a breakdown: how many public Fabriques and territories it gathers."""

    key: str  # slug, code or choice value: stable, for anchors and chart data
    label: str  # short label, for chart axes and table row headers
    fabriques: int
    territories: int
    long_label: str = ""  # full name when ``label`` is an acronym


@dataclass(frozen=True)
class DepartementCount:
    code: str
    name: str
    region: str
    fabriques: int
    territories: int


@dataclass(frozen=True)
class YearRow:
    """A programme year as the statistics page shows it, with the gap made explicit."""

    year: int
    fabriques: int
    declared_territories: int | None
    counted_territories: int

    @property
    def gap(self) -> int | None:
        """Counted minus declared; None when ANCT declared no figure for the year."""
        if self.declared_territories is None:
            return None
        return self.counted_territories - self.declared_territories

    @property
    def gap_size(self) -> int:
        """How far apart the two figures are, whatever the direction (0 when undeclared)."""
        return abs(self.gap or 0)


@dataclass(frozen=True)
class ProgrammeTotals:
    """The programme's totals over every programme year (see the rule in the module docstring)."""

    fabriques: int
    counted_territories: int
    # Sum of the declared figures; None as soon as one year has no declared figure, since a
    # partial sum would read as a declaration ANCT never made.
    declared_territories: int | None
    years: int
    undeclared_years: tuple[int, ...] = ()  # chronological: why the declared total is None


def _public(prefix: str) -> Q:
    return Q(**{f"{prefix}status__in": PUBLIC_STATUSES})


# How the queries stay cheap as data grows: values() before annotate() groups by the primary
# key (PostgreSQL drops the other columns of the same table from the GROUP BY), not by every
# column of the model nor by text columns, which are slow to sort; and territories are counted without
# DISTINCT where each joined participation row is unique within its group (a Fabrique appears
# once per theme, programme or association role thanks to the unique constraints on the
# link tables, and a participation has one département). Only the Fabrique counts, which the
# participation join multiplies, need DISTINCT.


def theme_statistics() -> list[CategoryCount]:
    """Themes with at least one public Fabrique, most Fabriques first.

    A Fabrique working on two themes counts once in each.
    """
    rows = (
        Theme.objects.filter(_public("fabriques__"))
        .values("id", "slug", "name")
        .annotate(
            n_fabriques=Count("fabriques", distinct=True),
            n_territories=Count("fabriques__participations"),
        )
        .order_by("-n_fabriques", "-n_territories", "name")
        .values_list("slug", "name", "n_fabriques", "n_territories")
    )
    return [CategoryCount(key=s, label=n, fabriques=f, territories=t) for s, n, f, t in rows]


def programme_statistics() -> list[CategoryCount]:
    """ANCT programmes linked to at least one public Fabrique, most Fabriques first."""
    rows = (
        AnctProgramme.objects.filter(_public("fabriques__"))
        .values("id", "slug", "name")
        .annotate(
            n_fabriques=Count("fabriques", distinct=True),
            n_territories=Count("fabriques__participations"),
        )
        .order_by("-n_fabriques", "-n_territories", "name")
        .values_list("slug", "name", "n_fabriques", "n_territories")
    )
    return [CategoryCount(key=s, label=n, fabriques=f, territories=t) for s, n, f, t in rows]


def association_statistics() -> list[CategoryCount]:
    """Elected officials' associations, by the public Fabriques they were partners of."""
    rows = (
        # filter() before annotate(): the counts only follow the partner-association roles.
        Organisation.objects.filter(
            roles__role=Role.ELECTED_ASSOCIATION, roles__fabrique__status__in=PUBLIC_STATUSES
        )
        .values("id", "slug", "name", "acronym")
        .annotate(
            n_fabriques=Count("roles__fabrique", distinct=True),
            n_territories=Count("roles__fabrique__participations"),
        )
        .order_by("-n_fabriques", "-n_territories", "name")
        .values_list("slug", "name", "acronym", "n_fabriques", "n_territories")
    )
    return [
        CategoryCount(
            key=slug,
            label=acronym or name,
            long_label=name if acronym else "",
            fabriques=f,
            territories=t,
        )
        for slug, name, acronym, f, t in rows
    ]


def region_statistics() -> list[CategoryCount]:
    """Régions where public Fabriques accompanied territories, most territories first.

    The referential also holds régions no Fabrique may ever reach (Clipperton…): a row of
    zeros for each would only bury the others."""
    public = _public("departements__participations__fabrique__")
    rows = (
        Region.objects.values("id", "code", "name")
        .annotate(
            n_territories=Count("departements__participations", filter=public),
            n_fabriques=Count(
                "departements__participations__fabrique", filter=public, distinct=True
            ),
        )
        .filter(n_territories__gt=0)
        .order_by("-n_territories", "-n_fabriques", "name")
        .values_list("code", "name", "n_fabriques", "n_territories")
    )
    return [CategoryCount(key=c, label=n, fabriques=f, territories=t) for c, n, f, t in rows]


def kind_statistics() -> list[CategoryCount]:
    """Territories by kind (commune, EPCI, QPV), every kind listed even when zero."""
    rows = (
        Participation.objects.filter(_public("fabrique__"))
        .values("kind")
        .annotate(n_territories=Count("id"), n_fabriques=Count("fabrique", distinct=True))
        .order_by("kind")
    )
    counts = {row["kind"]: (row["n_fabriques"], row["n_territories"]) for row in rows}
    return [
        CategoryCount(
            key=kind.value,
            label=str(kind.label),
            fabriques=counts.get(kind.value, (0, 0))[0],
            territories=counts.get(kind.value, (0, 0))[1],
        )
        for kind in ParticipationKind
    ]


def departement_statistics() -> list[DepartementCount]:
    """Départements where public Fabriques accompanied territories, by code."""
    rows = (
        Departement.objects.filter(_public("participations__fabrique__"))
        .values("id", "code", "name", "region__name")
        .annotate(
            n_territories=Count("participations"),
            n_fabriques=Count("participations__fabrique", distinct=True),
        )
        .order_by("code")
        .values_list("code", "name", "region__name", "n_fabriques", "n_territories")
    )
    return [
        DepartementCount(code=c, name=n, region=r, fabriques=f, territories=t)
        for c, n, r, f, t in rows
    ]


def year_rows(stats: Iterable[YearStatistics]) -> list[YearRow]:
    """The per-year figures in chronological order, as the charts read them."""
    return [
        YearRow(
            year=s.year,
            fabriques=s.fabriques,
            declared_territories=s.declared_territories,
            counted_territories=s.counted_territories,
        )
        for s in sorted(stats, key=lambda s: s.year)
    ]


def programme_totals(rows: Sequence[YearRow | YearStatistics]) -> ProgrammeTotals:
    """The totals of the given years: the one place where a public total is added up."""
    declared = [r.declared_territories for r in rows]
    return ProgrammeTotals(
        fabriques=sum(r.fabriques for r in rows),
        counted_territories=sum(r.counted_territories for r in rows),
        declared_territories=(
            None if not rows or None in declared else sum(d for d in declared if d is not None)
        ),
        years=len(rows),
        undeclared_years=tuple(sorted(r.year for r in rows if r.declared_territories is None)),
    )


@dataclass(frozen=True)
class PublicStatistics:
    """Every figure of the statistics page, the home page and the statistics API."""

    years: list[YearStatistics]
    themes: list[CategoryCount]
    programmes: list[CategoryCount]
    associations: list[CategoryCount]
    regions: list[CategoryCount]
    kinds: list[CategoryCount]
    departements: list[DepartementCount]

    # Derived on read rather than stored, so that figures cached by an older release still load.
    @property
    def year_rows(self) -> list[YearRow]:
        """Every programme year, in chronological order."""
        return year_rows(self.years)

    @property
    def totals(self) -> ProgrammeTotals:
        """The programme's totals over every programme year."""
        return programme_totals(self.years)


def _compute_public_statistics() -> PublicStatistics:
    return PublicStatistics(
        years=year_statistics(),
        themes=theme_statistics(),
        programmes=programme_statistics(),
        associations=association_statistics(),
        regions=region_statistics(),
        kinds=kind_statistics(),
        departements=departement_statistics(),
    )


def public_statistics() -> PublicStatistics:
    """The figures, computed once per version of the data (one query when cached).

    The aggregates read every public participation, so their cost grows with the programme;
    caching them by data version keeps the pages fast and never serves stale figures.
    """
    return cached_by_version("programme-statistics", _compute_public_statistics)
