"""Writes on minutes: the text and its outcomes, the workflow (draft → shared for comments →
validated → published, or back to draft), the attendees' comments and the actions' progress.

Audit events name members by id only (workinggroups.services says why).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.accounts.roles import grants_for
from fabriques.accounts.types import Person
from fabriques.core.emails import email_queue
from fabriques.core.services import audit_event_create, history_author_set

from ..access import is_attendee, may_comment_minutes, may_manage_workshop, member_scope
from ..models import (
    ActionStatus,
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

COMMENT_DAYS_DEFAULT = 7
COMMENT_DAYS_MIN = 1
COMMENT_DAYS_MAX = 30
EDITABLE_STATUSES = (MinutesStatus.DRAFT, MinutesStatus.SHARED)
OUTCOME_FIELDS = (
    "kind",
    "text",
    "agenda_item",
    "owner_member",
    "owner_label",
    "due_on",
    "action_status",
)


def may_validate_minutes(user: Person, workshop: Workshop) -> bool:
    """Validate and publish: the territory's referents (elected or technical) for a local
    workshop, the Fabrique's ANCT pilots and the administrators for a meeting of the whole
    Fabrique. The provider writes the minutes but never validates them."""
    grants = grants_for(user)
    if workshop.participation_id is not None:
        return workshop.participation_id in grants.referent_participations
    return grants.manages(workshop.fabrique_id)


def minutes_url(workshop: Workshop) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("workshops:minutes", args=[workshop.pk])


def _agenda_body(workshop: Workshop) -> str:
    titles = list(workshop.agenda.order_by("position", "pk").values_list("title", flat=True))
    return "\n\n".join(f"## {title}\n\n" for title in titles).strip()


def minutes_new(*, workshop: Workshop) -> Minutes:
    """Unsaved minutes for a workshop, the body prefilled with one heading per agenda item."""
    return Minutes(workshop=workshop, body=_agenda_body(workshop))


def _clean_outcome(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {name: values.get(name) for name in OUTCOME_FIELDS}
    cleaned["text"] = (cleaned["text"] or "").strip()
    cleaned["owner_label"] = (cleaned["owner_label"] or "").strip()
    if cleaned["kind"] == OutcomeKind.ACTION:
        cleaned["action_status"] = cleaned["action_status"] or ActionStatus.TODO
        errors = []
        if cleaned["owner_member"] is None and not cleaned["owner_label"]:
            errors.append(
                _(
                    "Une action a un responsable : choisissez un membre du groupe ou "
                    "indiquez une personne ou une structure."
                )
            )
        if cleaned["due_on"] is None:
            errors.append(_("Une action a une échéance : indiquez une date."))
        if errors:
            raise ValidationError(errors)
    else:
        if (
            cleaned["owner_member"] is not None
            or cleaned["owner_label"]
            or cleaned["due_on"] is not None
            or cleaned["action_status"]
        ):
            raise ValidationError(
                _(
                    "Le responsable, l’échéance et l’avancement ne concernent que les "
                    "actions : videz-les ou choisissez le type « Action »."
                )
            )
        cleaned["action_status"] = None
    return cleaned


@transaction.atomic
def minutes_save(
    *,
    workshop: Workshop,
    actor: User | None,
    data: Mapping[str, Any],
    outcomes: Sequence[Mapping[str, Any]],
) -> Minutes:
    """Write the minutes' text, visibility and outcomes, while draft or shared.

    `outcomes` lists the outcomes to keep, in order; each carries the model's fields and,
    for an existing one, its `pk`. Existing outcomes left out are deleted.
    """
    minutes = Minutes.objects.select_for_update().filter(workshop=workshop).first()
    created = minutes is None
    if minutes is None:
        minutes = Minutes(workshop=workshop)
    minutes.workshop = workshop
    if minutes.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("Un compte rendu validé ou publié ne se modifie plus : rouvrez-le d’abord.")
        )
    minutes.body = (data.get("body") or "").strip()
    minutes.visibility = data.get("visibility") or MinutesVisibility.GROUP
    minutes.full_clean()
    history_author_set(minutes, actor)
    minutes.save()

    existing = {outcome.pk: outcome for outcome in minutes.outcomes.all()} if not created else {}
    kept: set[int] = set()
    errors: dict[str, list[ValidationError]] = {}
    for position, values in enumerate(outcomes):
        try:
            cleaned = _clean_outcome(values)
        except ValidationError as error:
            errors.setdefault("__all__", []).extend(
                ValidationError(
                    _("Suite n° %(n)s : %(message)s") % {"n": position + 1, "message": m}
                )
                for m in error.messages
            )
            continue
        pk = values.get("pk")
        outcome = existing.get(pk) if pk else None
        if outcome is None:
            outcome = Outcome(minutes=minutes)
        else:
            kept.add(outcome.pk)
        agenda_item = cleaned["agenda_item"]
        if agenda_item is not None and agenda_item.workshop_id != workshop.pk:
            raise ValidationError(_("Ce point n’est pas à l’ordre du jour de cette rencontre."))
        for name, value in cleaned.items():
            setattr(outcome, name, value)
        outcome.position = position
        outcome.full_clean()
        history_author_set(outcome, actor)
        outcome.save()
    if errors:
        raise ValidationError(errors)
    removed = [pk for pk in existing if pk not in kept]
    if removed:
        Outcome.objects.filter(pk__in=removed).delete()
    audit_event_create(
        action="minutes.saved",
        obj=minutes,
        actor=actor,
        summary=_("Compte rendu enregistré : %(title)s") % {"title": workshop.title},
        data={
            "workshop": workshop.pk,
            "created": created,
            "outcomes": len(outcomes),
            "removed": len(removed),
        },
    )
    return minutes


def _attendee_emails(workshop: Workshop) -> list[str]:
    return list(
        Registration.objects.filter(workshop=workshop, attendance=Attendance.ATTENDED)
        .exclude(member__email="")
        .values_list("member__email", flat=True)
    )


def _refuse(message: str) -> None:
    raise ValidationError(message, code="transition")


@transaction.atomic
def minutes_transition(
    *,
    minutes: Minutes,
    to: str,
    actor: User,
    comment_days: int | None = None,
    early: bool = False,
) -> Minutes:
    """Move the minutes along their workflow; each refusal says why, in French.

    draft → shared: opens comments for `comment_days` (1–30, 7 by default) and e-mails the
    attendees; shared → validated: after the comments close, or before with `early`;
    validated → published; shared → draft: back to writing.
    """
    locked = Minutes.objects.select_for_update().filter(pk=minutes.pk).first()
    if locked is None:
        _refuse(_("Enregistrez d’abord le compte rendu."))
        raise AssertionError  # unreachable, for the type checker
    locked.workshop = workshop = minutes.workshop
    now = timezone.now()
    current = locked.status
    if not may_manage_workshop(actor, workshop) and not may_validate_minutes(actor, workshop):
        _refuse(_("Seules les personnes qui animent cette rencontre le peuvent."))
    fields = ["status", "updated_at"]
    if to == MinutesStatus.SHARED:
        if current != MinutesStatus.DRAFT:
            _refuse(_("Seul un brouillon peut être soumis aux participants."))
        if not may_manage_workshop(actor, workshop):
            _refuse(_("Seules les personnes qui animent cette rencontre le peuvent."))
        days = COMMENT_DAYS_DEFAULT if comment_days is None else comment_days
        if not COMMENT_DAYS_MIN <= days <= COMMENT_DAYS_MAX:
            _refuse(_("La durée des commentaires va de 1 à 30 jours."))
        recipients = _attendee_emails(workshop)
        if not Registration.objects.filter(
            workshop=workshop, attendance=Attendance.ATTENDED
        ).exists():
            _refuse(
                _(
                    "Aucune présence n’est pointée : le compte rendu est soumis aux "
                    "participants, pointez d’abord les présents."
                )
            )
        locked.shared_at = now
        locked.comments_until = now + datetime.timedelta(days=days)
        fields += ["shared_at", "comments_until"]
        summary = _("Compte rendu soumis aux participants : %(title)s")
        email_queue(
            to=recipients,
            subject=_("Compte rendu à relire : %(title)s") % {"title": workshop.title},
            template="workshops/emails/minutes_shared",
            context={
                "workshop": workshop,
                "url": minutes_url(workshop),
                # Members seldom have a password: a sign-in link comes back to the minutes.
                "link_url": settings.SITE_URL.rstrip("/")
                + reverse("accounts:sign_in_link_request")
                + "?"
                + urlencode({"next": reverse("workshops:minutes", args=[workshop.pk])}),
                "comments_until": locked.comments_until,
            },
        )
    elif to == MinutesStatus.VALIDATED:
        if current != MinutesStatus.SHARED:
            _refuse(
                _("Seul un compte rendu soumis aux participants peut être validé.")
                if current == MinutesStatus.DRAFT
                else _("Ce compte rendu est déjà validé.")
            )
        if not may_validate_minutes(actor, workshop):
            _refuse(_validator_message(workshop))
        if locked.comments_until is not None and locked.comments_until > now and not early:
            _refuse(
                _(
                    "Les participants peuvent commenter jusqu’au %(date)s : attendez la fin "
                    "des commentaires ou confirmez la validation anticipée."
                )
                % {"date": date_format(timezone.localtime(locked.comments_until), "j F Y à H:i")}
            )
        locked.validated_at = now
        locked.validated_by = actor
        fields += ["validated_at", "validated_by"]
        summary = _("Compte rendu validé : %(title)s")
    elif to == MinutesStatus.PUBLISHED:
        if current != MinutesStatus.VALIDATED:
            _refuse(
                _("Ce compte rendu est déjà publié.")
                if current == MinutesStatus.PUBLISHED
                else _("Un compte rendu se publie une fois validé : faites-le d’abord valider.")
            )
        if not may_validate_minutes(actor, workshop):
            _refuse(_validator_message(workshop))
        locked.published_at = now
        fields += ["published_at"]
        summary = _("Compte rendu publié : %(title)s")
    elif to == MinutesStatus.DRAFT:
        if current != MinutesStatus.SHARED:
            _refuse(
                _("Ce compte rendu est déjà un brouillon.")
                if current == MinutesStatus.DRAFT
                else _("Un compte rendu validé ou publié ne revient plus au brouillon.")
            )
        if not may_manage_workshop(actor, workshop):
            _refuse(_("Seules les personnes qui animent cette rencontre le peuvent."))
        locked.comments_until = None
        fields += ["comments_until"]
        summary = _("Compte rendu rouvert à l’écriture : %(title)s")
    else:
        _refuse(_("Cet état de compte rendu n’existe pas."))
        raise AssertionError  # unreachable
    locked.status = to
    history_author_set(locked, actor)
    locked.save(update_fields=fields)
    event: dict[str, Any] = {
        "obj": locked,
        "actor": actor,
        "summary": summary % {"title": workshop.title},
        "data": {"workshop": workshop.pk, "from": current, "to": to},
    }
    # One literal per action, so that the audit labels' test reads them from the source.
    if to == MinutesStatus.SHARED:
        audit_event_create(action="minutes.shared", **event)
    elif to == MinutesStatus.VALIDATED:
        audit_event_create(action="minutes.validated", **event)
    elif to == MinutesStatus.PUBLISHED:
        audit_event_create(action="minutes.published", **event)
    else:
        audit_event_create(action="minutes.reopened", **event)
    return locked


def _validator_message(workshop: Workshop) -> str:
    if workshop.participation_id is not None:
        return _(
            "Le compte rendu d’un atelier local est validé et publié par les référents du "
            "territoire (élu ou technique)."
        )
    return _(
        "Le compte rendu d’une rencontre de toute la Fabrique est validé et publié par "
        "l’ANCT (pilote de la Fabrique ou administration)."
    )


@transaction.atomic
def minutes_comment_add(
    *, minutes: Minutes, actor: User, text: str, outcome: Outcome | None = None
) -> MinutesComment:
    """An attendee's (or a facilitator's) comment while the minutes are open to comments."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Écrivez votre commentaire.")})
    if not may_comment_minutes(actor, minutes):
        if minutes.status == MinutesStatus.SHARED and (
            minutes.comments_until is None or minutes.comments_until <= timezone.now()
        ):
            raise ValidationError(_("Les commentaires sur ce compte rendu sont clos."))
        raise ValidationError(_("Ce compte rendu n’est pas ouvert à vos commentaires."))
    if outcome is not None and outcome.minutes_id != minutes.pk:
        raise ValidationError({"outcome": _("Cette suite n’appartient pas à ce compte rendu.")})
    author_member = None
    if is_attendee(actor, minutes.workshop):
        registration = (
            Registration.objects.select_related("member")
            .filter(
                workshop=minutes.workshop,
                member_id__in=member_scope(actor).member_ids,
                attendance=Attendance.ATTENDED,
            )
            .first()
        )
        author_member = registration.member if registration else None
    comment = MinutesComment(
        minutes=minutes, outcome=outcome, author=actor, author_member=author_member, text=text
    )
    comment.full_clean()
    comment.save()
    audit_event_create(
        action="minutes.commented",
        obj=minutes,
        actor=actor,
        summary=_("Commentaire sur le compte rendu : %(title)s")
        % {"title": minutes.workshop.title},
        data={
            "workshop": minutes.workshop_id,
            "comment": comment.pk,
            "outcome": outcome and outcome.pk,
        },
    )
    return comment


@transaction.atomic
def action_update(*, outcome: Outcome, actor: User, status: str) -> Outcome:
    """Change an action's progress (to do, in progress, done, dropped)."""
    if outcome.kind != OutcomeKind.ACTION:
        raise ValidationError(_("Seule une action a un avancement."))
    if not may_manage_workshop(actor, outcome.minutes.workshop):
        raise ValidationError(_("Seules les personnes qui animent cette rencontre le peuvent."))
    if status not in ActionStatus.values:
        raise ValidationError({"action_status": _("Cet avancement n’existe pas.")})
    previous = outcome.action_status
    if previous == status:
        return outcome
    outcome.action_status = status
    outcome.full_clean()
    history_author_set(outcome, actor)
    outcome.save(update_fields=["action_status", "updated_at"])
    audit_event_create(
        action="action.updated",
        obj=outcome,
        actor=actor,
        summary=_("Avancement d’une action modifié"),
        data={"workshop": outcome.minutes.workshop_id, "from": previous, "to": status},
    )
    return outcome


def comments_erase_person(*, user: User) -> int:
    """Delete the person's comments on minutes (RGPD erasure)."""
    deleted, _detail = MinutesComment.objects.filter(
        Q(author=user) | Q(author_member__user=user)
    ).delete()
    return deleted
