"""Reads for the attendance pages: the roll call, the walk-in candidates, the sign-in sheet
and the export. Each owns its joins, so that the templates trigger no query."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from fabriques.core.text import normalize
from fabriques.workinggroups.models import Member

from ..models import Attendance, Registration, RegistrationStatus, Workshop
from ..services.attendance import ROLL_CALL_STATUSES

_BY_NAME = ("member__last_name", "member__first_name", "pk")


def _registrations(workshop: Workshop) -> QuerySet[Registration]:
    return Registration.objects.filter(workshop=workshop).select_related(
        "member__working_group__participation"
    )


@dataclass(frozen=True)
class RollCall:
    rows: list[Registration]
    registered: int
    attended: int
    excused: int
    absent: int

    @property
    def unknown(self) -> int:
        return len(self.rows) - self.attended - self.excused - self.absent


def roll_call(*, workshop: Workshop) -> RollCall:
    """The people expected or invited, by name, and the counts of the page (one query)."""
    rows = list(_registrations(workshop).filter(status__in=ROLL_CALL_STATUSES).order_by(*_BY_NAME))
    for row in rows:
        row.workshop = workshop
    count = [r.attendance for r in rows].count
    return RollCall(
        rows=rows,
        registered=sum(1 for r in rows if r.status == RegistrationStatus.REGISTERED),
        attended=count(Attendance.ATTENDED),
        excused=count(Attendance.EXCUSED),
        absent=count(Attendance.ABSENT),
    )


def walk_in_candidates(*, workshop: Workshop) -> QuerySet[Member]:
    """Current members of the workshop's group (or of the Fabrique's groups for a meeting of
    the whole Fabrique) not yet checked in, by name."""
    members = Member.objects.filter(left_on__isnull=True).select_related(
        "working_group__participation"
    )
    if workshop.participation_id is not None:
        members = members.filter(working_group__participation_id=workshop.participation_id)
    else:
        members = members.filter(working_group__participation__fabrique_id=workshop.fabrique_id)
    present = Registration.objects.filter(workshop=workshop, attendance=Attendance.ATTENDED)
    return members.exclude(Q(pk__in=present.values("member_id"))).order_by(
        "last_name", "first_name", "pk"
    )


def sign_in_sheet_rows(*, workshop: Workshop) -> list[Registration]:
    """The registered people, by name as the sheet prints it (upper case): « de Lattre » and
    « Émond » before « Zola », which the database's binary order would not give (walk-ins
    write themselves on the empty rows)."""
    rows = _registrations(workshop).filter(status=RegistrationStatus.REGISTERED)
    return sorted(
        rows,
        key=lambda row: (normalize(row.member.last_name), normalize(row.member.first_name), row.pk),
    )


def attendance_rows(*, workshop: Workshop) -> list[Registration]:
    """Everyone on the workshop's list, whatever their status, by name."""
    return list(_registrations(workshop).order_by(*_BY_NAME))
