"""Reads for the programme: catalogue, Fabrique and organisation pages, workspace.

The public figures (per year, totals, breakdowns) live in ``statistics``, which this module
reads for the home page; statistics never reads this module.
"""

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from fabriques.accounts.models import PARTICIPATION_ROLES, Membership, MembershipRole, User
from fabriques.accounts.roles import Grants
from fabriques.core.models import AuditEvent
from fabriques.core.text import normalize
from fabriques.core.versioning import cached_by_version
from fabriques.territories.models import Departement, Participation, Region

from .models import (
    PUBLIC_STATUSES,
    AnctProgramme,
    Fabrique,
    FabriqueOrganisation,
    FabriqueStatus,
    Milestone,
    Organisation,
    ProgrammeYear,
    Resource,
    Role,
    Theme,
)
from .statistics import ProgrammeTotals, YearStatistics, public_statistics

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# --- Public site -------------------------------------------------------------------------
#
# Every selector below loads what its page shows in a fixed number of queries, whatever the
# amount of data: templates only read attributes and prefetched lists.


def public_fabriques() -> QuerySet[Fabrique]:
    """Fabriques the public may see (their cohort of territories is fixed)."""
    return Fabrique.objects.filter(status__in=PUBLIC_STATUSES)


def public_resources() -> QuerySet[Resource]:
    """The resources of the Fabriques the public may see."""
    return Resource.objects.filter(fabrique__status__in=PUBLIC_STATUSES)


# The prefetches of a Fabrique's lists, written once: the public pages, the workspace, the API
# and the open data show organisations and territories in the same order.


def themes_prefetch() -> Prefetch[str, QuerySet[Theme], str]:
    return Prefetch("themes", queryset=Theme.objects.order_by("name"))


def anct_programmes_prefetch() -> Prefetch[str, QuerySet[AnctProgramme], str]:
    return Prefetch("anct_programmes", queryset=AnctProgramme.objects.order_by("name"))


def roles_prefetch(
    *, role: str | None = None, to_attr: str | None = None
) -> Prefetch[str, QuerySet[FabriqueOrganisation], str]:
    """A Fabrique's organisation roles (or only those playing ``role``) with their
    organisation, in published order: position, then the organisation's name."""
    queryset = FabriqueOrganisation.objects.select_related("organisation")
    if role is not None:
        queryset = queryset.filter(role=role)
    return Prefetch(
        "roles", queryset=queryset.order_by("position", "organisation__name", "id"), to_attr=to_attr
    )


_PARTICIPATION_RELATED = ("commune", "epci", "qpv__departement", "departement__region")


def participations_prefetch(
    to_attr: str | None = None, *, related: tuple[str, ...] = _PARTICIPATION_RELATED
) -> Prefetch[str, QuerySet[Participation], str]:
    """A Fabrique's participations in published order, with entity, département and région
    (or only ``related``: a card reads the département alone)."""
    return Prefetch(
        "participations",
        queryset=Participation.objects.select_related(*related).order_by("position", "id"),
        to_attr=to_attr,
    )


def _card_queryset(queryset: QuerySet[Fabrique]) -> QuerySet[Fabrique]:
    """What a Fabrique card shows: year, themes, associations, territories."""
    return queryset.select_related("programme_year").prefetch_related(
        themes_prefetch(),
        roles_prefetch(role=Role.ELECTED_ASSOCIATION, to_attr="association_roles"),
        participations_prefetch(to_attr="card_participations", related=("departement",)),
    )


def public_fabrique_list(*, resources: bool = False) -> QuerySet[Fabrique]:
    """Public Fabriques, most recent year first, with everything a Fabrique page, the API and
    the open data show.

    Queries: the Fabriques (joined with their year), then one each for themes, ANCT
    programmes, organisation roles, participations (and resources if asked).
    """
    queryset = (
        public_fabriques()
        .select_related("programme_year")
        .prefetch_related(
            themes_prefetch(),
            anct_programmes_prefetch(),
            roles_prefetch(),
            participations_prefetch(),
        )
        .order_by("-programme_year__year", "title", "slug")
    )
    if resources:
        queryset = queryset.prefetch_related(
            Prefetch("resources", queryset=Resource.objects.order_by("position", "id"))
        )
    return queryset


@dataclass(frozen=True)
class HomeOverview:
    latest: list[Fabrique]
    years: list[YearStatistics]  # years with at least one public Fabrique, most recent first
    totals: ProgrammeTotals  # over every programme year, as the statistics page gives them
    departements: int

    @property
    def fabriques(self) -> int:
        return self.totals.fabriques

    @property
    def counted_territories(self) -> int:
        return self.totals.counted_territories

    @property
    def declared_territories(self) -> int | None:
        """None (« non publié ») when a programme year has no declared figure."""
        return self.totals.declared_territories

    @property
    def declared_complete(self) -> bool:
        """True when every programme year has a declared figure (the total is then published)."""
        return self.totals.declared_territories is not None

    @property
    def undeclared_years(self) -> tuple[int, ...]:
        return self.totals.undeclared_years

    @property
    def first_year(self) -> int | None:
        return self.years[-1].year if self.years else None

    @property
    def last_year(self) -> int | None:
        return self.years[0].year if self.years else None

    @property
    def year_list(self) -> list[int]:
        """The years with a public Fabrique, oldest first (the catalogue's years)."""
        return sorted(row.year for row in self.years)

    @property
    def years_contiguous(self) -> bool:
        """Whether « first–last » names every year: 2018–2026 must not stand for five."""
        years = self.year_list
        return bool(years) and years[-1] - years[0] + 1 == len(years)


def home_overview(*, latest: int = 3) -> HomeOverview:
    """Key figures (from the cached statistics, totals included) and the latest Fabriques."""
    figures = public_statistics()
    latest_fabriques = list(
        _card_queryset(public_fabriques()).order_by(
            "-programme_year__year", F("start_month").desc(nulls_last=True), "title"
        )[:latest]
    )
    return HomeOverview(
        latest=latest_fabriques,
        years=[row for row in figures.years if row.fabriques],
        totals=figures.totals,
        departements=len(figures.departements),
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


_SEARCH_WORD = re.compile(r"[^\W_]+")


def search_words(q: str) -> list[str]:
    """The normalised words of a search: accent-, case- and punctuation-insensitive."""
    return _SEARCH_WORD.findall(normalize(q))


def word_starts(field: str, q: str) -> Q:
    """Every word of ``q`` starts a word of ``field``, an accent-free search text: « sante »
    finds « Santé » and « santé-environnement », not « composante ». A regular expression
    both SQLite (Django's REGEXP) and PostgreSQL (~) run; the words hold letters and digits
    only, so nothing needs escaping."""
    condition = Q()
    for word in search_words(q):
        condition &= Q(**{f"{field}__regex": f"(^|[^a-z0-9]){word}"})
    return condition


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
    queryset = queryset.filter(word_starts("search_text", filters.q))
    queryset = _card_queryset(queryset)
    if filters.q:
        # What the cards say a Fabrique matched on (public.search) reads these too.
        queryset = queryset.prefetch_related(
            anct_programmes_prefetch(), roles_prefetch(to_attr="search_roles")
        )
    return queryset.order_by("-programme_year__year", "title", "pk")


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
    fabrique = public_fabrique_list(resources=True).filter(slug=slug).first()
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


def public_data_last_change() -> datetime.datetime | None:
    """When the published data last changed: the latest edit of a public Fabrique, of one of
    its territories or organisations, or of an organisation's role in it (the roles keep no
    date of their own: their history does, removals included). 4 queries."""
    public = Q(fabrique__status__in=PUBLIC_STATUSES)
    dates = [
        public_fabriques().aggregate(last=Max("updated_at"))["last"],
        Participation.objects.filter(public).aggregate(last=Max("updated_at"))["last"],
        Organisation.objects.filter(roles__fabrique__status__in=PUBLIC_STATUSES).aggregate(
            last=Max("updated_at")
        )["last"],
        FabriqueOrganisation.history.filter(public).aggregate(last=Max("history_date"))["last"],
    ]
    return max((d for d in dates if d is not None), default=None)


# --- Organisations -----------------------------------------------------------------------

_PUBLIC_ROLE = Q(roles__fabrique__status__in=PUBLIC_STATUSES)


class _FabriquesCount(TypedDict):
    fabriques_count: int


def public_organisations() -> "QuerySet[WithAnnotations[Organisation, _FabriquesCount]]":
    """Organisations that play a role in at least one public Fabrique, with that count
    (``fabriques_count``), by name: the API's list and the open data (1 query)."""
    return (
        Organisation.objects.filter(
            Exists(
                FabriqueOrganisation.objects.filter(
                    organisation=OuterRef("pk"), fabrique__status__in=PUBLIC_STATUSES
                )
            )
        )
        .annotate(fabriques_count=Count("roles__fabrique", filter=_PUBLIC_ROLE, distinct=True))
        .order_by("name", "slug")
    )


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
    return queryset.filter(word_starts("search_text", q)).order_by("name", "pk")


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


# --- Workspace ---------------------------------------------------------------------------
#
# What signed-in people see of the Fabriques they take part in. Access is decided by
# access.py; these selectors only load, in a fixed number of queries.


def _visible_fabriques(grants: Grants) -> QuerySet[Fabrique]:
    """The Fabriques a person sees in their workspace with their year, most recent year first."""
    ids = grants.visible_fabrique_ids()
    queryset = Fabrique.objects.all() if ids is None else Fabrique.objects.filter(pk__in=ids)
    return queryset.select_related("programme_year").order_by(
        "-programme_year__year", "title", "pk"
    )


def workspace_fabriques(*, grants: Grants) -> QuerySet[Fabrique]:
    """The Fabriques a person sees in their workspace, with their themes (+1 prefetch)."""
    return _visible_fabriques(grants).prefetch_related(themes_prefetch())


def active_workspace_fabriques(*, grants: Grants) -> QuerySet[Fabrique]:
    """The person's Fabriques that are not yet published (the home page's cards, no themes)."""
    done = (FabriqueStatus.PUBLISHED, FabriqueStatus.FOLLOW_UP)
    return _visible_fabriques(grants).exclude(status__in=done)


def fabrique_role_labels(grants: Grants, fabrique_id: int) -> list[str]:
    """What the person is in a Fabrique, in words (no query: read from their grants)."""
    labels = []
    if grants.is_admin:
        labels.append(_("Administrateur ANCT"))
    elif fabrique_id in grants.piloted:
        labels.append(_("Pilote ANCT"))
    if grants.is_provider_of(fabrique_id):
        labels.append(_("Prestataire"))
    if grants.is_partner_of(fabrique_id):
        labels.append(_("Partenaire"))
    if grants.is_referent_in(fabrique_id):
        labels.append(_("Référent d’un territoire accompagné"))
    return labels


_NOT_IDEA = ~Q(fabriques__status=FabriqueStatus.IDEA)


def programme_years_overview() -> QuerySet[ProgrammeYear]:
    """Every programme year with its Fabriques counted: all, and designed or later (1 query)."""
    return ProgrammeYear.objects.annotate(
        n_fabriques=Count("fabriques"),
        n_designed=Count("fabriques", filter=_NOT_IDEA),
    ).order_by("-year")


def year_progress(*, year: int) -> ProgrammeYear | None:
    """A programme year with n_fabriques and n_designed, or None (1 query)."""
    return programme_years_overview().filter(year=year).first()


@dataclass(frozen=True)
class WorkspaceFabriqueDetail:
    fabrique: Fabrique
    themes: list[Theme]
    programmes: list[AnctProgramme]
    associations: list[FabriqueOrganisation]
    partners: list[FabriqueOrganisation]
    cofunders: list[FabriqueOrganisation]
    provider: FabriqueOrganisation | None
    participations: list[Participation]
    milestones: list[Milestone]


def workspace_fabrique_detail(*, fabrique: Fabrique) -> WorkspaceFabriqueDetail:
    """Everything the Fabrique's workspace page shows, 5 queries: themes, programmes,
    organisation roles, participations with their département (the page shows their stored
    label, not their entity), milestones."""
    prefetch_related_objects(
        [fabrique],
        themes_prefetch(),
        anct_programmes_prefetch(),
        roles_prefetch(),
        participations_prefetch(related=("departement",)),
        Prefetch("milestones", queryset=Milestone.objects.order_by("date", "position", "id")),
    )
    roles = list(fabrique.roles.all())
    providers = [r for r in roles if r.role == Role.PROVIDER]
    return WorkspaceFabriqueDetail(
        fabrique=fabrique,
        themes=list(fabrique.themes.all()),
        programmes=list(fabrique.anct_programmes.all()),
        associations=[r for r in roles if r.role == Role.ELECTED_ASSOCIATION],
        partners=[r for r in roles if r.role == Role.PARTNER],
        cofunders=[r for r in roles if r.role == Role.COFUNDER],
        provider=providers[0] if providers else None,
        participations=list(fabrique.participations.all()),
        milestones=list(fabrique.milestones.all()),
    )


def fabrique_organisation_roles(*, fabrique: Fabrique) -> list[FabriqueOrganisation]:
    """The Fabrique's organisation roles in Role order, then position (1 query)."""
    order = {role.value: index for index, role in enumerate(Role)}
    roles = FabriqueOrganisation.objects.filter(fabrique=fabrique).select_related("organisation")
    return sorted(roles, key=lambda r: (order.get(r.role, 99), r.position, r.pk))


def fabrique_team(*, fabrique: Fabrique) -> QuerySet[Membership]:
    """Everyone with a role on the Fabrique: its pilots, the people of its partner organisations
    and of its provider, the referents of its territories (1 query).

    An organisation's people count when their role is held for this Fabrique, or
    organisation-wide (an administrator's grant), and the organisation plays that part here;
    roles held in the same organisation for another Fabrique are not part of this team."""
    roles = FabriqueOrganisation.objects.filter(fabrique=fabrique)
    here = Q(fabrique=fabrique) | Q(fabrique__isnull=True)
    return (
        Membership.objects.filter(
            Q(role=MembershipRole.ANCT_PILOT, fabrique=fabrique)
            | (
                Q(
                    role=MembershipRole.PARTNER_MEMBER,
                    organisation__in=roles.exclude(role=Role.PROVIDER).values("organisation"),
                )
                & here
            )
            | (
                Q(
                    role=MembershipRole.PROVIDER_CONSULTANT,
                    organisation__in=roles.filter(role=Role.PROVIDER).values("organisation"),
                )
                & here
            )
            | Q(role__in=PARTICIPATION_ROLES, participation__fabrique=fabrique)
        )
        .select_related("user", "organisation", "participation")
        .order_by("role", "user__last_name", "user__first_name", "id")
    )


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryChange:
    date: datetime.datetime
    user: User | None  # the person who saved, or None (import, command)
    subject: str  # "Fabrique" or the organisation and its role
    kind: str  # created, changed, deleted (history_type +, ~, -)
    changes: list[FieldChange]
    partial: bool = False  # the previous version is older than the listed ones


@dataclass(frozen=True)
class FabriqueHistory:
    events: list[AuditEvent]
    changes: list[HistoryChange]  # most recent first
    truncated: bool  # more than `limit` events or versions exist


_HISTORY_IGNORED = {"id", "created_at", "updated_at", "search_text", "position"}


def _value_text(model: Any, name: str, value: Any, years: dict[int, int]) -> str:
    if value is None or value == "":
        return "—"
    field = model._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if name == "programme_year":
        return str(years.get(value, value))
    if isinstance(value, datetime.date):
        return date_format(value, "F Y" if name.endswith("_month") else "j F Y")
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def _history_changes(
    records: list[Any], model: Any, subject: Any, years: dict[int, int]
) -> list[HistoryChange]:
    """Turn historical records (oldest first) into changes, diffing each with the previous
    version of the same row when it is among the records (no query)."""
    previous: dict[int, Any] = {}
    changes = []
    for record in records:
        prev = previous.get(record.id)
        fields: list[FieldChange] = []
        if record.history_type == "~" and prev is not None:
            delta = record.diff_against(prev, excluded_fields=_HISTORY_IGNORED)
            fields = [
                FieldChange(
                    label=str(model._meta.get_field(change.field).verbose_name),
                    old=_value_text(model, change.field, change.old, years),
                    new=_value_text(model, change.field, change.new, years),
                )
                for change in delta.changes
            ]
        previous[record.id] = record
        if record.history_type == "~" and prev is not None and not fields:
            continue  # saved without a visible change
        changes.append(
            HistoryChange(
                date=record.history_date,
                user=record.history_user,
                subject=subject(record),
                kind={"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
                changes=fields,
                partial=record.history_type == "~" and prev is None,
            )
        )
    return changes


def fabrique_history(*, fabrique: Fabrique, limit: int = 100) -> FabriqueHistory:
    """The Fabrique's audit events and the versions of it and its organisation roles.

    4 queries: audit events, the Fabrique's versions, its roles' versions with organisations,
    programme years (to name them in diffs).
    """
    events = list(
        AuditEvent.objects.filter(
            object_type=Fabrique._meta.label_lower, object_id=str(fabrique.pk)
        )
        .select_related("actor")
        .order_by("-created_at", "-id")[: limit + 1]
    )
    fabrique_records = list(
        Fabrique.history.filter(id=fabrique.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    role_records = list(
        FabriqueOrganisation.history.filter(fabrique_id=fabrique.pk)
        .select_related("history_user", "organisation")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    truncated = max(len(events), len(fabrique_records), len(role_records)) > limit
    years = dict(ProgrammeYear.objects.values_list("pk", "year"))
    role_labels = dict(Role.choices)
    changes = _history_changes(
        fabrique_records[:limit][::-1], Fabrique, lambda r: str(_("Fabrique")), years
    ) + _history_changes(
        role_records[:limit][::-1],
        FabriqueOrganisation,
        lambda r: f"{r.organisation} — {role_labels.get(r.role, r.role)}",
        years,
    )
    changes.sort(key=lambda change: change.date, reverse=True)
    return FabriqueHistory(events=events[:limit], changes=changes, truncated=truncated)
