"""The calendar template a Fabrique's milestones are generated from.

This is the platform's default template, chosen to match a year of about twelve months as the
programme describes it; each Fabrique edits its own calendar afterwards. It is not an official
ANCT calendar.
"""

import datetime
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import MilestoneKind


@dataclass(frozen=True)
class MilestoneTemplate:
    kind: str
    title: str | Promise
    month_offset: int  # months after the Fabrique's first month


DEFAULT_TEMPLATE: tuple[MilestoneTemplate, ...] = (
    MilestoneTemplate(MilestoneKind.KICKOFF, _("Séminaire de lancement"), 0),
    MilestoneTemplate(MilestoneKind.SEMINAR, _("Premier séminaire collectif"), 3),
    MilestoneTemplate(MilestoneKind.SEMINAR, _("Deuxième séminaire collectif"), 6),
    MilestoneTemplate(MilestoneKind.SEMINAR, _("Troisième séminaire collectif"), 9),
    MilestoneTemplate(MilestoneKind.DELIVERABLE_DUE, _("Remise des livrables"), 10),
    MilestoneTemplate(MilestoneKind.CLOSING, _("Séminaire de clôture"), 11),
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class PlannedMilestone:
    kind: str
    title: str
    date: datetime.date
    position: int


def plan_milestones(
    start: datetime.date, template: tuple[MilestoneTemplate, ...] = DEFAULT_TEMPLATE
) -> list[PlannedMilestone]:
    """The template's milestones dated from `start` (each on the first day of its month)."""
    return [
        PlannedMilestone(
            kind=str(item.kind),
            title=str(item.title),
            date=add_months(start, item.month_offset),
            position=position,
        )
        for position, item in enumerate(template)
    ]
