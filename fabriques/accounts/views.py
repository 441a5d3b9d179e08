"""Login, invitations, sign-up, password reset, second factor and the person's own account."""

from __future__ import annotations

import json
import math
from typing import Any, cast
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import otp, selectors, services
from .backends import SIGN_IN_LINK_BACKEND, is_sign_in_link_session
from .forms import (
    DsfrSetPasswordForm,
    ErasureForm,
    LoginForm,
    PasswordResetForm,
    ProfileForm,
    SignInLinkRequestForm,
    SignupForm,
    TotpCodeForm,
)
from .middleware import SIGN_IN_LINK_SESSION_KEY
from .models import User
from .oidc import provider_logout_url
from .personal_data import sources
from .services import InvitationState, SignInLinkState
from .throttle import account_email_allowed

PASSWORD_BACKEND = "fabriques.accounts.backends.EmailBackend"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _safe_next(request: HttpRequest, default: str) -> str:
    """The `next` URL when it stays on this site, else `default` (a URL name or path)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default) if default else ""


def _posted(request: HttpRequest) -> Any:
    """The submitted data on POST (even empty, so that the form reports it), else None."""
    return request.POST if request.method == "POST" else None


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}" if next_url else reverse(url_name)


# --- Login and logout -----------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["proconnect_enabled"] = settings.PROCONNECT_ENABLED
        context["proconnect_url"] = _with_next("accounts:oidc_authenticate", context["next"])
        return context


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    # Read the ProConnect ID token before the session is flushed.
    destination = provider_logout_url(request)
    auth_logout(request)
    return redirect(destination)


# --- Invitations and sign-up ------------------------------------------------------------------


def _invitation_invalid(request: HttpRequest, state: str) -> HttpResponse:
    status = 404 if state == InvitationState.UNKNOWN else 410
    return render(request, "accounts/invitation_invalid.html", {"state": state}, status=status)


@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation, state = services.invitation_find(token)
    if invitation is None or state != InvitationState.PENDING:
        return _invitation_invalid(request, state)
    form = DsfrSetPasswordForm(invitation.user, _posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as error:
            # Used or expired between the page and the click.
            return _invitation_invalid(request, error.code or InvitationState.UNKNOWN)
        auth_login(request, user, backend=PASSWORD_BACKEND)
        messages.success(request, _("Votre mot de passe est enregistré. Bienvenue !"))
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "accounts/invitation_accept.html",
        {
            "invitation": invitation,
            "invited_user": invitation.user,
            "memberships": selectors.memberships_for_user(invitation.user),
            "form": form,
        },
    )


def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if account_email_allowed(request=request, address=email, action="signup"):
            services.user_signup(
                email=email,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        return redirect("accounts:signup_done")
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "proconnect_enabled": settings.PROCONNECT_ENABLED},
    )


@require_safe
def signup_done(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/signup_done.html",
        {"ttl_days": settings.INVITATION_TTL_DAYS},
    )


# --- Password reset (Django's views, our templates and e-mails) ------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: auth_forms.PasswordResetForm) -> HttpResponse:
        allowed = account_email_allowed(
            request=self.request, address=form.cleaned_data["email"], action="password_reset"
        )
        if not allowed:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = DsfrSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- Sign-in links (« lien de connexion ») ---------------------------------------------------


def _no_referrer(response: HttpResponse) -> HttpResponse:
    # The page's address holds the token: a Referer names our origin only, never the page, to
    # any site, ours included (logs). Not « no-referrer »: under it a browser sends « Origin:
    # null » with the page's form, which Django's CSRF check refuses (403 on « Me connecter »).
    response["Referrer-Policy"] = "strict-origin"
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """A GET only shows a button: mail scanners open links, and must not sign anybody in."""
    link, state = services.sign_in_link_find(token)
    if link is None or state != SignInLinkState.VALID:
        return _no_referrer(_sign_in_link_invalid(request, state))
    if request.method == "POST":
        user = services.sign_in_link_use(token)
        if user is None:  # revoked or expired between the page and the click
            _link, state = services.sign_in_link_find(token)
            return _no_referrer(_sign_in_link_invalid(request, state))
        auth_login(request, user, backend=SIGN_IN_LINK_BACKEND)
        # The session ends when this link stops working (SignInLinkSessionMiddleware).
        request.session[SIGN_IN_LINK_SESSION_KEY] = link.pk
        # A second factor still owed (the person's authenticator app, staff) is asked by the
        # middleware on the way to the page: the link replaces the password, not the code.
        return _no_referrer(redirect(link.next_path or settings.LOGIN_REDIRECT_URL))
    return _no_referrer(
        render(
            request,
            "accounts/sign_in_link.html",
            {"link_user": link.user, "signed_in_as": request.user},
        )
    )


def _sign_in_link_invalid(request: HttpRequest, state: str) -> HttpResponse:
    # Saying « expiré » or « révoqué » tells nothing about an address: the page names nobody,
    # and only someone who holds a real link (256 bits, not guessable) can reach these states.
    status = 404 if state == SignInLinkState.UNKNOWN else 410
    return render(request, "accounts/sign_in_link_invalid.html", {"state": state}, status=status)


def sign_in_link_request(request: HttpRequest) -> HttpResponse:
    form = SignInLinkRequestForm(_posted(request))
    next_url = _safe_next(request, "")
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if account_email_allowed(request=request, address=email, action="sign_in_link"):
            services.sign_in_link_request(email=email, next_path=next_url)
        # The same answer for every address, known or not, limited or not.
        return redirect("accounts:sign_in_link_request_done")
    return render(
        request,
        "accounts/sign_in_link_request.html",
        {"form": form, "next": next_url, "proconnect_enabled": settings.PROCONNECT_ENABLED},
    )


@require_safe
def sign_in_link_request_done(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/sign_in_link_request_done.html",
        {"ttl_days": settings.SIGN_IN_LINK_TTL_DAYS},
    )


@login_required
@require_POST
def sign_in_link_revoke(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    # The person revoking stays signed in here; every other session of the link ends.
    request.session.pop(SIGN_IN_LINK_SESSION_KEY, None)
    if services.sign_in_link_revoke(user=user, actor=user):
        messages.success(
            request,
            _(
                "Votre lien de connexion est révoqué : il n’ouvre plus votre espace, et les "
                "sessions qu’il avait ouvertes ailleurs sont fermées. Vous restez connecté(e) ici."
            ),
        )
    else:
        messages.info(request, _("Vous n’aviez aucun lien de connexion en cours."))
    return redirect("accounts:profile")


# --- Second factor ----------------------------------------------------------------------------


@never_cache
@login_required
def totp_setup(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    existing = otp.confirmed_device(user)
    if existing is not None and not otp.session_is_verified(request):
        # Replacing the app needs the current one: a stolen password must not be enough.
        return redirect(_with_next("accounts:totp_verify", request.get_full_path()))
    key = request.session.get(otp.SETUP_KEY_SESSION_KEY)
    if not key:
        key = otp.new_key()
        request.session[otp.SETUP_KEY_SESSION_KEY] = key
    form = TotpCodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        time_step = otp.code_time_step(key, form.cleaned_data["code"])
        if time_step is None:
            form.add_error(
                "code",
                _(
                    "Ce code ne correspond pas. Vérifiez que l’heure de votre téléphone est "
                    "juste et saisissez le code affiché maintenant."
                ),
            )
        else:
            device = services.totp_device_create(user=user, key=key, last_t=time_step)
            django_otp.login(request, device)
            otp.second_factor_done(request)
            messages.success(request, _("Votre application d’authentification est configurée."))
            return redirect(_safe_next(request, "accounts:profile"))
    return render(
        request,
        "accounts/totp_setup.html",
        {
            "form": form,
            "existing": existing,
            "required": request.session.get(otp.SESSION_KEY) == otp.SETUP,
            "qr_code": otp.qr_code_svg(
                otp.config_url(user, key), title=_("QR code à scanner avec votre application")
            ),
            "secret": otp.key_for_display(key),
            "next": _safe_next(request, ""),
        },
    )


@never_cache
@login_required
def totp_verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    next_url = _safe_next(request, settings.LOGIN_REDIRECT_URL)
    device = otp.confirmed_device(user)
    if device is None:
        # The app was removed meanwhile: only staff still owe one (set-up).
        otp.second_factor_done(request)
        if otp.must_set_up(user) and not otp.is_proconnect_session(request):
            request.session[otp.SESSION_KEY] = otp.SETUP
            return redirect(_with_next("accounts:totp_setup", next_url))
        return redirect(next_url)
    form = TotpCodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        verified = allowed and django_otp.verify_token(
            user, device.persistent_id, form.cleaned_data["code"]
        )
        if verified:
            django_otp.login(request, device)
            otp.second_factor_done(request)
            return redirect(next_url)
        form.add_error(
            "code",
            _("Code incorrect. Saisissez le code affiché maintenant par votre application.")
            if allowed
            else _("Trop de codes erronés : patientez quelques secondes avant de réessayer."),
        )
    return render(request, "accounts/totp_verify.html", {"form": form, "next": next_url})


# --- My account -------------------------------------------------------------------------------


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    initial = {"first_name": user.first_name, "last_name": user.last_name}
    form = ProfileForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.user_update_names(
            user=user,
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            actor=user,
        )
        messages.success(request, _("Vos nom et prénom sont enregistrés."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "account": user,
            "memberships": list(selectors.memberships_for_user(user)),
            "has_device": otp.confirmed_device(user) is not None,
            "proconnect_session": otp.is_proconnect_session(request),
            "sign_in_link_session": is_sign_in_link_session(request),
            "sign_in_link": selectors.sign_in_link_live(user),
            "has_password": user.has_usable_password(),
            "workspace_nav": "account",
        },
    )


@login_required
@require_POST
def data_export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    data = services.user_data_export(user=user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"fabriques-mes-donnees-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response


@login_required
def erasure(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ErasureForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.user_erase(user=user, actor=user)
        auth_logout(request)
        return redirect("accounts:erasure_done")
    return render(
        request,
        "accounts/erasure.html",
        {"form": form, "sources": sources(), "workspace_nav": "account"},
    )


@require_safe
def erasure_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/erasure_done.html")


def lockout(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' response once a login is locked (AXES_LOCKOUT_CALLABLE): 429, in French."""
    from axes.helpers import get_cool_off

    from .lockout import lockout_limit

    cool_off = get_cool_off(request)
    return render(
        request,
        "accounts/lockout.html",
        {
            "failure_limit": lockout_limit(request, credentials),
            "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
        },
        status=429,
    )
