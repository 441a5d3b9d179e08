"""Writes on the plan of workshops: create, change, cancel, the agenda, the documents.

Atomic, validated with full_clean (the model's named constraints give the French messages),
audited. A change a calendar must follow (times, place, mode, status) bumps the iCalendar
SEQUENCE, so that the feeds and the invitations replace the event instead of adding one.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.core.emails import email_queue
from fabriques.core.services import audit_event_create, history_author_set
from fabriques.core.uploads import IMAGE_FORMATS, check_image
from fabriques.deliverables.files import validate_deliverable_file
from fabriques.programme.models import Fabrique

from ..models import (
    AgendaItem,
    DocumentKind,
    RegistrationStatus,
    Workshop,
    WorkshopDocument,
    WorkshopStatus,
)
from ..selectors.planning import cancellation_recipients, when_text

# The fields the planning form fills in; the rest (status, uid, sequence) is the services'.
WORKSHOP_FIELDS = (
    "kind",
    "title",
    "participation",
    "starts_at",
    "ends_at",
    "mode",
    "video_url",
    "venue",
    "address",
    "accessibility",
    "facilitator",
    "objectives",
    "deliverable",
    "capacity",
    "places_per_territory",
    "registration_deadline",
)
# A change of these moves the event in people's calendars: SEQUENCE goes up.
CALENDAR_FIELDS = frozenset(
    {"starts_at", "ends_at", "mode", "video_url", "venue", "address", "status"}
)
TEXT_FIELDS = ("title", "video_url", "venue", "address", "accessibility", "objectives")


def _values(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: data[name] for name in WORKSHOP_FIELDS if name in data}
    for name in TEXT_FIELDS:
        if name in values:
            values[name] = (values[name] or "").strip()
    return values


def _check_dates(workshop: Workshop, *, new: bool, now: datetime.datetime) -> None:
    errors: dict[str, str] = {}
    if workshop.starts_at and workshop.ends_at and workshop.ends_at <= workshop.starts_at:
        errors["ends_at"] = _("L’heure de fin doit être postérieure à l’heure de début.")
    if new and workshop.starts_at and workshop.starts_at < now:
        errors["starts_at"] = _(
            "Cette date est passée : une nouvelle rencontre se prévoit dans le futur."
        )
    deadline = workshop.registration_deadline
    if deadline is not None and workshop.starts_at and deadline >= workshop.starts_at:
        errors["registration_deadline"] = _(
            "La date limite d’inscription doit précéder le début de la rencontre."
        )
    if errors:
        raise ValidationError(errors)


def _check_scope(workshop: Workshop, fabrique: Fabrique) -> None:
    errors: dict[str, str] = {}
    if workshop.participation is not None and workshop.participation.fabrique_id != fabrique.pk:
        errors["participation"] = _("Ce territoire n’est pas accompagné par cette Fabrique.")
    if workshop.deliverable is not None and workshop.deliverable.fabrique_id != fabrique.pk:
        errors["deliverable"] = _("Ce livrable n’est pas un livrable de cette Fabrique.")
    if errors:
        raise ValidationError(errors)


def _full_clean(workshop: Workshop) -> None:
    try:
        workshop.full_clean()
    except ValidationError as error:
        raise _on_fields(error) from error


# The model's constraints have no field: their messages are put where the person can act.
CONSTRAINT_FIELDS = {
    "workshops_workshop_ends_after_start": "ends_at",
    "workshops_workshop_seminar_whole_fabrique": "participation",
    "workshops_workshop_local_has_territory": "participation",
    "workshops_workshop_reserved_places_fabrique_wide": "places_per_territory",
    "workshops_workshop_video_link": "video_url",
}


def _on_fields(error: ValidationError) -> ValidationError:
    if not hasattr(error, "error_dict") or "__all__" not in error.error_dict:
        return error
    errors: dict[str, list[Any]] = {k: v for k, v in error.error_dict.items() if k != "__all__"}
    for item in error.error_dict["__all__"]:
        constraint = (item.params or {}).get("constraint") if item.params else None
        name = getattr(constraint, "name", None) or _constraint_by_message(item)
        errors.setdefault(CONSTRAINT_FIELDS.get(name or "", "__all__"), []).append(item)
    return ValidationError(errors)


def _constraint_by_message(item: ValidationError) -> str | None:
    message = str(item.message % item.params if item.params else item.message)
    for constraint in Workshop._meta.constraints:
        if str(getattr(constraint, "violation_error_message", "")) == message:
            return constraint.name
    return None


@transaction.atomic
def workshop_create(*, fabrique: Fabrique, actor: User | None, data: Mapping[str, Any]) -> Workshop:
    """Plan a workshop of the Fabrique (or of one of its territories), in the future."""
    workshop = Workshop(fabrique=fabrique, **_values(data))
    _check_scope(workshop, fabrique)
    _check_dates(workshop, new=True, now=timezone.now())
    _full_clean(workshop)
    history_author_set(workshop, actor)
    workshop.save()
    audit_event_create(
        action="workshop.created",
        obj=workshop,
        actor=actor,
        summary=_("Rencontre « %(title)s » prévue") % {"title": workshop.title},
        data={
            "fabrique": fabrique.pk,
            "participation": workshop.participation_id,
            "kind": workshop.kind,
            "starts_at": workshop.starts_at.isoformat(),
        },
    )
    return workshop


def _capacity_error(confirmed: int) -> ValidationError:
    return ValidationError(
        {
            "capacity": _(
                "%(count)d personnes sont déjà inscrites : le nombre de places ne peut pas "
                "descendre en dessous. Désinscrivez d’abord des personnes ou gardez au moins "
                "%(count)d places."
            )
            % {"count": confirmed}
        }
    )


@transaction.atomic
def workshop_update(*, workshop: Workshop, actor: User | None, data: Mapping[str, Any]) -> Workshop:
    """Change a workshop; a change of time, place, mode or status bumps its SEQUENCE."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    values = _values(data)
    changed = [name for name, value in values.items() if getattr(workshop, name) != value]
    if not changed:
        return workshop
    for name in changed:
        setattr(workshop, name, values[name])
    _check_scope(workshop, workshop.fabrique)
    _check_dates(workshop, new=False, now=timezone.now())
    if "capacity" in changed and workshop.capacity is not None:
        confirmed = workshop.registrations.filter(status=RegistrationStatus.REGISTERED).count()
        if workshop.capacity < confirmed:
            raise _capacity_error(confirmed)
    _full_clean(workshop)
    update_fields = [*changed, "updated_at"]
    if CALENDAR_FIELDS & set(changed):
        workshop.sequence += 1
        update_fields.append("sequence")
    history_author_set(workshop, actor)
    workshop.save(update_fields=update_fields)
    audit_event_create(
        action="workshop.updated",
        obj=workshop,
        actor=actor,
        summary=_("Rencontre « %(title)s » modifiée") % {"title": workshop.title},
        data={"fields": sorted(changed), "sequence": workshop.sequence},
    )
    return workshop


@transaction.atomic
def workshop_cancel(*, workshop: Workshop, actor: User | None) -> Workshop:
    """Cancel the workshop; the people registered, waiting or invited are told by e-mail."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if workshop.is_cancelled:
        raise ValidationError(_("Cette rencontre est déjà annulée."))
    workshop.status = WorkshopStatus.CANCELLED
    workshop.sequence += 1
    history_author_set(workshop, actor)
    workshop.save(update_fields=["status", "sequence", "updated_at"])
    recipients = cancellation_recipients(workshop=workshop)
    email_queue(
        to=recipients,
        subject=_("Rencontre annulée : %(title)s") % {"title": workshop.title},
        template="workshops/emails/cancelled",
        context={
            "title": workshop.title,
            "when": when_text(workshop.starts_at, workshop.ends_at),
            "fabrique": workshop.fabrique.title,
        },
    )
    audit_event_create(
        action="workshop.cancelled",
        obj=workshop,
        actor=actor,
        summary=_("Rencontre « %(title)s » annulée") % {"title": workshop.title},
        # How many people were told, never who (the audit trail outlives the members' data).
        data={"notified": len({r.lower() for r in recipients}), "sequence": workshop.sequence},
    )
    return workshop


@transaction.atomic
def agenda_save(
    *, workshop: Workshop, actor: User | None, items: Sequence[Mapping[str, Any]]
) -> list[AgendaItem]:
    """Replace the agenda by `items` (title, duration_minutes, speaker), in their order.

    Rewriting the whole list keeps the positions dense (1, 2, 3…) whatever was added, removed
    or moved; an unchanged list writes nothing.
    """
    wanted = [
        (
            (item.get("title") or "").strip(),
            item.get("duration_minutes"),
            (item.get("speaker") or "").strip(),
        )
        for item in items
    ]
    current = list(AgendaItem.objects.filter(workshop=workshop).order_by("position", "pk"))
    if [(i.title, i.duration_minutes, i.speaker) for i in current] == wanted:
        return current
    saved: list[AgendaItem] = []
    # Existing rows are reused in order, so outcomes pointing at an item keep a row.
    for position, (title, duration, speaker) in enumerate(wanted, start=1):
        row = current[position - 1] if position <= len(current) else AgendaItem(workshop=workshop)
        row.position, row.title, row.duration_minutes, row.speaker = (
            position,
            title,
            duration,
            speaker,
        )
        row.full_clean()
        row.save()
        saved.append(row)
    for row in current[len(wanted) :]:
        row.delete()
    audit_event_create(
        action="workshop.agenda_saved",
        obj=workshop,
        actor=actor,
        summary=_("Ordre du jour de « %(title)s » enregistré") % {"title": workshop.title},
        data={"items": len(saved)},
    )
    return saved


@transaction.atomic
def document_add(
    *, workshop: Workshop, actor: User | None, title: str, kind: str, upload: UploadedFile
) -> WorkshopDocument:
    """Attach a checked file (format, size, content) to the workshop: a document in the
    deliverables' formats, or a photograph (JPEG, PNG)."""
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    try:
        if extension in IMAGE_FORMATS:
            check_image(upload, extension, max_bytes=settings.DELIVERABLE_MAX_UPLOAD_BYTES)
        else:
            validate_deliverable_file(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    original_name = PurePath(upload.name or "").name
    document = WorkshopDocument(
        workshop=workshop,
        kind=kind or DocumentKind.OTHER,
        title=title.strip(),
        original_name=original_name,
        size=upload.size or 0,
        uploaded_by=actor if actor is not None and actor.pk else None,
    )
    document.file = upload  # type: ignore[assignment]
    document.full_clean(exclude=["file"])
    document.save()
    audit_event_create(
        action="workshop.document_added",
        obj=workshop,
        actor=actor,
        summary=_("Document « %(title)s » ajouté à « %(workshop)s »")
        % {"title": document.title, "workshop": workshop.title},
        data={"document": document.pk, "kind": document.kind, "size": document.size},
    )
    return document
