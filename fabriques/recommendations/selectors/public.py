"""Reads for the public library: published recommendations only, with their positions
(dissents included), answers and implementation reviews.

Like roadmaps.selectors.public, each selector costs a fixed number of queries and returns
objects holding lists only, so that pages are cached by data version and render query-free.
Comments, reminders and who recorded what are never read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from fabriques.programme.models import Fabrique, Theme
from fabriques.recommendations.access import get_published_recommendation
from fabriques.roadmaps.models import Roadmap, RoadmapStatus
from fabriques.roadmaps.selectors.public import frozen_page
from fabriques.territories.models import Participation

from ..models import (
    Answer,
    ImplementationReview,
    Position,
    Recommendation,
    RecommendationStatus,
    Stance,
)


def published_recommendations() -> QuerySet[Recommendation]:
    return (
        Recommendation.objects.filter(status=RecommendationStatus.PUBLISHED)
        .select_related("fabrique__programme_year", "theme")
        .order_by("-fabrique__programme_year__year", "fabrique__title", "number", "pk")
    )


def citing_sheet(*, sheet_id: int) -> list[Recommendation]:
    """The published recommendations that name this action sheet among their origins."""
    return list(published_recommendations().filter(action_sheets=sheet_id))


def filter_recommendations(
    queryset: QuerySet[Recommendation],
    *,
    year: int | None = None,
    fabrique: str = "",
    theme: str = "",
) -> QuerySet[Recommendation]:
    if year:
        queryset = queryset.filter(fabrique__programme_year__year=year)
    if fabrique:
        queryset = queryset.filter(fabrique__slug=fabrique)
    if theme:
        # The recommendation's own theme, or its Fabrique's when it has none.
        queryset = queryset.filter(theme__slug=theme) | queryset.filter(
            theme__isnull=True, fabrique__themes__slug=theme
        )
    return queryset.distinct()


def latest_reviews(recommendation_ids: list[int]) -> dict[int, ImplementationReview]:
    """Each recommendation's latest review (1 query): the furthest horizon, then the date."""
    latest: dict[int, ImplementationReview] = {}
    for review in ImplementationReview.objects.filter(
        recommendation_id__in=recommendation_ids
    ).order_by("recommendation_id", "horizon", "reviewed_on", "pk"):
        latest[review.recommendation_id] = review
    return latest


@dataclass(frozen=True)
class RecommendationRow:
    pk: int
    number: int
    title: str
    fabrique_title: str
    fabrique_slug: str
    year: int
    addressee: str
    addressee_kind: str
    latest_degree: str  # Implementation value, "" when not yet reviewed
    latest_degree_label: str
    position_count: int


def recommendation_rows(recommendations: Sequence[Recommendation]) -> list[RecommendationRow]:
    """Rows for recommendations annotated with ``position_count`` (1 query for the reviews)."""
    latest = latest_reviews([r.pk for r in recommendations])
    rows = []
    for r in recommendations:
        review = latest.get(r.pk)
        rows.append(
            RecommendationRow(
                pk=r.pk,
                number=r.number,
                title=r.title,
                fabrique_title=r.fabrique.title,
                fabrique_slug=r.fabrique.slug,
                year=r.fabrique.programme_year.year,
                addressee=r.addressee,
                addressee_kind=str(r.get_addressee_kind_display()),
                latest_degree=review.degree if review else "",
                latest_degree_label=str(review.get_degree_display()) if review else "",
                position_count=r.position_count,  # type: ignore[attr-defined]
            )
        )
    return rows


def library_recommendations(
    *, year: int | None, fabrique: str, theme: str, page_number: int, per_page: int
) -> Page:
    """One page of published recommendations (count, page, latest reviews: 3 queries)."""
    queryset = filter_recommendations(
        published_recommendations(), year=year, fabrique=fabrique, theme=theme
    )
    count = queryset.count()
    paginator = Paginator(range(count), per_page)
    number = paginator.validate_number(min(max(page_number, 1), paginator.num_pages))
    start = (number - 1) * per_page
    page = list(
        queryset.annotate(position_count=Count("positions", distinct=True))[
            start : start + per_page
        ]
    )
    return frozen_page(recommendation_rows(page), number, count, per_page)


def fabrique_recommendations(*, fabrique_id: int) -> list[RecommendationRow]:
    """The published recommendations of a Fabrique, for its public page (2 queries)."""
    recommendations = list(
        published_recommendations()
        .filter(fabrique_id=fabrique_id)
        .annotate(position_count=Count("positions", distinct=True))
    )
    return recommendation_rows(recommendations)


@dataclass(frozen=True)
class PublicRecommendation:
    recommendation: Recommendation  # with Fabrique, year, theme, addressee organisation
    positions: list[Position]  # with organisation, by organisation name
    answers: list[Answer]
    reviews: list[ImplementationReview]  # timeline, oldest first
    participations: list[Participation]  # territories it comes from

    @property
    def latest_review(self) -> ImplementationReview | None:
        return self.reviews[-1] if self.reviews else None

    @property
    def stance_counts(self) -> dict[str, int]:
        counts = {stance.value: 0 for stance in Stance}
        for position in self.positions:
            counts[position.stance] += 1
        return counts


def public_recommendation(*, pk: int) -> PublicRecommendation:
    """A published recommendation, else the 404 of a nonexistent one (6 queries: access check,
    the recommendation with its Fabrique, year, theme and addressee; positions with their
    organisation; answers; reviews; territories)."""
    recommendation = get_published_recommendation(pk)
    recommendation = (
        Recommendation.objects.select_related(
            "fabrique__programme_year", "theme", "addressee_organisation"
        )
        .prefetch_related(
            Prefetch(
                "positions",
                queryset=Position.objects.select_related("organisation")
                .only(
                    "pk",
                    "recommendation_id",
                    "stance",
                    "comment",
                    "signatory",
                    "given_on",
                    "organisation__id",
                    "organisation__name",
                    "organisation__acronym",
                    "organisation__slug",
                )
                .order_by("organisation__name", "pk"),
                to_attr="public_positions",
            ),
            Prefetch(
                "answers",
                queryset=Answer.objects.only(
                    "pk", "recommendation_id", "answered_on", "text"
                ).order_by("answered_on", "pk"),
                to_attr="public_answers",
            ),
            Prefetch(
                "reviews",
                queryset=ImplementationReview.objects.only(
                    "pk",
                    "recommendation_id",
                    "horizon",
                    "reviewed_on",
                    "degree",
                    "measure",
                    "comment",
                ).order_by("horizon", "reviewed_on", "pk"),
                to_attr="public_reviews",
            ),
            Prefetch(
                "participations",
                queryset=Participation.objects.order_by("position", "pk"),
                to_attr="public_participations",
            ),
        )
        .get(pk=recommendation.pk)
    )
    return PublicRecommendation(
        recommendation=recommendation,
        positions=recommendation.public_positions,  # type: ignore[attr-defined]
        answers=recommendation.public_answers,  # type: ignore[attr-defined]
        reviews=recommendation.public_reviews,  # type: ignore[attr-defined]
        participations=recommendation.public_participations,  # type: ignore[attr-defined]
    )


@dataclass(frozen=True)
class LibraryOptions:
    years: list[int]
    fabriques: list[tuple[str, str]]  # (slug, "title (year)")
    themes: list[tuple[str, str]]  # (slug, name)


def library_options() -> LibraryOptions:
    """The filters' choices: years, Fabriques and themes that have published roadmaps or
    recommendations (2 queries). Tested with EXISTS rather than joins: a join of a Fabrique's
    roadmaps with its recommendations multiplies the rows before DISTINCT keeps one."""
    roadmap_published = Roadmap.objects.filter(
        fabrique=OuterRef("pk"), status=RoadmapStatus.PUBLISHED
    )
    recommendation_published = Recommendation.objects.filter(
        fabrique=OuterRef("pk"), status=RecommendationStatus.PUBLISHED
    )
    fabriques = list(
        Fabrique.objects.filter(Exists(roadmap_published) | Exists(recommendation_published))
        .order_by("-programme_year__year", "title")
        .values_list("slug", "title", "programme_year__year", "pk")
    )
    theme_published = Q(fabriques__pk__in=[pk for *_rest, pk in fabriques]) | Q(
        recommendations__status=RecommendationStatus.PUBLISHED
    )
    themes = list(
        Theme.objects.filter(theme_published)
        .distinct()
        .order_by("name")
        .values_list("slug", "name")
    )
    return LibraryOptions(
        years=sorted({year for _slug, _title, year, _pk in fabriques}, reverse=True),
        fabriques=[(slug, f"{title} ({year})") for slug, title, year, _pk in fabriques],
        themes=themes,
    )
