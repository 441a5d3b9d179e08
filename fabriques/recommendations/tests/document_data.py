"""A minimal builder of recommendations for the documents' tests, written with the
ORM directly (the roadmaps' and recommendations' factories are written in parallel).

Texts carry French typography and characters that fonts and encoders get wrong: œ, Œ, «
guillemets », apostrophes ’, €, accented capitals (É, À, Ç), no-break spaces.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from fabriques.programme.models import Fabrique, Organisation
from fabriques.recommendations.models import (
    AddresseeKind,
    Answer,
    Implementation,
    ImplementationReview,
    Position,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    ReviewHorizon,
    Stance,
)
from fabriques.roadmaps.tests.document_data import long_text


def make_recommendation(
    fabrique: Fabrique,
    number: int,
    organisations: list[Organisation],
    *,
    status: str = RecommendationStatus.DRAFT,
    title: str = "",
) -> Recommendation:
    """A recommendation with one position per organisation: support, then reservations,
    then dissent, and an answer with a review when published."""
    recommendation = Recommendation.objects.create(
        fabrique=fabrique,
        number=number,
        title=title or f"Préconisation {number} : simplifier l’ingénierie « cœur de ville »",
        finding=long_text(f"Constat {number}", 3),
        proposal=long_text(f"Proposition {number}", 2),
        kind=RecommendationKind.REGULATORY,
        addressee_kind=AddresseeKind.MINISTRY,
        addressee="Direction générale des collectivités locales",
        target_text="Code de l’urbanisme, art. L. 151-7",
        status=status,
        published_at=timezone.now() if status == RecommendationStatus.PUBLISHED else None,
    )
    stances = [Stance.SUPPORT, Stance.RESERVATIONS, Stance.DISSENT]
    for index, organisation in enumerate(organisations):
        stance = stances[index % 3]
        Position.objects.create(
            recommendation=recommendation,
            organisation=organisation,
            stance=stance,
            comment=""
            if stance == Stance.SUPPORT
            else f"Désaccord motivé n° {number} : l’État doit compenser.",
            signatory=f"Présidente {organisation.name}",
            given_on=datetime.date(2026, 10, 1),
        )
    if status == RecommendationStatus.PUBLISHED:
        Answer.objects.create(
            recommendation=recommendation,
            answered_on=datetime.date(2027, 1, 15),
            text=f"Réponse du ministère à la préconisation {number}.",
        )
        ImplementationReview.objects.create(
            recommendation=recommendation,
            horizon=ReviewHorizon.ONE_YEAR,
            reviewed_on=datetime.date(2027, 12, 1),
            degree=Implementation.PARTIALLY,
            measure="Décret n° 2027-123",
        )
    return recommendation
