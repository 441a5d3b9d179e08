"""Rows for the search tests, written with the ORM (the domain services are written in
parallel): published and unpublished Fabriques, roadmaps, sheets and recommendations."""

from __future__ import annotations

from django.utils import timezone

from fabriques.programme.tests.factories import FabriqueFactory, ThemeFactory
from fabriques.recommendations.models import (
    AddresseeKind,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
)
from fabriques.roadmaps.models import ActionSheet, Axis, Roadmap, RoadmapStatus
from fabriques.territories.tests.factories import ParticipationFactory


def recommendation(
    fabrique,
    *,
    title: str,
    body: str = "Constat.",
    number: int = 1,
    published: bool = True,
    kind: str = RecommendationKind.PUBLIC_POLICY,
    addressee_kind: str = AddresseeKind.MINISTRY,
    theme=None,
) -> Recommendation:
    return Recommendation.objects.create(
        fabrique=fabrique,
        number=number,
        title=title,
        finding=body,
        proposal="Proposition.",
        kind=kind,
        addressee_kind=addressee_kind,
        addressee="Direction générale des collectivités locales",
        theme=theme,
        status=RecommendationStatus.PUBLISHED if published else RecommendationStatus.DRAFT,
        published_at=timezone.now() if published else None,
    )


def roadmap(
    *, title: str, published: bool = True, participation=None, diagnostic: str = ""
) -> Roadmap:
    participation = participation or ParticipationFactory()
    return Roadmap.objects.create(
        participation=participation,
        fabrique=participation.fabrique,
        title=title,
        diagnostic=diagnostic,
        status=RoadmapStatus.PUBLISHED if published else RoadmapStatus.DRAFT,
        published_at=timezone.now() if published else None,
    )


def sheet(roadmap: Roadmap, *, title: str, number: int = 1, **fields) -> ActionSheet:
    axis = roadmap.axes.first() or Axis.objects.create(roadmap=roadmap, title="Axe santé")
    return ActionSheet.objects.create(
        roadmap=roadmap, axis=axis, number=number, title=title, **fields
    )


__all__ = ["FabriqueFactory", "ThemeFactory", "recommendation", "roadmap", "sheet"]
