"""Writes on people: accounts, memberships and invitations."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fabriques.core.emails import email_queue
from fabriques.core.services import audit_event_create

from .models import Invitation, InvitationPurpose, Membership, MembershipRole, User
from .roles import forget_grants


def normalize_email(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def user_find_by_email(email: str) -> User | None:
    email = normalize_email(email)
    return User.objects.filter(email__iexact=email).first() if email else None


@transaction.atomic
def user_get_or_create(
    *, email: str, first_name: str = "", last_name: str = "", actor: Any = None
) -> tuple[User, bool]:
    """The account for an e-mail address, created without a password when new."""
    email = normalize_email(email)
    if not email:
        raise ValidationError({"email": _("Indiquez une adresse électronique.")})
    user = user_find_by_email(email)
    if user is not None:
        return user, False
    user = User(username=email[:150], email=email, first_name=first_name, last_name=last_name)
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
    actor: Any = None,
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
        granted_by=actor if getattr(actor, "pk", None) else None,
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
def membership_revoke(*, membership: Membership, actor: Any = None) -> None:
    audit_event_create(
        action="membership.revoked",
        obj=membership,
        actor=actor,
        summary=str(membership),
        data={"user": membership.user_id, "role": membership.role},
    )
    forget_grants(membership.user)
    membership.delete()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_lookup(token: str) -> Invitation | None:
    """The pending, unexpired invitation for a token, or None."""
    invitation = (
        Invitation.objects.select_related("user").filter(token_hash=_token_hash(token)).first()
    )
    if invitation is None or invitation.accepted_at is not None:
        return None
    if invitation.expires_at <= timezone.now():
        return None
    return invitation


@transaction.atomic
def invitation_create(
    *, user: User, invited_by: Any = None, purpose: str = InvitationPurpose.INVITATION
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
        invited_by=invited_by if getattr(invited_by, "pk", None) else None,
    )
    audit_event_create(
        action="invitation.created",
        obj=invitation,
        actor=invited_by,
        summary=_("Invitation envoyée à %s") % user.email,
    )
    return invitation, token


def invitation_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("accounts:invitation_accept", args=[token])


@transaction.atomic
def user_invite(
    *,
    email: str,
    invited_by: Any = None,
    first_name: str = "",
    last_name: str = "",
    role: str | None = None,
    fabrique: Any = None,
    organisation: Any = None,
    participation: Any = None,
    mandate: str = "",
    reason: str = "",
) -> User:
    """Give someone a role and tell them by e-mail.

    A new person (or one who never set a password) gets a single-use link to set one;
    someone who already logs in gets a notice of their new access.
    """
    user, _created = user_get_or_create(
        email=email, first_name=first_name, last_name=last_name, actor=invited_by
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
            mandate=mandate,
        )
    context: dict[str, Any] = {
        "user": user,
        "membership": membership,
        "role_label": MembershipRole(role).label if role else "",
        "target": fabrique or organisation or participation,
        "reason": reason,
        "invited_by": invited_by if getattr(invited_by, "pk", None) else None,
        "login_url": settings.SITE_URL.rstrip("/") + reverse("accounts:login"),
    }
    if user.has_usable_password():
        email_queue(
            to=[user.email],
            subject=_("Fabriques Prospectives : un nouvel accès vous a été donné"),
            template="accounts/emails/access_granted",
            context=context,
        )
    else:
        _invitation, token = invitation_create(user=user, invited_by=invited_by)
        context["invitation_url"] = invitation_url(token)
        context["ttl_days"] = settings.INVITATION_TTL_DAYS
        email_queue(
            to=[user.email],
            subject=_("Fabriques Prospectives : votre invitation"),
            template="accounts/emails/invitation",
            context=context,
        )
    return user
