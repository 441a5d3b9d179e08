"""Password login by e-mail address, and the identity django-axes counts failures against."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .models import User

# The accounts of the fictional world that `manage.py load_demo` builds (fabriques/demo) live on
# this reserved domain (RFC 2606) and share a published password: they may sign in only on a
# development machine (DEBUG on), so that a database loaded with the demo and then served with
# DEBUG off lets nobody in with them.
DEMO_EMAIL_DOMAIN = "demo.fabriques.test"


def is_demo_account(user: object) -> bool:
    email = str(getattr(user, "email", "") or "")
    return email.lower().endswith("@" + DEMO_EMAIL_DOMAIN)


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

    def user_can_authenticate(self, user: Any) -> bool:
        """Django's rule (active accounts), and demo accounts only while DEBUG is on.

        Also asked for each request's session (get_user): a demo session ends with DEBUG off.
        """
        if user is not None and is_demo_account(user) and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)


SIGN_IN_LINK_BACKEND = "fabriques.accounts.backends.SignInLinkBackend"


class SignInLinkBackend(EmailBackend):
    """The backend of sessions opened by a sign-in link: it never authenticates anything.

    The link is checked and used by services.sign_in_link_use; the view then logs the person
    in with this backend, so that the session says how it was opened (is_sign_in_link_session)
    and each request's get_user keeps EmailBackend's rules (active and demo accounts).
    """

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        return None


def is_sign_in_link_session(request: HttpRequest) -> bool:
    return request.session.get(BACKEND_SESSION_KEY) == SIGN_IN_LINK_BACKEND


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
