"""Reads for the public territory pages: a commune, EPCI or QPV and the public Fabriques it
joined, and the paginated list of accompanied territories.

They filter participations by their Fabrique's public status, which the programme owns, so they
live here rather than in ``territories`` (below the programme). Kept apart from ``selectors``
to keep each module short. Each selector costs a fixed number of queries whatever the number of
Fabriques or participations; templates only read what is loaded here.
"""

from dataclasses import dataclass, field
from typing import cast

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from fabriques.territories.models import (
    Commune,
    Departement,
    Epci,
    Participation,
    ParticipationKind,
    Qpv,
)
from fabriques.territories.selectors import ENTITY_ID, ENTITY_NAME, entity_filter

from .models import PUBLIC_STATUSES, Fabrique


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
    def fabrique(self) -> Fabrique:
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
    def host(self) -> Commune | Epci | None:
        return self.participations[0].host if self.participations else None


def accompanied_territories_page(
    *, kind: str | None = None, page_number: int | str | None = 1, per_page: int = 20
) -> Page[AccompaniedTerritory]:
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
    return cast("Page[AccompaniedTerritory]", page)  # its rows, replaced just above
