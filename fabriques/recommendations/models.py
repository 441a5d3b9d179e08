"""What each Fabrique asks of the State: its numbered recommendations (préconisations).

A recommendation carries its finding and proposal, its type, theme and addressee, the text it
targets, and the evidence it comes from (territories, meetings, action sheets). Before
publication the Fabrique's elected officials' associations and partners each give their
position (support, support with reservations, dissent), published with it, dissents included.
After publication it is sent to a named correspondent, its answer is recorded, and reviews
at publication, one and three years later record its degree of implementation and the
measure (law, decree, circular, programme) that took it up, as the Cour des comptes does for
its own recommendations.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fabriques.core.models import TimeStampedModel


def file_upload_to(instance: models.Model, filename: str) -> str:
    extension = PurePath(filename).suffix.lower().lstrip(".")
    return f"recommendations/{uuid.uuid4().hex}.{extension}"


class RecommendationKind(models.TextChoices):
    LEGISLATIVE = "legislative", _("Législative")
    REGULATORY = "regulatory", _("Réglementaire")
    PUBLIC_POLICY = "public_policy", _("Politique publique")
    METHOD = "method", _("Méthode")
    ANCT_PROGRAMME = "anct_programme", _("Programme de l’ANCT")


class AddresseeKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministère ou direction")
    OPERATOR = "operator", _("Opérateur")
    PROGRAMME = "programme", _("Programme")
    LOCAL_AUTHORITIES = "local_authorities", _("Collectivités territoriales")


class RecommendationStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    ENDORSEMENT = "endorsement", _("Soumise aux positions des partenaires")
    PUBLISHED = "published", _("Publiée")


class Recommendation(TimeStampedModel):
    fabrique = models.ForeignKey(
        "programme.Fabrique",
        verbose_name=_("Fabrique"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("intitulé"), max_length=250)
    finding = models.TextField(_("constat"))
    proposal = models.TextField(_("proposition"))
    kind = models.CharField(_("type"), max_length=20, choices=RecommendationKind.choices)
    theme = models.ForeignKey(
        "programme.Theme",
        verbose_name=_("thème"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendations",
    )
    addressee_kind = models.CharField(
        _("type de destinataire"), max_length=20, choices=AddresseeKind.choices
    )
    addressee = models.CharField(
        _("destinataire"),
        max_length=250,
        help_text=_("Le ministère ou la direction, l’opérateur, le programme visé."),
    )
    addressee_organisation = models.ForeignKey(
        "programme.Organisation",
        verbose_name=_("organisation destinataire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="addressed_recommendations",
    )
    target_text = models.CharField(
        _("texte visé"),
        max_length=250,
        blank=True,
        help_text=_(
            "Code et article (« Code de l’urbanisme, art. L. 151-7 ») ou référence ELI ou NOR."
        ),
    )
    status = models.CharField(
        _("état"),
        max_length=20,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.DRAFT,
    )
    lock_version = models.PositiveIntegerField(_("version d’édition"), default=1)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    # Sending to the addressee.
    correspondent = models.CharField(_("correspondant"), max_length=250, blank=True)
    sent_on = models.DateField(_("envoyée le"), null=True, blank=True)
    # Evidence: what the territories lived.
    participations = models.ManyToManyField(
        "territories.Participation",
        verbose_name=_("territoires à l’origine"),
        blank=True,
        related_name="recommendations",
    )
    workshops = models.ManyToManyField(
        "workshops.Workshop",
        verbose_name=_("rencontres à l’origine"),
        blank=True,
        related_name="recommendations",
    )
    action_sheets = models.ManyToManyField(
        "roadmaps.ActionSheet",
        verbose_name=_("fiches action à l’origine"),
        blank=True,
        related_name="recommendations",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("préconisation")
        verbose_name_plural = _("préconisations")
        ordering = ["fabrique", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["fabrique", "number"],
                name="recommendations_recommendation_unique_number",
                violation_error_message=_("Ce numéro est déjà pris dans cette Fabrique."),
            ),
            models.CheckConstraint(
                condition=~Q(addressee=""),
                name="recommendations_recommendation_has_addressee",
                violation_error_message=_("Indiquez le destinataire de la préconisation."),
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="recommendations_recommendation_published_dated",
            ),
        ]
        indexes = [models.Index(fields=["status", "fabrique"], name="recommendations_status_idx")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == RecommendationStatus.PUBLISHED


class Stance(models.TextChoices):
    SUPPORT = "support", _("Soutien")
    RESERVATIONS = "reservations", _("Soutien avec réserves")
    DISSENT = "dissent", _("Désaccord")


class Position(TimeStampedModel):
    """One organisation's position on one recommendation, signed and dated."""

    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("préconisation"),
        on_delete=models.CASCADE,
        related_name="positions",
    )
    organisation = models.ForeignKey(
        "programme.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="recommendation_positions",
    )
    stance = models.CharField(_("position"), max_length=20, choices=Stance.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    signatory = models.CharField(_("signataire"), max_length=200)
    given_on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["recommendation", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "organisation"],
                name="recommendations_position_one_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(stance="support") | ~Q(comment=""),
                name="recommendations_position_reservation_explained",
                violation_error_message=_("Expliquez les réserves ou le désaccord en commentaire."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_stance_display()}"


class RecommendationComment(models.Model):
    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("préconisation"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    text = models.TextField(_("texte"))
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
        ordering = ["recommendation", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Answer(models.Model):
    """The addressee's answer."""

    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("préconisation"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    answered_on = models.DateField(_("date de la réponse"))
    text = models.TextField(_("réponse"))
    file = models.FileField(
        _("courrier (PDF)"), upload_to=file_upload_to, max_length=200, blank=True
    )
    original_name = models.CharField(_("nom du fichier déposé"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saisie le"), default=timezone.now)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        ordering = ["recommendation", "answered_on", "pk"]

    def __str__(self) -> str:
        return f"{self.recommendation} — {self.answered_on}"


class Implementation(models.TextChoices):
    FULLY = "fully", _("Totalement mise en œuvre")
    PARTIALLY = "partially", _("Partiellement mise en œuvre")
    IN_PROGRESS = "in_progress", _("Mise en œuvre en cours")
    NOT_IMPLEMENTED = "not_implemented", _("Non mise en œuvre")
    REFUSED = "refused", _("Refusée")
    OBSOLETE = "obsolete", _("Devenue sans objet")


class ReviewHorizon(models.IntegerChoices):
    AT_ANSWER = 0, _("À la réponse")
    ONE_YEAR = 1, _("À un an")
    THREE_YEARS = 3, _("À trois ans")


class ImplementationReview(models.Model):
    """The degree of implementation at one horizon, with the measure that took it up."""

    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("préconisation"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    horizon = models.PositiveSmallIntegerField(_("échéance"), choices=ReviewHorizon.choices)
    reviewed_on = models.DateField(_("date du constat"))
    degree = models.CharField(
        _("degré de mise en œuvre"), max_length=20, choices=Implementation.choices
    )
    measure = models.CharField(
        _("mesure"),
        max_length=500,
        blank=True,
        help_text=_("La loi, le décret, la circulaire ou la mesure de programme qui l’a reprise."),
    )
    comment = models.TextField(_("commentaire"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saisie le"), default=timezone.now)

    class Meta:
        verbose_name = _("constat de mise en œuvre")
        verbose_name_plural = _("constats de mise en œuvre")
        ordering = ["recommendation", "horizon", "reviewed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "horizon"],
                name="recommendations_review_one_per_horizon",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recommendation} — {self.get_degree_display()}"


class ReviewReminder(models.Model):
    """A reminder sent to ANCT that a review is due (never twice for one horizon)."""

    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("préconisation"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    horizon = models.PositiveSmallIntegerField(_("échéance"), choices=ReviewHorizon.choices)
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)

    class Meta:
        verbose_name = _("relance de suivi")
        verbose_name_plural = _("relances de suivi")
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "horizon"],
                name="recommendations_reminder_one_per_horizon",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recommendation} — {self.horizon}"
