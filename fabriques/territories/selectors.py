"""Reads of the referential: territory search, identifiers and how participations point to
their entity.

Which participations are public depends on their Fabrique's status, which the programme owns
(above this app): the public territory pages are read by ``programme.territory_selectors``.
"""

import re
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.expressions import OrderBy
from django.db.models.functions import Replace
from django.utils.text import slugify
from django.utils.translation import gettext as _

from fabriques.core.text import normalize

from .models import Commune, Epci, ParticipationKind, Qpv

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


def territory_identifier(kind: str, entity: Commune | Epci | Qpv) -> str:
    """A territory's public identifier, built from official codes so that it survives a
    re-import: "commune-16015", "epci-200071827", "qpv-QN01601M", or, for a QPV whose code is
    unknown, "qpv-<département>-<slug of its name>" (QPV names are unique within a
    département). Used by the API's territory URLs and the open-data files alike."""
    if isinstance(entity, Epci):
        return f"epci-{entity.siren}"
    if isinstance(entity, Qpv) and not entity.code:
        return f"qpv-{entity.departement.code}-{slugify(entity.name)}"
    return f"{kind}-{entity.code}"


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
        return territory_label(self)

    @property
    def kind_label(self) -> str:
        return str(ParticipationKind(self.kind).label)

    @property
    def ref(self) -> str:
        """A stable reference for forms: « commune:12 »."""
        return f"{self.kind}:{self.pk}"


def territory_code(entity: Commune | Epci | Qpv) -> str:
    """The official code a territory is known by: a commune's INSEE code (never its SIREN),
    an EPCI's SIREN, a QPV's code (empty when unknown)."""
    return entity.siren if isinstance(entity, Epci) else entity.code


def territory_label(entity: Commune | Epci | Qpv | TerritoryMatch) -> str:
    """The one label of a territory, « Saint-Étienne (42218) », « Saint-Étienne Métropole
    (244200770) », « Montreynaud (QN04201M) », or the name alone for a QPV without a code.

    The autocomplete offers it, the application form shows it back when a draft is reopened
    and accepts it (`calls.selectors.territory_resolve`), and the pages and e-mails print it:
    one function, so that what is displayed is always what the form resolves.
    """
    code = entity.code if isinstance(entity, TerritoryMatch) else territory_code(entity)
    return f"{entity.name} ({code})" if code else entity.name


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
                    code=territory_code(row),
                    departement_code=row.departement.code,
                    departement_name=row.departement.name,
                    rank=row.rank,
                )
            )
    results.sort(key=lambda m: (m.rank, _KIND_ORDER[m.kind]))
    return results[:limit]


# --------------------------------------------------------------------------------------------
# Where a QPV comes from, as a visitor may read it


@dataclass(frozen=True)
class PublicSource:
    """A source as the public pages cite it: never a file path of the server."""

    title: str
    publisher: str
    licence: str
    note: str = ""


def qpv_public_source(qpv: Qpv) -> PublicSource | None:
    """The public name of the file a QPV was imported from (``Qpv.source`` holds its path).

    The repository's file holds the QPV named in ANCT's description of the programme
    (data/referential/qpv/README.md); any other file is a list in ANCT's format that an
    administrator imported (``import_qpv``), of which only that much is known.
    """
    if not qpv.source:
        return None
    if qpv.source.endswith("data/referential/qpv/programme-qpv.csv"):
        return PublicSource(
            title=_(
                "Les Fabriques Prospectives : accompagner les territoires dans les transitions"
            ),
            publisher=_("Agence nationale de la cohésion des territoires (ANCT)"),
            licence=_("Licence Ouverte 2.0"),
            note=_(
                "Quartier nommé dans la description du programme ; son code officiel n’y "
                "figure pas."
            ),
        )
    return PublicSource(
        title=_("Liste des quartiers prioritaires de la politique de la ville"),
        publisher=_("Agence nationale de la cohésion des territoires (ANCT)"),
        # Unknown here: the file may come from any publication of the list.
        licence="",
        note=_("Fichier au format de l’ANCT importé par l’équipe de la plateforme."),
    )
