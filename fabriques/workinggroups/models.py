"""The local working group of each accompanied territory, and its members.

Members' personal data (names, contact details, the optional facts asked with consent) is
private to the people who run the group (workinggroups.access) and is kept out of the
history: only the membership's shape (family, role, dates, consent) is traced there, so that
erasing or purging a member leaves nothing of the person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fabriques.core.models import TimeStampedModel

from .validators import validate_organisation_identifier


class StakeholderFamily(models.TextChoices):
    """The families of stakeholders the programme asks each working group to bring together."""

    STATE = "state", _("Services de l’État")
    ELECTED = "elected", _("Élus")
    LOCAL_STAFF = "local_staff", _("Agents des collectivités")
    ASSOCIATION = "association", _("Associations")
    PLANNING_AGENCY = "planning_agency", _("Agences d’urbanisme")
    CHAMBER = "chamber", _("Chambres consulaires (commerce, métiers, agriculture)")
    INHABITANT = "inhabitant", _("Habitants")
    BUSINESS = "business", _("Entreprises")
    NATIONAL_PARTNER = "national_partner", _("Partenaires et opérateurs nationaux")
    RESEARCH = "research", _("Chercheurs")
    OTHER = "other", _("Autres")


class GroupRole(models.TextChoices):
    ELECTED_REFERENT = "elected_referent", _("Élu référent")
    TECHNICAL_REFERENT = "technical_referent", _("Référent technique")
    MEMBER = "member", _("Membre")
    EXPERT = "expert", _("Expert invité")
    OBSERVER = "observer", _("Observateur")


class JoinedHow(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    CALL = "call", _("Appel à candidatures")
    DESIGNATION = "designation", _("Désignation")
    COOPTION = "cooption", _("Cooptation")
    LOTS = "lots", _("Tirage au sort")


class LawfulBasis(models.TextChoices):
    PUBLIC_INTEREST = "public_interest", _("Mission d’intérêt public")
    CONSENT = "consent", _("Consentement")


class Gender(models.TextChoices):
    FEMALE = "female", _("Femme")
    MALE = "male", _("Homme")
    OTHER = "other", _("Autre")


class AgeBand(models.TextChoices):
    UNDER_25 = "under_25", _("Moins de 25 ans")
    FROM_25 = "25_39", _("25 à 39 ans")
    FROM_40 = "40_54", _("40 à 54 ans")
    FROM_55 = "55_69", _("55 à 69 ans")
    FROM_70 = "70_plus", _("70 ans et plus")


class WorkingGroup(TimeStampedModel):
    """The local working group of one accompanied territory (« groupe de travail local »)."""

    participation = models.OneToOneField(
        "territories.Participation",
        verbose_name=_("territoire accompagné"),
        on_delete=models.CASCADE,
        related_name="working_group",
    )
    name = models.CharField(_("nom"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("groupe de travail local")
        verbose_name_plural = _("groupes de travail locaux")

    def __str__(self) -> str:
        return self.name or str(_("Groupe de travail local"))


# What identifies the person; kept out of the history, blanked by erasure and the purge.
PERSONAL_FIELDS = ("first_name", "last_name", "email", "phone")
# Asked only with the person's consent; null otherwise (a check constraint says so).
OPTIONAL_FACTS = ("gender", "age_band", "qpv_inhabitant")

UNIQUE_CURRENT_EMAIL = "workinggroups_member_unique_current_email"


class Member(TimeStampedModel):
    """One person in a working group; leaving sets `left_on` and keeps the row."""

    working_group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("groupe de travail"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    # Members seldom have an account; set when one already exists for their address.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="working_group_memberships",
    )
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("adresse électronique"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=300, blank=True)
    organisation_identifier = models.CharField(
        _("SIRET ou numéro RNA"),
        max_length=20,
        blank=True,
        validators=[validate_organisation_identifier],
        help_text=_("SIRET : 14 chiffres ; RNA : W suivi de 9 chiffres."),
    )
    family = models.CharField(
        _("famille d’acteurs"), max_length=30, choices=StakeholderFamily.choices
    )
    family_detail = models.CharField(
        _("précision sur la famille"),
        max_length=200,
        blank=True,
        help_text=_("Ex. : DDT, conseil citoyen, chambre d’agriculture."),
    )
    role = models.CharField(
        _("rôle dans le groupe"), max_length=30, choices=GroupRole.choices, default=GroupRole.MEMBER
    )
    joined_how = models.CharField(
        _("mode d’entrée"), max_length=20, choices=JoinedHow.choices, default=JoinedHow.INVITATION
    )
    joined_on = models.DateField(_("arrivée le"))
    left_on = models.DateField(_("départ le"), null=True, blank=True)
    lawful_basis = models.CharField(
        _("base légale"),
        max_length=20,
        choices=LawfulBasis.choices,
        default=LawfulBasis.PUBLIC_INTEREST,
    )
    consent_on = models.DateField(_("consentement recueilli le"), null=True, blank=True)
    # Null, not empty, when not asked: the check constraint below reads « nothing without
    # consent » on these columns, the same way for the three facts.
    gender = models.CharField(  # noqa: DJ001
        _("genre"), max_length=10, choices=Gender.choices, null=True, blank=True
    )
    age_band = models.CharField(  # noqa: DJ001
        _("tranche d’âge"), max_length=10, choices=AgeBand.choices, null=True, blank=True
    )
    qpv_inhabitant = models.BooleanField(
        _("habite un quartier prioritaire (QPV)"), null=True, blank=True
    )
    public_name_opt_in = models.BooleanField(
        _("accepte que son nom et son organisation figurent dans les comptes rendus publics"),
        default=False,
    )
    history = HistoricalRecords(excluded_fields=["user", *PERSONAL_FIELDS, *OPTIONAL_FACTS])

    class Meta:
        verbose_name = _("membre d’un groupe de travail")
        verbose_name_plural = _("membres des groupes de travail")
        ordering = ["working_group", "last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "working_group",
                condition=Q(left_on__isnull=True) & ~Q(email=""),
                name=UNIQUE_CURRENT_EMAIL,
                violation_error_code="duplicate_email",
                violation_error_message=_(
                    "Un membre actuel du groupe de travail a déjà cette adresse électronique."
                ),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="workinggroups_member_left_after_joined",
                violation_error_message=_(
                    "La date de départ ne peut pas précéder la date d’arrivée."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(lawful_basis=LawfulBasis.CONSENT) | Q(consent_on__isnull=False),
                name="workinggroups_member_consent_dated",
                violation_error_message=_(
                    "Sur la base du consentement, indiquez la date à laquelle il a été recueilli."
                ),
            ),
            models.CheckConstraint(
                condition=Q(consent_on__isnull=False)
                | Q(gender__isnull=True, age_band__isnull=True, qpv_inhabitant__isnull=True),
                name="workinggroups_member_facts_need_consent",
                violation_error_message=_(
                    "Le genre, la tranche d’âge et la résidence en QPV ne se renseignent "
                    "qu’avec le consentement de la personne : indiquez la date du "
                    "consentement ou laissez-les vides."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["working_group", "left_on"], name="workinggroups_member_left_idx"),
            models.Index(Lower("email"), name="workinggroups_member_email_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name or str(_("Membre effacé"))

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_current(self) -> bool:
        return self.left_on is None
