"""Reads for invitations, registrations and a member's own space.

The rules on who may still register (`registration_refusal`) and on places
(`Places.fits`) live here, as plain functions of data the caller has read, so that the
pages show the buttons the services will accept and the services decide the same way.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fabriques.accounts.types import Person
from fabriques.territories.models import Participation
from fabriques.workinggroups.models import Member

from ..access import member_scope
from ..models import (
    Attendance,
    Minutes,
    MinutesStatus,
    MinutesVisibility,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopStatus,
)

ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING)


# --- The rules ----------------------------------------------------------------------------


def invitation_refusal(workshop: Workshop, *, now: datetime.datetime | None = None) -> str:
    """Why nobody can be invited to the workshop any more; empty when they can."""
    now = now or timezone.now()
    if workshop.is_cancelled:
        return _("Cette rencontre est annulée : on ne peut plus y inviter personne.")
    if workshop.starts_at <= now:
        return _("Cette rencontre a déjà commencé ou est passée : on ne peut plus y inviter.")
    return ""


def registration_refusal(
    workshop: Workshop,
    member: Member | None,
    registration: Registration | None,
    *,
    now: datetime.datetime | None = None,
) -> str:
    """Why the member may not register to the workshop; empty when they may.

    `member` must come with its working group (select_related); `registration` is their row on
    the workshop's list, if any (an invitation opens a local workshop of another territory).
    """
    now = now or timezone.now()
    if workshop.is_cancelled:
        return _("Cette rencontre est annulée : les inscriptions sont fermées.")
    if workshop.starts_at <= now:
        return _("Cette rencontre a déjà commencé ou est passée : on ne peut plus s’y inscrire.")
    deadline = workshop.registration_deadline
    if deadline is not None and deadline <= now:
        return _("La date limite d’inscription (%(date)s) est passée.") % {
            "date": date_format(timezone.localtime(deadline), "j F Y à G \\h i")
        }
    if member is None or member.left_on is not None:
        return _(
            "Seuls les membres actuels des groupes de travail peuvent s’inscrire à cette rencontre."
        )
    invited = registration is not None and registration.invited_at is not None
    if workshop.participation_id is None:
        if member.working_group.participation.fabrique_id != workshop.fabrique_id and not invited:
            return _(
                "Cette rencontre réunit les groupes de travail d’une autre Fabrique : "
                "vous ne pouvez pas vous y inscrire."
            )
    elif member.working_group.participation_id != workshop.participation_id and not invited:
        return _(
            "Cet atelier est réservé au groupe de travail de son territoire et aux personnes "
            "invitées : vous ne pouvez pas vous y inscrire."
        )
    return ""


@dataclass
class Places:
    """The places taken on a workshop, by territory, and the rule that gives the next one.

    Without capacity, every request gets a place. With reserved places per territory (a
    meeting of the whole Fabrique), each territory is guaranteed `reserved` places: a request
    from territory T gets one while T holds fewer, or while the free pool (capacity minus, for
    each territory, the larger of its reservation and what it holds) is not empty. The
    capacity is never exceeded, even when the reservations add up to more than it.
    """

    capacity: int | None
    reserved: int
    territories: frozenset[int]
    confirmed: Counter[int] = field(default_factory=Counter)

    @property
    def taken(self) -> int:
        return sum(self.confirmed.values())

    def fits(self, participation_id: int) -> bool:
        if self.capacity is None:
            return True
        if self.taken >= self.capacity:
            return False
        if not self.reserved:
            return True
        if self.confirmed[participation_id] < self.reserved:
            return True
        held = sum(
            max(self.reserved, self.confirmed[territory])
            for territory in self.territories | set(self.confirmed)
        )
        return self.capacity - held > 0

    def take(self, participation_id: int) -> None:
        self.confirmed[participation_id] += 1


def places_of(workshop: Workshop) -> Places:
    """Two queries at most: the places held by territory, and the Fabrique's territories."""
    rows = (
        Registration.objects.filter(workshop=workshop, status=RegistrationStatus.REGISTERED)
        .values_list("member__working_group__participation_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    confirmed: Counter[int] = Counter(dict(rows))
    reserved = (workshop.places_per_territory or 0) if workshop.participation_id is None else 0
    territories: frozenset[int] = frozenset()
    if reserved and workshop.capacity is not None:
        territories = frozenset(
            Participation.objects.filter(fabrique_id=workshop.fabrique_id).values_list(
                "pk", flat=True
            )
        )
    return Places(
        capacity=workshop.capacity, reserved=reserved, territories=territories, confirmed=confirmed
    )


def waiting_position(registration: Registration) -> int:
    """1 for the first of the waiting list."""
    before = Registration.objects.filter(
        workshop_id=registration.workshop_id, status=RegistrationStatus.WAITING
    ).filter(
        Q(requested_at__lt=registration.requested_at)
        | Q(requested_at=registration.requested_at, pk__lt=registration.pk)
    )
    return before.count() + 1


def _position_annotation() -> Any:
    """The waiting position of each row, as a subquery (null outside the waiting list)."""
    ahead = (
        Registration.objects.filter(
            workshop_id=OuterRef("workshop_id"), status=RegistrationStatus.WAITING
        )
        .filter(
            Q(requested_at__lt=OuterRef("requested_at"))
            | Q(requested_at=OuterRef("requested_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("workshop_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(ahead), 0) + 1


# --- Invitations --------------------------------------------------------------------------


@dataclass
class TerritoryCandidates:
    participation: Participation
    members: list[Member]


def invitation_candidates(*, workshop: Workshop) -> list[Member]:
    """The people who may be invited (the territory's group's current members, or those of
    every group of the Fabrique), in one query, each with `invitations_this_year` (the
    workshops they were invited to this calendar year: asking the same people again and again
    wears them out) and `already_listed` (already on this workshop's list)."""
    year = timezone.localdate().year
    members = Member.objects.filter(left_on__isnull=True).exclude(email="")
    if workshop.participation_id is not None:
        members = members.filter(working_group__participation_id=workshop.participation_id)
    else:
        members = members.filter(working_group__participation__fabrique_id=workshop.fabrique_id)
    return list(
        members.select_related("working_group__participation")
        .annotate(
            invitations_this_year=Count(
                "registrations", filter=Q(registrations__invited_at__year=year)
            ),
            already_listed=Exists(
                Registration.objects.filter(workshop_id=workshop.pk, member_id=OuterRef("pk"))
            ),
        )
        .order_by(
            "working_group__participation__label", "last_name", "first_name", "working_group", "pk"
        )
    )


def by_territory(members: Iterable[Member]) -> list[TerritoryCandidates]:
    """Members (ordered by territory) grouped by territory."""
    return [
        TerritoryCandidates(participation=rows[0].working_group.participation, members=rows)
        for rows in (
            list(group)
            for _key, group in groupby(members, key=lambda m: m.working_group.participation_id)
        )
    ]


# --- The list of a workshop ---------------------------------------------------------------


class ListTab:
    REGISTERED = "inscrits"
    WAITING = "attente"
    INVITED = "invites"
    OTHERS = "desinscrits"


TAB_STATUSES = {
    ListTab.REGISTERED: (RegistrationStatus.REGISTERED,),
    ListTab.WAITING: (RegistrationStatus.WAITING,),
    ListTab.INVITED: (RegistrationStatus.INVITED,),
    ListTab.OTHERS: (RegistrationStatus.CANCELLED, RegistrationStatus.DECLINED),
}


def registration_counts(*, workshop: Workshop) -> dict[str, int]:
    """How many people per tab, in one query."""
    totals = workshop.registrations.aggregate(
        **{
            tab: Count("pk", filter=Q(status__in=statuses))
            for tab, statuses in TAB_STATUSES.items()
        }
    )
    return {tab: totals[tab] or 0 for tab in TAB_STATUSES}


def registrations_in_tab(*, workshop: Workshop, tab: str) -> QuerySet[Registration]:
    """The tab's people with their group's territory, the waiting list in arrival order."""
    order = (
        ["requested_at", "pk"]
        if tab == ListTab.WAITING
        else ["member__last_name", "member__first_name", "pk"]
    )
    return (
        Registration.objects.filter(workshop=workshop, status__in=TAB_STATUSES[tab])
        .select_related("member__working_group__participation")
        .order_by(*order)
    )


@dataclass
class TerritoryPlaces:
    participation: Participation
    confirmed: int
    waiting: int


def places_by_territory(*, workshop: Workshop) -> list[TerritoryPlaces]:
    """For a meeting of the whole Fabrique: each territory's people registered and waiting
    (one query); empty for a territory's workshop."""
    if workshop.participation_id is not None:
        return []
    lookup = "working_group__members__registrations"
    rows = (
        Participation.objects.filter(fabrique_id=workshop.fabrique_id)
        .annotate(
            confirmed=Count(
                lookup,
                filter=Q(
                    **{
                        f"{lookup}__workshop": workshop,
                        f"{lookup}__status": RegistrationStatus.REGISTERED,
                    }
                ),
            ),
            waiting=Count(
                lookup,
                filter=Q(
                    **{
                        f"{lookup}__workshop": workshop,
                        f"{lookup}__status": RegistrationStatus.WAITING,
                    }
                ),
            ),
        )
        .order_by("label", "pk")
    )
    return [
        TerritoryPlaces(participation=row, confirmed=row.confirmed, waiting=row.waiting)
        for row in rows
    ]


# --- A member's own space -----------------------------------------------------------------


def member_may_read_minutes(minutes: Minutes | None, registration: Registration) -> bool:
    """Whether the member of `registration` reads the workshop's minutes, from what the member
    space has read (no query): access.may_read_minutes seen from a member's own registration.
    The minutes page checks again."""
    if minutes is None:
        return False
    attended = registration.attendance == Attendance.ATTENDED
    if minutes.status == MinutesStatus.PUBLISHED:
        if minutes.visibility != MinutesVisibility.GROUP:
            return True
        workshop = registration.workshop
        if workshop.participation_id is not None:
            return registration.member.working_group.participation_id == workshop.participation_id
        return attended
    return minutes.status in (MinutesStatus.SHARED, MinutesStatus.VALIDATED) and attended


@dataclass
class SpaceEntry:
    registration: Registration
    minutes_url: str = ""


@dataclass
class MemberSpace:
    is_member: bool
    coming: list[Registration] = field(default_factory=list)
    past: list[SpaceEntry] = field(default_factory=list)
    open_workshops: list[Workshop] = field(default_factory=list)


def member_space(*, user: Person) -> MemberSpace:
    """The person's workshops through their memberships: coming (with the waiting position),
    past (with their attendance and the minutes they read), and the coming workshops open to
    them they are not on the list of. Three queries (memberships, registrations, workshops)."""
    scope = member_scope(user)
    if not scope.is_member:
        return MemberSpace(is_member=False)
    now = timezone.now()
    registrations = list(
        Registration.objects.filter(member_id__in=scope.member_ids)
        .select_related("workshop__participation", "workshop__minutes", "member__working_group")
        .annotate(position=_position_annotation())
        .order_by("workshop__starts_at", "workshop_id", "pk")
    )
    space = MemberSpace(is_member=True)
    for registration in registrations:
        workshop = registration.workshop
        if workshop.starts_at > now:
            space.coming.append(registration)
            continue
        minutes = getattr(workshop, "minutes", None)
        url = ""
        if member_may_read_minutes(minutes, registration):
            url = reverse("workshops:minutes", args=[workshop.pk])
        space.past.append(SpaceEntry(registration=registration, minutes_url=url))
    space.past.reverse()  # the latest first
    listed = {registration.workshop_id for registration in registrations}
    space.open_workshops = [
        workshop
        for workshop in Workshop.objects.filter(
            Q(participation_id__in=scope.participation_ids)
            | Q(participation__isnull=True, fabrique_id__in=scope.fabrique_ids),
            starts_at__gt=now,
            status=WorkshopStatus.PLANNED,
        )
        .select_related("participation")
        .order_by("starts_at", "pk")
        if workshop.pk not in listed
    ]
    return space


@dataclass
class MemberWorkshop:
    workshop: Workshop
    agenda: list[Any]
    member: Member | None
    registration: Registration | None
    position: int | None
    refusal: str

    @property
    def status(self) -> str:
        return self.registration.status if self.registration else ""

    @property
    def may_register(self) -> bool:
        return not self.refusal and self.status not in ACTIVE

    @property
    def why_not_register(self) -> str:
        """Why the register button is missing, for someone not registered nor waiting."""
        return self.refusal if self.status not in ACTIVE else ""

    @property
    def may_cancel(self) -> bool:
        return self.status in ACTIVE and self.workshop.starts_at > timezone.now()

    @property
    def may_decline(self) -> bool:
        return (
            self.status == RegistrationStatus.INVITED and self.workshop.starts_at > timezone.now()
        )


def member_for_workshop(
    *, user: Person, workshop: Workshop
) -> tuple[Member | None, Registration | None]:
    """The person's membership through which they take part in the workshop, and their row
    on its list: the listed one first, else a current membership of the workshop's territory
    (or, for a meeting of the whole Fabrique, of one of its territories). Two queries at most."""
    scope = member_scope(user)
    if not scope.is_member:
        return None, None
    registration = (
        Registration.objects.filter(workshop=workshop, member_id__in=scope.member_ids)
        .select_related("member__working_group__participation")
        .order_by("pk")
        .first()
    )
    if registration is not None:
        return registration.member, registration
    members = Member.objects.filter(pk__in=scope.member_ids).select_related(
        "working_group__participation"
    )
    if workshop.participation_id is not None:
        members = members.filter(working_group__participation_id=workshop.participation_id)
    else:
        members = members.filter(working_group__participation__fabrique_id=workshop.fabrique_id)
    return members.order_by("pk").first(), None


def member_workshop(*, user: Person, workshop: Workshop) -> MemberWorkshop:
    member, registration = member_for_workshop(user=user, workshop=workshop)
    position = None
    if registration is not None and registration.status == RegistrationStatus.WAITING:
        position = waiting_position(registration)
    return MemberWorkshop(
        workshop=workshop,
        agenda=list(workshop.agenda.all()),
        member=member,
        registration=registration,
        position=position,
        refusal=registration_refusal(workshop, member, registration),
    )


def own_memberships(*, user: Person) -> list[Member]:
    """The person's current memberships of working groups, with their territory and Fabrique."""
    if not user.is_authenticated:
        return []
    return list(
        Member.objects.filter(user_id=user.pk, left_on__isnull=True)
        .select_related("working_group__participation__fabrique")
        .order_by("working_group__participation__fabrique__title", "pk")
    )
