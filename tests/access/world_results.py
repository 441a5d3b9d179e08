"""What a Fabrique leaves behind, for the access matrix (spec_results.py).

Territory A's roadmap is a draft with one axis and one sheet, on which the working-group
member of territory A (member_a) is invited to write; the roadmap of A's other territory is
published (the public library's pages); territory B's is a draft. Fabrique A has a draft
recommendation, one open to positions and a published one with an answer; Fabrique B a draft.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from fabriques.programme.tests.personas import Personas
from fabriques.recommendations.models import Answer
from fabriques.recommendations.tests.factories import RecommendationFactory
from fabriques.roadmaps.models import RoadmapStatus
from fabriques.roadmaps.tests.factories_lifecycle import AxisFactory, RoadmapFactory, SheetFactory

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
