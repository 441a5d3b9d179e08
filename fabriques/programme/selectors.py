"""Reads for the programme: catalogue, Fabrique pages, statistics."""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from fabriques.core.text import normalize
from fabriques.core.versioning import cached_by_version
from fabriques.territories.models import Departement, Participation, Region

from .models import (
    PUBLIC_STATUSES,
    AnctProgramme,
    Fabrique,
    FabriqueOrganisation,
    Organisation,
    ProgrammeYear,
    Resource,
    Role,
    Theme,
)


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


# --- Public site -------------------------------------------------------------------------
#
# Every selector below loads what its page shows in a fixed number of queries, whatever the
# amount of data: templates only read attributes and prefetched lists.


def public_fabriques() -> QuerySet[Fabrique]:
    """Fabriques the public may see (their cohort of territories is fixed)."""
    return Fabrique.objects.filter(status__in=PUBLIC_STATUSES)


def participations_prefetch(to_attr: str | None = None) -> Prefetch:
    """A Fabrique's participations in published order, with entity, département and région."""
    return Prefetch(
        "participations",
        queryset=Participation.objects.select_related(
            "commune", "epci", "qpv__departement", "departement__region"
        ).order_by("position", "id"),
        to_attr=to_attr,
    )


def _card_queryset(queryset: QuerySet[Fabrique]) -> QuerySet[Fabrique]:
    """What a Fabrique card shows: year, themes, associations, territories."""
    return queryset.select_related("programme_year").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("name")),
        Prefetch(
            "roles",
            queryset=FabriqueOrganisation.objects.filter(role=Role.ELECTED_ASSOCIATION)
            .select_related("organisation")
            .order_by("position", "id"),
            to_attr="association_roles",
        ),
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("departement").order_by("position", "id"),
            to_attr="card_participations",
        ),
    )


@dataclass(frozen=True)
class HomeOverview:
    latest: list[Fabrique]
    years: list[YearStatistics]  # years with at least one public Fabrique, most recent first
    fabriques: int
    counted_territories: int
    declared_territories: int | None  # sum over the years where ANCT declared a figure
    declared_complete: bool  # True when every year has a declared figure
    departements: int

    @property
    def first_year(self) -> int | None:
        return self.years[-1].year if self.years else None

    @property
    def last_year(self) -> int | None:
        return self.years[0].year if self.years else None


def home_overview(*, latest: int = 3) -> HomeOverview:
    """Key figures (from the cached statistics) and the latest Fabriques for the home page."""
    from .statistics import public_statistics  # statistics builds on this module

    figures = public_statistics()
    years = [row for row in figures.years if row.fabriques]
    declared = [row.declared_territories for row in years if row.declared_territories is not None]
    departements = len(figures.departements)
    latest_fabriques = list(
        _card_queryset(public_fabriques()).order_by(
            "-programme_year__year", F("start_month").desc(nulls_last=True), "title"
        )[:latest]
    )
    return HomeOverview(
        latest=latest_fabriques,
        years=years,
        fabriques=sum(row.fabriques for row in years),
        counted_territories=sum(row.counted_territories for row in years),
        declared_territories=sum(declared) if declared else None,
        declared_complete=bool(years) and len(declared) == len(years),
        departements=departements,
    )


@dataclass(frozen=True)
class CatalogueFilters:
    """Validated catalogue filters; None (or "") means "not filtered"."""

    year: int | None = None
    theme: str | None = None  # Theme.slug
    association: str | None = None  # Organisation.slug (association of elected officials)
    programme: str | None = None  # AnctProgramme.slug
    region: str | None = None  # Region.code
    departement: str | None = None  # Departement.code
    kind: str | None = None  # ParticipationKind value
    q: str = ""


@dataclass(frozen=True)
class CatalogueOptions:
    """The values each catalogue filter offers: only those that match a public Fabrique."""

    years: list[int]
    themes: list[Theme]
    associations: list[Organisation]
    programmes: list[AnctProgramme]
    departements: list[Departement]  # with their région, by région name then code

    @property
    def regions(self) -> list[Region]:
        seen: dict[str, Region] = {}
        for departement in self.departements:
            seen.setdefault(departement.region.code, departement.region)
        return sorted(seen.values(), key=lambda region: region.name)


def catalogue_options() -> CatalogueOptions:
    """Filter choices of the catalogue, computed once per data version (see core.versioning):
    one query when cached, else six (version, years, themes, associations, programmes,
    départements with their régions), whose cost grows with the programme."""
    return cached_by_version("catalogue-options", _catalogue_options)


def _catalogue_options() -> CatalogueOptions:
    public = Q(fabriques__status__in=PUBLIC_STATUSES)
    return CatalogueOptions(
        years=list(
            ProgrammeYear.objects.filter(public)
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        ),
        themes=list(Theme.objects.filter(public).distinct().order_by("name")),
        associations=list(
            Organisation.objects.filter(
                roles__role=Role.ELECTED_ASSOCIATION,
                roles__fabrique__status__in=PUBLIC_STATUSES,
            )
            .distinct()
            .order_by("name")
        ),
        programmes=list(AnctProgramme.objects.filter(public).distinct().order_by("name")),
        departements=list(
            Departement.objects.filter(participations__fabrique__status__in=PUBLIC_STATUSES)
            .select_related("region")
            .distinct()
            .order_by("region__name", "code")
        ),
    )


def search_words(q: str) -> list[str]:
    """The normalised words of a search: accent-, case- and apostrophe-insensitive."""
    return [word for word in normalize(q).replace("'", " ").split() if word]


def fabrique_catalogue(filters: CatalogueFilters) -> QuerySet[Fabrique]:
    """Public Fabriques matching the filters, most recent year first, ready for cards.

    Multi-valued filters use EXISTS subqueries so that a Fabrique appears once without
    DISTINCT. Counting and paginating cost 2 queries, the cards 3 prefetches.
    """
    queryset = public_fabriques()
    if filters.year is not None:
        queryset = queryset.filter(programme_year__year=filters.year)
    if filters.theme:
        queryset = queryset.filter(
            Exists(
                Fabrique.themes.through.objects.filter(
                    fabrique=OuterRef("pk"), theme__slug=filters.theme
                )
            )
        )
    if filters.association:
        queryset = queryset.filter(
            Exists(
                FabriqueOrganisation.objects.filter(
                    fabrique=OuterRef("pk"),
                    role=Role.ELECTED_ASSOCIATION,
                    organisation__slug=filters.association,
                )
            )
        )
    if filters.programme:
        queryset = queryset.filter(
            Exists(
                Fabrique.anct_programmes.through.objects.filter(
                    fabrique=OuterRef("pk"), anctprogramme__slug=filters.programme
                )
            )
        )
    territory = Q()
    if filters.region:
        territory &= Q(departement__region__code=filters.region)
    if filters.departement:
        territory &= Q(departement__code=filters.departement)
    if filters.kind:
        territory &= Q(kind=filters.kind)
    if territory:
        queryset = queryset.filter(
            Exists(Participation.objects.filter(territory, fabrique=OuterRef("pk")))
        )
    for word in search_words(filters.q):
        queryset = queryset.filter(search_text__contains=word)
    return _card_queryset(queryset).order_by("-programme_year__year", "title", "pk")


@dataclass(frozen=True)
class FabriqueDetail:
    fabrique: Fabrique
    associations: list[FabriqueOrganisation]
    partners: list[FabriqueOrganisation]
    cofunders: list[FabriqueOrganisation]
    providers: list[FabriqueOrganisation]
    participations: list[Participation]  # with entity, département and région
    themes: list[Theme]
    programmes: list[AnctProgramme]
    resources: list[Resource]


def fabrique_detail(*, slug: str) -> FabriqueDetail | None:
    """Everything a Fabrique page shows, or None when it is unknown or not public.

    6 queries: the Fabrique with its year, themes, programmes, roles with organisations,
    resources, participations with their entity, département and région.
    """
    fabrique = (
        public_fabriques()
        .select_related("programme_year")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("name")),
            Prefetch("anct_programmes", queryset=AnctProgramme.objects.order_by("name")),
            Prefetch(
                "roles",
                queryset=FabriqueOrganisation.objects.select_related("organisation").order_by(
                    "position", "organisation__name", "id"
                ),
            ),
            Prefetch("resources", queryset=Resource.objects.order_by("position", "id")),
            participations_prefetch(),
        )
        .filter(slug=slug)
        .first()
    )
    if fabrique is None:
        return None
    roles = list(fabrique.roles.all())
    return FabriqueDetail(
        fabrique=fabrique,
        associations=[r for r in roles if r.role == Role.ELECTED_ASSOCIATION],
        partners=[r for r in roles if r.role == Role.PARTNER],
        cofunders=[r for r in roles if r.role == Role.COFUNDER],
        providers=[r for r in roles if r.role == Role.PROVIDER],
        participations=list(fabrique.participations.all()),
        themes=list(fabrique.themes.all()),
        programmes=list(fabrique.anct_programmes.all()),
        resources=list(fabrique.resources.all()),
    )


# --- Organisations -----------------------------------------------------------------------

_PUBLIC_ROLE = Q(roles__fabrique__status__in=PUBLIC_STATUSES)


def organisation_list(*, kind: str | None = None, q: str = "") -> QuerySet[Organisation]:
    """Organisations that took part in at least one public Fabrique, with counts per role.

    One query per page (plus the paginator's count).
    """
    queryset = Organisation.objects.annotate(
        n_fabriques=Count("roles__fabrique", filter=_PUBLIC_ROLE, distinct=True),
        **{
            f"n_{role.value}": Count(
                "roles__fabrique",
                filter=_PUBLIC_ROLE & Q(roles__role=role.value),
                distinct=True,
            )
            for role in Role
        },
    ).filter(n_fabriques__gt=0)
    if kind:
        queryset = queryset.filter(kind=kind)
    for word in search_words(q):
        queryset = queryset.filter(search_text__contains=word)
    return queryset.order_by("name", "pk")


@dataclass(frozen=True)
class RoleGroup:
    role: str
    label: str
    roles: list[FabriqueOrganisation]  # with .fabrique and its programme_year


@dataclass(frozen=True)
class OrganisationDetail:
    organisation: Organisation
    groups: list[RoleGroup]  # in Role order, only roles the organisation played

    @property
    def fabriques_count(self) -> int:
        return len({r.fabrique_id for group in self.groups for r in group.roles})


def organisation_detail(*, slug: str) -> OrganisationDetail | None:
    """An organisation and every public Fabrique it took part in, by role (2 queries).

    None when unknown or when it has no role in a public Fabrique.
    """
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        return None
    roles = list(
        FabriqueOrganisation.objects.filter(
            organisation=organisation, fabrique__status__in=PUBLIC_STATUSES
        )
        .select_related("fabrique__programme_year")
        .order_by("-fabrique__programme_year__year", "fabrique__title", "id")
    )
    if not roles:
        return None
    groups = [
        RoleGroup(
            role=role.value, label=str(role.label), roles=[r for r in roles if r.role == role.value]
        )
        for role in Role
    ]
    return OrganisationDetail(organisation=organisation, groups=[g for g in groups if g.roles])
