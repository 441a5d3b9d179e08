"""Reads of working groups: the group page, its counts, the CSV export."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from fabriques.territories.models import Participation

from .models import Member, StakeholderFamily, WorkingGroup


def working_group_of(*, participation: Participation) -> WorkingGroup:
    """The territory's group, or an unsaved one while nothing was written to it (no write on
    a page view: the services create it)."""
    group = WorkingGroup.objects.filter(participation=participation).first()
    if group is None:
        group = WorkingGroup(participation=participation)
    group.participation = participation
    return group


def group_members(*, group: WorkingGroup, current_only: bool = True) -> QuerySet[Member]:
    if group.pk is None:
        return Member.objects.none()
    members = Member.objects.filter(working_group=group)
    if current_only:
        members = members.filter(left_on__isnull=True)
    return members.order_by("last_name", "first_name", "pk")


@dataclass(frozen=True)
class FamilyCount:
    family: str
    label: str
    count: int


def family_counts(*, group: WorkingGroup) -> list[FamilyCount]:
    """Current members per stakeholder family, every family listed (absent ones at zero)."""
    counts: Counter[str] = Counter()
    if group.pk is not None:
        for row in (
            Member.objects.filter(working_group=group, left_on__isnull=True)
            .values("family")
            .annotate(n=Count("pk"))
        ):
            counts[row["family"]] = row["n"]
    return [
        FamilyCount(value, str(label), counts[value]) for value, label in StakeholderFamily.choices
    ]


def member_totals(*, group: WorkingGroup) -> tuple[int, int]:
    """(current members, members who left)."""
    if group.pk is None:
        return 0, 0
    totals = Member.objects.filter(working_group=group).aggregate(
        current=Count("pk", filter=Q(left_on__isnull=True)),
        left=Count("pk", filter=Q(left_on__isnull=False)),
    )
    return totals["current"], totals["left"]
