"""Calls for volunteers, their selection criteria, applications and their scores."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fabriques.core.models import TimeStampedModel
from fabriques.territories.models import ParticipationKind, one_territory_condition
from fabriques.territories.selectors import territory_label


class CallState(models.TextChoices):
    """Where a call stands at a given moment (derived, never stored)."""

    NOT_OPEN = "not_open", _("Pas encore ouvert")
    OPEN = "open", _("Ouvert")
    CLOSED = "closed", _("Clos")


class Call(TimeStampedModel):
    """The call for volunteers of a Fabrique (« appel à manifestation d’intérêt »)."""

    fabrique = models.OneToOneField(
        "programme.Fabrique",
        verbose_name=_("Fabrique"),
        on_delete=models.CASCADE,
        related_name="call",
    )
    opens_at = models.DateTimeField(
        _("ouverture"),
        null=True,
        blank=True,
        help_text=_("Laissez vide pour ouvrir dès que la Fabrique passe en appel ouvert."),
    )
    closes_at = models.DateTimeField(_("clôture"), null=True, blank=True)
    introduction = models.TextField(
        _("présentation (Markdown)"),
        blank=True,
        help_text=_("Ce que la Fabrique propose aux territoires et à qui s’adresse l’appel."),
    )
    expected_commitment = models.TextField(
        _("engagement attendu"),
        blank=True,
        help_text=_("Ce qu’un territoire retenu s’engage à faire (élu, groupe de travail, temps)."),
    )
    decision_expected_on = models.DateField(_("décision attendue le"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appel à volontaires")
        verbose_name_plural = _("appels à volontaires")
        ordering = ["closes_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="calls_call_closes_after_opens",
                violation_error_message=_("La clôture doit suivre l’ouverture de l’appel."),
            )
        ]

    def __str__(self) -> str:
        return str(_("Appel à volontaires — %(fabrique)s") % {"fabrique": self.fabrique})

    def state(self, now: datetime.datetime) -> str:
        """Open while the Fabrique is in call_open, between the opening and closing dates."""
        from fabriques.programme.models import FabriqueStatus

        status = self.fabrique.status
        if status in (FabriqueStatus.IDEA, FabriqueStatus.DESIGNED):
            return CallState.NOT_OPEN
        if status != FabriqueStatus.CALL_OPEN:
            return CallState.CLOSED
        if self.closes_at is None or (self.opens_at is not None and now < self.opens_at):
            return CallState.NOT_OPEN
        if now >= self.closes_at:
            return CallState.CLOSED
        return CallState.OPEN


class CallCriterion(models.Model):
    """One criterion applications are scored against, with its weight in the total."""

    call = models.ForeignKey(
        Call, verbose_name=_("appel"), on_delete=models.CASCADE, related_name="criteria"
    )
    label = models.CharField(_("critère"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("pondération"), default=1, help_text=_("Nombre entier, au moins 1.")
    )
    max_score = models.PositiveSmallIntegerField(_("note maximale"), default=5)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("critère de sélection")
        verbose_name_plural = _("critères de sélection")
        ordering = ["call", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1),
                name="calls_callcriterion_weight_positive",
                violation_error_message=_("La pondération est un entier d’au moins 1."),
            ),
            models.CheckConstraint(
                condition=Q(max_score__gte=1) & Q(max_score__lte=100),
                name="calls_callcriterion_max_score_range",
                violation_error_message=_("La note maximale est comprise entre 1 et 100."),
            ),
            models.UniqueConstraint(
                fields=["call", "label"],
                name="calls_callcriterion_unique_label",
                violation_error_message=_("Deux critères de cet appel portent le même nom."),
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposée")
    SHORTLISTED = "shortlisted", _("Présélectionnée")
    SELECTED = "selected", _("Retenue")
    REJECTED = "rejected", _("Non retenue")


UNDECIDED_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED)


# What the applicant writes; kept out of the history (see Application).
APPLICANT_TEXT_FIELDS = (
    "elected_name",
    "elected_mandate",
    "elected_email",
    "technical_name",
    "technical_role",
    "technical_email",
    "technical_phone",
    "motivation",
    "working_group_intent",
)


# Named for the service that turns its violation, under concurrent saves, into a message.
ONE_DRAFT_CONSTRAINT = "calls_application_one_draft_per_applicant_territory"


# The storage folder of deliberations, swept daily for files no application refers to.
DELIBERATION_DIR = "applications"


def deliberation_path(instance: Any, filename: str) -> str:
    """A path nobody can guess; the file is only ever served by an access-checked view."""
    return f"{DELIBERATION_DIR}/{uuid.uuid4().hex}.pdf"


class Application(TimeStampedModel):
    """A local authority's application to a call (« candidature »).

    Personal data (names, e-mails, texts, the deliberation) is kept out of the history: only
    decisions are traced there, and purging an application leaves nothing of the person.
    """

    call = models.ForeignKey(
        Call, verbose_name=_("appel"), on_delete=models.CASCADE, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    kind = models.CharField(
        _("type de territoire"), max_length=10, choices=ParticipationKind.choices
    )
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    epci = models.ForeignKey(
        "territories.Epci",
        verbose_name=_("EPCI"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    qpv = models.ForeignKey(
        "territories.Qpv",
        verbose_name=_("QPV"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    # Copied from the territory by the service, for the review table and its filters.
    departement = models.ForeignKey(
        "territories.Departement",
        verbose_name=_("département"),
        on_delete=models.PROTECT,
        related_name="applications",
        editable=False,
    )
    elected_name = models.CharField(_("nom de l’élu(e) qui s’engage"), max_length=200, blank=True)
    elected_mandate = models.CharField(
        _("mandat de l’élu(e)"), max_length=200, blank=True, help_text=_("Ex. : maire, présidente.")
    )
    elected_email = models.EmailField(_("adresse électronique de l’élu(e)"), blank=True)
    technical_name = models.CharField(_("nom du référent technique"), max_length=200, blank=True)
    technical_role = models.CharField(
        _("fonction du référent technique"),
        max_length=200,
        blank=True,
        help_text=_("Ex. : directeur général des services, chargée de mission."),
    )
    technical_email = models.EmailField(_("adresse électronique du référent technique"), blank=True)
    technical_phone = models.CharField(
        _("téléphone du référent technique (facultatif)"), max_length=30, blank=True
    )
    motivation = models.TextField(_("motivation"), blank=True)
    working_group_intent = models.TextField(_("groupe de travail envisagé"), blank=True)
    deliberation = models.FileField(
        _("délibération signée (PDF)"), upload_to=deliberation_path, blank=True, max_length=200
    )
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("déposée le"), null=True, blank=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decision_note = models.TextField(_("motif de la décision"), blank=True)
    pilot_comment = models.TextField(_("commentaire de l’ANCT (interne)"), blank=True)
    notified_at = models.DateTimeField(_("résultat annoncé le"), null=True, blank=True)
    participation = models.ForeignKey(
        "territories.Participation",
        verbose_name=_("territoire accompagné"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    history = HistoricalRecords(
        excluded_fields=["applicant", *APPLICANT_TEXT_FIELDS, "deliberation"]
    )

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["call", "-submitted_at", "id"]
        constraints = [
            # Exactly one territory; a QPV with the commune or EPCI that carries it.
            models.CheckConstraint(
                condition=one_territory_condition(),
                name="calls_application_one_territory",
                violation_error_message=_("Une candidature porte sur un seul territoire."),
            ),
            # One application per territory and call once deposited; drafts may coexist
            # until one of them is submitted.
            models.UniqueConstraint(
                "call",
                "kind",
                Coalesce("qpv", "epci", "commune"),
                condition=~Q(status="draft"),
                name="calls_application_unique_territory",
                violation_error_message=_(
                    "Une candidature a déjà été déposée pour ce territoire à cet appel."
                ),
            ),
            # One draft per person, call and territory: a double click or two tabs on « save
            # the draft » resume it instead of leaving copies (and their files) behind.
            models.UniqueConstraint(
                "applicant",
                "call",
                "kind",
                Coalesce("qpv", "epci", "commune"),
                condition=Q(status="draft"),
                name=ONE_DRAFT_CONSTRAINT,
                violation_error_message=_(
                    "Vous avez déjà un brouillon de candidature pour ce territoire à cet appel : "
                    "reprenez-le depuis « Mes candidatures »."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="calls_application_submitted_dated",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["selected", "rejected"]) | Q(decided_at__isnull=False),
                name="calls_application_decision_dated",
            ),
            models.CheckConstraint(
                condition=Q(status="selected") | Q(participation__isnull=True),
                name="calls_application_participation_if_selected",
            ),
        ]
        indexes = [models.Index(fields=["call", "status"], name="calls_application_status_idx")]

    def __str__(self) -> str:
        return str(_("Candidature de %(territory)s") % {"territory": self.territory_label})

    @property
    def territory(self):
        """The referential territory applying (for a QPV, the QPV itself)."""
        return {"commune": self.commune, "epci": self.epci, "qpv": self.qpv}.get(self.kind)

    @property
    def host(self):
        """For a QPV, the commune or EPCI that carries the application."""
        return (self.commune or self.epci) if self.kind == ParticipationKind.QPV else None

    @property
    def territory_label(self) -> str:
        """« Saint-Étienne (42218) », « Quartier X (QN04201M) — Saint-Étienne »."""
        territory = self.territory
        if territory is None:
            return ""
        label = territory_label(territory)
        host = self.host
        return f"{label} — {host.name}" if host is not None else label


class ApplicationScore(models.Model):
    """The score of one application on one criterion; the last scorer wins, history keeps all."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("candidature"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    criterion = models.ForeignKey(
        CallCriterion, verbose_name=_("critère"), on_delete=models.CASCADE, related_name="scores"
    )
    score = models.PositiveSmallIntegerField(_("note"))
    comment = models.TextField(_("commentaire"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("noté par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scored_at = models.DateTimeField(_("noté le"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("note d’une candidature")
        verbose_name_plural = _("notes des candidatures")
        ordering = ["application", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"],
                name="calls_applicationscore_unique_criterion",
                violation_error_message=_("Ce critère est déjà noté pour cette candidature."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}/{self.criterion.max_score}"
