"""Reads for the minutes' pages, the public minutes and the actions to follow.

Every list a template walks is built here with its joins, so that templates never query.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from fabriques.accounts.roles import grants_for
from fabriques.accounts.types import Person
from fabriques.programme.models import Fabrique
from fabriques.workinggroups.models import Member, StakeholderFamily

from ..access import (
    MINUTES_NOT_FOUND,
    in_group_audience,
    is_attendee,
    may_comment_minutes,
    may_manage_workshop,
)
from ..models import (
    OPEN_ACTION_STATUSES,
    AgendaItem,
    Attendance,
    Minutes,
    MinutesComment,
    MinutesStatus,
    MinutesVisibility,
    Outcome,
    OutcomeKind,
    Registration,
    Workshop,
)


@dataclass(frozen=True)
class OutcomeGroup:
    kind: str
    label: str
    outcomes: list[Outcome]


@dataclass(frozen=True)
class FamilyCount:
    label: str
    count: int


@dataclass(frozen=True)
class MinutesPage:
    minutes: Minutes
    groups: list[OutcomeGroup]
    outcomes: list[Outcome]
    attendees: list[Registration] | None
    families: list[FamilyCount]
    comments: list[MinutesComment] | None
    may_manage: bool
    may_comment: bool
    # Whether the reader sees people by name (attendees, the members who own actions).
    sees_names: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _outcomes(minutes: Minutes) -> list[Outcome]:
    if minutes.pk is None:
        return []
    return list(
        Outcome.objects.filter(minutes=minutes).select_related("owner_member", "agenda_item")
    )


def group_outcomes(outcomes: list[Outcome]) -> list[OutcomeGroup]:
    """The outcomes by kind (information, decision, action), each kind in the minutes' order."""
    return [
        OutcomeGroup(
            kind=kind.value,
            label=str(kind.label),
            outcomes=[outcome for outcome in outcomes if outcome.kind == kind],
        )
        for kind in (OutcomeKind.INFORMATION, OutcomeKind.DECISION, OutcomeKind.ACTION)
        if any(outcome.kind == kind for outcome in outcomes)
    ]


def attendees(*, workshop: Workshop) -> list[Registration]:
    """Who came (checked in), by name."""
    return list(
        Registration.objects.filter(workshop=workshop, attendance=Attendance.ATTENDED)
        .select_related("member")
        .order_by("member__last_name", "member__first_name", "pk")
    )


def family_counts(registrations: list[Registration]) -> list[FamilyCount]:
    labels = dict(StakeholderFamily.choices)
    counts = Counter(registration.member.family for registration in registrations)
    return [
        FamilyCount(label=str(labels.get(family, family)), count=count)
        for family, count in sorted(counts.items(), key=lambda item: str(labels.get(item[0])))
    ]


def minutes_page(*, minutes: Minutes, user: Person) -> MinutesPage:
    """What the minutes' page shows to this reader (the minutes come from the access function).

    Names of attendees, and of the members who own actions, go to the people who run the
    workshop and to its group's audience (the territory's members and referents, the
    attendees); other readers see families counted, and « a member of the group » for an owner.
    Comments go to those who could read them while shared: the attendees and the facilitators.
    """
    workshop = minutes.workshop
    manages = may_manage_workshop(user, workshop)
    attended = is_attendee(user, workshop)
    present = attendees(workshop=workshop)
    sees_names = manages or attended or in_group_audience(user, workshop)
    comments = None
    if minutes.pk is not None and (manages or attended):
        comments = list(
            MinutesComment.objects.filter(minutes=minutes).select_related(
                "author", "author_member", "outcome"
            )
        )
    outcomes = _outcomes(minutes)
    return MinutesPage(
        minutes=minutes,
        groups=group_outcomes(outcomes),
        outcomes=outcomes,
        attendees=present if sees_names else None,
        families=family_counts(present),
        comments=comments,
        may_manage=manages,
        may_comment=minutes.pk is not None and may_comment_minutes(user, minutes),
        sees_names=sees_names,
    )


def owner_choices(*, workshop: Workshop) -> QuerySet[Member]:
    """Who may own an action: the current members of the workshop's group, or of all the
    Fabrique's groups for a meeting of the whole Fabrique."""
    members = Member.objects.filter(left_on__isnull=True).select_related("working_group")
    if workshop.participation_id is not None:
        return members.filter(working_group__participation_id=workshop.participation_id)
    return members.filter(working_group__participation__fabrique_id=workshop.fabrique_id)


def agenda_choices(*, workshop: Workshop) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(workshop=workshop).order_by("position", "pk")


# Public minutes ---------------------------------------------------------------------------


def _public(queryset: QuerySet[Minutes]) -> QuerySet[Minutes]:
    return queryset.filter(
        status=MinutesStatus.PUBLISHED, visibility=MinutesVisibility.PUBLIC
    ).select_related("workshop__fabrique", "workshop__participation")


@dataclass(frozen=True)
class PublicAttendees:
    named: list[Member]
    families: list[FamilyCount]
    total: int


def public_minutes(*, workshop_pk: int) -> Minutes:
    """Published public minutes for anyone; the same 404 as a missing workshop otherwise."""
    minutes = _public(Minutes.objects.filter(workshop_id=workshop_pk)).first()
    if minutes is None:
        raise Http404(MINUTES_NOT_FOUND)
    return minutes


def public_attendees(*, workshop: Workshop) -> PublicAttendees:
    """Attendees who accepted to be named, by name and organisation; the others only counted
    by stakeholder family. Never an address or a phone number."""
    present = attendees(workshop=workshop)
    named = [r.member for r in present if r.member.public_name_opt_in]
    others = [r for r in present if not r.member.public_name_opt_in]
    return PublicAttendees(named=named, families=family_counts(others), total=len(present))


@dataclass(frozen=True)
class PublicMinutesLink:
    title: str
    starts_at: Any
    url: str


def fabrique_public_minutes(*, fabrique: Fabrique) -> list[PublicMinutesLink]:
    """The Fabrique's published public minutes, latest workshop first (for its public page)."""
    return [
        PublicMinutesLink(
            title=minutes.workshop.title,
            starts_at=minutes.workshop.starts_at,
            url=reverse("workshops:public_minutes", args=[minutes.workshop_id]),
        )
        for minutes in _public(Minutes.objects.filter(workshop__fabrique=fabrique)).order_by(
            "-workshop__starts_at", "-pk"
        )
    ]


# Actions to follow ------------------------------------------------------------------------


def _followed(user: Person) -> Q | None:
    """The workshops whose actions this person follows: their territories' for referents,
    their Fabriques' for providers and pilots, all for administrators; None when none."""
    grants = grants_for(user)
    if grants.is_admin:
        return Q()
    condition = Q(pk__in=[])
    if grants.referent_participations:
        condition |= Q(minutes__workshop__participation_id__in=grants.referent_participations)
    fabriques = grants.piloted | grants.provider_fabriques
    if fabriques:
        condition |= Q(minutes__workshop__fabrique_id__in=fabriques)
    if not (grants.referent_participations or fabriques):
        return None
    return condition


def actions_for_user(*, user: Person, status: str | None = None) -> QuerySet[Outcome]:
    """The actions this person follows, by due date; open ones (to do, in progress) unless
    `status` asks for another."""
    condition = _followed(user)
    if condition is None:
        return Outcome.objects.none()
    statuses = [status] if status else list(OPEN_ACTION_STATUSES)
    return (
        Outcome.objects.filter(condition, kind=OutcomeKind.ACTION, action_status__in=statuses)
        .select_related(
            "owner_member",
            "minutes__workshop__fabrique",
            "minutes__workshop__participation",
        )
        .order_by("due_on", "pk")
    )


@dataclass(frozen=True)
class ActionsSummary:
    open: int
    overdue: int


def actions_summary(*, user: Person) -> ActionsSummary | None:
    """Open and overdue actions for the dashboard; None for those who follow none."""
    condition = _followed(user)
    if condition is None:
        return None
    today = timezone.localdate()
    counts = Outcome.objects.filter(
        condition, kind=OutcomeKind.ACTION, action_status__in=list(OPEN_ACTION_STATUSES)
    ).aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    if not counts["open"]:
        return None
    return ActionsSummary(open=counts["open"], overdue=counts["overdue"])
