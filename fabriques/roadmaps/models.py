"""What each accompanied territory leaves behind: its roadmap (feuille de route).

A roadmap belongs to one Participation. It is structured data: framing (horizon, diagnostic,
issues, vision), governance, partners, links to the territory's existing contracts, ordered
axes, and under each axis action sheets (fiches action) with their pilot, partners, steps,
budget lines, financing plan, indicators with dated values, notes, dated status history and
links to the meeting outcomes they come from.

Co-writing is guarded by optimistic concurrency: the roadmap and each sheet carry a
`lock_version` that every save checks and bumps (services.editing). The lifecycle goes
draft → submitted → reviewed → validated → adopted → published; adopting freezes a
`RoadmapVersion` (a JSON snapshot of the whole roadmap) and later edits are shown as
differences from it. One and three years after the Fabrique, a `FollowUp` collects per sheet
the status, actual dates, money spent and granted, and a comment.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fabriques.core.models import TimeStampedModel

ZERO = Decimal("0")
NOT_NEGATIVE = MinValueValidator(ZERO, message=_("Le montant ne peut pas être négatif."))
SIRET = RegexValidator(r"^[0-9]{14}$", _("Un SIRET compte 14 chiffres."))


def file_upload_to(instance: models.Model, filename: str) -> str:
    """roadmaps/<uuid>.<ext>: the person's file name is kept in the database only."""
    extension = PurePath(filename).suffix.lower().lstrip(".")
    return f"roadmaps/{uuid.uuid4().hex}.{extension}"


class RoadmapStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Soumise pour relecture")
    REVIEWED = "reviewed", _("Relue par le pilote")
    VALIDATED = "validated", _("Validée par le comité de pilotage local")
    ADOPTED = "adopted", _("Adoptée par l’assemblée délibérante")
    PUBLISHED = "published", _("Publiée")


class Roadmap(TimeStampedModel):
    participation = models.OneToOneField(
        "territories.Participation",
        verbose_name=_("territoire accompagné"),
        on_delete=models.CASCADE,
        related_name="roadmap",
    )
    # Denormalised from the participation so that lists, access and search filter on one column.
    fabrique = models.ForeignKey(
        "programme.Fabrique",
        verbose_name=_("Fabrique"),
        on_delete=models.CASCADE,
        related_name="roadmaps",
        editable=False,
    )
    title = models.CharField(_("titre"), max_length=250)
    horizon = models.PositiveSmallIntegerField(
        _("horizon (année)"), null=True, blank=True, validators=[MinValueValidator(2000)]
    )
    period_start = models.DateField(_("début de la période"), null=True, blank=True)
    period_end = models.DateField(_("fin de la période"), null=True, blank=True)
    diagnostic = models.TextField(_("synthèse du diagnostic"), blank=True)
    issues = models.TextField(_("enjeux"), blank=True)
    vision = models.TextField(_("vision ou scénario retenu"), blank=True)
    easy_summary = models.TextField(
        _("résumé facile à lire"),
        blank=True,
        help_text=_("Quelques phrases courtes, sans sigle, pour tous les habitants."),
    )
    steering_body = models.CharField(_("instance de pilotage"), max_length=250, blank=True)
    meeting_rhythm = models.CharField(_("rythme des réunions"), max_length=250, blank=True)
    elected_referent = models.CharField(_("élu référent"), max_length=200, blank=True)
    project_lead = models.CharField(_("chef de projet"), max_length=200, blank=True)
    status = models.CharField(
        _("état"), max_length=20, choices=RoadmapStatus.choices, default=RoadmapStatus.DRAFT
    )
    lock_version = models.PositiveIntegerField(_("version d’édition"), default=1)
    # The deliberation of the local council that adopted the roadmap.
    deliberation_body = models.CharField(_("assemblée"), max_length=250, blank=True)
    deliberation_date = models.DateField(_("date de la délibération"), null=True, blank=True)
    deliberation_number = models.CharField(
        _("numéro de la délibération"), max_length=100, blank=True
    )
    deliberation_file = models.FileField(
        _("délibération (PDF)"), upload_to=file_upload_to, max_length=200, blank=True
    )
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("feuille de route")
        verbose_name_plural = _("feuilles de route")
        ordering = ["fabrique", "participation__position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="roadmaps_roadmap_period_ordered",
                violation_error_message=_("La fin de la période précède son début."),
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="roadmaps_roadmap_published_dated",
            ),
        ]
        indexes = [models.Index(fields=["status", "fabrique"], name="roadmaps_status_fab_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == RoadmapStatus.PUBLISHED


class Axis(models.Model):
    roadmap = models.ForeignKey(
        Roadmap, verbose_name=_("feuille de route"), on_delete=models.CASCADE, related_name="axes"
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=1)
    title = models.CharField(_("intitulé"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    # The foresight results (studies.RetainedResult) the axis answers.
    answers = models.ManyToManyField(
        "studies.RetainedResult",
        verbose_name=_("résultats de la prospective auxquels l’axe répond"),
        blank=True,
        related_name="answering_axes",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("axe")
        verbose_name_plural = _("axes")
        ordering = ["roadmap", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class RoadmapPartner(models.Model):
    roadmap = models.ForeignKey(
        Roadmap,
        verbose_name=_("feuille de route"),
        on_delete=models.CASCADE,
        related_name="partners",
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    name = models.CharField(_("partenaire"), max_length=250)
    role = models.CharField(_("rôle"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("partenaire de la feuille de route")
        verbose_name_plural = _("partenaires de la feuille de route")
        ordering = ["roadmap", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class ContractKind(models.TextChoices):
    ACV = "acv", _("Action cœur de ville")
    PVD = "pvd", _("Petites villes de demain")
    ORT = "ort", _("Opération de revitalisation de territoire (ORT)")
    CRTE = "crte", _("Contrat pour la réussite de la transition écologique (CRTE)")
    CITY = "contrat_de_ville", _("Contrat de ville")
    PCAET = "pcaet", _("Plan climat-air-énergie territorial (PCAET)")
    PAT = "pat", _("Projet alimentaire territorial (PAT)")
    OTHER = "other", _("Autre contrat ou programme")


class ContractLink(models.Model):
    """An existing contract or programme of the territory the roadmap builds on."""

    roadmap = models.ForeignKey(
        Roadmap,
        verbose_name=_("feuille de route"),
        on_delete=models.CASCADE,
        related_name="contracts",
    )
    kind = models.CharField(_("type"), max_length=20, choices=ContractKind.choices)
    label = models.CharField(_("intitulé"), max_length=250, blank=True)
    reference = models.CharField(_("référence"), max_length=100, blank=True)
    signed_on = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        verbose_name = _("contrat ou programme lié")
        verbose_name_plural = _("contrats et programmes liés")
        ordering = ["roadmap", "kind", "pk"]

    def __str__(self) -> str:
        return self.label or self.get_kind_display()


class RoadmapAttachment(models.Model):
    roadmap = models.ForeignKey(
        Roadmap,
        verbose_name=_("feuille de route"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    title = models.CharField(_("titre"), max_length=250)
    file = models.FileField(_("fichier"), upload_to=file_upload_to, max_length=200)
    original_name = models.CharField(_("nom du fichier déposé"), max_length=255)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("déposé le"), default=timezone.now)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["roadmap", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


class RoadmapVersion(models.Model):
    """A frozen copy of the whole roadmap (adoption, publication, each later re-adoption)."""

    roadmap = models.ForeignKey(
        Roadmap,
        verbose_name=_("feuille de route"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    status = models.CharField(_("état"), max_length=20, choices=RoadmapStatus.choices)
    snapshot = models.JSONField(_("contenu"))
    created_at = models.DateTimeField(_("figée le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("figée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("version figée")
        verbose_name_plural = _("versions figées")
        ordering = ["roadmap", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["roadmap", "number"], name="roadmaps_roadmapversion_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.roadmap} v{self.number}"


class Priority(models.TextChoices):
    HIGH = "high", _("Haute")
    MEDIUM = "medium", _("Moyenne")
    LOW = "low", _("Basse")


class Maturity(models.TextChoices):
    IDEA = "idea", _("Idée")
    STUDY = "study", _("Étude")
    OPERATION = "operation", _("Opération")


class SheetStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Non démarrée")
    IN_PROGRESS = "in_progress", _("En cours")
    LATE = "late", _("En retard")
    PAUSED = "paused", _("En pause")
    BLOCKED = "blocked", _("Bloquée")
    DROPPED = "dropped", _("Abandonnée")
    DONE = "done", _("Réalisée")
    TO_DISCUSS = "to_discuss", _("À discuter")


class ActionSheet(TimeStampedModel):
    roadmap = models.ForeignKey(
        Roadmap, verbose_name=_("feuille de route"), on_delete=models.CASCADE, related_name="sheets"
    )
    axis = models.ForeignKey(
        Axis, verbose_name=_("axe"), on_delete=models.PROTECT, related_name="sheets"
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("intitulé"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    objectives = models.TextField(_("objectifs"), blank=True)
    expected_effects = models.TextField(_("effets attendus"), blank=True)
    targets = models.TextField(_("publics cibles"), blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    qpv = models.ForeignKey(
        "territories.Qpv",
        verbose_name=_("QPV"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pilot_organisation = models.CharField(_("structure pilote"), max_length=250, blank=True)
    pilot_person = models.CharField(_("personne pilote"), max_length=200, blank=True)
    elected_referent = models.CharField(_("élu référent"), max_length=200, blank=True)
    project_owner = models.CharField(_("maître d’ouvrage"), max_length=250, blank=True)
    project_owner_siret = models.CharField(
        _("SIRET du maître d’ouvrage"), max_length=14, blank=True, validators=[SIRET]
    )
    priority = models.CharField(
        _("priorité"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    maturity = models.CharField(
        _("maturité"), max_length=10, choices=Maturity.choices, default=Maturity.IDEA
    )
    status = models.CharField(
        _("état d’avancement"),
        max_length=20,
        choices=SheetStatus.choices,
        default=SheetStatus.NOT_STARTED,
    )
    planned_start = models.DateField(_("début prévu"), null=True, blank=True)
    planned_end = models.DateField(_("fin prévue"), null=True, blank=True)
    actual_start = models.DateField(_("début effectif"), null=True, blank=True)
    actual_end = models.DateField(_("fin effective"), null=True, blank=True)
    lock_version = models.PositiveIntegerField(_("version d’édition"), default=1)
    related = models.ManyToManyField(
        "self", verbose_name=_("fiches liées"), blank=True, symmetrical=True
    )
    # The meeting decisions and actions the sheet comes from (workshops.Outcome).
    outcomes = models.ManyToManyField(
        "workshops.Outcome",
        verbose_name=_("décisions et actions de rencontres à l’origine de la fiche"),
        blank=True,
        related_name="action_sheets",
    )
    # The foresight results (studies.RetainedResult) the sheet answers.
    answers = models.ManyToManyField(
        "studies.RetainedResult",
        verbose_name=_("résultats de la prospective auxquels la fiche répond"),
        blank=True,
        related_name="answering_sheets",
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membres invités à rédiger la fiche"),
        blank=True,
        related_name="editable_action_sheets",
    )
    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        verbose_name = _("fiche action")
        verbose_name_plural = _("fiches action")
        ordering = ["roadmap", "axis__position", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["roadmap", "number"], name="roadmaps_actionsheet_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="roadmaps_actionsheet_planned_ordered",
                violation_error_message=_("La fin prévue précède le début prévu."),
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=F("actual_start")),
                name="roadmaps_actionsheet_actual_ordered",
                violation_error_message=_("La fin effective précède le début effectif."),
            ),
        ]
        indexes = [models.Index(fields=["roadmap", "status"], name="roadmaps_sheet_status_idx")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class SheetStatusChange(models.Model):
    """The dated history of a sheet's status."""

    sheet = models.ForeignKey(
        ActionSheet,
        verbose_name=_("fiche"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    status = models.CharField(_("état"), max_length=20, choices=SheetStatus.choices)
    changed_on = models.DateField(_("date"), default=timezone.localdate)
    comment = models.TextField(_("commentaire"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("changement d’état")
        verbose_name_plural = _("historique des états")
        ordering = ["sheet", "changed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.changed_on} {self.get_status_display()}"


class SheetPartner(models.Model):
    sheet = models.ForeignKey(
        ActionSheet, verbose_name=_("fiche"), on_delete=models.CASCADE, related_name="partners"
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    name = models.CharField(_("partenaire"), max_length=250)
    role = models.CharField(_("rôle"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("partenaire de la fiche")
        verbose_name_plural = _("partenaires de la fiche")
        ordering = ["sheet", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    sheet = models.ForeignKey(
        ActionSheet, verbose_name=_("fiche"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    name = models.CharField(_("étape"), max_length=250)
    done = models.BooleanField(_("réalisée"), default=False)
    due_on = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        ordering = ["sheet", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class BudgetNature(models.TextChoices):
    INVESTMENT = "investment", _("Investissement")
    OPERATING = "operating", _("Fonctionnement")


class BudgetUnit(models.TextChoices):
    EUR_HT = "eur_ht", _("€ HT")
    FTE = "fte", _("ETP")


class BudgetLine(models.Model):
    sheet = models.ForeignKey(
        ActionSheet, verbose_name=_("fiche"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    year = models.PositiveSmallIntegerField(_("année"), validators=[MinValueValidator(2000)])
    nature = models.CharField(_("nature"), max_length=20, choices=BudgetNature.choices)
    unit = models.CharField(
        _("unité"), max_length=10, choices=BudgetUnit.choices, default=BudgetUnit.EUR_HT
    )
    planned = models.DecimalField(
        _("prévu"), max_digits=14, decimal_places=2, validators=[NOT_NEGATIVE]
    )
    actual = models.DecimalField(
        _("réalisé"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
    )

    class Meta:
        verbose_name = _("ligne budgétaire")
        verbose_name_plural = _("budget")
        ordering = ["sheet", "year", "nature", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned__gte=0) & (Q(actual__isnull=True) | Q(actual__gte=0)),
                name="roadmaps_budgetline_not_negative",
                violation_error_message=_("Un montant ne peut pas être négatif."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_nature_display()} {self.planned}"


class FundingScheme(models.TextChoices):
    DETR = "detr", _("DETR")
    DSIL = "dsil", _("DSIL")
    FONDS_VERT = "fonds_vert", _("Fonds vert")
    FNADT = "fnadt", _("FNADT")
    BDT = "bdt", _("Banque des Territoires")
    REGION = "region", _("Région")
    DEPARTEMENT = "departement", _("Département")
    EU = "eu", _("Fonds européens")
    OTHER = "other", _("Autre")


class FundingStatus(models.TextChoices):
    ASKED = "asked", _("Demandé")
    OBTAINED = "obtained", _("Obtenu")
    REFUSED = "refused", _("Refusé")


class FundingLine(models.Model):
    sheet = models.ForeignKey(
        ActionSheet, verbose_name=_("fiche"), on_delete=models.CASCADE, related_name="funding_lines"
    )
    funder = models.CharField(_("financeur"), max_length=250)
    scheme = models.CharField(_("dispositif"), max_length=20, choices=FundingScheme.choices)
    amount_asked = models.DecimalField(
        _("montant demandé (€)"), max_digits=14, decimal_places=2, validators=[NOT_NEGATIVE]
    )
    amount_granted = models.DecimalField(
        _("montant accordé (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
    )
    status = models.CharField(
        _("état"), max_length=20, choices=FundingStatus.choices, default=FundingStatus.ASKED
    )

    class Meta:
        verbose_name = _("ligne du plan de financement")
        verbose_name_plural = _("plan de financement")
        ordering = ["sheet", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_asked__gte=0)
                & (Q(amount_granted__isnull=True) | Q(amount_granted__gte=0)),
                name="roadmaps_fundingline_not_negative",
                violation_error_message=_("Un montant ne peut pas être négatif."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.funder} {self.amount_asked}"


class Periodicity(models.TextChoices):
    MONTHLY = "monthly", _("Mensuelle")
    QUARTERLY = "quarterly", _("Trimestrielle")
    YEARLY = "yearly", _("Annuelle")
    ONCE = "once", _("Ponctuelle")


class Indicator(models.Model):
    sheet = models.ForeignKey(
        ActionSheet, verbose_name=_("fiche"), on_delete=models.CASCADE, related_name="indicators"
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    definition = models.CharField(_("définition"), max_length=500)
    unit = models.CharField(_("unité"), max_length=50)
    periodicity = models.CharField(
        _("périodicité"), max_length=20, choices=Periodicity.choices, default=Periodicity.YEARLY
    )
    target = models.DecimalField(_("cible"), max_digits=16, decimal_places=4, null=True, blank=True)
    target_on = models.DateField(_("échéance de la cible"), null=True, blank=True)
    result = models.TextField(_("résultat"), blank=True)
    source = models.CharField(_("source"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["sheet", "position", "pk"]

    def __str__(self) -> str:
        return self.definition


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicateur"), on_delete=models.CASCADE, related_name="values"
    )
    measured_on = models.DateField(_("date de la mesure"))
    value = models.DecimalField(_("valeur"), max_digits=16, decimal_places=4)
    source = models.CharField(_("source"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("valeur d’indicateur")
        verbose_name_plural = _("valeurs d’indicateur")
        ordering = ["indicator", "measured_on", "pk"]

    def __str__(self) -> str:
        return f"{self.measured_on} {self.value}"


class SheetNote(models.Model):
    """A dated note on a sheet (its writers' log), or a comment by ANCT or a partner."""

    sheet = models.ForeignKey(
        ActionSheet, verbose_name=_("fiche"), on_delete=models.CASCADE, related_name="notes"
    )
    is_comment = models.BooleanField(_("commentaire de relecture"), default=False)
    text = models.TextField(_("texte"))
    written_on = models.DateField(_("date"), default=timezone.localdate)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("écrit le"), default=timezone.now)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["sheet", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class RoadmapComment(models.Model):
    """A reviewer's comment on the roadmap as a whole (the pilot's review, a partner's word)."""

    roadmap = models.ForeignKey(
        Roadmap,
        verbose_name=_("feuille de route"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    text = models.TextField(_("texte"))
    is_review = models.BooleanField(_("relecture du pilote"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("écrit le"), default=timezone.now)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["roadmap", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class FollowUpHorizon(models.IntegerChoices):
    ONE_YEAR = 1, _("À un an")
    THREE_YEARS = 3, _("À trois ans")


class FollowUp(TimeStampedModel):
    """The follow-up of a published roadmap one or three years after its Fabrique."""

    roadmap = models.ForeignKey(
        Roadmap,
        verbose_name=_("feuille de route"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    horizon = models.PositiveSmallIntegerField(_("échéance"), choices=FollowUpHorizon.choices)
    opened_on = models.DateField(_("ouvert le"), default=timezone.localdate)
    due_on = models.DateField(_("à remplir avant le"))
    closed_at = models.DateTimeField(_("remis le"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("relances envoyées"), default=0)
    last_reminded_on = models.DateField(_("dernière relance"), null=True, blank=True)

    class Meta:
        verbose_name = _("suivi")
        verbose_name_plural = _("suivis")
        ordering = ["roadmap", "horizon"]
        constraints = [
            models.UniqueConstraint(
                fields=["roadmap", "horizon"], name="roadmaps_followup_unique_horizon"
            )
        ]

    def __str__(self) -> str:
        return f"{self.roadmap} — {self.get_horizon_display()}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class FollowUpEntry(models.Model):
    """What became of one sheet at a follow-up."""

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("suivi"), on_delete=models.CASCADE, related_name="entries"
    )
    sheet = models.ForeignKey(
        ActionSheet,
        verbose_name=_("fiche"),
        on_delete=models.CASCADE,
        related_name="follow_up_entries",
    )
    status = models.CharField(_("état d’avancement"), max_length=20, choices=SheetStatus.choices)
    actual_start = models.DateField(_("début effectif"), null=True, blank=True)
    actual_end = models.DateField(_("fin effective"), null=True, blank=True)
    spent = models.DecimalField(
        _("dépensé (€ HT)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
    )
    granted = models.DecimalField(
        _("subventions obtenues (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
    )
    comment = models.TextField(_("commentaire"), blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("suivi d’une fiche")
        verbose_name_plural = _("suivi des fiches")
        ordering = ["follow_up", "sheet__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "sheet"], name="roadmaps_followupentry_unique_sheet"
            ),
            models.CheckConstraint(
                condition=(Q(spent__isnull=True) | Q(spent__gte=0))
                & (Q(granted__isnull=True) | Q(granted__gte=0)),
                name="roadmaps_followupentry_not_negative",
                violation_error_message=_("Un montant ne peut pas être négatif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id} {self.get_status_display()}"
