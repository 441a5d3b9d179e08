"""The open datasets: one row builder per dataset, described by its Table Schema.

Each dataset's columns are the ``fields`` of its descriptor in ``schemas/<name>.schema.json``
(the single source of truth: a test checks that the rows carry exactly those keys). Rows hold
Python values: ``None`` for a missing value, a list for a list of names. The CSV writer joins
lists with " | " and writes ``None`` as an empty cell; the JSON writer keeps lists as arrays and
``None`` as null.
"""

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db.models import Count
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fabriques.programme.models import PUBLIC_STATUSES, FabriqueOrganisation, Role
from fabriques.programme.selectors import (
    anct_programmes_prefetch,
    public_fabriques,
    public_organisations,
    roles_prefetch,
    themes_prefetch,
)
from fabriques.programme.territory_selectors import public_participations
from fabriques.territories.selectors import territory_identifier
from fabriques.workshops.selectors.figures import (
    family_label,
    is_suppressed,
    public_family_attendance,
)

from . import library_datasets

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
LIST_SEPARATOR = " | "
# Rows read from the database this many at a time: memory stays flat as the programme grows.
CHUNK = 500


def _month(value) -> str | None:
    return f"{value:%Y-%m}" if value else None


def _names(objects) -> list[str]:
    return [obj.name for obj in objects]


def fabrique_rows() -> Iterator[dict]:
    """One row per public Fabrique, territories counted by the database. Queries: 4 per
    chunk of 500 Fabriques (Fabriques, themes, programmes, roles)."""
    fabriques = (
        public_fabriques()
        .select_related("programme_year")
        .prefetch_related(themes_prefetch(), anct_programmes_prefetch(), roles_prefetch())
        .annotate(participations_count=Count("participations"))
        .order_by("-programme_year__year", "title", "slug")
    )
    for fabrique in fabriques.iterator(chunk_size=CHUNK):
        roles = list(fabrique.roles.all())
        by_role = {
            role: [r.organisation.name for r in roles if r.role == role] for role in Role.values
        }
        yield (
            {
                "slug": fabrique.slug,
                "title": fabrique.title,
                "year": fabrique.programme_year.year,
                "status": fabrique.status,
                "start_month": _month(fabrique.start_month),
                "end_month": _month(fabrique.end_month),
                "themes": _names(fabrique.themes.all()),
                "anct_programmes": _names(fabrique.anct_programmes.all()),
                "associations": by_role[Role.ELECTED_ASSOCIATION],
                "partners": by_role[Role.PARTNER],
                "cofunders": by_role[Role.COFUNDER],
                "providers": by_role[Role.PROVIDER],
                "territories_count": fabrique.participations_count,
                "summary": fabrique.summary or None,
                "objective": fabrique.objective or None,
                "cofinancing": fabrique.cofinancing or None,
            }
        )


def participation_rows() -> Iterator[dict]:
    """One row per territory accompanied by a public Fabrique. Queries: 1 per chunk."""
    for participation in public_participations().iterator(chunk_size=CHUNK):
        fabrique = participation.fabrique
        entity = participation.entity
        departement = participation.departement
        yield (
            {
                "fabrique_slug": fabrique.slug,
                "fabrique_title": fabrique.title,
                "year": fabrique.programme_year.year,
                "label": participation.label,
                "kind": participation.kind,
                "code": participation.code or None,
                "name": entity.name,
                "territory_id": territory_identifier(participation.kind, entity),
                "commune_code": participation.commune.code if participation.commune else None,
                "epci_siren": participation.epci.siren if participation.epci else None,
                # A QPV is set exactly on QPV participations (territories_participation_one_entity).
                "qpv_code": (participation.qpv.code or None) if participation.qpv else None,
                "departement": departement.code,
                "departement_name": departement.name,
                "region": departement.region.code,
                "region_name": departement.region.name,
            }
        )


def organisation_rows() -> Iterator[dict]:
    """One row per organisation with a role in a public Fabrique. Queries: 1 per chunk."""
    return (
        {
            "slug": organisation.slug,
            "name": organisation.name,
            "acronym": organisation.acronym or None,
            "kind": organisation.kind,
            "kind_label": str(organisation.get_kind_display()),
            "siren": organisation.siren or None,
            "website": organisation.website or None,
            "fabriques_count": organisation.fabriques_count,
        }
        for organisation in public_organisations().iterator(chunk_size=CHUNK)
    )


def role_rows() -> Iterator[dict]:
    """One row per role of an organisation in a public Fabrique. Queries: 1 per chunk."""
    roles = (
        FabriqueOrganisation.objects.filter(fabrique__status__in=PUBLIC_STATUSES)
        .select_related("fabrique__programme_year", "organisation")
        .order_by(
            "-fabrique__programme_year__year",
            "fabrique__title",
            "fabrique__slug",
            "role",
            "position",
            "id",
        )
    )
    return (
        {
            "fabrique_slug": role.fabrique.slug,
            "year": role.fabrique.programme_year.year,
            "organisation_slug": role.organisation.slug,
            "organisation_name": role.organisation.name,
            "role": role.role,
            "role_label": str(role.get_role_display()),
        }
        for role in roles.iterator(chunk_size=CHUNK)
    )


def mobilisation_rows() -> list[dict]:
    """One row per meeting held by a published Fabrique and per stakeholder family, the count
    of people present suppressed from 1 to 4 (null, and flagged). Queries: 2."""
    rows = []
    for cell in public_family_attendance():
        meeting = cell.meeting
        suppressed = is_suppressed(cell.attendees)
        rows.append(
            {
                "fabrique_slug": meeting.fabrique_slug,
                "meeting_date": f"{timezone.localtime(meeting.starts_at):%Y-%m-%d}",
                "meeting_kind": meeting.kind,
                "territory_code": meeting.territory_code or None,
                "territory_label": meeting.territory_label or None,
                "family": cell.family,
                "family_label": family_label(cell.family),
                "attendees": None if suppressed else cell.attendees,
                "attendees_suppressed": suppressed,
            }
        )
    return rows


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str | Promise
    description: str | Promise
    # Rows one at a time, in the files' order (a list for the small library datasets).
    rows: Callable[[], Iterable[dict]]

    @property
    def schema(self) -> dict:
        return load_schema(self.name)

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.schema["fields"]]


@cache
def load_schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


DATASETS: dict[str, Dataset] = {
    dataset.name: dataset
    for dataset in [
        Dataset(
            name="fabriques",
            title=_("Fabriques"),
            description=_(
                "Une ligne par Fabrique publiée : année, période, thèmes, programmes de "
                "l'ANCT, organisations par rôle et nombre de territoires accompagnés."
            ),
            rows=fabrique_rows,
        ),
        Dataset(
            name="participations",
            title=_("Territoires accompagnés"),
            description=_(
                "Une ligne par territoire accompagné dans une Fabrique : libellé publié, "
                "type, codes officiels (INSEE, SIREN, QPV), département et région."
            ),
            rows=participation_rows,
        ),
        Dataset(
            name="organisations",
            title=_("Organisations"),
            description=_(
                "Une ligne par organisation ayant un rôle dans au moins une Fabrique : "
                "associations d'élus, partenaires, cofinanceurs, prestataires."
            ),
            rows=organisation_rows,
        ),
        Dataset(
            name="roles",
            title=_("Rôles des organisations"),
            description=_(
                "Une ligne par rôle d'une organisation dans une Fabrique : la table qui relie "
                "les deux fichiers précédents."
            ),
            rows=role_rows,
        ),
        Dataset(
            name="mobilisation",
            title=_("Mobilisation des groupes de travail"),
            description=_(
                "Une ligne par rencontre tenue d'une Fabrique terminée et publiée et par "
                "famille d'acteurs : le nombre de personnes présentes, sans aucune donnée "
                "personnelle (de 1 à 4 personnes, le nombre n'est pas publié)."
            ),
            rows=mobilisation_rows,
        ),
        # The library: what the Fabriques leave behind (published content only).
        Dataset(
            name="feuilles-de-route",
            title=_("Feuilles de route"),
            description=_(
                "Une ligne par feuille de route publiée d'un territoire accompagné : "
                "territoire, Fabrique, horizon, adoption, et ce que sont devenues ses fiches "
                "action (réalisées, en cours, abandonnées) au dernier suivi."
            ),
            rows=library_datasets.roadmap_rows,
        ),
        Dataset(
            name="fiches-action",
            title=_("Fiches action"),
            description=_(
                "Une ligne par fiche action d'une feuille de route publiée, en colonnes "
                "fixes : axe, état, structure pilote, dates, budget prévu et réalisé, "
                "financements demandés et accordés."
            ),
            rows=library_datasets.sheet_rows,
        ),
        Dataset(
            name="preconisations",
            title=_("Préconisations"),
            description=_(
                "Une ligne par préconisation publiée d'une Fabrique : destinataire, positions "
                "des partenaires, réponses et dernier degré de mise en œuvre."
            ),
            rows=library_datasets.recommendation_rows,
        ),
    ]
}


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # as in the JSON file and the schema's trueValues
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return str(value)
