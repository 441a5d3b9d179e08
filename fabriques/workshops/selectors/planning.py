"""Reads for planning workshops: the Fabrique's list as each person sees it, the workshop page,
the choices of the planning form. Each function owns its joins, so that templates never query.

The list applies workshops.access's rules as a queryset: access.may_see_workshop decides one
workshop, `visible_workshops` the same for many in one query.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fabriques.accounts.models import Membership, MembershipRole, User
from fabriques.accounts.types import Person
from fabriques.deliverables.models import Deliverable
from fabriques.programme.calendar import CalendarEntry
from fabriques.programme.models import Fabrique, Role
from fabriques.territories.models import Participation

from ..access import (
    may_plan_in_fabrique,
    may_plan_in_territory,
    visibility_condition,
)
from ..models import (
    AgendaItem,
    Attendance,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopDocument,
)


def visible_workshops(*, user: Person, fabrique: Fabrique) -> QuerySet[Workshop]:
    workshops = Workshop.objects.filter(fabrique=fabrique)
    condition = visibility_condition(user, fabrique.pk)
    if condition is not None:
        workshops = workshops.filter(condition)
    return workshops


def workshop_list(
    *,
    user: Person,
    fabrique: Fabrique,
    participation_id: int | None = None,
    kind: str = "",
    period: str = "",
    now: datetime.datetime | None = None,
) -> QuerySet[Workshop]:
    """The Fabrique's workshops the person sees, filtered by territory, kind and period
    ("a-venir", "passees", or both)."""
    workshops = visible_workshops(user=user, fabrique=fabrique).select_related("participation")
    if participation_id is not None:
        workshops = workshops.filter(participation_id=participation_id)
    if kind:
        workshops = workshops.filter(kind=kind)
    if period == "passees":
        return workshops.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    if period == "a-venir":
        return workshops.filter(ends_at__gt=now).order_by("starts_at", "pk")
    # Both: the coming ones first, soonest first; then the past ones, latest first.
    return workshops.annotate(
        past=Case(When(ends_at__lte=now, then=Value(1)), default=Value(0))
    ).order_by(
        "past",
        Case(When(ends_at__gt=now, then=F("starts_at"))).asc(nulls_last=True),
        F("starts_at").desc(),
        "pk",
    )


def coming_workshops(
    *, user: Person, fabrique: Fabrique, now: datetime.datetime, limit: int = 5
) -> list[Workshop]:
    """The next workshops of the Fabrique the person sees (for its workspace page)."""
    return list(
        visible_workshops(user=user, fabrique=fabrique)
        .filter(ends_at__gt=now)
        .select_related("participation")
        .order_by("starts_at", "pk")[:limit]
    )


def territories_of(*, fabrique: Fabrique) -> list[Participation]:
    return list(fabrique.participations.order_by("pk"))


def planning_territories(
    *, user: Person, fabrique: Fabrique, territories: list[Participation] | None = None
) -> list[Participation]:
    """The territories where the person may plan a workshop (among `territories` when the
    caller has already read the Fabrique's)."""
    if territories is None:
        territories = territories_of(fabrique=fabrique)
    return [p for p in territories if may_plan_in_territory(user, p)]


def may_plan_somewhere(
    *, user: Person, fabrique: Fabrique, territories: list[Participation] | None = None
) -> bool:
    return may_plan_in_fabrique(user, fabrique) or bool(
        planning_territories(user=user, fabrique=fabrique, territories=territories)
    )


def facilitator_choices(*, fabrique: Fabrique, user: Person) -> QuerySet[User]:
    """The consultants of the Fabrique's provider, and the person planning."""
    providers = Membership.objects.filter(
        role=MembershipRole.PROVIDER_CONSULTANT,
        organisation__roles__fabrique=fabrique,
        organisation__roles__role=Role.PROVIDER,
    ).filter(Q(fabrique__isnull=True) | Q(fabrique=fabrique))
    condition = Q(pk__in=providers.values("user_id"))
    if user.is_authenticated:
        condition |= Q(pk=user.pk)
    return User.objects.filter(condition, is_active=True).order_by("last_name", "first_name", "pk")


def deliverable_choices(*, fabrique: Fabrique) -> QuerySet[Deliverable]:
    return Deliverable.objects.filter(fabrique=fabrique).order_by("pk")


@dataclass(frozen=True)
class WorkshopCounts:
    registered: int
    waiting: int
    invited: int
    attended: int


def workshop_counts(*, workshop: Workshop) -> WorkshopCounts:
    """The numbers of the workshop's list, in one aggregate query."""
    row = Registration.objects.filter(workshop=workshop).aggregate(
        registered=Count("pk", filter=Q(status=RegistrationStatus.REGISTERED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
        invited=Count("pk", filter=Q(status=RegistrationStatus.INVITED)),
        attended=Count("pk", filter=Q(attendance=Attendance.ATTENDED)),
    )
    return WorkshopCounts(**row)


def confirmed_registrations(*, workshop: Workshop) -> int:
    return Registration.objects.filter(
        workshop=workshop, status=RegistrationStatus.REGISTERED
    ).count()


def agenda_of(*, workshop: Workshop) -> list[AgendaItem]:
    return list(AgendaItem.objects.filter(workshop=workshop).order_by("position", "pk"))


def documents_of(*, workshop: Workshop) -> list[WorkshopDocument]:
    return list(WorkshopDocument.objects.filter(workshop=workshop).order_by("uploaded_at", "pk"))


def workshop_for_page(*, workshop: Workshop) -> Workshop:
    """The workshop with what its page shows beyond access's joins (facilitator, deliverable)."""
    return Workshop.objects.select_related(
        "fabrique", "participation", "facilitator", "deliverable", "minutes"
    ).get(pk=workshop.pk)


def cancellation_recipients(*, workshop: Workshop) -> list[str]:
    """The addresses of the members registered, waiting or invited: nothing else."""
    return [
        email
        for email in Registration.objects.filter(
            workshop=workshop,
            status__in=[
                RegistrationStatus.REGISTERED,
                RegistrationStatus.WAITING,
                RegistrationStatus.INVITED,
            ],
        ).values_list("member__email", flat=True)
        if email
    ]


# Dates in French, as people read them: « mardi 3 mars 2027, de 14 h à 17 h ».
NBSP = "\u00a0"


def _local(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))


def hour_text(moment: datetime.time) -> str:
    """« 14 h », « 9 h 30 » (no-break spaces)."""
    if moment.minute:
        return f"{moment.hour}{NBSP}h{NBSP}{moment.minute:02d}"
    return f"{moment.hour}{NBSP}h"


def day_text(day: datetime.date) -> str:
    """« mardi 3 mars 2027 », « lundi 1er mars 2027 »."""
    text = date_format(day, "l j F Y")
    if day.day == 1:
        text = text.replace(" 1 ", " 1er ", 1)
    return text


def when_text(starts_at: datetime.datetime, ends_at: datetime.datetime) -> str:
    start, end = _local(starts_at), _local(ends_at)
    if start.date() == end.date():
        return _("%(day)s, de %(start)s à %(end)s") % {
            "day": day_text(start.date()),
            "start": hour_text(start.time()),
            "end": hour_text(end.time()),
        }
    return _("du %(start_day)s à %(start)s au %(end_day)s à %(end)s") % {
        "start_day": day_text(start.date()),
        "start": hour_text(start.time()),
        "end_day": day_text(end.date()),
        "end": hour_text(end.time()),
    }


def when_deadline(moment: datetime.datetime) -> str:
    """« lundi 1er mars 2027 à 23 h 59 »."""
    local = _local(moment)
    return _("%(day)s à %(time)s") % {
        "day": day_text(local.date()),
        "time": hour_text(local.time()),
    }


def calendar_source(fabrique: Fabrique, user: Person) -> list[CalendarEntry]:
    """The workshops of the Fabrique this person sees, for its calendar (one query)."""
    if not user.is_authenticated:
        return []
    paris = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    entries = []
    for workshop in visible_workshops(user=user, fabrique=fabrique).select_related("participation"):
        starts = workshop.starts_at.astimezone(paris)
        place = workshop.participation.label if workshop.participation else _("Toute la Fabrique")
        title = workshop.title
        if workshop.is_cancelled:
            title = _("%(title)s (annulée)") % {"title": title}
        entries.append(
            CalendarEntry(
                date=starts.date(),
                kind=workshop.get_kind_display(),
                title=title,
                description=f"{place} — {when_text(workshop.starts_at, workshop.ends_at)}",
                url=reverse("workshops:workshop_detail", args=[workshop.pk]),
                order=f"1-{starts:%H%M}-{workshop.pk:09d}",
            )
        )
    return entries
