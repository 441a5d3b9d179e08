"""What became of the action sheets of published roadmaps: done, in progress, dropped, other.

A sheet's state is the one recorded at its roadmap's latest closed follow-up when that
follow-up has an entry for it, else its current status. The grouping of the eight statuses
into four is written once here and used by the public pages, the open data and the
programme statistics.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..models import ActionSheet, FollowUp, FollowUpEntry, Roadmap, RoadmapStatus, SheetStatus

DONE = "done"
IN_PROGRESS = "in_progress"
DROPPED = "dropped"
OTHER = "other"
GROUP_LABELS = {
    DONE: _("Réalisées"),
    IN_PROGRESS: _("En cours"),
    DROPPED: _("Abandonnées"),
    OTHER: _("Autres (non démarrées, en pause, bloquées, à discuter)"),
}
# Late actions are under way: they count as in progress, as paused or blocked ones do not.
_GROUP_OF = {
    SheetStatus.DONE: DONE,
    SheetStatus.IN_PROGRESS: IN_PROGRESS,
    SheetStatus.LATE: IN_PROGRESS,
    SheetStatus.DROPPED: DROPPED,
}


def progress_group(status: str) -> str:
    return _GROUP_OF.get(SheetStatus(status), OTHER) if status else OTHER


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class Progress:
    """Counts of sheets per group, and the follow-up they come from (None: current statuses)."""

    done: int = 0
    in_progress: int = 0
    dropped: int = 0
    other: int = 0
    follow_up_horizon: int | None = None
    follow_up_label: str = ""
    follow_up_on: datetime.date | None = None

    @property
    def total(self) -> int:
        return self.done + self.in_progress + self.dropped + self.other

    @property
    def done_share(self) -> float | None:
        return _share(self.done, self.total)

    @property
    def in_progress_share(self) -> float | None:
        return _share(self.in_progress, self.total)

    @property
    def dropped_share(self) -> float | None:
        return _share(self.dropped, self.total)

    @property
    def other_share(self) -> float | None:
        return _share(self.other, self.total)


def _latest_closed_follow_ups(roadmap_ids: list[int]) -> dict[int, FollowUp]:
    """Each roadmap's latest closed follow-up (one query)."""
    latest: dict[int, FollowUp] = {}
    follow_ups = FollowUp.objects.filter(
        roadmap_id__in=roadmap_ids, closed_at__isnull=False
    ).order_by("roadmap_id", "closed_at", "horizon")
    for follow_up in follow_ups:
        latest[follow_up.roadmap_id] = follow_up  # the last one wins
    return latest


def sheet_states(
    roadmap_ids: list[int], latest: dict[int, FollowUp] | None = None
) -> dict[int, tuple[int, str]]:
    """{sheet id: (roadmap id, status)} at the latest closed follow-up, else current (3 queries)."""
    if latest is None:
        latest = _latest_closed_follow_ups(roadmap_ids)
    states = {
        pk: (roadmap_id, status)
        for pk, roadmap_id, status in ActionSheet.objects.filter(
            roadmap_id__in=roadmap_ids
        ).values_list("pk", "roadmap_id", "status")
    }
    if latest:
        entries = FollowUpEntry.objects.filter(
            follow_up_id__in=[f.pk for f in latest.values()]
        ).values_list("sheet_id", "status")
        for sheet_id, status in entries:
            if sheet_id in states:
                states[sheet_id] = (states[sheet_id][0], status)
    return states


def roadmap_progress(roadmap_ids: Iterable[int]) -> dict[int, Progress]:
    """The progress of each roadmap (2 or 3 queries whatever their number)."""
    ids = list(roadmap_ids)
    if not ids:
        return {}
    latest = _latest_closed_follow_ups(ids)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for roadmap_id, status in sheet_states(ids, latest).values():
        counts[roadmap_id][progress_group(status)] += 1
    result = {}
    for roadmap_id in ids:
        follow_up = latest.get(roadmap_id)
        c = counts.get(roadmap_id, {})
        result[roadmap_id] = Progress(
            done=c.get(DONE, 0),
            in_progress=c.get(IN_PROGRESS, 0),
            dropped=c.get(DROPPED, 0),
            other=c.get(OTHER, 0),
            follow_up_horizon=follow_up.horizon if follow_up else None,
            follow_up_label=str(follow_up.get_horizon_display()) if follow_up else "",
            follow_up_on=follow_up.closed_at.date() if follow_up and follow_up.closed_at else None,
        )
    return result


@dataclass(frozen=True)
class ProgressRow:
    label: str
    roadmaps: int
    progress: Progress


@dataclass(frozen=True)
class SheetStatistics:
    by_fabrique: list[ProgressRow]
    by_year: list[ProgressRow]
    total: ProgressRow


def _add(rows: dict, key, progress: Progress) -> None:
    label, count, p = rows.get(key, ("", 0, Progress()))
    rows[key] = (
        label,
        count + 1,
        Progress(
            done=p.done + progress.done,
            in_progress=p.in_progress + progress.in_progress,
            dropped=p.dropped + progress.dropped,
            other=p.other + progress.other,
        ),
    )


def sheet_statistics() -> SheetStatistics:
    """Share of the action sheets of published roadmaps per group, per Fabrique and per
    programme year (4 queries)."""
    roadmaps = list(
        Roadmap.objects.filter(status=RoadmapStatus.PUBLISHED)
        .select_related("fabrique__programme_year")
        .order_by("-fabrique__programme_year__year", "fabrique__title", "pk")
    )
    progress = roadmap_progress([r.pk for r in roadmaps])
    by_fabrique: dict[int, tuple[str, int, Progress]] = {}
    by_year: dict[int, tuple[str, int, Progress]] = {}
    total: dict[int, tuple[str, int, Progress]] = {}
    for roadmap in roadmaps:
        fabrique = roadmap.fabrique
        year = fabrique.programme_year.year
        for rows, key, label in (
            (by_fabrique, fabrique.pk, f"{fabrique.title} ({year})"),
            (by_year, year, str(year)),
            (total, 0, str(_("Ensemble"))),
        ):
            if key not in rows:
                rows[key] = (label, 0, Progress())
            _add(rows, key, progress[roadmap.pk])
    return SheetStatistics(
        by_fabrique=[ProgressRow(*row) for row in by_fabrique.values()],
        by_year=[ProgressRow(*row) for row in by_year.values()],
        total=ProgressRow(*total[0]) if total else ProgressRow(str(_("Ensemble")), 0, Progress()),
    )
