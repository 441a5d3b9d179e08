"""Invitations and registrations, with the waiting list: atomic, validated, audited.

Every decision about a place is taken with the workshop's row locked (SELECT … FOR UPDATE),
so that people asking for the last places at the same moment are served one after the other;
the time of the request is read under the lock, so the waiting list's order is the order in
which the requests were served. Audit events name members by id only.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.accounts.services import sign_in_link_create, user_get_or_create
from fabriques.core.emails import Attachment, email_queue
from fabriques.core.services import audit_event_create
from fabriques.workinggroups.models import Member

from ..ical import workshops_calendar
from ..models import Registration, RegistrationStatus, Workshop, new_code
from ..selectors.registrations import (
    ACTIVE,
    invitation_refusal,
    places_of,
    registration_refusal,
    waiting_position,
)


def _my_workshop_path(workshop: Workshop) -> str:
    return reverse("workshops:my_workshop", args=[workshop.pk])


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _lock(workshop: Workshop) -> Workshop:
    """The workshop's row, locked until the transaction ends, read afresh; its related objects
    are the caller's (a locking query cannot join the nullable territory on PostgreSQL)."""
    locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
    locked.fabrique = workshop.fabrique
    locked.participation = workshop.participation
    return locked


def _day(workshop: Workshop) -> str:
    return date_format(timezone.localtime(workshop.starts_at), "l j F Y")


def _email_status(
    *, registration: Registration, template: str, subject: str, position: int | None = None
) -> None:
    member = registration.member
    if not member.email:
        return
    workshop = registration.workshop
    email_queue(
        to=[member.email],
        subject=subject % {"title": workshop.title, "date": _day(workshop)},
        template=f"workshops/emails/{template}",
        context={
            "member": member,
            "workshop": workshop,
            "position": position,
            "workshop_url": _absolute(_my_workshop_path(workshop)),
        },
    )


# --- Invitations --------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationResult:
    invited: int  # new on the list, e-mailed
    already: int  # already on the list: neither added nor e-mailed again


def _may_be_invited(workshop: Workshop, member: Member) -> bool:
    participation = member.working_group.participation
    if member.left_on is not None or not member.email:
        return False
    if workshop.participation_id is not None:
        return participation.pk == workshop.participation_id
    return participation.fabrique_id == workshop.fabrique_id


def _sign_in_url(*, member: Member, workshop: Workshop, actor: User | None) -> str:
    """A personal sign-in link to the workshop's page; the member's account is found or
    created from their address (and linked to the membership). Empty for a closed account."""
    user = member.user
    if user is None:
        user, _created = user_get_or_create(
            email=member.email,
            first_name=member.first_name,
            last_name=member.last_name,
            actor=actor,
        )
        member.user = user
        member.save(update_fields=["user", "updated_at"])
    try:
        return sign_in_link_create(user=user, actor=actor, next_path=_my_workshop_path(workshop))
    except ValidationError:
        return ""  # an inactive account: the e-mail still tells the date and place


@transaction.atomic
def invitations_send(
    *, workshop: Workshop, members: Iterable[Member], actor: User | None
) -> InvitationResult:
    """Put the members on the workshop's list as invited and e-mail each an invitation with a
    personal sign-in link and the event (.ics); those already on the list are left alone.

    `members` must come with their working group and territory (select_related).
    """
    locked = _lock(workshop)
    refusal = invitation_refusal(locked)
    if refusal:
        raise ValidationError(refusal, code="closed")
    members = list({member.pk: member for member in members}.values())
    if not members:
        raise ValidationError(_("Choisissez au moins une personne à inviter."), code="empty")
    if not all(_may_be_invited(locked, member) for member in members):
        raise ValidationError(
            _(
                "Seuls les membres actuels des groupes de travail concernés par la rencontre "
                "peuvent y être invités."
            ),
            code="outside",
        )
    listed = set(
        Registration.objects.filter(
            workshop=locked, member_id__in=[member.pk for member in members]
        ).values_list("member_id", flat=True)
    )
    codes = set(Registration.objects.filter(workshop=locked).values_list("code", flat=True))
    now = timezone.now()
    new = [member for member in members if member.pk not in listed]
    for member in new:
        code = new_code()
        while code in codes:
            code = new_code()
        codes.add(code)
        registration = Registration(
            workshop=locked,
            member=member,
            status=RegistrationStatus.INVITED,
            invited_at=now,
            code=code,
        )
        # The list and the codes were read under the lock: the constraints hold.
        registration.full_clean(validate_constraints=False)
        registration.save()
    audit_event_create(
        action="workshop.invited",
        obj=locked,
        actor=actor,
        summary=_("%(count)d invitation(s) envoyée(s)") % {"count": len(new)},
        data={"invited": len(new), "already_listed": len(listed)},
    )
    if new:
        calendar = workshops_calendar(
            [locked], name=locked.title, method="REQUEST", url_for=_my_workshop_path
        ).decode()
        attachment: Attachment = {
            "name": "invitation.ics",
            "mimetype": "text/calendar",
            "content": calendar,
        }
        subject = _("Invitation : %(title)s, le %(date)s") % {
            "title": locked.title,
            "date": _day(locked),
        }
        for member in new:
            email_queue(
                to=[member.email],
                subject=subject,
                template="workshops/emails/invitation",
                context={
                    "member": member,
                    "workshop": locked,
                    "sign_in_url": _sign_in_url(member=member, workshop=locked, actor=actor),
                    "workshop_url": _absolute(_my_workshop_path(locked)),
                },
                attachments=[attachment],
            )
    return InvitationResult(invited=len(new), already=len(listed))


# --- Registrations ------------------------------------------------------------------------


@transaction.atomic
def registration_request(*, workshop: Workshop, member: Member, actor: User | None) -> Registration:
    """Register the member: a place if one is free (see selectors.Places), else the waiting
    list. Nothing changes for a member already registered or waiting.

    `member` must come with its working group and territory (select_related).
    """
    locked = _lock(workshop)
    registration = Registration.objects.filter(workshop=locked, member=member).first()
    if registration is not None and registration.status in ACTIVE:
        return registration
    now = timezone.now()
    refusal = registration_refusal(locked, member, registration, now=now)
    if refusal:
        raise ValidationError(refusal, code="refused")
    places = places_of(locked)
    territory = member.working_group.participation_id
    status = RegistrationStatus.REGISTERED if places.fits(territory) else RegistrationStatus.WAITING
    if registration is None:
        registration = Registration(workshop=locked, member=member)
    registration.workshop = locked
    registration.member = member
    previous = registration.status if registration.pk else ""
    registration.status = status
    registration.requested_at = now
    registration.full_clean()
    if registration.pk:
        registration.save(update_fields=["status", "requested_at", "updated_at"])
    else:
        registration.save()
    audit_event_create(
        action="registration.requested",
        obj=registration,
        actor=actor,
        summary=_("Demande d’inscription à « %(title)s »") % {"title": locked.title},
        data={"member": member.pk, "status": status, "previous": previous},
    )
    if status == RegistrationStatus.REGISTERED:
        _email_status(
            registration=registration,
            template="registered",
            subject=_("Vous êtes inscrit(e) : %(title)s, le %(date)s"),
        )
    else:
        _email_status(
            registration=registration,
            template="waiting",
            subject=_("Liste d’attente : %(title)s, le %(date)s"),
            position=waiting_position(registration),
        )
    return registration


def _not_after_start(workshop: Workshop, now: datetime.datetime) -> None:
    if workshop.starts_at <= now:
        raise ValidationError(
            _(
                "Cette rencontre a déjà commencé ou est passée : votre réponse ne peut plus changer."
            ),
            code="past",
        )


@transaction.atomic
def registration_cancel(*, registration: Registration, actor: User | None) -> Registration:
    """Give up one's place (or one's place on the waiting list); the freed place goes to the
    first person waiting who may take it, who is told by e-mail."""
    locked = _lock(registration.workshop)
    registration.refresh_from_db(fields=["status"])
    if registration.status not in ACTIVE:
        raise ValidationError(
            _("Vous n’êtes ni inscrit(e) ni en liste d’attente pour cette rencontre."),
            code="not_registered",
        )
    _not_after_start(locked, timezone.now())
    previous = registration.status
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    audit_event_create(
        action="registration.cancelled",
        obj=registration,
        actor=actor,
        summary=_("Désinscription de « %(title)s »") % {"title": locked.title},
        data={"member": registration.member_id, "previous": previous},
    )
    if previous == RegistrationStatus.REGISTERED:
        waiting_list_promote(workshop=locked, actor=actor)
    return registration


@transaction.atomic
def waiting_list_promote(*, workshop: Workshop, actor: User | None) -> list[Registration]:
    """Give the free places to the people waiting, in arrival order, each one who fits the
    places' rule (a reserved place of their territory, or the free pool); e-mail them."""
    locked = _lock(workshop)
    if locked.is_cancelled or locked.starts_at <= timezone.now():
        return []
    places = places_of(locked)
    promoted: list[Registration] = []
    waiting = (
        Registration.objects.filter(workshop=locked, status=RegistrationStatus.WAITING)
        .select_related("member__working_group__participation")
        .order_by("requested_at", "pk")
    )
    for registration in waiting:
        territory = registration.member.working_group.participation_id
        if places.capacity is not None and places.taken >= places.capacity:
            break
        if not places.fits(territory):
            continue
        places.take(territory)
        registration.workshop = locked
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status", "updated_at"])
        audit_event_create(
            action="registration.promoted",
            obj=registration,
            actor=actor,
            summary=_("Place libérée attribuée sur « %(title)s »") % {"title": locked.title},
            data={"member": registration.member_id},
        )
        _email_status(
            registration=registration,
            template="promoted",
            subject=_("Une place s’est libérée : %(title)s, le %(date)s"),
        )
        promoted.append(registration)
    return promoted


@transaction.atomic
def registration_decline(*, registration: Registration, actor: User | None) -> Registration:
    """Decline an invitation."""
    locked = _lock(registration.workshop)
    registration.refresh_from_db(fields=["status"])
    if registration.status in ACTIVE:
        raise ValidationError(
            _("Vous êtes inscrit(e) ou en liste d’attente : désinscrivez-vous plutôt."),
            code="registered",
        )
    if registration.status != RegistrationStatus.INVITED:
        raise ValidationError(
            _("Vous avez déjà répondu à cette invitation."), code="already_answered"
        )
    _not_after_start(locked, timezone.now())
    registration.status = RegistrationStatus.DECLINED
    registration.save(update_fields=["status", "updated_at"])
    audit_event_create(
        action="registration.declined",
        obj=registration,
        actor=actor,
        summary=_("Invitation à « %(title)s » déclinée") % {"title": locked.title},
        data={"member": registration.member_id},
    )
    return registration
