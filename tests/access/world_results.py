"""What a Fabrique leaves behind, for the access matrix (spec_results.py).

Territory A's roadmap is a draft with one axis and one sheet, on which the working-group
member of territory A (member_a) is invited to write; the roadmap of A's other territory is
published (the public library's pages); territory B's is a draft. Fabrique A has a draft
recommendation, one open to positions and a published one with an answer; Fabrique B a draft.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from fabriques.programme.tests.personas import Personas
from fabriques.recommendations.models import Answer
from fabriques.recommendations.tests.factories import RecommendationFactory
from fabriques.roadmaps.models import (
    ContractKind,
    ContractLink,
    FollowUp,
    FollowUpEntry,
    Indicator,
    IndicatorValue,
    RoadmapAttachment,
    RoadmapPartner,
    RoadmapStatus,
    RoadmapVersion,
    Step,
)
from fabriques.roadmaps.selectors.lifecycle import roadmap_snapshot
from fabriques.roadmaps.tests.factories_lifecycle import AxisFactory, RoadmapFactory, SheetFactory
from fabriques.territories.tests.factories import ParticipationFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def build_results(cast: Personas, *, participation_a2: Any, member_user_a: Any) -> dict[str, Any]:
    roadmap_a = RoadmapFactory(participation=cast.participation_a, title="Feuille de route A")
    axis_a = AxisFactory(roadmap=roadmap_a, position=1)
    sheet_a = SheetFactory(roadmap=roadmap_a, axis=axis_a, number=1)
    sheet_a.editors.add(member_user_a)
    published = RoadmapFactory(
        participation=participation_a2,
        title="Feuille de route publiée",
        status=RoadmapStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    published_sheet = SheetFactory(
        roadmap=published, axis=AxisFactory(roadmap=published, position=1), number=1
    )
    roadmap_b = RoadmapFactory(participation=cast.participation_b, title="Feuille de route B")
    sheet_b = SheetFactory(
        roadmap=roadmap_b, axis=AxisFactory(roadmap=roadmap_b, position=1), number=1
    )
    roadmap_parts = _roadmap_a_parts(roadmap_a, axis_a=axis_a, sheet_a=sheet_a)
    # Follow-up one year on, open, of the published roadmap (spec_roadmaps.py).
    follow_up = FollowUp.objects.create(
        roadmap=published,
        horizon=1,
        opened_on=timezone.localdate(),
        due_on=timezone.localdate() + datetime.timedelta(days=60),
    )
    follow_up_entry = FollowUpEntry.objects.create(
        follow_up=follow_up, sheet=published_sheet, status=published_sheet.status
    )
    # A third territory of Fabrique A whose roadmap awaits the pilot's review, and a fourth
    # without a roadmap yet (its creation).
    submitted = RoadmapFactory(
        participation=ParticipationFactory(fabrique=cast.fabrique_a),
        title="Feuille de route soumise",
        status=RoadmapStatus.SUBMITTED,
    )
    SheetFactory(roadmap=submitted, axis=AxisFactory(roadmap=submitted, position=1), number=1)
    free_participation_a = ParticipationFactory(fabrique=cast.fabrique_a)
    recommendation_a = RecommendationFactory(fabrique=cast.fabrique_a, number=1)
    open_recommendation_a = RecommendationFactory(
        fabrique=cast.fabrique_a, number=2, open_to_positions=True
    )
    published_recommendation_a = RecommendationFactory(
        fabrique=cast.fabrique_a, number=3, published=True
    )
    answer = Answer(
        recommendation=published_recommendation_a,
        answered_on=timezone.localdate(),
        text="Le ministère étudie la proposition.",
        original_name="reponse.pdf",
    )
    answer.file.save("reponse.pdf", ContentFile(PDF), save=False)
    answer.save()
    recommendation_b = RecommendationFactory(fabrique=cast.fabrique_b, number=1)
    return {
        **roadmap_parts,
        "follow_up": follow_up,
        "follow_up_entry": follow_up_entry,
        "submitted_roadmap": submitted,
        "free_participation_a": free_participation_a,
        "roadmap_a": roadmap_a,
        "axis_a": axis_a,
        "sheet_a": sheet_a,
        "published_roadmap": published,
        "published_sheet": published_sheet,
        "roadmap_b": roadmap_b,
        "sheet_b": sheet_b,
        "recommendation_a": recommendation_a,
        "open_recommendation_a": open_recommendation_a,
        "published_recommendation_a": published_recommendation_a,
        "answer_a": answer,
        "recommendation_b": recommendation_b,
    }


def _roadmap_a_parts(roadmap_a: Any, *, axis_a: Any, sheet_a: Any) -> dict[str, Any]:
    """What the edit routes of roadmap A act on: an empty second axis (moved, deleted), a
    second sheet (its links, its invited editors), two partners, a contract, an attachment,
    a step, an indicator with a value, and version 1 frozen from all that."""
    empty_axis_a = AxisFactory(roadmap=roadmap_a, position=2, title="Axe sans fiche")
    sheet_a2 = SheetFactory(roadmap=roadmap_a, axis=axis_a, number=2)
    roadmap_partner_a = RoadmapPartner.objects.create(
        roadmap=roadmap_a, position=1, name="Conseil départemental"
    )
    second_partner_a = RoadmapPartner.objects.create(
        roadmap=roadmap_a, position=2, name="Caisse d’allocations familiales"
    )
    contract_a = ContractLink.objects.create(roadmap=roadmap_a, kind=ContractKind.PVD)
    attachment_a = RoadmapAttachment(
        roadmap=roadmap_a, title="Diagnostic", original_name="diagnostic.pdf", size=len(PDF)
    )
    attachment_a.file.save("diagnostic.pdf", ContentFile(PDF), save=False)
    attachment_a.save()
    step_a = Step.objects.create(sheet=sheet_a, name="Choisir le terrain")
    indicator_a = Indicator.objects.create(
        sheet=sheet_a, definition="Nombre de médecins installés", unit="médecins"
    )
    indicator_value_a = IndicatorValue.objects.create(
        indicator=indicator_a, measured_on=datetime.date(2026, 3, 1), value=2
    )
    version_a = RoadmapVersion.objects.create(
        roadmap=roadmap_a,
        number=1,
        status=RoadmapStatus.ADOPTED,
        snapshot=roadmap_snapshot(roadmap_a),
    )
    return {
        "empty_axis_a": empty_axis_a,
        "sheet_a2": sheet_a2,
        "roadmap_partner_a": roadmap_partner_a,
        "second_partner_a": second_partner_a,
        "contract_a": contract_a,
        "attachment_a": attachment_a,
        "step_a": step_a,
        "indicator_a": indicator_a,
        "indicator_value_a": indicator_value_a,
        "version_a": version_a,
    }
