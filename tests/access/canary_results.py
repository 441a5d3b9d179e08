"""Canaries in what a Fabrique leaves behind (roadmaps, action sheets, recommendations).

Each side's territory has a draft roadmap whose diagnostic, sheet, sheet comment, note,
budget line's parts and roadmap comment carry canaries that only the people who see the
draft may read (the Fabrique's team: ANCT, its provider, its partners, the territory's
referents); each Fabrique has a draft recommendation whose finding and comment only those
who see the Fabrique's work may read. A published roadmap and recommendation carry nothing
secret: they are public.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from fabriques.recommendations.models import RecommendationComment
from fabriques.recommendations.tests.factories import RecommendationFactory
from fabriques.roadmaps.models import (
    ContractKind,
    ContractLink,
    Indicator,
    IndicatorValue,
    RoadmapComment,
    RoadmapPartner,
    RoadmapStatus,
    SheetNote,
    Step,
)
from fabriques.roadmaps.tests.factories_lifecycle import AxisFactory, RoadmapFactory, SheetFactory

Kwargs = dict[str, Any]


def plant_results(world: Any, side: str, seen_by: frozenset[str]) -> None:
    personas = world.personas
    participation = getattr(personas, f"participation_{side}")
    roadmap = RoadmapFactory(
        participation=participation,
        diagnostic=world.plant("roadmap-diagnostic", side, seen_by),
        vision=world.plant("roadmap-vision", side, seen_by),
    )
    axis = AxisFactory(roadmap=roadmap, position=1, title=world.plant("axis", side, seen_by))
    sheet = SheetFactory(
        roadmap=roadmap,
        axis=axis,
        number=1,
        description=world.plant("sheet-description", side, seen_by),
    )
    SheetNote.objects.create(sheet=sheet, text=world.plant("sheet-note", side, seen_by))
    SheetNote.objects.create(
        sheet=sheet, is_comment=True, text=world.plant("sheet-comment", side, seen_by)
    )
    Step.objects.create(sheet=sheet, name=world.plant("step", side, seen_by))
    indicator = Indicator.objects.create(
        sheet=sheet, definition=world.plant("indicator", side, seen_by), unit="unités"
    )
    value = IndicatorValue.objects.create(
        indicator=indicator, measured_on=timezone.localdate(), value=12
    )
    partner = RoadmapPartner.objects.create(
        roadmap=roadmap, name=world.plant("roadmap-partner", side, seen_by)
    )
    contract = ContractLink.objects.create(
        roadmap=roadmap, kind=ContractKind.PVD, label=world.plant("contract", side, seen_by)
    )
    RoadmapComment.objects.create(
        roadmap=roadmap, text=world.plant("roadmap-comment", side, seen_by)
    )
    published = RoadmapFactory(
        participation=getattr(personas, f"participation_{side}2", None)
        or _other_participation(participation),
        status=RoadmapStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    SheetFactory(roadmap=published, axis=AxisFactory(roadmap=published, position=1), number=1)
    recommendation = RecommendationFactory(
        fabrique=world.fabrique(side),
        number=1,
        finding=world.plant("recommendation-finding", side, seen_by),
    )
    RecommendationComment.objects.create(
        recommendation=recommendation, text=world.plant("recommendation-comment", side, seen_by)
    )
    published_recommendation = RecommendationFactory(
        fabrique=world.fabrique(side), number=2, published=True
    )
    world.results.append(
        {
            "roadmap": roadmap,
            "published_roadmap": published,
            "axis": axis,
            "sheet": sheet,
            "indicator": indicator,
            "value": value,
            "partner": partner,
            "contract": contract,
            "step": sheet.steps.get(),
            "recommendation": recommendation,
            "published_recommendation": published_recommendation,
        }
    )


def _other_participation(participation: Any) -> Any:
    from fabriques.territories.tests.factories import ParticipationFactory

    return ParticipationFactory(fabrique=participation.fabrique)


def _each(*keys: str, **fixed: Any) -> Callable[[Any], list[Kwargs]]:
    """Kwargs for every side's objects: {"pk": first key's pk, other names: pks, fixed}."""

    def kwargs(world: Any) -> list[Kwargs]:
        found = []
        for objects in world.results:
            for pk_key in ("roadmap", "published_roadmap") if keys[0] == "roadmaps" else keys[:1]:
                entry = {"pk": objects[pk_key].pk}
                for name, key in zip(keys[1::2], keys[2::2], strict=True):
                    entry[name] = objects[key].pk
                found.append({**entry, **fixed})
        return found

    return kwargs


def _fabrique_participations(world: Any) -> list[Kwargs]:
    return [
        {
            "slug": objects["roadmap"].fabrique.slug,
            "participation": objects["roadmap"].participation_id,
        }
        for objects in world.results
    ]


def _fabriques_fmt(world: Any) -> list[Kwargs]:
    return [{"slug": objects["roadmap"].fabrique.slug, "fmt": "pdf"} for objects in world.results]


RESULT_KWARGS: dict[str, Callable[[Any], list[Kwargs]]] = {
    "roadmaps:create": _fabrique_participations,
    "roadmaps:follow_up": _each("roadmaps", horizon=1),
    "roadmaps:transition": _each("roadmap", action="submit"),
    "roadmaps:version_diff": _each("roadmap", number=1),
    "roadmaps:axis_edit": _each("roadmap", "axis_pk", "axis"),
    "roadmaps:axis_move": _each("roadmap", "axis_pk", "axis"),
    "roadmaps:axis_delete": _each("roadmap", "axis_pk", "axis"),
    "roadmaps:partner_edit": _each("roadmap", "partner_pk", "partner"),
    "roadmaps:partner_move": _each("roadmap", "partner_pk", "partner"),
    "roadmaps:partner_delete": _each("roadmap", "partner_pk", "partner"),
    "roadmaps:contract_edit": _each("roadmap", "contract_pk", "contract"),
    "roadmaps:contract_delete": _each("roadmap", "contract_pk", "contract"),
    "roadmaps:attachment": _each("roadmap", attachment_pk=0),
    "roadmaps:attachment_delete": _each("roadmap", attachment_pk=0),
    "roadmaps:part_create": _each("sheet", part="etapes"),
    "roadmaps:part_edit": _each("sheet", "row_pk", "step", part="etapes"),
    "roadmaps:part_delete": _each("sheet", "row_pk", "step", part="etapes"),
    "roadmaps:value_create": _each("sheet", "indicator_pk", "indicator"),
    "roadmaps:value_delete": _each("sheet", "value_pk", "value"),
    "roadmaps:sheet_editor_remove": _each("sheet", user_pk=0),
    "recommendations:answer_file": _each("published_recommendation", answer_pk=0),
    # Documents: the PDF (compressed: walked for its access, not read for canaries) and the
    # CSV exports (plain text: read).
    "roadmaps:document": _each("roadmaps", fmt="pdf"),
    "roadmaps:sheets_export": _each("roadmaps", table="fiches", fmt="csv"),
    "roadmaps:table_export": _each("roadmaps", table="budget", fmt="csv"),
    "public:roadmap_document": _each("roadmaps", fmt="pdf"),
    "public:roadmap": _each("roadmaps"),
    "public:sheet": _each("sheet"),
    "api:roadmap-detail": _each("roadmaps"),
    "api:sheet-detail": _each("sheet"),
    "api:recommendation-detail": lambda w: [
        {"pk": o[key].pk}
        for o in w.results
        for key in ("recommendation", "published_recommendation")
    ],
    "public:recommendation": lambda w: [
        {"pk": o[key].pk}
        for o in w.results
        for key in ("recommendation", "published_recommendation")
    ],
    "recommendations:document": _fabriques_fmt,
    "recommendations:booklet": _fabriques_fmt,
    "public:recommendations_document": _fabriques_fmt,
    "public:booklet": _fabriques_fmt,
}
# Routes whose only parameter is a roadmap's, a sheet's or a recommendation's pk.
for _name in (
    "detail",
    "edit",
    "comment",
    "table",
    "calendar",
    "lifecycle",
    "versions",
    "follow_ups",
    "axis_create",
    "partner_create",
    "contract_create",
    "attachment_create",
    "sheet_create",
):
    RESULT_KWARGS[f"roadmaps:{_name}"] = _each("roadmaps")
for _name in (
    "sheet_detail",
    "sheet_edit",
    "sheet_delete",
    "sheet_status",
    "sheet_history",
    "sheet_comment",
    "sheet_related",
    "sheet_outcomes",
    "sheet_answers",  # retained
    "sheet_editor_add",
):
    RESULT_KWARGS[f"roadmaps:{_name}"] = _each("sheet")
for _name in (
    "detail",
    "edit",
    "delete",
    "transition",
    "position",
    "comment",
    "sending",
    "answer",
    "review",
):
    RESULT_KWARGS[f"recommendations:{_name}"] = _each("recommendation")
