"""Attendance at a workshop: check-in by code (typed or scanned), the roll call, walk-ins, and
the records of the lists that leave the platform (sign-in sheet, export).

Every write is atomic, validated and audited; audit events name members by id only (members'
data is erased before the audit trail is). Bad input raises a French ValidationError and
changes nothing.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.core.services import audit_event_create, history_author_set
from fabriques.territories.models import Participation
from fabriques.workinggroups.models import GroupRole, JoinedHow, LawfulBasis, Member
from fabriques.workinggroups.services import member_add

from .. import access
from ..models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Attendance,
    Registration,
    RegistrationStatus,
    Workshop,
)

# What people put between the characters of a code they read aloud or copy: spaces of any
# kind, dashes and hyphens.
_CODE_SEPARATORS = re.compile(r"[\s\-\u00a0\u2009\u202f\u2010-\u2015]+")
_CODE_SHAPE = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")

# The statuses the roll call lists: the people expected, or who may come.
ROLL_CALL_STATUSES = (
    RegistrationStatus.REGISTERED,
    RegistrationStatus.WAITING,
    RegistrationStatus.INVITED,
)

# Marking someone present or absent waits for the day of the workshop; an excuse may come
# before, and « not recorded » undoes any of them.
NEEDS_OPEN_CHECK_IN = frozenset({Attendance.ATTENDED, Attendance.ABSENT})


def code_normalize(raw: str) -> str:
    """« ab2-c3d », « AB2 C3D » → « AB2C3D »."""
    return _CODE_SEPARATORS.sub("", raw or "").upper()


def code_is_well_formed(code: str) -> bool:
    return bool(_CODE_SHAPE.match(code))


def _local_day_start(moment: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(moment)
    midnight = datetime.datetime.combine(local.date(), datetime.time.min)
    return timezone.make_aware(midnight, timezone.get_current_timezone())


def check_in_opens_at(workshop: Workshop) -> datetime.datetime:
    """Check-in opens at midnight (Europe/Paris) on the day the workshop starts: people come
    early, and a facilitator prepares the room the same morning."""
    return _local_day_start(workshop.starts_at)


def check_in_is_open(workshop: Workshop, *, now: datetime.datetime | None = None) -> bool:
    return not workshop.is_cancelled and (now or timezone.now()) >= check_in_opens_at(workshop)


def _ensure_open(workshop: Workshop) -> None:
    if workshop.is_cancelled:
        raise ValidationError(
            _("Cette rencontre est annulée : aucune présence ne peut y être pointée."),
            code="cancelled",
        )
    if timezone.now() < check_in_opens_at(workshop):
        raise ValidationError(
            _("Le pointage ouvre le jour de la rencontre, le %(date)s.")
            % {"date": formats.date_format(timezone.localdate(workshop.starts_at), "l j F Y")},
            code="not_open",
        )


def _when(workshop: Workshop) -> str:
    return formats.date_format(timezone.localdate(workshop.starts_at), "j F Y")


def _other_workshop_error(*, workshop: Workshop, code: str, actor: User | None) -> ValidationError:
    """The code belongs to another workshop: say which, when the actor may see it."""
    others = (
        Registration.objects.filter(code=code)
        .exclude(workshop=workshop)
        .select_related("workshop__fabrique", "workshop__participation")
        .order_by("workshop__starts_at", "pk")
    )
    visible = [
        r.workshop
        for r in others
        if actor is not None and access.may_see_workshop(actor, r.workshop)
    ]
    if visible:
        other = visible[0]
        return ValidationError(
            _(
                "Ce code correspond à une autre rencontre : « %(title)s » du %(date)s. "
                "Vérifiez que la personne est venue à la bonne rencontre."
            )
            % {"title": other.title, "date": _when(other)},
            code="other_workshop",
        )
    return ValidationError(
        _(
            "Ce code correspond à une autre rencontre, que vous n’animez pas. "
            "Vérifiez que la personne est venue à la bonne rencontre."
        ),
        code="other_workshop",
    )


def _mark_attended(registration: Registration, now: datetime.datetime) -> list[str]:
    """Present, and on the list (whatever the invitation became: they are there)."""
    changed = ["attendance", "updated_at"]
    registration.attendance = Attendance.ATTENDED
    if registration.checked_in_at is None:
        registration.checked_in_at = now
        changed.append("checked_in_at")
    if registration.status != RegistrationStatus.REGISTERED:
        registration.status = RegistrationStatus.REGISTERED
        changed.append("status")
    return changed


def _save(registration: Registration, actor: User | None, fields: list[str] | None) -> None:
    registration.full_clean()
    history_author_set(registration, actor)
    registration.save(update_fields=fields)


@transaction.atomic
def attendance_check_in_by_code(
    *, workshop: Workshop, code: str, actor: User | None
) -> Registration:
    """Check a person in with the code of their registration (typed or read from the QR code).

    Checking in the same person twice changes nothing: their `checked_in_at` stays the first
    time, earlier than the call, which tells the page to say so.
    """
    _ensure_open(workshop)
    normalized = code_normalize(code)
    if not code_is_well_formed(normalized):
        raise ValidationError(
            {
                "code": _(
                    "« %(code)s » n’est pas un code de pointage : un code compte %(length)d "
                    "caractères, lettres et chiffres (ni 0, ni 1, ni I, L ou O)."
                )
                % {"code": code.strip(), "length": CODE_LENGTH}
            },
            code="malformed",
        )
    registration = (
        Registration.objects.select_for_update()
        .select_related("member")
        .filter(workshop=workshop, code=normalized)
        .first()
    )
    if registration is None:
        if Registration.objects.filter(code=normalized).exclude(workshop=workshop).exists():
            raise ValidationError(
                {"code": _other_workshop_error(workshop=workshop, code=normalized, actor=actor)}
            )
        raise ValidationError(
            {
                "code": _("Aucune inscription à cette rencontre ne porte le code « %(code)s ».")
                % {"code": normalized}
            },
            code="unknown",
        )
    registration.workshop = workshop
    if registration.attendance == Attendance.ATTENDED and registration.checked_in_at is not None:
        return registration
    previous = {"status": registration.status, "attendance": registration.attendance}
    fields = _mark_attended(registration, timezone.now())
    _save(registration, actor, fields)
    audit_event_create(
        action="attendance.checked_in",
        obj=registration,
        actor=actor,
        summary=_("Présence pointée par code à « %(title)s »") % {"title": workshop.title},
        data={"workshop": workshop.pk, "member": registration.member_id, "previous": previous},
    )
    return registration


@transaction.atomic
def attendance_set(
    *, registration: Registration, attendance: str, actor: User | None
) -> Registration:
    """The roll call: present, excused, absent, or back to « not recorded »."""
    if attendance not in Attendance.values:
        raise ValidationError(
            {
                "attendance": _(
                    "« %(value)s » n’est pas une présence possible : choisissez Présent, "
                    "Excusé, Absent ou Non pointé."
                )
                % {"value": attendance}
            },
            code="invalid_choice",
        )
    workshop = registration.workshop
    if attendance in NEEDS_OPEN_CHECK_IN or workshop.is_cancelled:
        _ensure_open(workshop)
    if registration.status not in ROLL_CALL_STATUSES:
        raise ValidationError(
            _("Cette personne n’est plus sur la liste de la rencontre (%(status)s).")
            % {"status": registration.get_status_display()},
            code="not_listed",
        )
    if registration.attendance == attendance:
        return registration
    previous = registration.attendance
    if attendance == Attendance.ATTENDED:
        fields = _mark_attended(registration, timezone.now())
    else:
        registration.attendance = attendance
        registration.checked_in_at = None
        fields = ["attendance", "checked_in_at", "updated_at"]
    _save(registration, actor, fields)
    audit_event_create(
        action="attendance.set",
        obj=registration,
        actor=actor,
        summary=_("Présence « %(attendance)s » pointée à « %(title)s »")
        % {"attendance": registration.get_attendance_display(), "title": workshop.title},
        data={
            "workshop": workshop.pk,
            "member": registration.member_id,
            "previous": previous,
            "attendance": attendance,
        },
    )
    return registration


def member_may_walk_in(member: Member, workshop: Workshop) -> bool:
    """A current member of the workshop's group, or of one of the Fabrique's groups for a
    meeting of the whole Fabrique."""
    if member.left_on is not None:
        return False
    participation = member.working_group.participation
    if workshop.participation_id is not None:
        return participation.pk == workshop.participation_id
    return participation.fabrique_id == workshop.fabrique_id


@transaction.atomic
def walk_in_add(*, workshop: Workshop, member: Member, actor: User | None) -> Registration:
    """A member who came without registering: on the list and present. No capacity check —
    they are in the room."""
    _ensure_open(workshop)
    if not member_may_walk_in(member, workshop):
        raise ValidationError(
            {
                "member": _(
                    "Cette personne n’est pas un membre actuel du groupe de travail de la "
                    "rencontre : ajoutez-la d’abord comme nouvelle personne."
                )
            },
            code="not_a_member",
        )
    registration = (
        Registration.objects.select_for_update().filter(workshop=workshop, member=member).first()
    )
    now = timezone.now()
    created = registration is None
    if registration is None:
        registration = Registration(
            workshop=workshop,
            member=member,
            status=RegistrationStatus.REGISTERED,
            requested_at=now,
            attendance=Attendance.ATTENDED,
            checked_in_at=now,
            walk_in=True,
        )
        _save(registration, actor, None)
        previous: dict[str, Any] = {}
    else:
        registration.workshop = workshop
        if registration.attendance == Attendance.ATTENDED and registration.checked_in_at:
            return registration
        previous = {"status": registration.status, "attendance": registration.attendance}
        fields = _mark_attended(registration, now)
        # Registered people who came are not walk-ins; the invited, the waiting list and
        # those who cancelled are.
        if previous["status"] != RegistrationStatus.REGISTERED:
            registration.walk_in = True
            fields.append("walk_in")
        _save(registration, actor, fields)
    audit_event_create(
        action="attendance.walk_in",
        obj=registration,
        actor=actor,
        summary=_("Présence sans inscription pointée à « %(title)s »") % {"title": workshop.title},
        data={
            "workshop": workshop.pk,
            "member": member.pk,
            "created": created,
            "previous": previous,
        },
    )
    return registration


def walk_in_participations(workshop: Workshop) -> list[Participation]:
    """The territories whose group a newcomer may join at this workshop."""
    if workshop.participation is not None:
        return [workshop.participation]
    return list(workshop.fabrique.participations.order_by("label", "pk"))


@transaction.atomic
def walk_in_newcomer_add(
    *,
    workshop: Workshop,
    participation: Participation,
    data: Mapping[str, Any],
    actor: User | None,
) -> Registration:
    """A person who is not a member yet: added to the territory's group, then present."""
    _ensure_open(workshop)
    if participation.pk not in {p.pk for p in walk_in_participations(workshop)}:
        raise ValidationError(
            {"participation": _("Ce territoire ne participe pas à cette rencontre.")},
            code="other_territory",
        )
    values = {
        # What the door does not ask: a member like any other, who came on an invitation
        # passed on, on the public-interest basis; the group page can correct it later.
        "role": GroupRole.MEMBER,
        "joined_how": JoinedHow.INVITATION,
        "lawful_basis": LawfulBasis.PUBLIC_INTEREST,
        "joined_on": timezone.localdate(),
        **data,
    }
    member = member_add(participation=participation, actor=actor, data=values)
    return walk_in_add(workshop=workshop, member=member, actor=actor)


def attendance_list_record(
    *, workshop: Workshop, actor: User | None, kind: str, count: int
) -> None:
    """Audit a list of people leaving the platform: the sign-in sheet or the export."""
    with transaction.atomic():
        if kind == "sheet":
            audit_event_create(
                action="attendance.sheet_downloaded",
                obj=workshop,
                actor=actor,
                summary=_("Feuille d’émargement de « %(title)s » imprimée")
                % {"title": workshop.title},
                data={"count": count},
            )
        else:
            audit_event_create(
                action="attendance.exported",
                obj=workshop,
                actor=actor,
                summary=_("Liste des présences de « %(title)s » exportée")
                % {"title": workshop.title},
                data={"count": count},
            )
