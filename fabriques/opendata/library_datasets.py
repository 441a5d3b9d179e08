"""The library's open datasets: published roadmaps, their action sheets, published
recommendations. Row builders only; the datasets are registered in datasets.DATASETS.

Only published content; no person's name (pilot person and referents stay on the pages, where
they are read in context), no comments, no invited editors.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Prefetch, Q

from fabriques.recommendations.models import Stance
from fabriques.recommendations.selectors.public import latest_reviews, published_recommendations
from fabriques.roadmaps.models import ActionSheet, BudgetLine, FundingLine, RoadmapStatus
from fabriques.roadmaps.selectors.public import published_roadmaps, sheet_totals
from fabriques.roadmaps.selectors.statistics import roadmap_progress


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _money(value: Decimal, present: bool = True) -> float | None:
    return float(value) if present else None


def roadmap_rows() -> list[dict]:
    """One row per published roadmap. Queries: 3 (roadmaps with territory, Fabrique and year;
    latest closed follow-ups; sheets' states) + 1 when a follow-up was closed."""
    roadmaps = list(
        published_roadmaps().select_related(
            "participation__commune", "participation__epci", "participation__qpv"
        )
    )
    progress = roadmap_progress([r.pk for r in roadmaps])
    rows = []
    for roadmap in roadmaps:
        participation = roadmap.participation
        p = progress[roadmap.pk]
        rows.append(
            {
                "id": roadmap.pk,
                "title": roadmap.title,
                "fabrique_slug": roadmap.fabrique.slug,
                "year": roadmap.fabrique.programme_year.year,
                "territory_label": participation.label,
                "territory_kind": participation.kind,
                "territory_code": participation.code or None,
                "horizon": roadmap.horizon,
                "period_start": _date(roadmap.period_start),
                "period_end": _date(roadmap.period_end),
                "steering_body": roadmap.steering_body or None,
                "deliberation_date": _date(roadmap.deliberation_date),
                "published_on": _date(
                    roadmap.published_at.date() if roadmap.published_at else None
                ),
                "sheets_count": p.total,
                "sheets_done": p.done,
                "sheets_in_progress": p.in_progress,
                "sheets_dropped": p.dropped,
                "sheets_other": p.other,
                "follow_up_horizon": p.follow_up_horizon,
                "follow_up_date": _date(p.follow_up_on),
                "easy_summary": roadmap.easy_summary or None,
            }
        )
    return rows


def sheet_rows() -> list[dict]:
    """One row per action sheet of a published roadmap. Queries: 3 (sheets with roadmap,
    territory, Fabrique, year and axis; budget lines; funding lines)."""
    sheets = (
        ActionSheet.objects.filter(roadmap__status=RoadmapStatus.PUBLISHED)
        .select_related("roadmap__participation", "roadmap__fabrique__programme_year", "axis")
        .prefetch_related(
            Prefetch(
                "budget_lines",
                queryset=BudgetLine.objects.order_by("year", "pk"),
                to_attr="public_budget",
            ),
            Prefetch(
                "funding_lines",
                queryset=FundingLine.objects.order_by("pk"),
                to_attr="public_funding",
            ),
        )
        .order_by(
            "-roadmap__fabrique__programme_year__year",
            "roadmap__fabrique__title",
            "roadmap_id",
            "number",
            "pk",
        )
    )
    rows = []
    for sheet in sheets:
        totals = sheet_totals(sheet)
        roadmap = sheet.roadmap
        rows.append(
            {
                "id": sheet.pk,
                "roadmap_id": roadmap.pk,
                "fabrique_slug": roadmap.fabrique.slug,
                "year": roadmap.fabrique.programme_year.year,
                "territory_label": roadmap.participation.label,
                "number": sheet.number,
                "title": sheet.title,
                "axis_position": sheet.axis.position,
                "axis_title": sheet.axis.title,
                "status": sheet.status,
                "status_label": str(sheet.get_status_display()),
                "priority": sheet.priority,
                "maturity": sheet.maturity,
                "pilot_organisation": sheet.pilot_organisation or None,
                "project_owner": sheet.project_owner or None,
                "project_owner_siret": sheet.project_owner_siret or None,
                "planned_start": _date(sheet.planned_start),
                "planned_end": _date(sheet.planned_end),
                "actual_start": _date(sheet.actual_start),
                "actual_end": _date(sheet.actual_end),
                "budget_planned_eur": _money(totals.planned),
                "budget_actual_eur": _money(totals.actual, totals.has_actual),
                "funding_asked_eur": _money(totals.asked),
                "funding_granted_eur": _money(totals.granted, totals.has_granted),
            }
        )
    return rows


def recommendation_rows() -> list[dict]:
    """One row per published recommendation. Queries: 2 (recommendations with Fabrique, year,
    theme and counts of positions and answers; latest reviews)."""
    recommendations = list(
        published_recommendations().annotate(
            positions_count=Count("positions", distinct=True),
            positions_support=Count(
                "positions", filter=Q(positions__stance=Stance.SUPPORT), distinct=True
            ),
            positions_reservations=Count(
                "positions", filter=Q(positions__stance=Stance.RESERVATIONS), distinct=True
            ),
            positions_dissent=Count(
                "positions", filter=Q(positions__stance=Stance.DISSENT), distinct=True
            ),
            answers_count=Count("answers", distinct=True),
        )
    )
    latest = latest_reviews([r.pk for r in recommendations])
    rows = []
    for r in recommendations:
        review = latest.get(r.pk)
        rows.append(
            {
                "id": r.pk,
                "fabrique_slug": r.fabrique.slug,
                "year": r.fabrique.programme_year.year,
                "number": r.number,
                "title": r.title,
                "kind": r.kind,
                "theme": r.theme.name if r.theme else None,
                "addressee_kind": r.addressee_kind,
                "addressee": r.addressee,
                "target_text": r.target_text or None,
                "published_on": _date(r.published_at.date() if r.published_at else None),
                "sent_on": _date(r.sent_on),
                "positions_count": r.positions_count,  # type: ignore[attr-defined]
                "positions_support": r.positions_support,  # type: ignore[attr-defined]
                "positions_reservations": r.positions_reservations,  # type: ignore[attr-defined]
                "positions_dissent": r.positions_dissent,  # type: ignore[attr-defined]
                "answers_count": r.answers_count,  # type: ignore[attr-defined]
                "latest_degree": review.degree if review else None,
                "latest_degree_label": str(review.get_degree_display()) if review else None,
                "latest_review_date": _date(review.reviewed_on) if review else None,
                "latest_measure": (review.measure or None) if review else None,
                "proposal": r.proposal,
            }
        )
    return rows
