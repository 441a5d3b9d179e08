"""Reads for territory pages: referential facts and the Fabriques each territory joined.

Each selector costs a fixed number of queries whatever the number of Fabriques or
participations; templates only read what is loaded here.
"""

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import OrderBy
from django.db.models.functions import Lower, Replace

from fabriques.core.text import normalize
from fabriques.programme.models import PUBLIC_STATUSES

from .models import Commune, Departement, Epci, Participation, ParticipationKind, Qpv


class Relation:
    """How a territory page's territory is involved in a participation."""

    SELF = "self"  # the territory itself was accompanied
    HOSTED_QPV = "hosted_qpv"  # a QPV it hosts (published with it as host authority)
    QPV_IN_COMMUNE = "qpv_in_commune"  # a QPV located in the commune, hosted by its EPCI
    EPCI = "epci"  # an EPCI the commune belongs to
    MEMBER = "member"  # a member commune of the EPCI
    MEMBER_QPV = "member_qpv"  # a QPV hosted by a member commune of the EPCI


@dataclass(frozen=True)
class TerritoryFabrique:
    participation: Participation  # with .fabrique (and its year), entity and host
    relation: str  # a Relation value

    @property
    def fabrique(self):
        return self.participation.fabrique


def public_participations() -> QuerySet[Participation]:
    """Participations in public Fabriques, most recent first, with everything a row of a table
    or an export shows (site, API, open data)."""
    return (
        Participation.objects.filter(fabrique__status__in=PUBLIC_STATUSES)
        .select_related(
            "fabrique__programme_year", "commune", "epci", "qpv__departement", "departement__region"
        )
        .order_by(
            "-fabrique__programme_year__year", "fabrique__title", "fabrique__slug", "position", "id"
        )
    )


# The referential entity a participation points to (for a QPV, the QPV rather than its host),
# as SQL expressions: they group participations by territory for pagination in the database.
ENTITY_ID = Case(
    When(kind=ParticipationKind.QPV, then=F("qpv_id")),
    When(kind=ParticipationKind.EPCI, then=F("epci_id")),
    default=F("commune_id"),
)
ENTITY_NAME = Case(
    When(kind=ParticipationKind.QPV, then=F("qpv__name")),
    When(kind=ParticipationKind.EPCI, then=F("epci__name")),
    default=F("commune__name"),
    output_field=CharField(),
)


def entity_filter(ids_by_kind: dict[str, list[int]]) -> Q:
    """Participations whose entity is one of the given ids, per kind."""
    condition = Q(pk__in=[])
    for kind, ids in ids_by_kind.items():
        condition |= Q(kind=kind, **{f"{kind}_id__in": ids})
    return condition


@dataclass(frozen=True)
class CommunePage:
    commune: Commune  # with département and région
    epcis: list[Epci]
    qpvs: list[Qpv]
    fabriques: list[TerritoryFabrique]


def commune_page(*, code: str) -> CommunePage | None:
    """A commune, its EPCI and QPV, and every public Fabrique it joined (4 queries).

    Directly, through a QPV it hosts or that lies in it, or through its EPCI.
    """
    commune = (
        Commune.objects.select_related("departement__region")
        .prefetch_related(
            Prefetch("epcis", queryset=Epci.objects.order_by("name")),
            Prefetch("qpvs", queryset=Qpv.objects.order_by("name")),
        )
        .filter(code=code)
        .first()
    )
    if commune is None:
        return None
    epcis, qpvs = list(commune.epcis.all()), list(commune.qpvs.all())
    participations = public_participations().filter(
        Q(commune=commune)
        | Q(kind=ParticipationKind.EPCI, epci__in=[e.pk for e in epcis])
        | Q(kind=ParticipationKind.QPV, qpv__in=[q.pk for q in qpvs])
    )
    rows = []
    for participation in participations:
        if participation.kind == ParticipationKind.COMMUNE:
            relation = Relation.SELF
        elif participation.kind == ParticipationKind.EPCI:
            relation = Relation.EPCI
        elif participation.commune_id == commune.pk:
            relation = Relation.HOSTED_QPV
        else:
            relation = Relation.QPV_IN_COMMUNE
        rows.append(TerritoryFabrique(participation, relation))
    return CommunePage(commune=commune, epcis=epcis, qpvs=qpvs, fabriques=rows)


@dataclass(frozen=True)
class EpciPage:
    epci: Epci  # with département and région
    communes: list[Commune]  # member communes, by name
    fabriques: list[TerritoryFabrique]


def epci_page(*, siren: str) -> EpciPage | None:
    """An EPCI, its member communes and every public Fabrique it or they joined (3 queries)."""
    epci = (
        Epci.objects.select_related("departement__region")
        .prefetch_related(Prefetch("communes", queryset=Commune.objects.order_by("name", "code")))
        .filter(siren=siren)
        .first()
    )
    if epci is None:
        return None
    members = Epci.communes.through.objects.filter(epci=epci).values("commune_id")
    participations = public_participations().filter(
        Q(epci=epci)
        | Q(kind__in=[ParticipationKind.COMMUNE, ParticipationKind.QPV], commune__in=members)
    )
    rows = []
    for participation in participations:
        if participation.epci_id == epci.pk:
            relation = (
                Relation.SELF
                if participation.kind == ParticipationKind.EPCI
                else Relation.HOSTED_QPV
            )
        elif participation.kind == ParticipationKind.COMMUNE:
            relation = Relation.MEMBER
        else:
            relation = Relation.MEMBER_QPV
        rows.append(TerritoryFabrique(participation, relation))
    return EpciPage(epci=epci, communes=list(epci.communes.all()), fabriques=rows)


@dataclass(frozen=True)
class QpvPage:
    qpv: Qpv  # with département and région
    communes: list[Commune]
    hosts: list[Commune | Epci]  # host authorities as published with its participations
    fabriques: list[TerritoryFabrique]


def qpv_page(*, pk: int) -> QpvPage | None:
    """A QPV, its communes, its host authority and its public Fabriques (3 queries)."""
    qpv = (
        Qpv.objects.select_related("departement__region")
        .prefetch_related(Prefetch("communes", queryset=Commune.objects.order_by("name")))
        .filter(pk=pk)
        .first()
    )
    if qpv is None:
        return None
    participations = list(public_participations().filter(qpv=qpv))
    hosts: list[Commune | Epci] = []
    for participation in participations:
        if participation.host is not None and participation.host not in hosts:
            hosts.append(participation.host)
    return QpvPage(
        qpv=qpv,
        communes=list(qpv.communes.all()),
        hosts=hosts,
        fabriques=[TerritoryFabrique(p, Relation.SELF) for p in participations],
    )


@dataclass
class AccompaniedTerritory:
    """One referential territory and the public Fabriques it joined."""

    kind: str
    entity: Commune | Epci | Qpv
    departement: Departement  # with its région
    label: str  # as published in its first participation
    participations: list[Participation] = field(default_factory=list)

    @property
    def host(self):
        return self.participations[0].host if self.participations else None


def accompanied_territories_page(
    *, kind: str | None = None, page_number: int | str | None = 1, per_page: int = 20
) -> Page:
    """One page of accompanied territories, paginated in SQL (3 queries whatever the data).

    The distinct territories are counted and sliced in the database, by département then
    name; only the page's participations are then loaded.
    """
    rows = Participation.objects.filter(fabrique__status__in=PUBLIC_STATUSES)
    if kind:
        rows = rows.filter(kind=kind)
    keys = (
        rows.annotate(entity_id=ENTITY_ID, sort_name=Lower(ENTITY_NAME))
        .values("kind", "entity_id", "departement__code", "sort_name")
        .distinct()
        .order_by("departement__code", "sort_name", "kind", "entity_id")
    )
    page = Paginator(keys, per_page).get_page(page_number)
    wanted = [(key["kind"], key["entity_id"]) for key in page.object_list]
    by_kind: dict[str, list[int]] = {}
    for key_kind, pk in wanted:
        by_kind.setdefault(key_kind, []).append(pk)
    territories: dict[tuple[str, int], AccompaniedTerritory] = {}
    for participation in public_participations().filter(entity_filter(by_kind)):
        entity = participation.entity
        key = (participation.kind, entity.pk)
        if key not in territories:
            territories[key] = AccompaniedTerritory(
                kind=participation.kind,
                entity=entity,
                departement=participation.departement,
                label=entity.name,
            )
        territories[key].participations.append(participation)
    # The page keeps its paginator; its rows become the loaded territories, in page order.
    page.object_list = [territories[key] for key in wanted if key in territories]  # type: ignore[misc]
    return page


# --------------------------------------------------------------------------------------------
# Search (application form autocomplete)

TERRITORY_SEARCH_MIN_LENGTH = 2
TERRITORY_SEARCH_MAX_RESULTS = 10
_SEARCH_TOKEN = re.compile(r"[^0-9a-z]+")
# INSEE commune codes (2A004, 97411), EPCI SIREN (9 digits), QPV codes (QN07501M, QP075001).
_CODE = re.compile(r"^[0-9a-z]{2,9}$")


@dataclass(frozen=True)
class TerritoryMatch:
    """One referential territory found by `territory_search`."""

    kind: str  # a ParticipationKind value
    pk: int
    name: str
    code: str  # INSEE code, SIREN, QPV code (may be empty)
    departement_code: str
    departement_name: str
    rank: int = 2  # 0: exact code or name, 1: name starts with the query, 2: contains it

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name

    @property
    def kind_label(self) -> str:
        return str(ParticipationKind(self.kind).label)

    @property
    def ref(self) -> str:
        """A stable reference for forms: « commune:12 »."""
        return f"{self.kind}:{self.pk}"


# search_name with hyphens and apostrophes as spaces: « saint etienne » is « Saint-Étienne ».
_SPACED_NAME = Replace(Replace("search_name", Value("-"), Value(" ")), Value("'"), Value(" "))
_KIND_ORDER: dict[str, int] = {
    ParticipationKind.COMMUNE: 0,
    ParticipationKind.EPCI: 1,
    ParticipationKind.QPV: 2,
}


def territory_search(
    *, q: str, limit: int = TERRITORY_SEARCH_MAX_RESULTS, kinds: Collection[str] | None = None
) -> list[TerritoryMatch]:
    """Communes, EPCI and QPV (or only `kinds`) whose name or code matches `q` (3 queries at most).

    Accent- and case-insensitive on names (through `search_name`), every word of the query
    must appear; codes match from their start. Exact matches come first, then names that
    start with the query, then the most populated. At most ten results; nothing under two
    characters.
    """
    text = normalize(q)[:100]
    limit = max(1, min(limit, TERRITORY_SEARCH_MAX_RESULTS))
    tokens = [t for t in _SEARCH_TOKEN.split(text) if t]
    if len("".join(tokens)) < TERRITORY_SEARCH_MIN_LENGTH:
        return []
    code = text.replace(" ", "") if _CODE.match(text.replace(" ", "")) else ""
    joined = " ".join(tokens)
    results: list[TerritoryMatch] = []
    populated_first = F("population").desc(nulls_last=True)
    specs: tuple[tuple[str, type[Commune | Epci | Qpv], str, OrderBy | str], ...] = (
        (ParticipationKind.COMMUNE, Commune, "code", populated_first),
        (ParticipationKind.EPCI, Epci, "siren", populated_first),
        (ParticipationKind.QPV, Qpv, "code", "name"),
    )
    for kind, model, code_field, popularity in specs:
        if kinds is not None and kind not in kinds:
            continue
        by_name = Q()
        for token in tokens:
            by_name &= Q(search_name__contains=token)
        condition = by_name
        rank = Case(
            When(search_name=text, then=0),
            When(spaced_name=joined, then=0),
            When(search_name__startswith=tokens[0], then=1),
            default=2,
            output_field=IntegerField(),
        )
        if code:
            # Codes are stored upper-case (2A004, QN07501M); SIREN and most INSEE codes are digits.
            condition |= Q(**{f"{code_field}__istartswith": code})
            rank = Case(When(**{f"{code_field}__iexact": code}, then=0), default=rank)
        rows = (
            model.objects.filter(condition)
            .annotate(spaced_name=_SPACED_NAME)
            .annotate(rank=rank)
            .select_related("departement")
            .order_by("rank", popularity, "name", "pk")[:limit]
        )
        for row in rows:
            results.append(
                TerritoryMatch(
                    kind=kind,
                    pk=row.pk,
                    name=row.name,
                    code=getattr(row, code_field),
                    departement_code=row.departement.code,
                    departement_name=row.departement.name,
                    rank=row.rank,
                )
            )
    results.sort(key=lambda m: (m.rank, _KIND_ORDER[m.kind]))
    return results[:limit]
