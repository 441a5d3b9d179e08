"""Writes on the provider's contract and deliverables: definition, submission, review, reminders."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fabriques.accounts.models import MembershipRole, User
from fabriques.core.emails import email_queue
from fabriques.core.services import audit_event_create, person_or_none
from fabriques.core.uploads import SweepReport, orphan_cutoff, sweep_orphans
from fabriques.programme.models import Fabrique, FabriqueStatus, Organisation, Role
from fabriques.programme.services import fabrique_lock
from fabriques.territories.models import Participation

from .files import validate_deliverable_file
from .models import (
    OWED_STATUSES,
    VERSION_DIR,
    Contract,
    Deliverable,
    DeliverableKind,
    DeliverableReview,
    DeliverableStatus,
    DeliverableVersion,
    ReminderSent,
    ReviewDecision,
)

# Reminders are sent only while the provider is at work on the Fabrique.
REMINDER_FABRIQUE_STATUSES = (FabriqueStatus.RUNNING, FabriqueStatus.CLOSING)
BEFORE_DUE = "before_due"


def deliverable_url(deliverable: Deliverable) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "deliverables:deliverable_detail", args=[deliverable.pk]
    )


# Recipients -----------------------------------------------------------------------------------


def _emails(users: Iterable[User]) -> list[str]:
    return sorted({user.email for user in users if user.email})


def pilot_emails(*, fabrique: Fabrique) -> list[str]:
    """The Fabrique's ANCT pilots; the ANCT administrators when it has none."""
    pilots = User.objects.filter(
        is_active=True,
        memberships__role=MembershipRole.ANCT_PILOT,
        memberships__fabrique=fabrique,
    )
    emails = _emails(pilots)
    if emails:
        return emails
    admins = User.objects.filter(is_active=True, memberships__role=MembershipRole.ANCT_ADMIN)
    return _emails(admins)


def provider_emails(*, fabrique: Fabrique) -> list[str]:
    """The consultants of the organisations that are the Fabrique's provider: those who hold
    the role for this Fabrique or organisation-wide, not those who hold it for another one."""
    consultants = User.objects.filter(
        Q(memberships__fabrique=fabrique) | Q(memberships__fabrique__isnull=True),
        is_active=True,
        memberships__role=MembershipRole.PROVIDER_CONSULTANT,
        memberships__organisation__roles__fabrique=fabrique,
        memberships__organisation__roles__role=Role.PROVIDER,
    )
    return _emails(consultants)


# Contract -------------------------------------------------------------------------------------


@transaction.atomic
def contract_save(
    *,
    fabrique: Fabrique,
    provider: Organisation,
    reference: str,
    signed_on: datetime.date | None = None,
    amount: Decimal | None = None,
    notes: str = "",
    actor: User | None = None,
) -> Contract:
    """Create or update the provider's contract of a Fabrique."""
    # Lock the Fabrique, not the contract: when there is none yet, two managers saving at once
    # would both create one and the second would hit the one-contract constraint.
    # Serialises writes that create rows for the Fabrique (its contract, default deliverables).
    fabrique_lock(fabrique)
    contract = Contract.objects.filter(fabrique=fabrique).first()
    created = contract is None
    if contract is None:
        contract = Contract(fabrique=fabrique)
    values = {
        "provider": provider,
        "reference": reference.strip(),
        "signed_on": signed_on,
        "amount": amount,
        "notes": notes.strip(),
    }
    changed = {
        name: [str(getattr(contract, name, "") or ""), str(value or "")]
        for name, value in values.items()
        if created or getattr(contract, name) != value
    }
    if not changed:
        return contract
    for name, value in values.items():
        setattr(contract, name, value)
    contract.full_clean()
    if created:
        contract.save()
    else:
        contract.save(update_fields=[*changed, "updated_at"])
    audit_event_create(
        action="contract.created" if created else "contract.updated",
        obj=contract,
        actor=actor,
        summary=(_("Contrat du prestataire enregistré : %s") % contract),
        data={"fabrique": fabrique.pk, "changes": changed},
    )
    return contract


# Deliverables ---------------------------------------------------------------------------------


@transaction.atomic
def deliverable_create(
    *,
    fabrique: Fabrique,
    title: str,
    kind: str,
    due_on: datetime.date,
    participation: Participation | None = None,
    description: str = "",
    position: int = 0,
    actor: User | None = None,
) -> Deliverable:
    deliverable = Deliverable(
        fabrique=fabrique,
        participation=participation,
        title=title.strip(),
        kind=kind,
        due_on=due_on,
        description=description.strip(),
        position=position,
    )
    deliverable.full_clean()
    deliverable.save()
    audit_event_create(
        action="deliverable.created",
        obj=deliverable,
        actor=actor,
        summary=_("Livrable ajouté : %s") % deliverable,
        data={"fabrique": fabrique.pk, "due_on": due_on.isoformat(), "kind": kind},
    )
    return deliverable


@transaction.atomic
def deliverable_update(
    *,
    deliverable: Deliverable,
    title: str,
    kind: str,
    due_on: datetime.date,
    participation: Participation | None = None,
    description: str = "",
    position: int | None = None,
    actor: User | None = None,
) -> Deliverable:
    deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    values: dict[str, Any] = {
        "title": title.strip(),
        "kind": kind,
        "due_on": due_on,
        "participation": participation,
        "description": description.strip(),
    }
    if position is not None:
        values["position"] = position
    changed = {
        name: [str(getattr(deliverable, name) or ""), str(value or "")]
        for name, value in values.items()
        if getattr(deliverable, name) != value
    }
    if not changed:
        return deliverable
    if "participation" in changed and deliverable.versions.exists():
        raise ValidationError(
            {
                "participation": _(
                    "Des versions ont déjà été déposées pour ce livrable : "
                    "son territoire ne peut plus changer."
                )
            }
        )
    for name, value in values.items():
        setattr(deliverable, name, value)
    deliverable.full_clean()
    deliverable.save(update_fields=[*changed, "updated_at"])
    if "due_on" in changed:
        # A new due date starts a new round of reminders.
        deliverable.reminders.all().delete()
    audit_event_create(
        action="deliverable.updated",
        obj=deliverable,
        actor=actor,
        summary=_("Livrable modifié : %s") % deliverable,
        data={"changes": changed},
    )
    return deliverable


@transaction.atomic
def deliverable_delete(*, deliverable: Deliverable, actor: User | None = None) -> None:
    """Delete a deliverable that nothing was handed in for yet."""
    deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    if deliverable.status != DeliverableStatus.PENDING or deliverable.versions.exists():
        raise ValidationError(
            _(
                "Ce livrable ne peut plus être supprimé : le prestataire a déjà déposé "
                "une version. Modifiez-le plutôt."
            )
        )
    audit_event_create(
        action="deliverable.deleted",
        obj=deliverable,
        actor=actor,
        summary=_("Livrable supprimé : %s") % deliverable,
        data={"fabrique": deliverable.fabrique_id, "title": deliverable.title},
    )
    deliverable.delete()


@transaction.atomic
def deliverables_generate_defaults(
    *, fabrique: Fabrique, due_on: datetime.date, actor: User | None = None
) -> list[Deliverable]:
    """One roadmap per territory and the Fabrique's synthesis; those that exist are kept.

    Returns the deliverables created (none when run again).
    """
    # Two managers clicking at once: the second waits, then finds the first one's deliverables.
    # Serialises writes that create rows for the Fabrique (its contract, default deliverables).
    fabrique_lock(fabrique)
    existing = set(
        Deliverable.objects.filter(
            fabrique=fabrique, kind__in=[DeliverableKind.ROADMAP, DeliverableKind.SYNTHESIS]
        ).values_list("kind", "participation_id")
    )
    created = []
    participations = Participation.objects.filter(fabrique=fabrique).order_by("position", "id")
    for position, participation in enumerate(participations, start=1):
        if (DeliverableKind.ROADMAP, participation.pk) in existing:
            continue
        created.append(
            _generated(
                fabrique=fabrique,
                participation=participation,
                kind=DeliverableKind.ROADMAP,
                title=_("Feuille de route"),
                description=_(
                    "La feuille de route du territoire : les actions retenues, leur "
                    "gouvernance et leurs partenaires."
                ),
                due_on=due_on,
                position=position,
            )
        )
    if (DeliverableKind.SYNTHESIS, None) not in existing:
        created.append(
            _generated(
                fabrique=fabrique,
                participation=None,
                kind=DeliverableKind.SYNTHESIS,
                title=_("Synthèse et préconisations"),
                description=_(
                    "La synthèse des travaux de la Fabrique et ses préconisations de "
                    "politiques publiques."
                ),
                due_on=due_on,
                position=len(participations) + 1,
            )
        )
    if created:
        audit_event_create(
            action="deliverable.defaults_generated",
            obj=fabrique,
            actor=actor,
            summary=_("%(count)d livrables types ajoutés à la Fabrique %(fabrique)s")
            % {"count": len(created), "fabrique": fabrique},
            data={"deliverables": [d.pk for d in created], "due_on": due_on.isoformat()},
        )
    return created


def _generated(**fields: Any) -> Deliverable:
    deliverable = Deliverable(**fields)
    try:
        deliverable.full_clean()
    except ValidationError as error:
        # A deliverable defined by hand already holds the title: say which one.
        raise ValidationError(
            _("Le livrable type « %(title)s » n’a pas pu être ajouté : %(reason)s")
            % {"title": deliverable, "reason": " ".join(error.messages)}
        ) from error
    deliverable.save()
    return deliverable


# Submission and review ------------------------------------------------------------------------


@transaction.atomic
def deliverable_submit(
    *, deliverable: Deliverable, file: Any, note: str = "", actor: User | None = None
) -> DeliverableVersion:
    """Hand in a new version; the pilots are told it waits for their review."""
    deliverable = (
        # Lock the deliverable row only: the territory is a nullable outer join.
        Deliverable.objects.select_for_update(of=("self",))
        .select_related("fabrique", "participation")
        .get(pk=deliverable.pk)
    )
    if deliverable.status == DeliverableStatus.ACCEPTED:
        raise ValidationError(
            _("Ce livrable a déjà été accepté : aucune nouvelle version ne peut être déposée.")
        )
    if file is None:
        raise ValidationError({"file": _("Choisissez le fichier à déposer.")})
    try:
        validate_deliverable_file(file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    last = deliverable.versions.aggregate(last=Max("number"))["last"] or 0
    version = DeliverableVersion(
        deliverable=deliverable,
        number=last + 1,
        original_name=PurePath(file.name).name[:255],
        size=file.size,
        note=note.strip(),
        submitted_by=person_or_none(actor),
        submitted_at=timezone.now(),
    )
    version.file.save(version.original_name, file, save=False)
    try:
        version.full_clean()
        version.save()
    except Exception:
        version.file.delete(save=False)
        raise
    previous_status = deliverable.status
    deliverable.status = DeliverableStatus.SUBMITTED
    deliverable.save(update_fields=["status", "updated_at"])
    audit_event_create(
        action="deliverable.submitted",
        obj=deliverable,
        actor=actor,
        summary=_("Version %(number)d déposée pour « %(deliverable)s »")
        % {"number": version.number, "deliverable": deliverable},
        data={
            "version": version.pk,
            "number": version.number,
            "from": previous_status,
            "to": deliverable.status,
            "file": version.original_name,
            "size": version.size,
        },
    )
    email_queue(
        to=pilot_emails(fabrique=deliverable.fabrique),
        subject=_("[Fabriques] Livrable déposé : %(deliverable)s") % {"deliverable": deliverable},
        template="deliverables/emails/submitted",
        context={
            "deliverable": deliverable,
            "fabrique": deliverable.fabrique,
            "version": version,
            "submitted_by": person_or_none(actor),
            "url": deliverable_url(deliverable),
        },
    )
    return version


@transaction.atomic
def deliverable_review(
    *, version: DeliverableVersion, decision: str, comment: str = "", actor: User | None = None
) -> DeliverableReview:
    """The pilot accepts the latest version or asks for changes; the provider is told."""
    deliverable = (
        # Lock the deliverable row only: the territory is a nullable outer join.
        Deliverable.objects.select_for_update(of=("self",))
        .select_related("fabrique", "participation")
        .get(pk=version.deliverable_id)
    )
    version = DeliverableVersion.objects.get(pk=version.pk)
    latest = deliverable.versions.aggregate(last=Max("number"))["last"]
    if version.number != latest:
        raise ValidationError(
            _(
                "Seule la dernière version déposée (version %(latest)d) peut être examinée ; "
                "la version %(number)d a été remplacée."
            )
            % {"latest": latest, "number": version.number}
        )
    if DeliverableReview.objects.filter(version=version).exists():
        raise ValidationError(_("Cette version a déjà été examinée."))
    if deliverable.status != DeliverableStatus.SUBMITTED:
        raise ValidationError(
            _("Ce livrable n’attend pas d’examen (statut : %(status)s).")
            % {"status": deliverable.get_status_display()}
        )
    if decision not in ReviewDecision.values:
        raise ValidationError(
            {"decision": _("Choisissez d’accepter ou de demander des modifications.")}
        )
    comment = comment.strip()
    if decision == ReviewDecision.CHANGES_REQUESTED and not comment:
        raise ValidationError(
            {
                "comment": _(
                    "Indiquez les modifications demandées au prestataire dans le commentaire."
                )
            }
        )
    review = DeliverableReview(
        version=version,
        decision=decision,
        comment=comment,
        reviewer=person_or_none(actor),
        reviewed_at=timezone.now(),
    )
    review.full_clean()
    review.save()
    previous_status = deliverable.status
    deliverable.status = (
        DeliverableStatus.ACCEPTED
        if decision == ReviewDecision.ACCEPTED
        else DeliverableStatus.CHANGES_REQUESTED
    )
    deliverable.save(update_fields=["status", "updated_at"])
    audit_event_create(
        action=f"deliverable.{decision}",
        obj=deliverable,
        actor=actor,
        summary=_("Version %(number)d de « %(deliverable)s » : %(decision)s")
        % {
            "number": version.number,
            "deliverable": deliverable,
            "decision": deliverable.get_status_display(),
        },
        data={
            "version": version.pk,
            "review": review.pk,
            "from": previous_status,
            "to": deliverable.status,
            "comment": comment,
        },
    )
    accepted = decision == ReviewDecision.ACCEPTED
    subject = (
        _("[Fabriques] Livrable accepté : %(deliverable)s")
        if accepted
        else _("[Fabriques] Modifications demandées : %(deliverable)s")
    ) % {"deliverable": deliverable}
    email_queue(
        to=provider_emails(fabrique=deliverable.fabrique),
        subject=subject,
        template="deliverables/emails/accepted"
        if accepted
        else "deliverables/emails/changes_requested",
        context={
            "deliverable": deliverable,
            "fabrique": deliverable.fabrique,
            "version": version,
            "review": review,
            "reviewer": person_or_none(actor),
            "url": deliverable_url(deliverable),
        },
    )
    return review


# Reminders ------------------------------------------------------------------------------------


@dataclass
class ReminderCounts:
    before_due: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.before_due + self.overdue


def reminder_kind_due(*, deliverable: Deliverable, today: datetime.date) -> str | None:
    """The reminder a deliverable calls for today, if any (the latest threshold reached)."""
    if deliverable.status not in OWED_STATUSES:
        return None
    late_by = (today - deliverable.due_on).days
    if late_by <= 0:
        return BEFORE_DUE if -late_by <= settings.DELIVERABLE_REMINDER_DAYS_BEFORE else None
    reached = [days for days in settings.DELIVERABLE_REMINDER_DAYS_AFTER if late_by >= days]
    return f"overdue_{max(reached)}" if reached else None


def reminders_send(*, today: datetime.date | None = None) -> ReminderCounts:
    """E-mail the provider (copy to the pilots) about deliverables due soon or overdue.

    Meant to run once a day (management command `send_deliverable_reminders`). Each reminder
    is recorded in ReminderSent before its e-mail is queued, in the same transaction, so that
    running twice, or on two servers at once, sends it once.
    """
    today = today or timezone.localdate()
    counts = ReminderCounts()
    horizon = today + datetime.timedelta(days=settings.DELIVERABLE_REMINDER_DAYS_BEFORE)
    candidates = (
        Deliverable.objects.filter(
            status__in=OWED_STATUSES,
            due_on__lte=horizon,
            fabrique__status__in=REMINDER_FABRIQUE_STATUSES,
        )
        .select_related("fabrique", "participation")
        .prefetch_related("reminders")
        .order_by("fabrique_id", "due_on", "id")
    )
    recipients: dict[int, tuple[list[str], list[str]]] = {}
    sent: list[dict[str, Any]] = []
    for deliverable in candidates:
        kind = reminder_kind_due(deliverable=deliverable, today=today)
        if kind is None or any(r.kind == kind for r in deliverable.reminders.all()):
            continue
        if deliverable.fabrique_id not in recipients:
            recipients[deliverable.fabrique_id] = (
                provider_emails(fabrique=deliverable.fabrique),
                pilot_emails(fabrique=deliverable.fabrique),
            )
        providers, pilots = recipients[deliverable.fabrique_id]
        if _reminder_send(
            deliverable=deliverable, kind=kind, today=today, providers=providers, pilots=pilots
        ):
            sent.append({"deliverable": deliverable.pk, "kind": kind})
            if kind == BEFORE_DUE:
                counts.before_due += 1
            else:
                counts.overdue += 1
    if sent:
        audit_event_create(
            action="deliverable.reminders_sent",
            summary=_("%(before)d rappel(s) avant échéance et %(overdue)d relance(s) de retard")
            % {"before": counts.before_due, "overdue": counts.overdue},
            data={"date": today.isoformat(), "reminders": sent},
        )
    return counts


def _reminder_send(
    *,
    deliverable: Deliverable,
    kind: str,
    today: datetime.date,
    providers: list[str],
    pilots: list[str],
) -> bool:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(deliverable=deliverable, kind=kind, sent_on=today)
            before = kind == BEFORE_DUE
            subject = (
                _("[Fabriques] Rappel : livrable attendu le %(date)s — %(deliverable)s")
                if before
                else _("[Fabriques] Livrable en retard depuis le %(date)s — %(deliverable)s")
            ) % {"date": deliverable.due_on.strftime("%d/%m/%Y"), "deliverable": deliverable}
            context = {
                "deliverable": deliverable,
                "fabrique": deliverable.fabrique,
                "days": abs((deliverable.due_on - today).days),
                "url": deliverable_url(deliverable),
                "has_provider_contacts": bool(providers),
            }
            template = (
                "deliverables/emails/reminder_before"
                if before
                else "deliverables/emails/reminder_overdue"
            )
            email_queue(to=providers, subject=subject, template=template, context=context)
            copy = [address for address in pilots if address not in providers]
            email_queue(
                to=copy,
                subject=_("[Copie] %s") % subject,
                template=template,
                context={**context, "is_copy": True},
            )
    except IntegrityError:  # already sent, by an earlier or concurrent run
        return False
    return True


# Orphaned files -------------------------------------------------------------------------------


def version_files_purge_orphans(*, now: datetime.datetime | None = None) -> SweepReport:
    """Delete files under deliverables/ no version refers to, once UPLOAD_ORPHAN_GRACE_HOURS old.

    deliverable_submit deletes its file when saving the version fails; a rollback after that
    (the audit event, the e-mail queue) or a killed worker still leaves one behind.
    """
    storage = DeliverableVersion._meta.get_field("file").storage  # type: ignore[attr-defined]
    referenced = DeliverableVersion.objects.values_list("file", flat=True)
    return sweep_orphans(storage, VERSION_DIR, referenced, orphan_cutoff(now or timezone.now()))
