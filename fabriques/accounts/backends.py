"""Password login by e-mail address, and the identity django-axes counts failures against."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .models import User


def _normalize(identifier: str) -> str:
    return identifier.strip().lower()


class EmailBackend(ModelBackend):
    """Log in with the e-mail address (any case); accounts without one use their username."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        identifier = username.strip()
        user = None
        if "@" in identifier:
            # Unique case-insensitively (accounts_user_email_unique).
            user = User.objects.filter(email__iexact=identifier).first()
        if user is None:
            user = User.objects.filter(username=identifier).first()
        if user is None:
            # Hash anyway, so that an unknown address takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """The login identifier django-axes locks, whatever its case (AXES_USERNAME_CALLABLE)."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username")
    return _normalize(value) if isinstance(value, str) and value.strip() else None


def axes_not_a_password_attempt(
    request: HttpRequest | None, credentials: dict[str, Any] | None
) -> bool:
    """AXES_WHITELIST_CALLABLE: only password logins are counted and locked.

    A failed ProConnect return carries no password and no username; counted, it would lock
    every agent behind the same address (a whole administration) out of ProConnect.
    """
    return not (credentials or {}).get("password")
