"""Keeps a person who still owes a second factor out of the signed-in pages, ends the
sessions a sign-in link opened once that link is revoked or expired, and leaves the session
unread on requests that carry no session cookie.

Reading the session, even an empty one, makes SessionMiddleware add « Vary: Cookie »: a
shared cache could then not keep one copy of an anonymous public page or API answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from .models import SignInLink
from .otp import SESSION_KEY, SETUP

# Pages open to anyone (the public site, open data, the read-only API) need no second factor.
OPEN_NAMESPACES = frozenset({"public", "opendata", "api"})
OPEN_ACCOUNT_PAGES = frozenset(
    {
        "login",
        "logout",
        "totp_setup",
        "totp_verify",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "invitation_accept",
        "signup",
        "signup_done",
        "sign_in_link",
        "sign_in_link_request",
        "sign_in_link_request_done",
        "oidc_authenticate",
        "oidc_callback",
        "erasure_done",
    }
)


def has_session_cookie(request: HttpRequest) -> bool:
    """Whether the request may have a session at all; without the cookie it is empty."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


class NoSessionCookieMiddleware:
    """After AuthenticationMiddleware: without a session cookie the visitor is anonymous,
    known without reading the (necessarily empty) session as AuthenticationMiddleware's lazy
    user would. A view that signs someone in still sets request.user through login().
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not has_session_cookie(request):
            request.user = AnonymousUser()

            async def auser() -> Any:
                return request.user

            request.auser = auser
        return self.get_response(request)


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware: sends to the code (or set-up) page until it is done.

    Reads only the session flag set at login (see otp.py), so it costs no query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not has_session_cookie(request):
            return None  # an empty session owes nothing
        session = getattr(request, "session", None)
        owed = session.get(SESSION_KEY) if session is not None else None
        if not owed or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None:
            namespaces = match.namespaces
            if namespaces and namespaces[0] in OPEN_NAMESPACES:
                return None
            if namespaces == ["accounts"] and match.url_name in OPEN_ACCOUNT_PAGES:
                return None
        target = reverse("accounts:totp_setup" if owed == SETUP else "accounts:totp_verify")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


# The session key holding the id of the sign-in link that opened the session.
SIGN_IN_LINK_SESSION_KEY = "sign_in_link"


class SignInLinkSessionMiddleware:
    """After AuthenticationMiddleware: a session opened by a sign-in link lasts only while the
    link does. Revoking a link (from « Mon compte », by asking a new one, or by erasure) thus
    also ends the sessions it opened elsewhere, a forwarded e-mail's included.

    One query per request, for those sessions only; a request without a session cookie does
    not even read the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_session_cookie(request):
            link_id = request.session.get(SIGN_IN_LINK_SESSION_KEY)
            if (
                link_id is not None
                and not SignInLink.objects.filter(
                    pk=link_id, revoked_at__isnull=True, expires_at__gt=timezone.now()
                ).exists()
            ):
                logout(request)
        return self.get_response(request)
