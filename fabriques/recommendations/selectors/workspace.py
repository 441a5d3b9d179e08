"""Reads for the workspace pages of the recommendations: a Fabrique's list with its positions
summary and latest implementation degree, and the detail page (evidence, positions, comments,
versions, sending, answers, reviews). Each page's queries are fixed, whatever the number of
recommendations, positions or versions."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from fabriques.accounts.types import Person
from fabriques.programme.models import Fabrique, FabriqueOrganisation, Organisation
from fabriques.roadmaps.models import ActionSheet

from ..access import (
    ENDORSING_ROLES,
    endorsing_organisations,
    may_manage_recommendations,
    may_write_recommendations,
)
from ..models import (
    ImplementationReview,
    Position,
    Recommendation,
    RecommendationStatus,
    ReviewHorizon,
    Stance,
)

HISTORY_FIELDS = (
    ("title", _("Intitulé")),
    ("finding", _("Constat")),
    ("proposal", _("Proposition")),
)


def with_latest_degree(queryset: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    """Annotate `latest_degree`: the degree of the latest review (furthest horizon, then date),
    None when there is none. For lists: one subquery, no query per row."""
    latest = ImplementationReview.objects.filter(recommendation=OuterRef("pk")).order_by(
        "-horizon", "-reviewed_on", "-pk"
    )
    return queryset.annotate(latest_degree=Subquery(latest.values("degree")[:1]))


def with_position_counts(queryset: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    return queryset.annotate(
        support_count=Count("positions", filter=Q(positions__stance=Stance.SUPPORT)),
        reservations_count=Count("positions", filter=Q(positions__stance=Stance.RESERVATIONS)),
        dissent_count=Count("positions", filter=Q(positions__stance=Stance.DISSENT)),
        positions_count=Count("positions"),
    )


def endorsing_count(fabrique: Fabrique) -> int:
    return (
        FabriqueOrganisation.objects.filter(fabrique=fabrique, role__in=ENDORSING_ROLES)
        .values("organisation_id")
        .distinct()
        .count()
    )


@dataclass
class ListRow:
    recommendation: Recommendation
    awaiting: int
    latest_degree_label: str


def fabrique_recommendations(fabrique: Fabrique) -> list[ListRow]:
    """The Fabrique's recommendations by number, with their positions summary (two queries)."""
    expected = endorsing_count(fabrique)
    recommendations = with_latest_degree(
        with_position_counts(
            Recommendation.objects.filter(fabrique=fabrique)
            .select_related("theme")
            .order_by("number")
        )
    )
    labels = dict(ImplementationReview._meta.get_field("degree").choices or [])
    return [
        ListRow(
            recommendation=r,
            awaiting=max(0, expected - r.positions_count),  # type: ignore[attr-defined]
            latest_degree_label=str(labels.get(r.latest_degree, "")),  # type: ignore[attr-defined]
        )
        for r in recommendations
    ]


@dataclass
class VersionDiff:
    version: int
    changed_at: Any
    author: str
    changes: list[tuple[str, list[tuple[str, str]]]]


def _diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level changes as (kind, text) pairs, kind in "same", "removed", "added"."""
    a, b = old.split(), new.split()
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("added", " ".join(b[j1:j2])))
    return out


def version_history(recommendation: Recommendation) -> list[VersionDiff]:
    """Each saved version that changed the title, finding or proposal, newest first (one query)."""
    records = list(
        recommendation.history.select_related("history_user").order_by("history_date", "history_id")  # type: ignore[attr-defined]
    )
    versions: list[VersionDiff] = []
    previous = None
    for record in records:
        changes = []
        for name, label in HISTORY_FIELDS:
            new = getattr(record, name)
            old = getattr(previous, name) if previous is not None else ""
            if old != new:
                changes.append((str(label), _diff(old, new)))
        if changes:
            user = record.history_user
            versions.append(
                VersionDiff(
                    version=record.lock_version,
                    changed_at=record.history_date,
                    author=user.display_name if user else "",
                    changes=changes,
                )
            )
        previous = record
    versions.reverse()
    return versions


def replaced_positions(recommendation: Recommendation) -> list[Any]:
    """The positions an organisation gave and later replaced, newest first (one query): each
    saved position's earlier records in its history."""
    records = list(
        Position.history.filter(recommendation_id=recommendation.pk)  # type: ignore[attr-defined]
        .select_related("organisation")
        .order_by("-history_date", "-history_id")
    )
    latest_seen: set[int] = set()
    replaced = []
    for record in records:
        if record.id in latest_seen:
            if record.history_type != "-":
                replaced.append(record)
        else:
            latest_seen.add(record.id)
    return replaced


@dataclass
class TimelineStep:
    horizon: int
    label: str
    review: ImplementationReview | None


@dataclass
class DetailPage:
    recommendation: Recommendation
    positions: list[Position]
    missing: list[Organisation]
    my_organisations: list[Organisation]
    my_positions: dict[int, Position]
    versions: list[VersionDiff]
    replaced_positions: list[Any]
    timeline: list[TimelineStep]
    may_write: bool
    may_manage: bool
    may_position: bool
    extra: dict[str, Any] = field(default_factory=dict)


def recommendation_page(*, recommendation: Recommendation, user: Person) -> DetailPage:
    """Everything the detail page shows, in a fixed number of queries."""
    fabrique = recommendation.fabrique
    prefetched = (
        Recommendation.objects.filter(pk=recommendation.pk)
        .prefetch_related(
            "participations",
            "workshops",
            Prefetch(
                "action_sheets",
                queryset=ActionSheet.objects.select_related("roadmap").order_by(
                    "roadmap_id", "number"
                ),
            ),
            Prefetch(
                "positions",
                queryset=Position.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            ),
            "comments__author",
            "answers",
            "reviews",
        )
        .get()
    )
    for name in ("fabrique", "theme", "addressee_organisation"):
        setattr(prefetched, name, getattr(recommendation, name))
    positions = list(prefetched.positions.all())
    given = {p.organisation_id for p in positions}
    endorsing_ids = FabriqueOrganisation.objects.filter(
        fabrique=fabrique, role__in=ENDORSING_ROLES
    ).values("organisation_id")
    missing = [
        o
        for o in Organisation.objects.filter(pk__in=endorsing_ids).order_by("name").distinct()
        if o.pk not in given
    ]
    mine = endorsing_organisations(user, fabrique)
    reviews = {r.horizon: r for r in prefetched.reviews.all()}
    timeline = [
        TimelineStep(horizon=int(h), label=str(h.label), review=reviews.get(int(h)))
        for h in ReviewHorizon
    ]
    return DetailPage(
        recommendation=prefetched,
        positions=positions,
        missing=missing,
        my_organisations=mine,
        my_positions={p.organisation_id: p for p in positions},
        versions=version_history(recommendation),
        replaced_positions=replaced_positions(recommendation),
        timeline=timeline,
        may_write=may_write_recommendations(user, fabrique),
        may_manage=may_manage_recommendations(user, fabrique),
        may_position=bool(mine) and recommendation.status == RecommendationStatus.ENDORSEMENT,
    )
