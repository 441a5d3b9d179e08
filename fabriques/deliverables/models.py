"""The provider's contract for a Fabrique and the deliverables it owes, version by version."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fabriques.core.models import TimeStampedModel


class Contract(TimeStampedModel):
    """The public contract (marché) under which the provider accompanies one Fabrique."""

    fabrique = models.OneToOneField(
        "programme.Fabrique",
        verbose_name=_("Fabrique"),
        on_delete=models.CASCADE,
        related_name="contract",
    )
    provider = models.ForeignKey(
        "programme.Organisation",
        verbose_name=_("prestataire"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    reference = models.CharField(_("numéro de marché"), max_length=100)
    signed_on = models.DateField(_("signé le"), null=True, blank=True)
    amount = models.DecimalField(
        _("montant (€ TTC)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contrat du prestataire")
        verbose_name_plural = _("contrats des prestataires")
        ordering = ["fabrique"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="deliverables_contract_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(reference=""), name="deliverables_contract_reference_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.fabrique}"

    def clean(self) -> None:
        from fabriques.programme.models import FabriqueOrganisation, Role

        if self.fabrique_id is None or self.provider_id is None:
            return
        is_provider = FabriqueOrganisation.objects.filter(
            fabrique_id=self.fabrique_id, organisation_id=self.provider_id, role=Role.PROVIDER
        ).exists()
        if not is_provider:
            raise ValidationError(
                {
                    "provider": _(
                        "Cette organisation n’est pas le prestataire de la Fabrique : "
                        "désignez-la d’abord comme prestataire dans la conception de la Fabrique."
                    )
                }
            )


class DeliverableKind(models.TextChoices):
    ROADMAP = "roadmap", _("Feuille de route")
    ACTION_PLAN = "action_plan", _("Programme d’action")
    SYNTHESIS = "synthesis", _("Synthèse et préconisations")
    SEMINAR_REPORT = "seminar_report", _("Compte rendu de séminaire")
    OTHER = "other", _("Autre")


class DeliverableStatus(models.TextChoices):
    PENDING = "pending", _("À remettre")
    SUBMITTED = "submitted", _("En attente d’examen")
    CHANGES_REQUESTED = "changes_requested", _("Modifications demandées")
    ACCEPTED = "accepted", _("Accepté")


# Statuses in which the provider still has to hand something in.
OWED_STATUSES = (DeliverableStatus.PENDING, DeliverableStatus.CHANGES_REQUESTED)


class Deliverable(TimeStampedModel):
    """Something the provider owes: for the whole Fabrique, or for one territory of it."""

    fabrique = models.ForeignKey(
        "programme.Fabrique",
        verbose_name=_("Fabrique"),
        on_delete=models.CASCADE,
        related_name="deliverables",
    )
    participation = models.ForeignKey(
        "territories.Participation",
        verbose_name=_("territoire accompagné"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliverables",
        help_text=_("Laisser vide pour un livrable dû pour l’ensemble de la Fabrique."),
    )
    title = models.CharField(_("titre"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=DeliverableKind.choices)
    due_on = models.DateField(_("date d’échéance"))
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=DeliverableStatus.choices,
        default=DeliverableStatus.PENDING,
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("livrable")
        verbose_name_plural = _("livrables")
        ordering = ["fabrique", "due_on", "position", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="deliverables_status_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliverableStatus.values),
                name="deliverables_deliverable_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DeliverableKind.values),
                name="deliverables_deliverable_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(title=""), name="deliverables_deliverable_title_not_blank"
            ),
            models.UniqueConstraint(
                fields=["fabrique", "title"],
                condition=Q(participation__isnull=True),
                name="deliverables_deliverable_unique_fabrique_title",
                violation_error_message=_(
                    "Un livrable de la Fabrique porte déjà ce titre ; choisissez-en un autre."
                ),
            ),
            models.UniqueConstraint(
                fields=["participation", "title"],
                condition=Q(participation__isnull=False),
                name="deliverables_deliverable_unique_participation_title",
                violation_error_message=_(
                    "Un livrable de ce territoire porte déjà ce titre ; choisissez-en un autre."
                ),
            ),
        ]

    def __str__(self) -> str:
        if self.participation_id is not None:
            return f"{self.title} — {self.participation}"
        return self.title

    def clean(self) -> None:
        # A cross-table rule: no check constraint can say it.
        participation = self.participation if self.participation_id is not None else None
        if (
            participation is not None
            and self.fabrique_id is not None
            and participation.fabrique_id != self.fabrique_id
        ):
            raise ValidationError(
                {"participation": _("Ce territoire n’est pas accompagné par cette Fabrique.")}
            )

    @property
    def is_late(self) -> bool:
        """Due date passed and nothing is waiting for review or accepted."""
        return self.status in OWED_STATUSES and self.due_on < timezone.localdate()


# The storage folder of versions' files, swept daily for files no version refers to.
VERSION_DIR = "deliverables"


def version_upload_to(instance: DeliverableVersion, filename: str) -> str:
    """deliverables/<uuid>.<ext>: the person's file name is kept in the database only."""
    extension = PurePath(filename).suffix.lower().lstrip(".")
    return f"{VERSION_DIR}/{uuid.uuid4().hex}.{extension}"


class DeliverableVersion(models.Model):
    """One file handed in for a deliverable; versions are numbered 1, 2, …"""

    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("livrable"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("numéro de version"))
    file = models.FileField(_("fichier"), upload_to=version_upload_to, max_length=200)
    original_name = models.CharField(_("nom du fichier déposé"), max_length=255)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    note = models.TextField(_("note"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("déposé le"), default=timezone.now)

    class Meta:
        verbose_name = _("version d’un livrable")
        verbose_name_plural = _("versions des livrables")
        ordering = ["deliverable", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "number"],
                name="deliverables_deliverableversion_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="deliverables_deliverableversion_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(deliverable)s — version %(number)s") % {
            "deliverable": self.deliverable,
            "number": self.number,
        }

    @property
    def extension(self) -> str:
        """« PDF », « DOCX »…: the format of the file, from its name."""
        return PurePath(self.original_name).suffix.lstrip(".").upper()


class ReviewDecision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepter le livrable")
    CHANGES_REQUESTED = "changes_requested", _("Demander des modifications")


class DeliverableReview(models.Model):
    """The pilot's decision on one version."""

    version = models.OneToOneField(
        DeliverableVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="review",
    )
    decision = models.CharField(_("décision"), max_length=20, choices=ReviewDecision.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("examiné par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("examiné le"), default=timezone.now)

    class Meta:
        verbose_name = _("examen d’une version")
        verbose_name_plural = _("examens des versions")
        ordering = ["-reviewed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=ReviewDecision.values),
                name="deliverables_deliverablereview_decision_valid",
            ),
            models.CheckConstraint(
                condition=~Q(decision=ReviewDecision.CHANGES_REQUESTED) | ~Q(comment=""),
                name="deliverables_deliverablereview_comment_required",
                violation_error_message=_(
                    "Indiquez les modifications demandées au prestataire dans le commentaire."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} — {self.get_decision_display()}"


class ReminderSent(models.Model):
    """One reminder e-mail sent for a deliverable; the unique key makes reminders idempotent."""

    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("livrable"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    # "before_due", or "overdue_<days>" (see DELIVERABLE_REMINDER_DAYS_AFTER).
    kind = models.CharField(_("type de relance"), max_length=30)
    sent_on = models.DateField(_("envoyée le"))

    class Meta:
        verbose_name = _("relance envoyée")
        verbose_name_plural = _("relances envoyées")
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "kind"], name="deliverables_remindersent_unique_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind="before_due") | Q(kind__startswith="overdue_"),
                name="deliverables_remindersent_kind_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deliverable} — {self.kind} ({self.sent_on})"
