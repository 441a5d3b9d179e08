"""Reads for the public library: published roadmaps and their action sheets only.

Every selector loads what its page shows in a fixed number of queries, whatever the number of
axes and sheets, and returns objects that hold no lazy queryset (lists built here, prefetches
stored with ``to_attr``), so that the pages can be cached by data version and rendered without
a query. Nothing here reads comments, invited editors, authors or working-group members.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet

from fabriques.roadmaps.access import get_published_roadmap, get_published_sheet
from fabriques.roadmaps.services.editing import answer_choices
from fabriques.studies.models import RetainedResult, StudyStatus
from fabriques.workshops.models import MinutesStatus, MinutesVisibility, Outcome

from ..models import (
    ActionSheet,
    Axis,
    BudgetLine,
    BudgetUnit,
    ContractLink,
    FollowUpEntry,
    FundingLine,
    Indicator,
    IndicatorValue,
    Roadmap,
    RoadmapPartner,
    RoadmapStatus,
    SheetNote,
    SheetPartner,
    SheetStatusChange,
    Step,
)
from .editing import VisionGroup, vision_groups
from .statistics import Progress, progress_group, roadmap_progress

ZERO = Decimal("0")


def published_roadmaps() -> QuerySet[Roadmap]:
    """Published roadmaps with their territory, Fabrique and year, most recent year first."""
    return (
        Roadmap.objects.filter(status=RoadmapStatus.PUBLISHED)
        .select_related("participation", "fabrique__programme_year")
        .order_by(
            "-fabrique__programme_year__year", "fabrique__title", "participation__label", "pk"
        )
    )


def filter_roadmaps(
    queryset: QuerySet[Roadmap],
    *,
    year: int | None = None,
    fabrique: str = "",
    theme: str = "",
) -> QuerySet[Roadmap]:
    if year:
        queryset = queryset.filter(fabrique__programme_year__year=year)
    if fabrique:
        queryset = queryset.filter(fabrique__slug=fabrique)
    if theme:
        queryset = queryset.filter(fabrique__themes__slug=theme)
    return queryset


def frozen_page(rows: list[Any], number: int, count: int, per_page: int) -> Page:
    """A page whose paginator holds a range, not a queryset: it pickles in a few bytes."""
    return Page(rows, number, Paginator(range(count), per_page))


@dataclass(frozen=True)
class RoadmapRow:
    pk: int
    title: str
    territory: str
    fabrique_title: str
    fabrique_slug: str
    year: int
    sheet_count: int
    progress: Progress


def roadmap_rows(roadmaps: Sequence[Roadmap]) -> list[RoadmapRow]:
    """Rows for a list of roadmaps (3 queries for their progress, which counts their sheets:
    no aggregate over every published roadmap's sheets before the page is cut)."""
    progress = roadmap_progress([r.pk for r in roadmaps])
    return [
        RoadmapRow(
            pk=r.pk,
            title=r.title,
            territory=r.participation.label,
            fabrique_title=r.fabrique.title,
            fabrique_slug=r.fabrique.slug,
            year=r.fabrique.programme_year.year,
            sheet_count=progress[r.pk].total,
            progress=progress[r.pk],
        )
        for r in roadmaps
    ]


def library_roadmaps(
    *, year: int | None, fabrique: str, theme: str, page_number: int, per_page: int
) -> Page:
    """One page of published roadmaps (count, page, then 3 queries for their progress)."""
    queryset = filter_roadmaps(published_roadmaps(), year=year, fabrique=fabrique, theme=theme)
    count = queryset.count()
    paginator = Paginator(range(count), per_page)
    number = paginator.validate_number(min(max(page_number, 1), paginator.num_pages))
    start = (number - 1) * per_page
    roadmaps = list(queryset[start : start + per_page])
    return frozen_page(roadmap_rows(roadmaps), number, count, per_page)


def fabrique_roadmaps(*, fabrique_id: int) -> list[RoadmapRow]:
    """The published roadmaps of a Fabrique, for its public page (1 + 3 queries)."""
    return roadmap_rows(list(published_roadmaps().filter(fabrique_id=fabrique_id)))


def participation_roadmaps(participation_ids: list[int]) -> list[Roadmap]:
    """The published roadmaps of these participations, for a territory page (1 query)."""
    if not participation_ids:
        return []
    return list(published_roadmaps().filter(participation_id__in=participation_ids))


# --- One roadmap ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    planned: Decimal = ZERO
    actual: Decimal = ZERO
    has_actual: bool = False
    asked: Decimal = ZERO
    granted: Decimal = ZERO
    has_granted: bool = False


def sheet_totals(sheet: ActionSheet) -> Totals:
    """Budget in euros excluding VAT (FTE lines are not money) and the financing plan's sums,
    from the prefetched ``public_budget`` and ``public_funding`` lists."""
    euros = [b for b in sheet.public_budget if b.unit == BudgetUnit.EUR_HT]  # type: ignore[attr-defined]
    actuals = [b.actual for b in euros if b.actual is not None]
    funding = sheet.public_funding  # type: ignore[attr-defined]
    granted = [f.amount_granted for f in funding if f.amount_granted is not None]
    return Totals(
        planned=sum((b.planned for b in euros), ZERO),
        actual=sum(actuals, ZERO),
        has_actual=bool(actuals),
        asked=sum((f.amount_asked for f in funding), ZERO),
        granted=sum(granted, ZERO),
        has_granted=bool(granted),
    )


@dataclass(frozen=True)
class SheetSummary:
    sheet: ActionSheet  # with commune, qpv
    totals: Totals
    group: str  # statistics.DONE, IN_PROGRESS, DROPPED, OTHER (current status)


@dataclass(frozen=True)
class AxisBlock:
    axis: Axis
    sheets: list[SheetSummary]


@dataclass(frozen=True)
class PublicRoadmap:
    roadmap: Roadmap  # with participation, fabrique and its year
    partners: list[RoadmapPartner]
    contracts: list[ContractLink]
    axes: list[AxisBlock]
    progress: Progress
    totals: Totals = field(default_factory=Totals)
    # « Vision prospective »: what the published studies of its territory and of the Fabrique
    # retained (each with its study), by kind; each axis's cited ones are in axis.public_answers.
    vision: list[VisionGroup] = field(default_factory=list)

    @property
    def sheet_count(self) -> int:
        return sum(len(block.sheets) for block in self.axes)


def _sheet_parts_prefetches() -> list[Prefetch]:
    return [
        Prefetch(
            "budget_lines",
            queryset=BudgetLine.objects.order_by("year", "pk"),
            to_attr="public_budget",
        ),
        Prefetch(
            "funding_lines", queryset=FundingLine.objects.order_by("pk"), to_attr="public_funding"
        ),
    ]


def public_roadmap(*, pk: int) -> PublicRoadmap:
    """A published roadmap, else the 404 of a nonexistent one (11 queries: the roadmap with
    its territory, Fabrique and year; partners; contracts; axes; the published results they
    answer; sheets; their budget lines; their funding lines; then the progress: follow-ups,
    sheets' states; the vision: published retained results with their study)."""
    roadmap = get_published_roadmap(pk)
    roadmap = (
        Roadmap.objects.select_related("participation", "fabrique__programme_year")
        .prefetch_related(
            Prefetch(
                "partners",
                queryset=RoadmapPartner.objects.order_by("position", "pk"),
                to_attr="public_partners",
            ),
            Prefetch(
                "contracts",
                queryset=ContractLink.objects.order_by("kind", "pk"),
                to_attr="public_contracts",
            ),
            Prefetch(
                "axes",
                queryset=Axis.objects.order_by("position", "pk").prefetch_related(
                    Prefetch(
                        "answers",
                        queryset=_published_answers().order_by("kind", "position", "pk"),
                        to_attr="public_answers",
                    )
                ),
                to_attr="public_axes",
            ),
            Prefetch(
                "sheets",
                queryset=ActionSheet.objects.select_related("commune", "qpv")
                .order_by("number", "pk")
                .prefetch_related(*_sheet_parts_prefetches()),
                to_attr="public_sheets",
            ),
        )
        .get(pk=roadmap.pk)
    )
    by_axis: dict[int, list[SheetSummary]] = {}
    grand = Totals()
    for sheet in roadmap.public_sheets:  # type: ignore[attr-defined]
        totals = sheet_totals(sheet)
        grand = Totals(
            planned=grand.planned + totals.planned,
            actual=grand.actual + totals.actual,
            has_actual=grand.has_actual or totals.has_actual,
            asked=grand.asked + totals.asked,
            granted=grand.granted + totals.granted,
            has_granted=grand.has_granted or totals.has_granted,
        )
        by_axis.setdefault(sheet.axis_id, []).append(
            SheetSummary(sheet=sheet, totals=totals, group=progress_group(sheet.status))
        )
    axes = [AxisBlock(axis=a, sheets=by_axis.get(a.pk, [])) for a in roadmap.public_axes]  # type: ignore[attr-defined]
    return PublicRoadmap(
        roadmap=roadmap,
        partners=roadmap.public_partners,  # type: ignore[attr-defined]
        contracts=roadmap.public_contracts,  # type: ignore[attr-defined]
        axes=axes,
        progress=roadmap_progress([roadmap.pk])[roadmap.pk],
        totals=grand,
        vision=vision_groups(
            list(answer_choices(roadmap).filter(study__status=StudyStatus.PUBLISHED))
        ),
    )


def _published_answers() -> QuerySet[RetainedResult]:
    """Retained results of published studies only: a draft study's stay in the workspace."""
    return RetainedResult.objects.filter(study__status=StudyStatus.PUBLISHED)


# --- One action sheet ----------------------------------------------------------------------


@dataclass(frozen=True)
class PublicSheet:
    sheet: ActionSheet  # with roadmap, its territory, Fabrique and year, axis, commune, qpv
    totals: Totals
    partners: list[SheetPartner]
    steps: list[Step]
    indicators: Sequence[Indicator]  # each with public_values
    notes: list[SheetNote]  # the writers' dated notes, never review comments
    status_changes: list[SheetStatusChange]
    related: list[ActionSheet]  # published sheets only
    follow_ups: list[FollowUpEntry]  # entries of closed follow-ups, with their follow-up
    # The workshop outcomes it comes from, those of published public minutes only, with their
    # workshop: the others stay within the working group.
    origins: list[Outcome] = field(default_factory=list)
    # The foresight results of published studies it answers, with their study.
    answers: list[RetainedResult] = field(default_factory=list)

    @property
    def latest_follow_up(self) -> FollowUpEntry | None:
        return self.follow_ups[-1] if self.follow_ups else None


def public_sheet(*, pk: int) -> PublicSheet:
    """A sheet of a published roadmap, else the 404 of a nonexistent one (14 queries: access
    check, the sheet with its roadmap, territory, Fabrique, year, axis and places; partners;
    steps; budget lines; funding lines; indicators; their values; notes; status history;
    related sheets; follow-up entries; workshop outcomes of public minutes; the published
    foresight results it answers)."""
    sheet = get_published_sheet(pk)
    sheet = (
        ActionSheet.objects.select_related(
            "roadmap__participation", "roadmap__fabrique__programme_year", "axis", "commune", "qpv"
        )
        .prefetch_related(
            *_sheet_parts_prefetches(),
            Prefetch(
                "partners",
                queryset=SheetPartner.objects.order_by("position", "pk"),
                to_attr="public_partners",
            ),
            Prefetch(
                "steps", queryset=Step.objects.order_by("position", "pk"), to_attr="public_steps"
            ),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.order_by("position", "pk").prefetch_related(
                    Prefetch(
                        "values",
                        queryset=IndicatorValue.objects.order_by("measured_on", "pk"),
                        to_attr="public_values",
                    )
                ),
                to_attr="public_indicators",
            ),
            Prefetch(
                "notes",
                queryset=SheetNote.objects.filter(is_comment=False)
                .only("pk", "sheet_id", "text", "written_on", "created_at")
                .order_by("written_on", "pk"),
                to_attr="public_notes",
            ),
            Prefetch(
                "status_changes",
                queryset=SheetStatusChange.objects.only(
                    "pk", "sheet_id", "status", "changed_on", "comment"
                ).order_by("changed_on", "pk"),
                to_attr="public_status_changes",
            ),
            Prefetch(
                "related",
                queryset=ActionSheet.objects.filter(roadmap__status=RoadmapStatus.PUBLISHED)
                .only("pk", "number", "title", "roadmap_id")
                .order_by("number", "pk"),
                to_attr="public_related",
            ),
            Prefetch(
                "follow_up_entries",
                queryset=FollowUpEntry.objects.filter(follow_up__closed_at__isnull=False)
                .select_related("follow_up")
                .order_by("follow_up__closed_at", "follow_up__horizon"),
                to_attr="public_follow_ups",
            ),
            Prefetch(
                "outcomes",
                queryset=Outcome.objects.filter(
                    minutes__status=MinutesStatus.PUBLISHED,
                    minutes__visibility=MinutesVisibility.PUBLIC,
                )
                .select_related("minutes__workshop")
                .only(
                    "pk",
                    "kind",
                    "text",
                    "minutes__id",
                    "minutes__workshop__id",
                    "minutes__workshop__title",
                    "minutes__workshop__starts_at",
                )
                .order_by("minutes__workshop__starts_at", "position", "pk"),
                to_attr="public_outcomes",
            ),
            Prefetch(
                "answers",
                queryset=_published_answers()
                .select_related("study")
                .order_by("kind", "position", "pk"),
                to_attr="public_answers",
            ),
        )
        .get(pk=sheet.pk)
    )
    return PublicSheet(
        sheet=sheet,
        totals=sheet_totals(sheet),
        partners=sheet.public_partners,  # type: ignore[attr-defined]
        steps=sheet.public_steps,  # type: ignore[attr-defined]
        indicators=sheet.public_indicators,  # type: ignore[attr-defined]
        notes=sheet.public_notes,  # type: ignore[attr-defined]
        status_changes=sheet.public_status_changes,  # type: ignore[attr-defined]
        related=sheet.public_related,  # type: ignore[attr-defined]
        follow_ups=sheet.public_follow_ups,  # type: ignore[attr-defined]
        origins=sheet.public_outcomes,  # type: ignore[attr-defined]
        answers=sheet.public_answers,  # type: ignore[attr-defined]
    )
