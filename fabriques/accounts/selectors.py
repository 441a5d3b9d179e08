"""Reads about people for the account pages."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Membership, SignInLink, User


def memberships_for_user(user: User) -> QuerySet[Membership]:
    """A person's roles with the object each is held on (one query)."""
    return (
        Membership.objects.filter(user=user)
        .select_related("fabrique", "organisation", "participation__fabrique")
        .order_by("role", "id")
    )


def users_inactive_since(cutoff: datetime.datetime) -> QuerySet[User]:
    """Accounts not yet erased whose last login (or creation, if never) is before `cutoff`."""
    return (
        User.objects.exclude(email="")
        .annotate(last_seen=Coalesce("last_login", "date_joined"))
        .filter(last_seen__lt=cutoff)
        .order_by("pk")
    )


def sign_in_link_live(user: User) -> SignInLink | None:
    """The person's sign-in link that still works, if any (at most one: see services)."""
    return (
        SignInLink.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
