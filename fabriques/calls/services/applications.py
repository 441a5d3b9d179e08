"""Writes of applicants: drafting and submitting an application."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fabriques.accounts.models import User
from fabriques.core.services import audit_event_create
from fabriques.territories.models import ENTITY_MODELS, Commune, Epci, ParticipationKind, Qpv

from ..models import (
    APPLICANT_TEXT_FIELDS,
    ONE_DRAFT_CONSTRAINT,
    Application,
    ApplicationStatus,
    Call,
    CallState,
)
from ..validators import validate_deliberation
from .common import delete_file_on_commit, email_application, now_or_current

# --------------------------------------------------------------------------------------------
# Applications: drafting and submitting


@dataclass(frozen=True)
class ApplicationInput:
    """What a local authority fills in. `territory` and `host` are (kind, pk) references;
    `deliberation` is a new file, None to keep the current one, or False to remove it."""

    territory: tuple[str, int]
    host: tuple[str, int] | None = None
    elected_name: str = ""
    elected_mandate: str = ""
    elected_email: str = ""
    technical_name: str = ""
    technical_role: str = ""
    technical_email: str = ""
    technical_phone: str = ""
    motivation: str = ""
    working_group_intent: str = ""
    deliberation: UploadedFile | bool | None = None


TEXT_FIELDS = APPLICANT_TEXT_FIELDS
# Everything but the phone number and the deliberation is needed to submit.
REQUIRED_TO_SUBMIT = tuple(name for name in TEXT_FIELDS if name != "technical_phone")
MISSING_TO_SUBMIT = gettext_lazy("Ce champ est obligatoire pour déposer la candidature.")


def _ensure_call_open(call: Call, now: datetime.datetime) -> None:
    state = call.state(now)
    if state == CallState.OPEN:
        return
    if state == CallState.NOT_OPEN:
        if call.opens_at is not None and now < call.opens_at:
            message = _(
                "L’appel à volontaires ouvrira le %(date)s ; revenez à partir de cette date."
            ) % {"date": date_format(timezone.localtime(call.opens_at), "j F Y à H:i")}
        else:
            message = _("L’appel à volontaires de cette Fabrique n’est pas encore ouvert.")
    elif call.closes_at is not None and now >= call.closes_at:
        message = _(
            "L’appel à volontaires est clos depuis le %(date)s : les candidatures ne peuvent "
            "plus être déposées ni modifiées."
        ) % {"date": date_format(timezone.localtime(call.closes_at), "j F Y à H:i")}
    else:
        message = _(
            "L’appel à volontaires de cette Fabrique est clos : les candidatures ne peuvent "
            "plus être déposées ni modifiées."
        )
    raise ValidationError({NON_FIELD_ERRORS: [message]}, code="call_closed")


def _territory_entity(kind: str, pk: int) -> Commune | Epci | Qpv | None:
    model = ENTITY_MODELS.get(kind)
    return model._default_manager.filter(pk=pk).first() if model is not None else None


def _assign_territory(application: Application, data: ApplicationInput) -> None:
    kind, pk = data.territory
    entity = _territory_entity(kind, pk)
    if entity is None:
        raise ValidationError({"territory": _("Ce territoire est inconnu du référentiel.")})
    application.kind = kind
    application.commune = application.epci = application.qpv = None
    setattr(application, kind, entity)
    application.departement_id = entity.departement_id
    if kind != ParticipationKind.QPV:
        return
    host = None
    if data.host is not None:
        host_kind, host_pk = data.host
        if host_kind in (ParticipationKind.COMMUNE, ParticipationKind.EPCI):
            host = _territory_entity(host_kind, host_pk)
        if host is None:
            raise ValidationError(
                {"host": _("La collectivité porteuse doit être une commune ou un EPCI.")}
            )
    else:
        communes = list(entity.communes.all()[:2])  # type: ignore[union-attr]
        if len(communes) == 1:
            host = communes[0]
    if host is None:
        raise ValidationError(
            {
                "host": _(
                    "Indiquez la commune ou l’intercommunalité qui porte la candidature de ce "
                    "quartier prioritaire."
                )
            }
        )
    setattr(application, "commune" if isinstance(host, Commune) else "epci", host)


def _ensure_territory_free(application: Application) -> None:
    """Refuse a territory that already has a deposited application to the same call."""
    kind = application.kind
    entity = application.territory
    taken = (
        Application.objects.filter(call_id=application.call_id, kind=kind, **{kind: entity})
        .exclude(status=ApplicationStatus.DRAFT)
        .exclude(pk=application.pk)
        .exists()
    )
    if taken:
        raise ValidationError(
            {
                "territory": _(
                    "Une candidature a déjà été déposée pour %(name)s à cet appel. "
                    "Rapprochez-vous de votre collectivité : une seule candidature par "
                    "territoire est possible."
                )
                % {"name": entity.name}  # type: ignore[union-attr]
            },
            code="duplicate",
        )


def _missing_fields(values: dict[str, str]) -> dict[str, str]:
    message = str(MISSING_TO_SUBMIT)
    return {name: message for name in REQUIRED_TO_SUBMIT if not str(values.get(name, "")).strip()}


def _own_draft(application: Application) -> Application | None:
    """The person's draft for the same call and territory, locked, if there is one."""
    kind = application.kind
    return (
        Application.objects.select_for_update(of=("self",))
        .filter(
            call_id=application.call_id,
            applicant_id=application.applicant_id,
            status=ApplicationStatus.DRAFT,
            kind=kind,
            **{kind: application.territory},
        )
        .order_by("pk")
        .first()
    )


def _one_draft_error() -> ValidationError:
    constraint = next(
        constraint
        for constraint in Application._meta.constraints
        if constraint.name == ONE_DRAFT_CONSTRAINT
    )
    return ValidationError({NON_FIELD_ERRORS: [constraint.violation_error_message]})


@transaction.atomic
def application_save_draft(
    *,
    call: Call,
    applicant: User,
    data: ApplicationInput,
    application: Application | None = None,
    now: datetime.datetime | None = None,
) -> Application:
    """Create or update the applicant's draft while the call is open.

    One draft per person, call and territory: saving a new one for a territory that already
    has the person's draft resumes that draft, so the same form posted twice (a double click,
    two tabs) leaves one draft and one file.
    """
    now = now_or_current(now)
    _ensure_call_open(call, now)
    if application is None:
        application = Application(call=call, applicant=applicant)
        _assign_territory(application, data)
        application = _own_draft(application) or application
    else:
        # Read again under a lock: two saves of one draft must not both replace its file.
        application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
        if application.status != ApplicationStatus.DRAFT:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _("Cette candidature est déjà déposée : elle ne peut plus être modifiée.")
                    ]
                }
            )
        if application.call_id != call.pk or application.applicant_id != applicant.pk:
            raise ValidationError({NON_FIELD_ERRORS: [_("Ce brouillon ne vous appartient pas.")]})
    _assign_territory(application, data)
    _ensure_territory_free(application)
    for name in TEXT_FIELDS:
        setattr(application, name, str(getattr(data, name) or "").strip())
    old_file = application.deliberation.name if application.deliberation else ""
    if isinstance(data.deliberation, UploadedFile):
        try:
            validate_deliberation(data.deliberation)
        except ValidationError as exc:
            raise ValidationError({"deliberation": exc.messages}) from None
        application.deliberation = data.deliberation  # type: ignore[assignment]
    elif data.deliberation is False:
        application.deliberation = None  # type: ignore[assignment]
    created = application.pk is None
    application.full_clean(exclude=["deliberation"])
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # Another request created the same draft between the look-up above and this insert
        # (or moved its own draft to this territory). The file this save wrote belongs to no
        # row: delete it now, then resume the draft that won.
        new_file = application.deliberation.name if application.deliberation else ""
        if new_file and new_file != old_file:
            application.deliberation.storage.delete(new_file)
        if not created:
            raise _one_draft_error() from None
        existing = _own_draft(application)
        if existing is None:
            raise
        return application_save_draft(
            call=call, applicant=applicant, data=data, application=existing, now=now
        )
    new_file = application.deliberation.name if application.deliberation else ""
    if old_file and old_file != new_file:
        delete_file_on_commit(old_file)
    audit_event_create(
        action="application.draft_created" if created else "application.draft_saved",
        obj=application,
        actor=applicant,
        summary=str(application),
        data={"call": call.pk},
    )
    return application


@transaction.atomic
def application_submit(
    *, application: Application, actor: User, now: datetime.datetime | None = None
) -> Application:
    """Deposit a complete draft while the call is open; confirm it by e-mail."""
    now = now_or_current(now)
    # Lock the call: two drafts for the same territory cannot both be submitted.
    call = (
        Call.objects.select_for_update(of=("self",))
        .select_related("fabrique")
        .get(pk=application.call_id)
    )
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("commune", "epci", "qpv", "applicant")
        .get(pk=application.pk)
    )
    application.call = call
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError({NON_FIELD_ERRORS: [_("Cette candidature a déjà été déposée.")]})
    _ensure_call_open(call, now)
    missing = _missing_fields({name: getattr(application, name) for name in TEXT_FIELDS})
    if missing:
        raise ValidationError(missing, code="incomplete")
    _ensure_territory_free(application)
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = now
    application.full_clean(exclude=["deliberation"])
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_event_create(
        action="application.submitted",
        obj=application,
        actor=actor,
        summary=str(application),
        data={"call": call.pk},
    )
    email_application(
        application,
        subject=_("Votre candidature à la Fabrique « %(title)s » est déposée")
        % {"title": call.fabrique.title},
        template="calls/emails/application_submitted",
    )
    return application


@transaction.atomic
def application_save_and_submit(
    *,
    call: Call,
    applicant: User,
    data: ApplicationInput,
    application: Application | None = None,
    now: datetime.datetime | None = None,
) -> Application:
    """Save the form and deposit it at once; on any error nothing is saved."""
    missing = _missing_fields({name: getattr(data, name) for name in TEXT_FIELDS})
    if missing:
        # Checked before the draft is written, so that a refused submission stores no file.
        _ensure_call_open(call, now_or_current(now))
        raise ValidationError(missing, code="incomplete")
    application = application_save_draft(
        call=call, applicant=applicant, data=data, application=application, now=now
    )
    return application_submit(application=application, actor=applicant, now=now)
