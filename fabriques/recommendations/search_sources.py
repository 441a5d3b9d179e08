"""Published recommendations in the public search (see fabriques.search).

The recommendations' services call fabriques.search.services.refresh_later("recommendation",
…) when a published recommendation changes, is published or unpublished.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from fabriques.search import registry
from fabriques.search.registry import EntryData, Facet

from .models import Recommendation, RecommendationStatus


def recommendation_entries(pks: list[int] | None) -> Iterable[EntryData]:
    recommendations = (
        Recommendation.objects.filter(status=RecommendationStatus.PUBLISHED)
        .select_related("fabrique__programme_year", "theme")
        .prefetch_related("reviews")
    )
    if pks is not None:
        recommendations = recommendations.filter(pk__in=pks)
    for recommendation in recommendations:
        year = recommendation.fabrique.programme_year.year
        facets = [
            Facet("year", str(year), str(year)),
            Facet("type", recommendation.kind, str(recommendation.get_kind_display())),
            Facet(
                "addressee",
                recommendation.addressee_kind,
                str(recommendation.get_addressee_kind_display()),
            ),
        ]
        if recommendation.theme is not None:
            facets.append(Facet("theme", recommendation.theme.slug, recommendation.theme.name))
        # The status of a recommendation, once published, is what became of it: the degree
        # of the latest review.
        reviews = sorted(
            recommendation.reviews.all(), key=lambda r: (r.reviewed_on, r.pk), reverse=True
        )
        if reviews:
            facets.append(
                Facet(
                    "status",
                    f"recommendation.{reviews[0].degree}",
                    str(reviews[0].get_degree_display()),
                )
            )
        body = "\n".join(
            part
            for part in [
                recommendation.finding,
                recommendation.proposal,
                recommendation.addressee,
                recommendation.target_text,
                recommendation.fabrique.title,
            ]
            if part
        )
        yield EntryData(
            object_id=recommendation.pk,
            title=recommendation.title,
            body=body,
            url=registry.public_url(
                "public:recommendation",
                f"/bibliotheque/preconisations/{recommendation.pk}/",
                pk=recommendation.pk,
            ),
            year=year,
            published_at=recommendation.published_at,
            facets=tuple(facets),
        )


def register() -> None:
    registry.register(
        registry.Source(
            kind="recommendation",
            label=_("Préconisation"),
            entries=recommendation_entries,
            order=5,
        )
    )
