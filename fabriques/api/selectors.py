"""Reads behind the API: public objects only, with the joins and prefetches each endpoint needs.

Every list reads a fixed number of queries whatever the number of rows (see the query budgets
in tests/test_api.py). The Fabrique and organisation querysets are the programme's, which the
public pages and the open data read too.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils.text import slugify

from fabriques.programme import selectors as programme_selectors
from fabriques.programme.models import (
    PUBLIC_STATUSES,
    AnctProgramme,
    FabriqueOrganisation,
    Theme,
)
from fabriques.territories.models import (
    ENTITY_MODELS,
    Commune,
    Epci,
    Participation,
    ParticipationKind,
    Qpv,
)
from fabriques.territories.selectors import (
    ENTITY_ID,
    ENTITY_NAME,
    entity_filter,
    territory_identifier,
)


def public_organisation_detail():
    return programme_selectors.public_organisations().prefetch_related(
        Prefetch(
            "roles",
            queryset=FabriqueOrganisation.objects.filter(fabrique__status__in=PUBLIC_STATUSES)
            .select_related("fabrique__programme_year")
            .order_by("role", "-fabrique__programme_year__year", "fabrique__title", "id"),
        )
    )


def _public_count(relation: str):
    return Count(relation, filter=Q(**{f"{relation}__status__in": PUBLIC_STATUSES}), distinct=True)


def themes_with_counts():
    return Theme.objects.annotate(fabriques_count=_public_count("fabriques")).order_by(
        "name", "slug"
    )


def programmes_with_counts():
    return AnctProgramme.objects.annotate(fabriques_count=_public_count("fabriques")).order_by(
        "name", "slug"
    )


# Territories ---------------------------------------------------------------------------------
#
# An accompanied territory is a referential entity (commune, EPCI or QPV) that took part in at
# least one public Fabrique; its participations are grouped under it. Its identifier is built
# from official codes so that it survives a re-import: "commune-16015", "epci-200071827",
# "qpv-QN01601M", or, for a QPV whose code is unknown, "qpv-<département>-<slug of its name>"
# (QPV names are unique within a département).


@dataclass
class Territory:
    kind: str
    entity: Commune | Epci | Qpv
    participations: list[Participation] = field(default_factory=list)

    @property
    def code(self) -> str | None:
        if isinstance(self.entity, Epci):
            return self.entity.siren
        return self.entity.code or None

    @property
    def identifier(self) -> str:
        return territory_identifier(self.kind, self.entity)

    @property
    def name(self) -> str:
        return self.entity.name

    @property
    def departement(self):
        return self.entity.departement


def public_territory_participations():
    return Participation.objects.filter(fabrique__status__in=PUBLIC_STATUSES)


def territory_keys(participations):
    """One row per referential entity among ``participations``, by name: for pagination."""
    return (
        participations.annotate(entity_id=ENTITY_ID, entity_name=ENTITY_NAME)
        .values("kind", "entity_id", "entity_name")
        .annotate(fabriques_count=Count("fabrique_id", distinct=True))
        .order_by("entity_name", "kind", "entity_id")
    )


def load_territories(keys) -> list[Territory]:
    """Territories for a page of ``territory_keys`` rows, in the same order.

    Queries: one per kind present on the page (the entities with département and région),
    then one for all their public participations with their Fabrique.
    """
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for key in keys:
        ids_by_kind[key["kind"]].append(key["entity_id"])
    entities = {
        (kind, entity.pk): entity
        for kind, ids in ids_by_kind.items()
        for entity in ENTITY_MODELS[kind]
        .objects.filter(pk__in=ids)
        .select_related("departement__region")
    }
    territories = {
        (key["kind"], key["entity_id"]): Territory(
            kind=key["kind"], entity=entities[(key["kind"], key["entity_id"])]
        )
        for key in keys
    }
    if territories:
        participations = (
            public_territory_participations()
            .filter(entity_filter(ids_by_kind))
            .select_related("fabrique__programme_year")
            .order_by("-fabrique__programme_year__year", "fabrique__title", "fabrique__slug")
        )
        for participation in participations:
            entity_id = getattr(participation, f"{participation.kind}_id")
            territories[(participation.kind, entity_id)].participations.append(participation)
    return list(territories.values())


def find_territory_entity(identifier: str):
    """The (kind, entity) an identifier names, or None. Reads one query at most."""
    kind, _, rest = identifier.partition("-")
    if not rest:
        return None
    entity: Commune | Epci | Qpv | None
    if kind == ParticipationKind.COMMUNE:
        entity = Commune.objects.filter(code=rest).first()
    elif kind == ParticipationKind.EPCI:
        entity = Epci.objects.filter(siren=rest).first()
    elif kind == ParticipationKind.QPV:
        departement_code, _, name_slug = rest.partition("-")
        qpvs = Qpv.objects.select_related("departement")
        if name_slug:
            # Unknown code: match the slug of the name among the département's QPV.
            entity = next(
                (
                    qpv
                    for qpv in qpvs.filter(code="", departement__code=departement_code)
                    if slugify(qpv.name) == name_slug
                ),
                None,
            )
        else:
            entity = qpvs.filter(code=rest).first()
    else:
        return None
    return (kind, entity) if entity is not None else None


def public_territory(identifier: str) -> Territory | None:
    """The accompanied territory an identifier names, or None when it took part in no public
    Fabrique."""
    found = find_territory_entity(identifier)
    if found is None:
        return None
    kind, entity = found
    keys = [{"kind": kind, "entity_id": entity.pk}]
    territories = load_territories(keys)
    territory = territories[0]
    return territory if territory.participations else None
