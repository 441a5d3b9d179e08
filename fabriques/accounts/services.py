"""Writes on people: accounts, memberships and invitations."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Any, TypedDict, Unpack

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django_otp.plugins.otp_totp.models import TOTPDevice

from fabriques.core.emails import email_queue
from fabriques.core.services import audit_event_create, person_or_none

from .backends import is_demo_account
from .models import (
    Invitation,
    InvitationPurpose,
    Membership,
    MembershipRole,
    SignInLink,
    User,
)
from .roles import forget_grants


def normalize_email(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def user_find_by_email(email: str) -> User | None:
    email = normalize_email(email)
    return User.objects.filter(email__iexact=email).first() if email else None


def _username_for(email: str) -> str:
    """The address as username, with the characters Django refuses there (', &…) replaced.

    Falls back to a random suffix when it is taken (an account whose address changed).
    """
    username = re.sub(r"[^\w.@+-]", "_", email)[:150]
    if User.objects.filter(username=username).exists():
        username = f"{username[:141]}-{secrets.token_hex(4)}"
    return username


@transaction.atomic
def user_get_or_create(
    *, email: str, first_name: str = "", last_name: str = "", actor: User | None = None
) -> tuple[User, bool]:
    """The account for an e-mail address, created without a password when new."""
    email = normalize_email(email)
    if not email:
        raise ValidationError({"email": _("Indiquez une adresse électronique.")})
    user = user_find_by_email(email)
    if user is not None:
        return user, False
    user = User(
        username=_username_for(email), email=email, first_name=first_name, last_name=last_name
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    audit_event_create(
        action="user.created", obj=user, actor=actor, summary=_("Compte créé pour %s") % email
    )
    return user, True


@transaction.atomic
def membership_grant(
    *,
    user: User,
    role: str,
    actor: User | None = None,
    fabrique: Any = None,
    organisation: Any = None,
    participation: Any = None,
    mandate: str = "",
) -> Membership:
    """Give a person a role on an object (idempotent)."""
    membership = Membership.objects.filter(
        user=user,
        role=role,
        fabrique=fabrique,
        organisation=organisation,
        participation=participation,
    ).first()
    if membership is not None:
        if mandate and membership.mandate != mandate:
            membership.mandate = mandate
            membership.save(update_fields=["mandate", "updated_at"])
        return membership
    membership = Membership(
        user=user,
        role=role,
        fabrique=fabrique,
        organisation=organisation,
        participation=participation,
        mandate=mandate,
        granted_by=person_or_none(actor),
    )
    membership.full_clean()
    membership.save()
    audit_event_create(
        action="membership.granted",
        obj=membership,
        actor=actor,
        summary=str(membership),
        data={"user": user.pk, "role": role},
    )
    forget_grants(user)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, actor: User | None = None) -> None:
    audit_event_create(
        action="membership.revoked",
        obj=membership,
        actor=actor,
        summary=str(membership),
        data={"user": membership.user_id, "role": membership.role},
    )
    forget_grants(membership.user)
    membership.delete()


@transaction.atomic
def user_staff_grant(*, user: User, actor: User | None = None) -> User:
    """Open Django's technical administration (/admin/) to the person: staff and superuser.

    The second factor is owed by staff (accounts.otp.must_set_up) before /admin/ opens.
    """
    if user.is_staff and user.is_superuser:
        return user
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    audit_event_create(
        action="user.staff_granted",
        obj=user,
        actor=actor,
        summary=_("Accès à l’administration technique donné à %s") % user.email,
    )
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(
    *, user: User, invited_by: User | None = None, purpose: str = InvitationPurpose.INVITATION
) -> tuple[Invitation, str]:
    """A new single-use link for the person; earlier pending links stop working."""
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(expires_at=timezone.now())
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        email=user.email,
        purpose=purpose,
        token_hash=_token_hash(token),
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
        invited_by=person_or_none(invited_by),
    )
    audit_event_create(
        action="invitation.created",
        obj=invitation,
        actor=invited_by,
        summary=_("Invitation envoyée à %s") % user.email,
    )
    return invitation, token


def invitation_url(token: str) -> str:
    return _absolute(reverse("accounts:invitation_accept", args=[token]))


class InviteOptions(TypedDict, total=False):
    """What an invitation may say besides the e-mail address; every key is optional."""

    invited_by: User | None  # the person inviting; None for the platform itself
    first_name: str
    last_name: str
    role: str | None  # the MembershipRole to give; None only opens the account
    # The object the role is on: one of the three, none for a programme-wide role; an
    # organisation's role may also name the one Fabrique it is held for.
    fabrique: Any
    organisation: Any
    participation: Any
    mandate: str
    reason: str  # why the access is given, quoted in the e-mail


@transaction.atomic
def user_invite(*, email: str, **options: Unpack[InviteOptions]) -> User:
    """Give someone a role and tell them by e-mail.

    A new person (or one who never set a password) gets a single-use link to set one;
    someone who already logs in gets a notice of their new access.
    """
    user, _link = user_invite_with_link(email=email, **options)
    return user


@transaction.atomic
def user_invite_with_link(
    *, email: str, **options: Unpack[InviteOptions]
) -> tuple[User, str | None]:
    """`user_invite`, also returning the invitation link (None when only a notice was sent)."""
    invited_by = options.get("invited_by")
    role = options.get("role")
    fabrique = options.get("fabrique")
    organisation = options.get("organisation")
    participation = options.get("participation")
    user, _created = user_get_or_create(
        email=email,
        first_name=options.get("first_name", ""),
        last_name=options.get("last_name", ""),
        actor=invited_by,
    )
    membership = None
    if role is not None:
        membership = membership_grant(
            user=user,
            role=role,
            actor=invited_by,
            fabrique=fabrique,
            organisation=organisation,
            participation=participation,
            mandate=options.get("mandate", ""),
        )
    context: dict[str, Any] = {
        "user": user,
        "membership": membership,
        "role_label": MembershipRole(role).label if role else "",
        # A role held in an organisation for one Fabrique names both (organisation first).
        "target": ", ".join(str(t) for t in (organisation, fabrique) if t is not None)
        or participation
        or "",
        "reason": options.get("reason", ""),
        "invited_by": person_or_none(invited_by),
        "login_url": _absolute(reverse("accounts:login")),
    }
    if user.has_usable_password():
        email_queue(
            to=[user.email],
            subject=_("Fabriques Prospectives : un nouvel accès vous a été donné"),
            template="accounts/emails/access_granted",
            context=context,
        )
        return user, None
    _invitation, token = invitation_create(user=user, invited_by=invited_by)
    link = invitation_url(token)
    context["invitation_url"] = link
    context["ttl_days"] = settings.INVITATION_TTL_DAYS
    email_queue(
        to=[user.email],
        subject=_("Fabriques Prospectives : votre invitation"),
        template="accounts/emails/invitation",
        context=context,
    )
    return user, link


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# --- Invitations and sign-up links --------------------------------------------------------


class InvitationState(models.TextChoices):
    PENDING = "pending", _l("valide")
    UNKNOWN = "unknown", _l("inconnue")
    USED = "used", _l("déjà utilisée")
    EXPIRED = "expired", _l("expirée")
    INACTIVE = "inactive", _l("compte désactivé")


def invitation_find(token: str) -> tuple[Invitation | None, InvitationState]:
    """The invitation a link points to, whatever its state, and that state."""
    invitation = (
        Invitation.objects.select_related("user", "invited_by")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    return invitation, _invitation_state(invitation)


def _invitation_state(invitation: Invitation | None) -> InvitationState:
    if invitation is None:
        return InvitationState.UNKNOWN
    if invitation.accepted_at is not None:
        return InvitationState.USED
    if invitation.expires_at <= timezone.now():
        return InvitationState.EXPIRED
    if not invitation.user.is_active:
        return InvitationState.INACTIVE
    return InvitationState.PENDING


INVITATION_STATE_ERRORS = {
    InvitationState.UNKNOWN: _l("Ce lien n’est pas valide."),
    InvitationState.USED: _l("Ce lien a déjà servi : il ne peut être utilisé qu’une fois."),
    InvitationState.EXPIRED: _l("Ce lien a expiré."),
    InvitationState.INACTIVE: _l("Ce compte est désactivé."),
}


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Set the invited person's password and use up the link; returns the account to log in."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    state = _invitation_state(invitation)
    if invitation is None or state != InvitationState.PENDING:
        raise ValidationError(INVITATION_STATE_ERRORS[state], code=state.value)
    user = invitation.user
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "updated_at"])
    audit_event_create(
        action="invitation.accepted",
        obj=invitation,
        actor=user,
        summary=_("Invitation acceptée par %s") % user.email,
        data={"purpose": invitation.purpose},
    )
    return user


@transaction.atomic
def user_signup(*, email: str, first_name: str, last_name: str) -> None:
    """A local-authority agent asks for an account: e-mail them a link, never say if one exists.

    A new address gets an account without a password and a single-use link to choose one;
    an address that already logs in gets a reminder with a password reset link instead.
    """
    user = user_find_by_email(email)
    if user is not None and not user.is_active:
        return
    if user is not None and user.has_usable_password():
        email_queue(
            to=[user.email],
            subject=_("Fabriques Prospectives : vous avez déjà un compte"),
            template="accounts/emails/account_exists",
            context={
                "user": user,
                "login_url": _absolute(reverse("accounts:login")),
                "reset_url": password_reset_url(user),
                "reset_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            },
        )
        return
    if user is not None and _has_pending_invitation(user):
        # A link already waits in that inbox. Sending a new one would cancel it: anyone knowing
        # the address could keep voiding ANCT's invitation. « Mot de passe oublié » still works.
        return
    if user is None:
        user, _created = user_get_or_create(
            email=email, first_name=first_name.strip(), last_name=last_name.strip()
        )
    _invitation, token = invitation_create(user=user, purpose=InvitationPurpose.SIGNUP)
    email_queue(
        to=[user.email],
        subject=_("Fabriques Prospectives : créez votre mot de passe"),
        template="accounts/emails/signup",
        context={
            "user": user,
            "invitation_url": invitation_url(token),
            "ttl_days": settings.INVITATION_TTL_DAYS,
        },
    )


def _has_pending_invitation(user: User) -> bool:
    return Invitation.objects.filter(
        user=user, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()


def password_reset_url(user: User) -> str:
    """An absolute link to choose a new password, valid PASSWORD_RESET_TIMEOUT seconds."""
    return _absolute(
        reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )


# --- Sign-in links (« lien de connexion ») -------------------------------------------------


class SignInLinkState(models.TextChoices):
    VALID = "valid", _l("valide")
    UNKNOWN = "unknown", _l("inconnu")
    EXPIRED = "expired", _l("expiré")
    REVOKED = "revoked", _l("révoqué ou remplacé")
    INACTIVE = "inactive", _l("compte désactivé")


# Expired and revoked links are deleted this many days after they stopped working: long
# enough to answer « mon lien ne marche pas » from the person's export, then gone (the audit
# trail keeps when links were sent and used).
SIGN_IN_LINK_RETENTION_DAYS = 30


def sign_in_link_url(token: str) -> str:
    return _absolute(reverse("accounts:sign_in_link", args=[token]))


def _local_path(next_path: str) -> str:
    """`next_path` when it is a path on this site (or empty); refuses anything else."""
    next_path = next_path.strip()
    if not next_path:
        return ""
    if not next_path.startswith("/") or not url_has_allowed_host_and_scheme(
        next_path, allowed_hosts=None
    ):
        raise ValidationError(
            {"next_path": _("La page d’arrivée doit être une adresse de la plateforme.")},
            code="external_next",
        )
    return next_path


@transaction.atomic
def sign_in_link_create(*, user: User, actor: User | None = None, next_path: str = "") -> str:
    """A new sign-in link for the person, returned as an absolute URL; it revokes the others.

    At most one live link per person: the newest e-mail always holds the one that works, the
    person (or ANCT) revokes « the » link without wondering which copies are still out there,
    and « Mon compte » shows the single link to revoke. Asking for a new link through the
    anonymous page therefore voids the previous one, but the new one goes to the same inbox
    (and the page is rate-limited), so nobody but the person gets a working link.
    """
    next_path = _local_path(next_path)
    if not user.is_active or not user.email:
        raise ValidationError(
            _("Ce compte est désactivé : aucun lien de connexion ne peut lui être envoyé."),
            code="inactive",
        )
    # Serialises two concurrent requests for the same person (the constraint would refuse
    # the second one's link otherwise).
    User.objects.select_for_update().filter(pk=user.pk).first()
    now = timezone.now()
    SignInLink.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now, updated_at=now
    )
    token = secrets.token_urlsafe(32)  # 256 bits
    link = SignInLink(
        user=user,
        token_hash=_token_hash(token),
        expires_at=now + timedelta(days=settings.SIGN_IN_LINK_TTL_DAYS),
        next_path=next_path,
        created_by=person_or_none(actor),
    )
    link.full_clean()
    link.save()
    audit_event_create(
        action="sign_in_link.created",
        obj=user,
        actor=actor,
        summary=_("Lien de connexion créé"),
        # Never the token, nor the link: the audit trail is read by administrators.
        data={"link": link.pk, "expires_at": link.expires_at.isoformat()},
    )
    return sign_in_link_url(token)


@transaction.atomic
def sign_in_link_email(*, user: User, actor: User | None = None, next_path: str = "") -> None:
    """E-mail the person a new sign-in link (which revokes their previous one).

    The link is in the stored message's body until the worker sends it, then blanked, like
    invitations and password resets (fabriques.core.emails); the task only carries its id.
    """
    link = sign_in_link_create(user=user, actor=actor, next_path=next_path)
    email_queue(
        to=[user.email],
        subject=_("Fabriques Prospectives : votre lien de connexion"),
        template="accounts/emails/sign_in_link",
        context={
            "user": user,
            "sign_in_url": link,
            "ttl_days": settings.SIGN_IN_LINK_TTL_DAYS,
            "request_url": _absolute(reverse("accounts:sign_in_link_request")),
            "sent_by": person_or_none(actor) if getattr(actor, "pk", None) != user.pk else None,
        },
    )


def sign_in_link_request(*, email: str, next_path: str = "") -> None:
    """Someone asks for a link with an address: send one if an active account has it.

    Says nothing either way (the caller answers the same for every address).
    """
    user = user_find_by_email(email)
    if user is None or not _may_sign_in(user):
        return
    sign_in_link_email(user=user, actor=None, next_path=next_path)


def _may_sign_in(user: User) -> bool:
    # Demo accounts (fabriques/demo) sign in only on a development machine (backends.py).
    return user.is_active and not (is_demo_account(user) and not settings.DEBUG)


@transaction.atomic
def sign_in_link_revoke(*, user: User, actor: User | None) -> int:
    """Stop the person's live links; returns how many were live."""
    now = timezone.now()
    count = SignInLink.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=now
    ).update(revoked_at=now, updated_at=now)
    if count:
        audit_event_create(
            action="sign_in_link.revoked",
            obj=user,
            actor=actor,
            summary=_("Lien de connexion révoqué"),
        )
    return count


def sign_in_link_find(token: str) -> tuple[SignInLink | None, SignInLinkState]:
    """The link a token opens, whatever its state, and that state.

    Looked up by the token's hash: no comparison of secrets whose timing could leak them.
    """
    link = SignInLink.objects.select_related("user").filter(token_hash=_token_hash(token)).first()
    return link, _sign_in_link_state(link)


def _sign_in_link_state(link: SignInLink | None) -> SignInLinkState:
    if link is None:
        return SignInLinkState.UNKNOWN
    if link.expires_at <= timezone.now():
        return SignInLinkState.EXPIRED
    if link.revoked_at is not None:
        return SignInLinkState.REVOKED
    if not _may_sign_in(link.user):
        return SignInLinkState.INACTIVE
    return SignInLinkState.VALID


@transaction.atomic
def sign_in_link_use(token: str) -> User | None:
    """The person a live link signs in, once the use is recorded; None for any other link."""
    link = (
        SignInLink.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if _sign_in_link_state(link) != SignInLinkState.VALID:
        return None
    assert link is not None
    link.use_count += 1
    link.last_used_at = timezone.now()
    link.save(update_fields=["use_count", "last_used_at", "updated_at"])
    audit_event_create(
        action="sign_in_link.used",
        obj=link.user,
        actor=link.user,
        summary=_("Connexion avec un lien de connexion"),
        data={"link": link.pk},
    )
    return link.user


def sign_in_links_purge(*, days: int = SIGN_IN_LINK_RETENTION_DAYS, now: Any = None) -> int:
    """Delete the links that stopped working (expired or revoked) more than `days` days ago."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _per_model = SignInLink.objects.filter(
        Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff)
    ).delete()
    return deleted


# --- The person's own account -------------------------------------------------------------


@transaction.atomic
def user_update_names(*, user: User, first_name: str, last_name: str, actor: User) -> User:
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name"])
    audit_event_create(
        action="user.updated", obj=user, actor=actor, summary=_("Nom et prénom modifiés")
    )
    return user


@transaction.atomic
def user_proconnect_login(
    *, email: str, first_name: str = "", last_name: str = "", create: bool = True
) -> User:
    """The account a ProConnect identity logs into, matched by e-mail address (any case).

    An invited account is reused (its empty names are filled from ProConnect); an unknown
    address gets a new account when `create` is true. Refuses deactivated accounts.
    """
    first_name, last_name = first_name.strip()[:150], last_name.strip()[:150]
    user = user_find_by_email(email)
    created = False
    if user is None:
        if not create:
            raise ValidationError(
                _(
                    "Aucun compte de la plateforme n’utilise l’adresse %(email)s. "
                    "Demandez une invitation à l’équipe du programme."
                ),
                code="unknown_account",
                params={"email": normalize_email(email)},
            )
        user, created = user_get_or_create(email=email, first_name=first_name, last_name=last_name)
    elif not user.is_active:
        raise ValidationError(
            _("Ce compte est désactivé. Contactez l’équipe du programme."), code="inactive"
        )
    else:
        changed = []
        if not user.first_name and first_name:
            user.first_name = first_name
            changed.append("first_name")
        if not user.last_name and last_name:
            user.last_name = last_name
            changed.append("last_name")
        if changed:
            user.save(update_fields=changed)
    audit_event_create(
        action="user.login_proconnect",
        obj=user,
        actor=user,
        summary=_("Connexion avec ProConnect"),
        data={"created": created},
    )
    return user


@transaction.atomic
def totp_device_create(*, user: User, key: str, last_t: int) -> TOTPDevice:
    """Confirm a new authenticator app for the person; it replaces any earlier one.

    `last_t` is the time step of the code that confirmed it, so that code cannot serve again.
    """
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice(
        user=user,
        name=str(_("Application d’authentification")),
        key=key,
        confirmed=True,
        last_t=last_t,
    )
    device.full_clean()
    device.save()
    audit_event_create(
        action="user.totp_added",
        obj=user,
        actor=user,
        summary=_("Application d’authentification configurée"),
    )
    return device


# --- Personal data (RGPD) -----------------------------------------------------------------


@transaction.atomic
def user_data_export(*, user: User) -> dict[str, Any]:
    """Everything the platform keeps about the person, as JSON-serialisable data."""
    from .personal_data import sources

    data = {
        "generated_at": timezone.now().isoformat(),
        "account": {
            "username": user.username,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "has_password": user.has_usable_password(),
        },
        "sources": {
            source.key: {"label": str(source.label), "rows": source.export(user)}
            for source in sources()
        },
    }
    audit_event_create(
        action="user.data_exported",
        obj=user,
        actor=user,
        summary=_("Export des données personnelles"),
    )
    return data


ERASED_NAME = "Compte supprimé"


@transaction.atomic
def user_erase(*, user: User, actor: User | None, reason: str = "") -> dict[str, int]:
    """Erase a person's data: every registered source, then the account itself is anonymised.

    The row stays (inactive, without name, address or password) so that audit events keep
    an author that no longer identifies anyone. Returns what each source changed.
    """
    from axes.models import AccessAttempt

    from .personal_data import sources

    # Taken before the sources delete them: events about these objects are about the person.
    about_person = _audit_events_about(user)
    counts = {source.key: source.erase(user) for source in sources()}
    email = user.email
    counts["core.audit_summaries"] = _audit_summaries_scrub(
        about_person, [email, user.username, user.get_full_name()]
    )
    user.username = f"supprime-{user.pk}"
    user.first_name = ERASED_NAME
    user.last_name = ""
    user.email = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.full_clean(exclude=["password"])
    user.save(
        update_fields=[
            "username",
            "first_name",
            "last_name",
            "email",
            "password",
            "is_active",
            "is_staff",
            "is_superuser",
            "last_login",
        ]
    )
    user.groups.clear()
    user.user_permissions.clear()
    if email:
        AccessAttempt.objects.filter(username__iexact=email).delete()
    forget_grants(user)
    audit_event_create(
        action="user.erased",
        obj=user,
        actor=actor,
        summary=_("Données personnelles effacées à la demande de la personne")
        if getattr(actor, "pk", None) == user.pk
        else _("Données personnelles effacées"),
        data={"erased": counts, "reason": reason} if reason else {"erased": counts},
    )
    return counts


def _audit_events_about(user: User) -> list[int]:
    """The audit events that refer to the person: as author, as object, or by id in the details.

    Their roles and invitations count as the person (« rôle accordé à … »); the history keeps
    the ids of roles already revoked.
    """
    from fabriques.core.models import AuditEvent

    memberships = {
        str(pk) for pk in Membership.history.filter(user_id=user.pk).values_list("id", flat=True)
    }
    invitations = {
        str(pk) for pk in Invitation.objects.filter(user=user).values_list("pk", flat=True)
    }
    query = (
        Q(actor_id=user.pk)
        | Q(object_type=User._meta.label_lower, object_id=str(user.pk))
        | Q(object_type=Membership._meta.label_lower, object_id__in=memberships)
        | Q(object_type=Invitation._meta.label_lower, object_id__in=invitations)
        | Q(data__user=user.pk)
    )
    return list(AuditEvent.objects.filter(query).values_list("pk", flat=True))


def _audit_summaries_scrub(event_ids: list[int], identifiers: list[str]) -> int:
    """Take a person's address and names out of the summaries of the events about them.

    Summaries are written for people to read ("Invitation envoyée à …"); the events keep
    their actor and object ids, which now point to the anonymised account. Only the events
    found by reference are touched: a person who named themselves like a common summary
    (« Statut changé ») must not rewrite everybody else's events on their way out.
    """
    from fabriques.core.models import AuditEvent

    identifiers = sorted({i for i in identifiers if i and len(i) >= 3}, key=len, reverse=True)
    if not identifiers or not event_ids:
        return 0
    pattern = re.compile("|".join(re.escape(i) for i in identifiers), re.IGNORECASE)
    changed = []
    for event in AuditEvent.objects.filter(pk__in=event_ids).only("pk", "summary"):
        summary = pattern.sub(str(_("[donnée effacée]")), event.summary)
        if summary != event.summary:
            event.summary = summary
            changed.append(event)
    AuditEvent.objects.bulk_update(changed, ["summary"])
    return len(changed)


ACCOUNT_INACTIVITY_DAYS = 365


def users_purge_inactive(
    *, days: int = ACCOUNT_INACTIVITY_DAYS, now: datetime | None = None, dry_run: bool = False
) -> list[int]:
    """Erase the accounts nobody has used for `days` days (last login, or creation if never).

    Returns the ids of the accounts erased (or that would be, with `dry_run`). Each account
    is erased in its own transaction, so one failure does not undo the others.
    """
    from .selectors import users_inactive_since

    cutoff = (now or timezone.now()) - timedelta(days=days)
    ids = list(users_inactive_since(cutoff).values_list("pk", flat=True))
    if dry_run:
        return ids
    for user in User.objects.filter(pk__in=ids):
        user_erase(user=user, actor=None, reason="inactive")
    return ids
