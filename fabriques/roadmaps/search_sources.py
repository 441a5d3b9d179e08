"""Published roadmaps and their action sheets in the public search (see fabriques.search).

The roadmaps' services call fabriques.search.services.refresh_later("roadmap", …) and
("sheet", …) when a published roadmap or sheet changes, is published or unpublished.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from fabriques.search import registry
from fabriques.search.registry import EntryData, Facet

from .models import ActionSheet, Roadmap, RoadmapStatus


def _context_facets(roadmap: Roadmap) -> list[Facet]:
    """The Fabrique's year and themes, the territory's région."""
    year = roadmap.fabrique.programme_year.year
    region = roadmap.participation.departement.region
    facets = [Facet("year", str(year), str(year)), Facet("region", region.code, region.name)]
    facets += [Facet("theme", t.slug, t.name) for t in roadmap.fabrique.themes.all()]
    return facets


_CONTEXT = ("fabrique__programme_year", "participation__departement__region")


def roadmap_entries(pks: list[int] | None) -> Iterable[EntryData]:
    roadmaps = (
        Roadmap.objects.filter(status=RoadmapStatus.PUBLISHED)
        .select_related(*_CONTEXT)
        .prefetch_related("axes", "fabrique__themes")
    )
    if pks is not None:
        roadmaps = roadmaps.filter(pk__in=pks)
    for roadmap in roadmaps:
        body = "\n".join(
            part
            for part in [
                roadmap.participation.label,
                roadmap.easy_summary,
                roadmap.diagnostic,
                roadmap.issues,
                roadmap.vision,
                " · ".join(axis.title for axis in roadmap.axes.all()),
            ]
            if part
        )
        yield EntryData(
            object_id=roadmap.pk,
            title=roadmap.title,
            body=body,
            url=registry.public_url(
                "public:roadmap", f"/bibliotheque/feuilles-de-route/{roadmap.pk}/", pk=roadmap.pk
            ),
            year=roadmap.fabrique.programme_year.year,
            published_at=roadmap.published_at,
            facets=tuple(_context_facets(roadmap)),
        )


def sheet_entries(pks: list[int] | None) -> Iterable[EntryData]:
    sheets = (
        ActionSheet.objects.filter(roadmap__status=RoadmapStatus.PUBLISHED)
        .select_related("axis", *(f"roadmap__{path}" for path in _CONTEXT))
        .prefetch_related("roadmap__fabrique__themes")
    )
    if pks is not None:
        sheets = sheets.filter(pk__in=pks)
    for sheet in sheets:
        roadmap = sheet.roadmap
        body = "\n".join(
            part
            for part in [
                f"{roadmap.participation.label} · {sheet.axis.title}",
                sheet.description,
                sheet.objectives,
                sheet.expected_effects,
                sheet.targets,
                sheet.pilot_organisation,
            ]
            if part
        )
        facets = _context_facets(roadmap)
        facets.append(Facet("status", f"sheet.{sheet.status}", str(sheet.get_status_display())))
        yield EntryData(
            object_id=sheet.pk,
            title=sheet.title,
            body=body,
            url=registry.public_url(
                "public:sheet", f"/bibliotheque/fiches-action/{sheet.pk}/", pk=sheet.pk
            ),
            year=roadmap.fabrique.programme_year.year,
            published_at=roadmap.published_at,
            facets=tuple(facets),
        )


def register() -> None:
    registry.register(
        registry.Source(
            kind="roadmap", label=_("Feuille de route"), entries=roadmap_entries, order=3
        )
    )
    registry.register(
        registry.Source(kind="sheet", label=_("Fiche action"), entries=sheet_entries, order=4)
    )
