"""The foresight studio's studies: a Fabrique's (or one territory's) structural analysis,
actors' strategies, scenarios… and the runs of the `foresight` library saved for them.

A study keeps its inputs as the library's own JSON input document (`inputs`), so that a run is
that document handed to `foresight.<method>.parse` and `solve` with nothing converted. Editing
the inputs is guarded by optimistic concurrency: the form carries the `lock_version` it was
read at and the save is one conditional update (services). A `StudyRun` freezes the input
and the output of one computation, the library's version, who ran it and how long it took.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fabriques.core.models import TimeStampedModel


class Method(models.TextChoices):
    MICMAC = "micmac", _("Analyse structurelle (MICMAC)")
    MACTOR = "mactor", _("Jeu des acteurs (MACTOR)")
    MORPHO = "morpho", _("Analyse morphologique")
    CIB = "cib", _("Balances d’impacts croisés")
    SMIC = "smic", _("SMIC-Prob-Expert")
    MULTIPOL = "multipol", _("Multipol")
    REGNIER = "regnier", _("Abaque de Régnier")
    DELPHI = "delphi", _("Delphi")


class StudyStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")


class Study(TimeStampedModel):
    fabrique = models.ForeignKey(
        "programme.Fabrique",
        verbose_name=_("Fabrique"),
        on_delete=models.CASCADE,
        related_name="studies",
    )
    # A territory's study; empty: the Fabrique's collective study.
    participation = models.ForeignKey(
        "territories.Participation",
        verbose_name=_("territoire accompagné"),
        on_delete=models.CASCADE,
        related_name="studies",
        null=True,
        blank=True,
    )
    method = models.CharField(_("méthode"), max_length=20, choices=Method.choices)
    title = models.CharField(_("titre"), max_length=250)
    purpose = models.TextField(_("objet de l’étude"), blank=True)
    meetings = models.ManyToManyField(
        "workshops.Workshop",
        verbose_name=_("rencontres où l’étude a été travaillée"),
        related_name="studies",
        blank=True,
    )
    # The library's JSON input document (foresight/README.md), as far as it is filled.
    inputs = models.JSONField(_("données d’entrée"), default=dict, blank=True)
    lock_version = models.PositiveIntegerField(_("version d’édition"), default=1)
    # What a method's screens keep beside the library's document, which refuses unknown
    # fields: Delphi's unit and allowed range of each question, by question name.
    screen_settings = models.JSONField(_("réglages des écrans"), default=dict, blank=True)
    status = models.CharField(
        _("état"), max_length=20, choices=StudyStatus.choices, default=StudyStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("étude prospective")
        verbose_name_plural = _("études prospectives")
        ordering = ["fabrique", "-updated_at", "pk"]
        indexes = [
            models.Index(fields=["fabrique", "-updated_at"], name="studies_fabrique_upd_idx"),
            models.Index(fields=["status", "fabrique"], name="studies_status_fab_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=[m.value for m in Method]),
                name="studies_study_method_known",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == StudyStatus.PUBLISHED


class StudyRun(models.Model):
    study = models.ForeignKey(
        Study, verbose_name=_("étude"), on_delete=models.CASCADE, related_name="runs"
    )
    input = models.JSONField(_("entrée du calcul"))
    output = models.JSONField(_("résultat du calcul"))
    foresight_version = models.CharField(_("version de la bibliothèque"), max_length=40)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lancé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    run_at = models.DateTimeField(_("lancé le"), auto_now_add=True)
    duration_ms = models.PositiveIntegerField(_("durée (ms)"), default=0)

    class Meta:
        verbose_name = _("calcul d’une étude")
        verbose_name_plural = _("calculs des études")
        ordering = ["study", "-run_at", "-pk"]
        indexes = [models.Index(fields=["study", "-run_at"], name="studies_run_study_at_idx")]

    def __str__(self) -> str:
        return f"{self.study} — {self.run_at:%Y-%m-%d %H:%M}"


class CellEntry(models.Model):
    """Who last filled one cell of a study's matrix (« qui a rempli quoi »): one row per
    filled cell, rewritten by each save that changes it. `matrix` names the table inside the
    inputs document (« matrix » for MICMAC, « mid » and « positions » — the MAO — for MACTOR…); `row`
    and `column` are 0-based positions in it."""

    study = models.ForeignKey(
        Study, verbose_name=_("étude"), on_delete=models.CASCADE, related_name="cell_entries"
    )
    matrix = models.CharField(_("matrice"), max_length=20)
    row = models.PositiveIntegerField(_("ligne"))
    column = models.PositiveIntegerField(_("colonne"))
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    filled_at = models.DateTimeField(_("saisie le"))

    class Meta:
        verbose_name = _("saisie d’une cellule")
        verbose_name_plural = _("saisies des cellules")
        constraints = [
            models.UniqueConstraint(
                fields=["study", "matrix", "row", "column"], name="studies_cellentry_one_per_cell"
            )
        ]
        indexes = [models.Index(fields=["filled_by"], name="studies_cell_filled_by_idx")]

    def __str__(self) -> str:
        return f"{self.matrix}[{self.row + 1}, {self.column + 1}]"


class Scenario(models.Model):
    """A named scenario of a study: one hypothesis per component (morphological analysis),
    one variant per descriptor (CIB) or one scenario of SMIC, with its narrative."""

    study = models.ForeignKey(
        Study, verbose_name=_("étude"), on_delete=models.CASCADE, related_name="scenarios"
    )
    run = models.ForeignKey(
        StudyRun,
        verbose_name=_("calcul d’origine"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scenarios",
    )
    name = models.CharField(_("nom"), max_length=200)
    narrative = models.TextField(_("récit"), blank=True)
    # {component or descriptor name: hypothesis or variant name}, in the inputs' order.
    configuration = models.JSONField(_("configuration"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("scénario")
        verbose_name_plural = _("scénarios")
        ordering = ["study", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["study", "name"], name="studies_scenario_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class RetainedKind(models.TextChoices):
    VARIABLE = "variable", _("Variable clé")
    ISSUE = "issue", _("Enjeu stratégique")
    SCENARIO = "scenario", _("Scénario retenu")
    STATEMENT = "statement", _("Énoncé de consensus ou de dissensus")


class RetainedResult(models.Model):
    """A result the team keeps for the territory's work: a key variable (MICMAC), an actors'
    strategic issue (MACTOR), a chosen scenario (morphological, CIB, SMIC) or a statement of
    consensus or dissensus (Régnier). The roadmap's axes and action sheets cite them."""

    study = models.ForeignKey(
        Study, verbose_name=_("étude"), on_delete=models.CASCADE, related_name="retained"
    )
    run = models.ForeignKey(
        StudyRun,
        verbose_name=_("calcul"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="retained",
    )
    scenario = models.ForeignKey(
        Scenario,
        verbose_name=_("scénario"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="retained",
    )
    kind = models.CharField(_("nature"), max_length=20, choices=RetainedKind.choices)
    # The result's name in the run (variable, objective, statement…): unique per study and kind.
    key = models.CharField(_("clé"), max_length=250)
    label = models.CharField(_("intitulé"), max_length=250)
    note = models.TextField(_("pourquoi il est retenu"), blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    retained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retenu par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    retained_at = models.DateTimeField(_("retenu le"), auto_now_add=True)

    class Meta:
        verbose_name = _("résultat retenu")
        verbose_name_plural = _("résultats retenus")
        ordering = ["study", "kind", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "kind", "key"], name="studies_retained_unique_key"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in RetainedKind]),
                name="studies_retained_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class VoteStatus(models.TextChoices):
    OPEN = "open", _("Ouvert")
    CLOSED = "closed", _("Clos")


class TokenMode(models.TextChoices):
    ANONYMOUS = "anonymous", _("Anonyme")
    NAMED = "named", _("Nominatif")


class VoteSession(models.Model):
    """A Régnier vote or a Delphi round opened by the facilitator: participants join with
    `code` (short, shown with a QR code on the projector) and get a per-session token."""

    study = models.ForeignKey(
        Study, verbose_name=_("étude"), on_delete=models.CASCADE, related_name="vote_sessions"
    )
    round = models.PositiveSmallIntegerField(_("tour"), default=1)
    code = models.CharField(_("code de participation"), max_length=12, unique=True)
    token_mode = models.CharField(
        _("participation"), max_length=20, choices=TokenMode.choices, default=TokenMode.ANONYMOUS
    )
    # Positions of the statements (Régnier) or questions (Delphi) in the study's inputs.
    items = models.JSONField(_("énoncés ou questions"), default=list)
    # The items as they were when the vote opened (Régnier: {"name"}; Delphi: {"name", "unit",
    # "minimum", "maximum"}), so that editing the inputs later never relabels the ballots.
    item_labels = models.JSONField(_("intitulés au moment du vote"), default=list)
    status = models.CharField(
        _("état"), max_length=20, choices=VoteStatus.choices, default=VoteStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ouvert par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("ouvert le"), auto_now_add=True)
    closes_at = models.DateTimeField(_("clôture prévue le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    run = models.ForeignKey(
        StudyRun,
        verbose_name=_("calcul enregistré"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["study", "-opened_at", "-pk"]
        indexes = [models.Index(fields=["study", "-opened_at"], name="studies_vote_study_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in VoteStatus]),
                name="studies_votesession_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.study} — {self.code}"

    @property
    def is_open(self) -> bool:
        return self.status == VoteStatus.OPEN


class Voter(models.Model):
    """One participant of a vote: a token (only its hash is stored), a name when the vote is
    nominative, the account when an invited member answers signed in."""

    session = models.ForeignKey(
        VoteSession, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="voters"
    )
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    name = models.CharField(_("nom"), max_length=120, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    joined_at = models.DateTimeField(_("arrivé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("participant à un vote")
        verbose_name_plural = _("participants aux votes")
        ordering = ["session", "joined_at", "pk"]

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"


class Ballot(models.Model):
    """One voter's answer to one item: a Régnier colour (`value`, the library's code) or a
    Delphi estimate (`number`) with its justification."""

    session = models.ForeignKey(
        VoteSession, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="ballots"
    )
    voter = models.ForeignKey(
        Voter, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="ballots"
    )
    item = models.PositiveIntegerField(_("énoncé ou question"))
    value = models.CharField(_("couleur"), max_length=20, blank=True)
    number = models.FloatField(_("estimation"), null=True, blank=True)
    justification = models.TextField(_("justification"), blank=True)
    cast_at = models.DateTimeField(_("exprimé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("réponse à un vote")
        verbose_name_plural = _("réponses aux votes")
        ordering = ["session", "item", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["voter", "item"], name="studies_ballot_once_per_item")
        ]
        indexes = [models.Index(fields=["session", "item"], name="studies_ballot_item_idx")]

    def __str__(self) -> str:
        return f"{self.voter} — {self.item}"


class QueuedRunStatus(models.TextChoices):
    QUEUED = "queued", _("En file d’attente")
    RUNNING = "running", _("Calcul en cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


class QueuedRun(models.Model):
    """A run too large to compute during the request (CIB models with many scenarios): the
    input frozen when it was asked for, its state and progress message while the task queue
    computes it, then the saved `StudyRun`. The page that waits reads it and reloads."""

    study = models.ForeignKey(
        Study, verbose_name=_("étude"), on_delete=models.CASCADE, related_name="queued_runs"
    )
    input = models.JSONField(_("entrée du calcul"))
    # How many scenarios the search may have to examine (the library's islands): the reason
    # the run went to the queue.
    estimate = models.PositiveBigIntegerField(_("scénarios à examiner au plus"), default=0)
    status = models.CharField(
        _("état"), max_length=20, choices=QueuedRunStatus.choices, default=QueuedRunStatus.QUEUED
    )
    message = models.TextField(_("message"), blank=True)
    run = models.ForeignKey(
        StudyRun,
        verbose_name=_("calcul enregistré"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("calcul en file d’attente")
        verbose_name_plural = _("calculs en file d’attente")
        ordering = ["study", "-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in QueuedRunStatus]),
                name="studies_queuedrun_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.study} — {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status in (QueuedRunStatus.QUEUED, QueuedRunStatus.RUNNING)
