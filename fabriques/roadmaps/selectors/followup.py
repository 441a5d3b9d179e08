"""Reads of the follow-ups: the progress of a roadmap's actions, a follow-up's page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch

from ..models import (
    ActionSheet,
    FollowUp,
    FollowUpEntry,
    Indicator,
    IndicatorValue,
    Roadmap,
    SheetStatus,
)

# Statuses counted as « in progress »: started and neither done nor dropped.
IN_PROGRESS = (SheetStatus.IN_PROGRESS, SheetStatus.LATE, SheetStatus.PAUSED, SheetStatus.BLOCKED)


@dataclass(frozen=True)
class Progress:
    """What became of a roadmap's actions.

    - total: number of sheets counted;
    - done / in_progress / dropped: sheets done, in progress (in progress, late, paused or
      blocked) and dropped; the rest (not started, to discuss) is `total` minus those;
    - horizon: 1 or 3 when the figures come from the latest handed-in follow-up, None when
      they come from the sheets' current statuses (no follow-up handed in yet);
    - the *_percent properties: whole percentages of `total` (0 when there is no sheet).
    """

    total: int
    done: int
    in_progress: int
    dropped: int
    horizon: int | None

    @property
    def not_started(self) -> int:
        return self.total - self.done - self.in_progress - self.dropped

    def _percent(self, part: int) -> int:
        return round(100 * part / self.total) if self.total else 0

    @property
    def done_percent(self) -> int:
        return self._percent(self.done)

    @property
    def in_progress_percent(self) -> int:
        return self._percent(self.in_progress)

    @property
    def dropped_percent(self) -> int:
        return self._percent(self.dropped)


def _count(statuses: Iterable[str], horizon: int | None) -> Progress:
    statuses = list(statuses)
    return Progress(
        total=len(statuses),
        done=sum(1 for s in statuses if s == SheetStatus.DONE),
        in_progress=sum(1 for s in statuses if s in IN_PROGRESS),
        dropped=sum(1 for s in statuses if s == SheetStatus.DROPPED),
        horizon=horizon,
    )


def follow_up_progress(roadmap: Roadmap) -> Progress:
    """The share of actions done, in progress and dropped at the latest handed-in follow-up,
    or from the sheets' current statuses when none was handed in (two queries at most)."""
    latest = (
        FollowUp.objects.filter(roadmap=roadmap, closed_at__isnull=False)
        .order_by("-horizon", "-closed_at")
        .first()
    )
    if latest is not None:
        statuses = FollowUpEntry.objects.filter(follow_up=latest).values_list("status", flat=True)
        return _count(statuses, latest.horizon)
    return _count(
        ActionSheet.objects.filter(roadmap=roadmap).values_list("status", flat=True), None
    )


def roadmap_follow_ups(roadmap: Roadmap) -> list[FollowUp]:
    return list(FollowUp.objects.filter(roadmap=roadmap).order_by("horizon"))


@dataclass
class FollowUpPage:
    """The follow-up form's data: its entries with their sheet, and the roadmap's indicators
    with their values (for the new-value lines)."""

    follow_up: FollowUp
    entries: list[FollowUpEntry]
    indicators: list[Indicator]


def follow_up_page(*, roadmap: Roadmap, horizon: int) -> FollowUpPage | None:
    """Four queries: the follow-up, its entries with their sheets, the indicators with their
    sheet, their values."""
    follow_up = FollowUp.objects.filter(roadmap=roadmap, horizon=horizon).first()
    if follow_up is None:
        return None
    entries = list(
        FollowUpEntry.objects.filter(follow_up=follow_up)
        .select_related("sheet")
        .order_by("sheet__number", "pk")
    )
    indicators = list(
        Indicator.objects.filter(sheet__roadmap=roadmap)
        .select_related("sheet")
        .prefetch_related(
            Prefetch("values", queryset=IndicatorValue.objects.order_by("measured_on"))
        )
        .order_by("sheet__number", "position", "pk")
    )
    return FollowUpPage(follow_up=follow_up, entries=entries, indicators=indicators)
