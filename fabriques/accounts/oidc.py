"""ProConnect (OpenID Connect) login for State and local-authority agents.

mozilla-django-oidc runs the authorization code flow: it sends a random `state` and `nonce`,
checks the state against the session and the nonce against the ID token. On top of it:

- every JWT (the ID token and the userinfo response, which ProConnect always returns as a
  signed JWT) is checked against the provider's JWKS, its issuer and its audience;
- a userinfo answer that is not a signed JWT, or that is about another subject, is refused;
- the account is matched by e-mail address, any case (see `user_proconnect_login`).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .models import User
from .services import user_proconnect_login

logger = logging.getLogger(__name__)

# Key types each JWS algorithm family is signed with, to pick a key when a token has no kid.
_KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC"}
_REFUSAL_ATTR = "proconnect_refusal"
# mozilla-django-oidc verifies the ID token through _verify_jws(token, key): an ID token must
# expire (OpenID Connect Core 2); the userinfo JWT answers a request just made, and need not.
ID_TOKEN_CLAIMS = ("iss", "aud", "sub", "exp")
USERINFO_CLAIMS = ("iss", "aud", "sub")


class ProConnectBackend(OIDCAuthenticationBackend):  # type: ignore[misc]  # untyped package
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.OIDC_OP_ISSUER = self.get_settings("OIDC_OP_ISSUER", "") or None
        self._keys: list[dict[str, Any]] | None = None

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        # Only the callback view (which passes the nonce it checked the state against) may log
        # someone in through here, never a password form whose URL carries ?code=&state=.
        if not settings.PROCONNECT_ENABLED or "nonce" not in kwargs or "password" in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def _provider_keys(self) -> list[dict[str, Any]]:
        if self._keys is None:
            response = requests.get(
                self.OIDC_OP_JWKS_ENDPOINT,
                verify=self.get_settings("OIDC_VERIFY_SSL", True),
                timeout=self.get_settings("OIDC_TIMEOUT", None),
                proxies=self.get_settings("OIDC_PROXY", None),
            )
            response.raise_for_status()
            self._keys = list(response.json().get("keys", []))
        return self._keys

    def retrieve_matching_jwk(self, token: str) -> jwt.PyJWK:
        """The provider key that signed `token`: by kid, or the only key of the right type."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError as error:
            raise SuspiciousOperation("Malformed JWT.") from error
        alg = str(header.get("alg", ""))
        kid = header.get("kid")
        key_type = _KEY_TYPES.get(alg[:2])
        candidates = [
            key
            for key in self._provider_keys()
            if key.get("alg", alg) == alg
            and key.get("use", "sig") == "sig"
            and (key_type is None or key.get("kty") == key_type)
            and (kid is None or key.get("kid") == kid)
        ]
        if len(candidates) != 1:
            raise SuspiciousOperation("No single provider key matches the JWT.")
        try:
            return jwt.PyJWK(candidates[0])
        except jwt.PyJWKError as error:
            raise SuspiciousOperation("Unusable provider key.") from error

    def _verify_jws(
        self, payload: str, key: Any, *, required: tuple[str, ...] = ID_TOKEN_CLAIMS
    ) -> dict[str, Any]:
        """Signature, algorithm, issuer, audience and expiry of a JWT from the provider."""
        try:
            alg = jwt.get_unverified_header(payload).get("alg")
        except jwt.DecodeError as error:
            raise SuspiciousOperation("Malformed JWT.") from error
        if alg != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"Unexpected JWT algorithm {alg!r}.")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[alg],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.OIDC_OP_ISSUER,
                options={"require": list(required)},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"JWT refused: {error}") from error

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        response = requests.get(
            self.OIDC_OP_USER_ENDPOINT,
            headers={"Authorization": f"Bearer {access_token}"},
            verify=self.get_settings("OIDC_VERIFY_SSL", True),
            timeout=self.get_settings("OIDC_TIMEOUT", None),
            proxies=self.get_settings("OIDC_PROXY", None),
        )
        response.raise_for_status()
        content_type = response.headers.get("content-type", "").lower()
        if not content_type.startswith("application/jwt"):
            raise SuspiciousOperation("The userinfo response is not a signed JWT.")
        token = response.text.strip()
        claims = self._verify_jws(
            token, self.retrieve_matching_jwk(token), required=USERINFO_CLAIMS
        )
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo subject differs from the ID token's.")
        return claims

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        claims = self.get_userinfo(access_token, id_token, payload)
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise SuspiciousOperation("ProConnect gave no e-mail address.")
        try:
            return user_proconnect_login(
                email=email,
                first_name=str(claims.get("given_name") or ""),
                last_name=str(claims.get("usual_name") or ""),
                create=bool(self.get_settings("OIDC_CREATE_USER", True)),
            )
        except ValidationError as error:
            setattr(self.request, _REFUSAL_ATTR, error.messages[0])
            return None


class ProConnectAuthenticateView(OIDCAuthenticationRequestView):  # type: ignore[misc]  # untyped
    """Sends the agent to ProConnect with a fresh state and nonce (kept in the session)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.PROCONNECT_ENABLED:
            raise Http404(_("La connexion avec ProConnect n’est pas activée."))
        response: HttpResponse = super().get(request)  # mozilla-django-oidc is untyped
        return response


class ProConnectCallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]  # untyped
    """ProConnect's answer: any failure brings the person back to the login page, in French."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.PROCONNECT_ENABLED:
            raise Http404(_("La connexion avec ProConnect n’est pas activée."))
        try:
            response: HttpResponse = super().get(request)  # mozilla-django-oidc is untyped
            return response
        except (SuspiciousOperation, requests.RequestException) as error:
            logger.warning("ProConnect login refused: %s", error)
            return self.login_failure()

    def login_failure(self) -> HttpResponse:
        message = getattr(self.request, _REFUSAL_ATTR, None) or _(
            "La connexion avec ProConnect n’a pas abouti. Réessayez, ou connectez-vous avec "
            "votre adresse électronique et votre mot de passe."
        )
        messages.error(self.request, message)
        return redirect("accounts:login")


def provider_logout_url(request: HttpRequest) -> str:
    """Where to send someone who logs out: ProConnect's end of session when they came from it.

    Call before logging out: the ID token kept in the session is the `id_token_hint`.
    """
    home = resolve_url(settings.LOGOUT_REDIRECT_URL)
    id_token = request.session.get("oidc_id_token")
    endpoint = getattr(settings, "OIDC_OP_LOGOUT_ENDPOINT", "")
    if not (settings.PROCONNECT_ENABLED and id_token and endpoint):
        return home
    params = {
        "id_token_hint": id_token,
        "state": get_random_string(32),
        "post_logout_redirect_uri": request.build_absolute_uri(home),
    }
    return f"{endpoint}?{urlencode(params)}"
