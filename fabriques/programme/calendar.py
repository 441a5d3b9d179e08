"""A Fabrique's calendar: its milestones, and the dated events that apps above programme add.

The apps of the year's work (the workshops) live above programme and cannot be imported by
it, so they register a source here in their AppConfig.ready(), the way personal-data sources
are registered in accounts: `register(source)` where `source(fabrique, user)` returns the
entries that person may see, in a bounded number of queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

from fabriques.accounts.types import Person

from .models import Fabrique, Milestone


@dataclass(frozen=True)
class CalendarEntry:
    date: datetime.date
    kind: str | Promise
    title: str
    description: str = ""
    url: str = ""
    # Sorts a day's entries: milestones first, then events by their time.
    order: str = ""


CalendarSource = Callable[[Fabrique, Person], Iterable[CalendarEntry]]
_SOURCES: list[CalendarSource] = []


def register(source: CalendarSource) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def calendar_entries(
    *, fabrique: Fabrique, user: Person, milestones: Iterable[Milestone]
) -> list[CalendarEntry]:
    """The Fabrique's milestones and the registered sources' entries, by date."""
    entries = [
        CalendarEntry(
            date=milestone.date,
            kind=milestone.get_kind_display(),
            title=milestone.title,
            description=milestone.description,
            order=f"0-{milestone.position:05d}",
        )
        for milestone in milestones
    ]
    for source in _SOURCES:
        entries.extend(source(fabrique, user))
    return sorted(entries, key=lambda entry: (entry.date, entry.order))
