"""ProConnect login end to end, against a real OpenID provider started by the tests.

The provider is oidc-provider-mock (a Flask app) served over HTTP on a free local port. Like
ProConnect, it is made to answer userinfo with a JWT signed by its own key (content type
application/jwt). The Django test client plays the browser on our side; httpx plays the
browser on the provider's side. Nothing in mozilla-django-oidc is patched.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

import flask
import httpx
import jwt
import oidc_provider_mock
import pytest
import werkzeug.serving
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from oidc_provider_mock._storage import storage as provider_storage

from fabriques.accounts.models import MembershipRole, User
from fabriques.accounts.oidc import ProConnectBackend
from fabriques.accounts.tests.factories import MembershipFactory, UserFactory
from fabriques.core.models import AuditEvent

pytestmark = [
    pytest.mark.django_db,
    # The mock provider runs on authlib APIs that authlib itself deprecates.
    pytest.mark.filterwarnings("ignore::DeprecationWarning:authlib.*"),
    pytest.mark.filterwarnings("ignore:authlib.jose module is deprecated"),
]

CLIENT_ID = "fabriques-client"
CLIENT_SECRET = "secret-de-test"


@dataclass
class Provider:
    """The running provider, and how it answers userinfo (the tests switch it)."""

    url: str = ""
    # signed (like ProConnect) | forged (another key, same kid) | unsigned (alg none) |
    # json (plain JSON) | foreign_audience (signed, for another client)
    userinfo_mode: str = "signed"
    forger: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )

    def set_user(self, sub: str, **claims: str) -> None:
        response = httpx.put(f"{self.url}/users/{sub}", json=claims)
        assert response.status_code == 204, response.text

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Log in at the provider as `sub`; returns the URL it sends the browser back to."""
        response = httpx.post(authorize_url, data={"sub": sub}, follow_redirects=False)
        assert response.status_code == 302, response.text
        return response.headers["location"]


def _sign_userinfo(provider: Provider, response: flask.Response) -> flask.Response:
    if flask.request.path != "/userinfo" or response.status_code != 200:
        return response
    if provider.userinfo_mode == "json":
        return response
    claims = json.loads(response.get_data())
    claims |= {"iss": flask.request.host_url.rstrip("/"), "aud": CLIENT_ID}
    jwk = provider_storage.jwk.as_dict(is_private=True)
    headers = {"kid": jwk["kid"]}
    if provider.userinfo_mode == "foreign_audience":
        claims["aud"] = "another-client"
    if provider.userinfo_mode == "forged":
        token = jwt.encode(claims, provider.forger, algorithm="RS256", headers=headers)
    elif provider.userinfo_mode == "unsigned":
        # PyJWT types the key without None, yet the "none" algorithm takes exactly None.
        token = jwt.encode(claims, None, algorithm="none")  # type: ignore[arg-type]
    else:
        token = jwt.encode(claims, jwt.PyJWK(jwk).key, algorithm="RS256", headers=headers)
    response.set_data(token)
    response.headers["Content-Type"] = "application/jwt"
    return response


@pytest.fixture(scope="module")
def running_provider() -> Iterator[Provider]:
    # The provider runs over plain HTTP on localhost.
    previous = os.environ.get("AUTHLIB_INSECURE_TRANSPORT")
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    provider = Provider()
    app = oidc_provider_mock.app(require_nonce=True)
    app.after_request(lambda response: _sign_userinfo(provider, response))
    server = werkzeug.serving.make_server("localhost", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    provider.url = f"http://localhost:{server.server_port}"
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
        if previous is None:
            os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)
        else:
            os.environ["AUTHLIB_INSECURE_TRANSPORT"] = previous


@pytest.fixture
def provider(running_provider: Provider, settings) -> Provider:
    """ProConnect settings pointing at the local provider, as a deployment would set them."""
    url = running_provider.url
    running_provider.userinfo_mode = "signed"
    settings.PROCONNECT_ENABLED = True
    settings.OIDC_OP_ISSUER = url
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    # The mock grants only standard scopes; "profile" carries given_name there.
    settings.OIDC_RP_SCOPES = "openid email profile given_name usual_name uid siret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{url}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{url}/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{url}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{url}/jwks"
    settings.OIDC_OP_LOGOUT_ENDPOINT = f"{url}/oauth2/end_session"
    return running_provider


def start_login(client, provider: Provider, *, next_url: str = "") -> str:
    """Click « S’identifier avec ProConnect »; returns the provider's authorize URL."""
    response = client.get(
        reverse("accounts:oidc_authenticate"), {"next": next_url} if next_url else {}
    )
    assert response.status_code == 302
    location: str = response["Location"]
    assert location.startswith(f"{provider.url}/oauth2/authorize?")
    return location


def login_as(client, provider: Provider, sub: str, *, next_url: str = ""):
    callback = provider.authorize(start_login(client, provider, next_url=next_url), sub)
    assert callback.startswith("http://testserver/compte/proconnect/retour/?")
    return client.get(callback)


def logged_in_user_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def test_authenticate_sends_state_and_nonce_kept_in_session(client, provider):
    query = parse_qs(urlparse(start_login(client, provider)).query)

    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == ["http://testserver/compte/proconnect/retour/"]
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert client.session["oidc_states"][query["state"][0]]["nonce"] == query["nonce"][0]


def test_new_agent_gets_an_account_named_from_proconnect(client, provider):
    provider.set_user(
        "agent-new", email="Ada.Lovelace@Ville.fr", given_name="Ada", usual_name="Lovelace"
    )

    response = login_as(client, provider, "agent-new", next_url="/espace/")

    assert response.status_code == 302
    assert response["Location"] == "/espace/"
    user = User.objects.get(email="ada.lovelace@ville.fr")
    assert logged_in_user_id(client) == user.pk
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
    assert not user.has_usable_password()
    event = AuditEvent.objects.get(action="user.login_proconnect")
    assert event.actor == user and event.data == {"created": True}
    # The ID token is kept for the provider's logout.
    assert client.session["oidc_id_token"]


def test_invited_account_matched_by_email_in_any_case_keeps_its_memberships(client, provider):
    invited = UserFactory.create(
        username="marie.curie@prefecture.gouv.fr", first_name="", last_name=""
    )
    membership = MembershipFactory.create(user=invited, role=MembershipRole.ANCT_ADMIN)
    provider.set_user(
        "agent-invited",
        email="Marie.CURIE@Prefecture.gouv.fr",
        given_name="Marie",
        usual_name="Curie",
    )

    login_as(client, provider, "agent-invited")

    assert logged_in_user_id(client) == invited.pk
    assert User.objects.filter(email__iexact="marie.curie@prefecture.gouv.fr").count() == 1
    invited.refresh_from_db()
    assert list(invited.memberships.all()) == [membership]
    # Names were empty: ProConnect fills them.
    assert (invited.first_name, invited.last_name) == ("Marie", "Curie")
    page = client.get(reverse("accounts:profile"))
    assert "Administrateur ANCT" in page.content.decode()


def test_existing_names_are_not_overwritten(client, provider):
    user = UserFactory.create(username="jean@mairie.fr", first_name="Jean", last_name="Dupont")
    provider.set_user(
        "agent-jean", email="jean@mairie.fr", given_name="Jean-Marc", usual_name="Durand"
    )

    login_as(client, provider, "agent-jean")

    user.refresh_from_db()
    assert logged_in_user_id(client) == user.pk
    assert (user.first_name, user.last_name) == ("Jean", "Dupont")


def test_wrong_state_is_refused(client, provider):
    provider.set_user("agent-state", email="state@ville.fr")
    callback = provider.authorize(start_login(client, provider), "agent-state")
    forged = callback.replace("state=", "state=x")

    response = client.get(forged)

    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert logged_in_user_id(client) is None
    assert not User.objects.filter(email="state@ville.fr").exists()
    page = client.get(response["Location"])
    assert "La connexion avec ProConnect n’a pas abouti" in page.content.decode()


def test_callback_without_a_login_started_here_is_refused(client, provider):
    provider.set_user("agent-csrf", email="csrf@ville.fr")
    other_browser = type(client)()
    callback = provider.authorize(start_login(other_browser, provider), "agent-csrf")

    response = client.get(callback)

    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert logged_in_user_id(client) is None


@pytest.mark.parametrize("mode", ["forged", "unsigned", "json", "foreign_audience"])
def test_userinfo_not_signed_by_the_provider_for_us_is_refused(client, provider, mode):
    provider.set_user(f"agent-{mode}", email=f"{mode}@ville.fr")
    provider.userinfo_mode = mode

    response = login_as(client, provider, f"agent-{mode}")

    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert logged_in_user_id(client) is None
    assert not User.objects.filter(email=f"{mode}@ville.fr").exists()
    assert not AuditEvent.objects.filter(action="user.login_proconnect").exists()


def test_id_token_without_expiry_is_refused(provider):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {"iss": provider.url, "aud": CLIENT_ID, "sub": "agent", "nonce": "n"}
    backend = ProConnectBackend()
    expiring = jwt.encode(claims | {"exp": 4_000_000_000}, key, algorithm="RS256")
    assert backend._verify_jws(expiring, key.public_key())["sub"] == "agent"

    with pytest.raises(SuspiciousOperation):
        backend._verify_jws(jwt.encode(claims, key, algorithm="RS256"), key.public_key())


def test_wrong_issuer_is_refused(client, provider, settings):
    settings.OIDC_OP_ISSUER = "https://auth.agentconnect.gouv.fr/api/v2"
    provider.set_user("agent-iss", email="iss@ville.fr")

    login_as(client, provider, "agent-iss")

    assert logged_in_user_id(client) is None


def test_deactivated_account_is_refused_with_a_message(client, provider):
    UserFactory.create(username="parti@ville.fr", is_active=False)
    provider.set_user("agent-gone", email="parti@ville.fr")

    response = login_as(client, provider, "agent-gone")

    assert logged_in_user_id(client) is None
    page = client.get(response["Location"])
    assert "Ce compte est désactivé" in page.content.decode()


def test_unknown_address_is_refused_when_accounts_are_not_created(client, provider, settings):
    settings.OIDC_CREATE_USER = False
    provider.set_user("agent-unknown", email="inconnu@ville.fr")

    response = login_as(client, provider, "agent-unknown")

    assert logged_in_user_id(client) is None
    assert not User.objects.filter(email="inconnu@ville.fr").exists()
    assert "Aucun compte de la plateforme" in client.get(response["Location"]).content.decode()


def test_logout_goes_through_the_provider_end_session(client, provider):
    provider.set_user("agent-out", email="out@ville.fr")
    login_as(client, provider, "agent-out")
    id_token = client.session["oidc_id_token"]

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert (
        f"{location.scheme}://{location.netloc}{location.path}"
        == f"{provider.url}/oauth2/end_session"
    )
    query = parse_qs(location.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/"]
    assert query["state"][0]
    assert logged_in_user_id(client) is None
    # The provider accepts it and sends the browser back home.
    end = httpx.get(response["Location"])
    assert end.status_code == 200


def test_proconnect_session_counts_as_second_factor(client, provider, settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    admin = UserFactory.create(username="admin.anct@anct.gouv.fr")
    MembershipFactory.create(user=admin, role=MembershipRole.ANCT_ADMIN)
    provider.set_user("agent-admin", email="admin.anct@anct.gouv.fr")

    login_as(client, provider, "agent-admin")

    assert client.get(reverse("workspace:home")).status_code == 200


def test_proconnect_is_hidden_and_off_when_not_configured(client, settings):
    settings.PROCONNECT_ENABLED = False

    assert "ProConnect" not in client.get(reverse("accounts:login")).content.decode()
    assert client.get(reverse("accounts:oidc_authenticate")).status_code == 404
    assert (
        client.get(reverse("accounts:oidc_callback"), {"code": "x", "state": "y"}).status_code
        == 404
    )


def test_login_page_shows_the_proconnect_button_with_next(client, provider):
    page = client.get(reverse("accounts:login"), {"next": "/espace/"}).content.decode()

    assert "fr-connect" in page and "S’identifier avec" in page
    assert f'href="{reverse("accounts:oidc_authenticate")}?next=%2Fespace%2F"' in page


def test_failed_proconnect_logins_do_not_lock_out_agents_behind_the_same_address(client, provider):
    # Many agents of one administration share an IP address: ProConnect failures are not
    # password guesses and must not block the next agent.
    provider.set_user("agent-after", email="after@ville.fr")
    provider.userinfo_mode = "forged"
    for _attempt in range(6):
        login_as(client, provider, "agent-after")
    provider.userinfo_mode = "signed"

    login_as(client, provider, "agent-after")

    assert logged_in_user_id(client) == User.objects.get(email="after@ville.fr").pk


def test_proconnect_still_works_from_an_address_locked_for_password_guessing(client, provider):
    from axes.models import AccessAttempt
    from django.utils import timezone

    # Someone behind the same address sprayed passwords at thirty accounts.
    for i in range(30):
        AccessAttempt.objects.create(
            username=f"cible{i}@ville.fr",
            ip_address="127.0.0.1",
            failures_since_start=1,
            attempt_time=timezone.now(),
        )
    password_login = client.post(
        reverse("accounts:login"), {"username": "agent@ville.fr", "password": "x"}
    )
    assert password_login.status_code == 429
    provider.set_user("agent-locked-ip", email="agent@ville.fr")

    login_as(client, provider, "agent-locked-ip")

    assert logged_in_user_id(client) == User.objects.get(email="agent@ville.fr").pk
