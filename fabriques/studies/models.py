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
