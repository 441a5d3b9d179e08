"""People, their memberships (roles held per object) and invitations."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fabriques.core.models import TimeStampedModel


class User(AbstractUser):
    """A person who logs in; what they may do comes from their memberships."""

    email = models.EmailField(_("adresse électronique"), blank=True)

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [
            # Accounts are matched by e-mail (ProConnect, invitations): one account per address.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="accounts_user_email_unique"
            )
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email or self.username


class MembershipRole(models.TextChoices):
    ANCT_ADMIN = "anct_admin", _("Administrateur ANCT")
    ANCT_PILOT = "anct_pilot", _("Pilote ANCT")
    PARTNER_MEMBER = "partner_member", _("Membre d'une organisation partenaire")
    PROVIDER_CONSULTANT = "provider_consultant", _("Consultant du prestataire")
    ELECTED_REFERENT = "elected_referent", _("Élu référent")
    TECHNICAL_REFERENT = "technical_referent", _("Référent technique")


# Which object each role is held on.
PROGRAMME_ROLES = (MembershipRole.ANCT_ADMIN,)
FABRIQUE_ROLES = (MembershipRole.ANCT_PILOT,)
# Held in an organisation, either for one Fabrique (`fabrique` set: given from that Fabrique's
# team page, it counts there only, and only while the organisation plays a matching role in
# it) or organisation-wide (`fabrique` null: every Fabrique where the organisation plays a
# matching role). Organisation-wide roles are an ANCT administrator's decision (Django admin,
# `manage.py invite`); the rows that existed before scoped roles are organisation-wide.
ORGANISATION_ROLES = (MembershipRole.PARTNER_MEMBER, MembershipRole.PROVIDER_CONSULTANT)
PARTICIPATION_ROLES = (MembershipRole.ELECTED_REFERENT, MembershipRole.TECHNICAL_REFERENT)

# The value of programme's Role.PROVIDER, which is defined from this constant: the grants
# (roles.py) tell a provider's consultants from a partner's members by the role their
# organisation plays in a Fabrique, and accounts sits below programme so cannot import Role.
ORGANISATION_PROVIDER_ROLE = "provider"


class Membership(TimeStampedModel):
    """A role a person holds on one object: the programme, a Fabrique, an organisation, a territory."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("rôle"), max_length=30, choices=MembershipRole.choices)
    fabrique = models.ForeignKey(
        "programme.Fabrique",
        verbose_name=_("Fabrique"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        "programme.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    participation = models.ForeignKey(
        "territories.Participation",
        verbose_name=_("territoire accompagné"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    mandate = models.CharField(
        _("mandat ou fonction"), max_length=200, blank=True, help_text=_("Ex. : maire, DGS.")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accordé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rôle d'une personne")
        verbose_name_plural = _("rôles des personnes")
        ordering = ["user", "role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=[r.value for r in PROGRAMME_ROLES],
                        fabrique__isnull=True,
                        organisation__isnull=True,
                        participation__isnull=True,
                    )
                    | Q(
                        role__in=[r.value for r in FABRIQUE_ROLES],
                        fabrique__isnull=False,
                        organisation__isnull=True,
                        participation__isnull=True,
                    )
                    | Q(
                        role__in=[r.value for r in ORGANISATION_ROLES],
                        organisation__isnull=False,
                        participation__isnull=True,
                    )
                    | Q(
                        role__in=[r.value for r in PARTICIPATION_ROLES],
                        fabrique__isnull=True,
                        organisation__isnull=True,
                        participation__isnull=False,
                    )
                ),
                name="accounts_membership_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(role__in=[r.value for r in PROGRAMME_ROLES]),
                name="accounts_membership_unique_programme",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "fabrique"],
                condition=Q(fabrique__isnull=False, organisation__isnull=True),
                name="accounts_membership_unique_fabrique",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(organisation__isnull=False, fabrique__isnull=True),
                name="accounts_membership_unique_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation", "fabrique"],
                condition=Q(organisation__isnull=False, fabrique__isnull=False),
                name="accounts_membership_unique_organisation_fabrique",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "participation"],
                condition=Q(participation__isnull=False),
                name="accounts_membership_unique_participation",
            ),
        ]

    def __str__(self) -> str:
        objects = (self.organisation, self.fabrique, self.participation)
        # An organisation's role held for one Fabrique names both.
        target = ", ".join(str(o) for o in objects if o is not None)
        role = self.get_role_display()
        return f"{self.user} — {role} ({target})" if target else f"{self.user} — {role}"

    @property
    def is_organisation_wide(self) -> bool:
        """An organisation's role that counts in all its Fabriques (an administrator's grant)."""
        return self.organisation_id is not None and self.fabrique_id is None


class InvitationPurpose(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    SIGNUP = "signup", _("Création de compte")


class Invitation(TimeStampedModel):
    """A single-use, expiring link to set a password. Only the token's hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne invitée"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("adresse électronique"))
    purpose = models.CharField(
        _("objet"),
        max_length=20,
        choices=InvitationPurpose.choices,
        default=InvitationPurpose.INVITATION,
    )
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invitée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.created_at:%Y-%m-%d})"


class SignInLink(TimeStampedModel):
    """A personal link that signs its person in without a password (« lien de connexion »).

    Reusable by its person until it expires or is revoked: a working-group member opens their
    space many times in a year. Only the token's hash is stored, as for invitations; the link
    itself exists only in the e-mail. A person has at most one live link (see
    services.sign_in_link_create).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="sign_in_links",
    )
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expire le"))
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    use_count = models.PositiveIntegerField(_("nombre d’utilisations"), default=0)
    next_path = models.CharField(_("page ouverte après la connexion"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("envoyé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("lien de connexion")
        verbose_name_plural = _("liens de connexion")
        ordering = ["-created_at"]
        constraints = [
            # A new link revokes the previous ones (expired included) in the same transaction.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="accounts_signinlink_one_unrevoked_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"
