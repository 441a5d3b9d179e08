"""Workshops and seminars of the running year: their plan, who is invited and registered, who
came, the minutes and the decisions and actions that come out of them.

A workshop belongs to a Fabrique; a local one also to one accompanied territory
(`participation`), an inter-territory seminar to none (the whole Fabrique). People are the
working groups' members (workinggroups.Member): a registration ties one member to one
workshop, from the invitation to the check-in. Times are stored in UTC and entered and shown
in Europe/Paris (settings.TIME_ZONE), so daylight-saving time is Django's, not ours.
"""

from __future__ import annotations

import secrets
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fabriques.core.models import TimeStampedModel


class WorkshopKind(models.TextChoices):
    KICKOFF = "kickoff", _("Lancement")
    LOCAL = "local", _("Atelier local")
    SEMINAR = "seminar", _("Séminaire inter-territoires")
    SITE_VISIT = "site_visit", _("Visite de terrain")
    INTERVIEW = "interview", _("Entretien")
    STEERING = "steering", _("Comité de pilotage")
    FORESIGHT = "foresight", _("Séance de prospective")
    RESTITUTION = "restitution", _("Restitution")


# Kinds that gather the whole Fabrique (no territory); the others may belong to one territory.
FABRIQUE_WIDE_KINDS = frozenset({WorkshopKind.SEMINAR})
# Kinds that happen in one territory (a territory is required).
LOCAL_KINDS = frozenset({WorkshopKind.LOCAL, WorkshopKind.SITE_VISIT, WorkshopKind.INTERVIEW})


class WorkshopMode(models.TextChoices):
    IN_PERSON = "in_person", _("En présentiel")
    VIDEO = "video", _("En visioconférence")
    HYBRID = "hybrid", _("Hybride")


class WorkshopStatus(models.TextChoices):
    PLANNED = "planned", _("Prévu")
    CANCELLED = "cancelled", _("Annulé")


class Workshop(TimeStampedModel):
    """A local workshop, an inter-territory seminar, a visit, an interview, a committee…"""

    fabrique = models.ForeignKey(
        "programme.Fabrique",
        verbose_name=_("Fabrique"),
        on_delete=models.CASCADE,
        related_name="workshops",
    )
    participation = models.ForeignKey(
        "territories.Participation",
        verbose_name=_("territoire accompagné"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="workshops",
        help_text=_("Vide pour une rencontre de toute la Fabrique (séminaire inter-territoires)."),
    )
    kind = models.CharField(_("type"), max_length=20, choices=WorkshopKind.choices)
    title = models.CharField(_("titre"), max_length=250)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    mode = models.CharField(
        _("modalité"), max_length=20, choices=WorkshopMode.choices, default=WorkshopMode.IN_PERSON
    )
    video_url = models.URLField(_("lien de la visioconférence"), max_length=500, blank=True)
    venue = models.CharField(_("lieu"), max_length=250, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    accessibility = models.TextField(
        _("accessibilité du lieu"),
        blank=True,
        help_text=_("Accès en fauteuil roulant, boucle magnétique, transports, stationnement…"),
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("animateur ou animatrice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilitated_workshops",
    )
    objectives = models.TextField(_("objectifs"), blank=True)
    deliverable = models.ForeignKey(
        "deliverables.Deliverable",
        verbose_name=_("livrable du marché"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workshops",
    )
    capacity = models.PositiveIntegerField(
        _("nombre de places"),
        null=True,
        blank=True,
        help_text=_("Vide : sans limite."),
    )
    places_per_territory = models.PositiveSmallIntegerField(
        _("places réservées par territoire"),
        null=True,
        blank=True,
        help_text=_("Pour un séminaire inter-territoires : places garanties à chaque territoire."),
    )
    registration_deadline = models.DateTimeField(
        _("date limite d’inscription"), null=True, blank=True
    )
    status = models.CharField(
        _("état"), max_length=20, choices=WorkshopStatus.choices, default=WorkshopStatus.PLANNED
    )
    # iCalendar: a stable UID and a SEQUENCE bumped by every change a calendar must follow.
    uid = models.UUIDField(_("identifiant de calendrier"), default=uuid.uuid4, unique=True)
    sequence = models.PositiveIntegerField(_("version pour les agendas"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("atelier ou séminaire")
        verbose_name_plural = _("ateliers et séminaires")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="workshops_workshop_ends_after_start",
                violation_error_message=_("La fin doit être postérieure au début."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=WorkshopKind.SEMINAR) | Q(participation__isnull=True),
                name="workshops_workshop_seminar_whole_fabrique",
                violation_error_message=_(
                    "Un séminaire inter-territoires réunit toute la Fabrique : ne choisissez "
                    "pas de territoire."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(LOCAL_KINDS)) | Q(participation__isnull=False),
                name="workshops_workshop_local_has_territory",
                violation_error_message=_(
                    "Un atelier local, une visite ou un entretien a lieu dans un territoire : "
                    "choisissez-le."
                ),
            ),
            models.CheckConstraint(
                condition=Q(places_per_territory__isnull=True) | Q(participation__isnull=True),
                name="workshops_workshop_reserved_places_fabrique_wide",
                violation_error_message=_(
                    "Les places réservées par territoire ne concernent que les rencontres de "
                    "toute la Fabrique."
                ),
            ),
            models.CheckConstraint(
                condition=Q(mode=WorkshopMode.IN_PERSON) | ~Q(video_url=""),
                name="workshops_workshop_video_link",
                violation_error_message=_(
                    "Indiquez le lien de la visioconférence pour une rencontre à distance ou "
                    "hybride."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["fabrique", "starts_at"], name="workshops_fabrique_start_idx"),
            models.Index(
                fields=["participation", "starts_at"], name="workshops_territory_start_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_fabrique_wide(self) -> bool:
        return self.participation_id is None

    @property
    def is_cancelled(self) -> bool:
        return self.status == WorkshopStatus.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()


class AgendaItem(models.Model):
    """One item of a workshop's ordered agenda."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("rencontre"), on_delete=models.CASCADE, related_name="agenda"
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    title = models.CharField(_("point"), max_length=250)
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), null=True, blank=True)
    speaker = models.CharField(_("intervenant"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("point de l’ordre du jour")
        verbose_name_plural = _("ordre du jour")
        ordering = ["workshop", "position", "pk"]

    def __str__(self) -> str:
        return self.title


DOCUMENT_DIR = "workshops"


def document_upload_to(instance: WorkshopDocument, filename: str) -> str:
    """workshops/<uuid>.<ext>: the person's file name is kept in the database only."""
    extension = PurePath(filename).suffix.lower().lstrip(".")
    return f"{DOCUMENT_DIR}/{uuid.uuid4().hex}.{extension}"


class DocumentKind(models.TextChoices):
    SLIDES = "slides", _("Support de présentation")
    BOARD = "board", _("Tableau ou production d’atelier")
    PHOTO = "photo", _("Photographie")
    OTHER = "other", _("Autre document")


class WorkshopDocument(models.Model):
    workshop = models.ForeignKey(
        Workshop, verbose_name=_("rencontre"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("type"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("titre"), max_length=250)
    file = models.FileField(_("fichier"), upload_to=document_upload_to, max_length=200)
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
        verbose_name = _("document de rencontre")
        verbose_name_plural = _("documents de rencontre")
        ordering = ["workshop", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


class RegistrationStatus(models.TextChoices):
    INVITED = "invited", _("Invité")
    REGISTERED = "registered", _("Inscrit")
    WAITING = "waiting", _("En liste d’attente")
    CANCELLED = "cancelled", _("Désinscrit")
    DECLINED = "declined", _("A décliné")


# Statuses that hold a place: the capacity counts these.
HOLDS_A_PLACE = (RegistrationStatus.REGISTERED,)


class Attendance(models.TextChoices):
    UNKNOWN = "unknown", _("Non pointé")
    ATTENDED = "attended", _("Présent")
    EXCUSED = "excused", _("Excusé")
    ABSENT = "absent", _("Absent")


CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed on a phone
CODE_LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Registration(TimeStampedModel):
    """One member and one workshop: invited, registered or waiting, then present or not.

    `requested_at` orders the waiting list (arrival order); `code` is what the facilitator
    types or scans (QR) to check the person in, unique within the workshop.
    """

    workshop = models.ForeignKey(
        Workshop,
        verbose_name=_("rencontre"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    member = models.ForeignKey(
        "workinggroups.Member",
        verbose_name=_("membre"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    status = models.CharField(
        _("inscription"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.INVITED,
    )
    invited_at = models.DateTimeField(_("invité le"), null=True, blank=True)
    requested_at = models.DateTimeField(_("demande d’inscription le"), null=True, blank=True)
    attendance = models.CharField(
        _("présence"), max_length=20, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    walk_in = models.BooleanField(_("venu sans inscription"), default=False)
    checked_in_at = models.DateTimeField(_("pointé le"), null=True, blank=True)
    code = models.CharField(_("code de pointage"), max_length=12, default=new_code)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["workshop", "requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "member"],
                name="workshops_registration_one_per_member",
                violation_error_message=_("Cette personne est déjà sur la liste de la rencontre."),
            ),
            models.UniqueConstraint(
                fields=["workshop", "code"], name="workshops_registration_unique_code"
            ),
        ]
        indexes = [
            models.Index(
                fields=["workshop", "status", "requested_at"], name="workshops_reg_queue_idx"
            ),
            models.Index(fields=["member", "status"], name="workshops_reg_member_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.workshop}"


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SHARED = "shared", _("Soumis aux participants")
    VALIDATED = "validated", _("Validé")
    PUBLISHED = "published", _("Publié")


class MinutesVisibility(models.TextChoices):
    GROUP = "group", _("Le groupe de travail")
    FABRIQUE = "fabrique", _("Toute la Fabrique")
    PUBLIC = "public", _("Public")


class Minutes(TimeStampedModel):
    """The minutes of one workshop: written, shared for comments, validated, published."""

    workshop = models.OneToOneField(
        Workshop, verbose_name=_("rencontre"), on_delete=models.CASCADE, related_name="minutes"
    )
    body = models.TextField(_("compte rendu"), blank=True)
    status = models.CharField(
        _("état"), max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    visibility = models.CharField(
        _("visibilité"),
        max_length=20,
        choices=MinutesVisibility.choices,
        default=MinutesVisibility.GROUP,
    )
    comments_until = models.DateTimeField(_("commentaires ouverts jusqu’au"), null=True, blank=True)
    shared_at = models.DateTimeField(_("soumis le"), null=True, blank=True)
    validated_at = models.DateTimeField(_("validé le"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("compte rendu")
        verbose_name_plural = _("comptes rendus")

    def __str__(self) -> str:
        return str(self.workshop)


class OutcomeKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    DECISION = "decision", _("Décision")
    ACTION = "action", _("Action")


class ActionStatus(models.TextChoices):
    TODO = "todo", _("À faire")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Faite")
    DROPPED = "dropped", _("Abandonnée")


OPEN_ACTION_STATUSES = (ActionStatus.TODO, ActionStatus.IN_PROGRESS)


class Outcome(TimeStampedModel):
    """What came out of a workshop: an information, a decision, or an action followed until
    done (owner, due date, status)."""

    minutes = models.ForeignKey(
        Minutes, verbose_name=_("compte rendu"), on_delete=models.CASCADE, related_name="outcomes"
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    kind = models.CharField(_("type"), max_length=20, choices=OutcomeKind.choices)
    text = models.TextField(_("texte"))
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("point de l’ordre du jour"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outcomes",
    )
    owner_member = models.ForeignKey(
        "workinggroups.Member",
        verbose_name=_("responsable (membre)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    owner_label = models.CharField(
        _("responsable"),
        max_length=200,
        blank=True,
        help_text=_("Une personne ou une structure, si le responsable n’est pas membre."),
    )
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    # Null, not empty, outside actions: the constraint reads « a status only on actions ».
    action_status = models.CharField(  # noqa: DJ001
        _("avancement"), max_length=20, choices=ActionStatus.choices, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suite donnée")
        verbose_name_plural = _("suites données")
        ordering = ["minutes", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=OutcomeKind.ACTION) & Q(action_status__isnull=False))
                | (
                    ~Q(kind=OutcomeKind.ACTION)
                    & Q(action_status__isnull=True, due_on__isnull=True, owner_member__isnull=True)
                    & Q(owner_label="")
                ),
                name="workshops_outcome_action_fields",
                violation_error_message=_(
                    "Le responsable, l’échéance et l’avancement ne concernent que les actions."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "action_status", "due_on"], name="workshops_action_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class MinutesComment(models.Model):
    """A comment of an attendee on shared minutes, optionally on one outcome."""

    minutes = models.ForeignKey(
        Minutes, verbose_name=_("compte rendu"), on_delete=models.CASCADE, related_name="comments"
    )
    outcome = models.ForeignKey(
        Outcome,
        verbose_name=_("suite concernée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_member = models.ForeignKey(
        "workinggroups.Member",
        verbose_name=_("membre auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="minutes_comments",
    )
    text = models.TextField(_("commentaire"))
    created_at = models.DateTimeField(_("écrit le"), default=timezone.now)

    class Meta:
        verbose_name = _("commentaire de compte rendu")
        verbose_name_plural = _("commentaires de comptes rendus")
        ordering = ["minutes", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class CalendarFeed(models.Model):
    """A person's secret calendar address (iCalendar): only the token's hash is kept; the
    address is shown once, and asking a new one revokes the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    last_used_at = models.DateTimeField(_("dernière lecture"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda personnel")
        verbose_name_plural = _("agendas personnels")

    def __str__(self) -> str:
        return str(self.user)
