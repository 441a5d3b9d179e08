"""Second factor: setting up an authenticator app, giving a code after login, enforcement."""

from __future__ import annotations

from binascii import unhexlify
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from fabriques.accounts import otp
from fabriques.accounts.models import MembershipRole
from fabriques.accounts.tests.factories import (
    PASSWORD,
    MembershipFactory,
    TOTPDeviceFactory,
    UserFactory,
)
from fabriques.core.models import AuditEvent

pytestmark = pytest.mark.django_db

WORKSPACE = "/espace/"


def code(key: str, *, drift: int = 0) -> str:
    return f"{totp(unhexlify(key), drift=drift):06d}"


def password_login(client, user):
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()
    return response


def setup_key(client) -> str:
    """Open the set-up page and read the secret it keeps in the session."""
    response = client.get(reverse("accounts:totp_setup"))
    assert response.status_code == 200
    key: str = client.session[otp.SETUP_KEY_SESSION_KEY]
    return key


@pytest.fixture
def admin():
    user = UserFactory.create(username="admin@anct.gouv.fr")
    MembershipFactory.create(user=user, role=MembershipRole.ANCT_ADMIN)
    return user


@pytest.fixture
def alice_with_app():
    user = UserFactory.create(username="alice@commune.fr")
    return user, TOTPDeviceFactory.create(user=user)


class TestSetup:
    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("accounts:totp_setup"))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_page_shows_a_qr_code_and_the_secret_to_type(self, client):
        user = UserFactory.create(username="bob@commune.fr")
        client.force_login(user)

        page = client.get(reverse("accounts:totp_setup")).content.decode()
        key = client.session[otp.SETUP_KEY_SESSION_KEY]

        assert "<svg" in page and "<title>QR code à scanner avec votre application</title>" in page
        assert otp.key_for_display(key) in page
        assert '<label class="fr-label" for="id_code">Code à 6 chiffres' in page
        # Reloading keeps the same secret (the app may already have scanned it).
        client.get(reverse("accounts:totp_setup"))
        assert client.session[otp.SETUP_KEY_SESSION_KEY] == key

    def test_a_real_code_confirms_the_app(self, client):
        user = UserFactory.create(username="bob@commune.fr")
        client.force_login(user)
        key = setup_key(client)
        confirming = code(key)

        response = client.post(reverse("accounts:totp_setup"), {"code": confirming})

        assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
        device = TOTPDevice.objects.get(user=user)
        assert device.confirmed and device.key == key
        assert AuditEvent.objects.filter(action="user.totp_added", object_id=str(user.pk)).exists()
        # The session is verified at once, and the same code cannot be replayed.
        assert client.get(WORKSPACE).status_code == 200
        assert not device.verify_token(confirming)

    def test_a_wrong_code_changes_nothing(self, client):
        user = UserFactory.create(username="bob@commune.fr")
        client.force_login(user)
        key = setup_key(client)
        wrong = f"{(int(code(key)) + 1) % 1_000_000:06d}"

        response = client.post(reverse("accounts:totp_setup"), {"code": wrong})

        assert response.status_code == 200
        assert "Ce code ne correspond pas" in response.content.decode()
        assert not TOTPDevice.objects.filter(user=user).exists()

    @pytest.mark.parametrize("value", ["", "12345", "abcdef", "1234567"])
    def test_malformed_codes_are_refused_in_french(self, client, value):
        client.force_login(UserFactory.create(username="bob@commune.fr"))
        setup_key(client)

        response = client.post(reverse("accounts:totp_setup"), {"code": value})

        assert "fr-input-group--error" in response.content.decode()
        assert not TOTPDevice.objects.exists()

    def test_replacing_the_app_needs_the_current_one(self, client, alice_with_app):
        user, _device = alice_with_app
        password_login(client, user)

        response = client.get(reverse("accounts:totp_setup"))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:totp_verify"))

    def test_a_verified_session_can_replace_the_app(self, client, alice_with_app):
        user, old = alice_with_app
        password_login(client, user)
        client.post(reverse("accounts:totp_verify"), {"code": code(old.key)})
        key = setup_key(client)

        client.post(reverse("accounts:totp_setup"), {"code": code(key)})

        assert list(TOTPDevice.objects.filter(user=user).values_list("key", flat=True)) == [key]


class TestVerify:
    def test_password_login_asks_for_a_code_before_any_page(self, client, alice_with_app):
        user, _device = alice_with_app

        response = password_login(client, user)
        landing = client.get(response["Location"])

        assert landing.status_code == 302
        assert (
            landing["Location"]
            == f"{reverse('accounts:totp_verify')}?{urlencode({'next': WORKSPACE})}"
        )
        assert client.get(reverse("accounts:profile")).status_code == 302
        # Public pages stay open.
        assert client.get(reverse("public:home")).status_code == 200

    def test_the_right_code_opens_the_next_page(self, client, alice_with_app):
        user, device = alice_with_app
        password_login(client, user)

        response = client.post(
            reverse("accounts:totp_verify"), {"code": code(device.key), "next": "/compte/"}
        )

        assert response.status_code == 302 and response["Location"] == "/compte/"
        assert client.get(WORKSPACE).status_code == 200

    def test_a_wrong_code_is_refused(self, client, alice_with_app):
        user, device = alice_with_app
        password_login(client, user)

        wrong = "000000" if code(device.key) != "000000" else "111111"

        response = client.post(reverse("accounts:totp_verify"), {"code": wrong})

        assert response.status_code == 200
        assert "Code incorrect" in response.content.decode()
        assert client.get(WORKSPACE).status_code == 302

    def test_repeated_wrong_codes_are_throttled(self, client, alice_with_app):
        user, device = alice_with_app
        password_login(client, user)
        wrong = "000000" if code(device.key) != "000000" else "111111"
        client.post(reverse("accounts:totp_verify"), {"code": wrong})
        device.refresh_from_db()
        assert device.throttling_failure_count == 1
        # After several failures the wait doubles each time (here 2**4 seconds): even the
        # right code waits.
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=5)

        response = client.post(reverse("accounts:totp_verify"), {"code": code(device.key)})

        assert "Trop de codes erronés" in response.content.decode()
        assert client.get(WORKSPACE).status_code == 302

    def test_external_next_is_ignored(self, client, alice_with_app):
        user, device = alice_with_app
        password_login(client, user)

        response = client.post(
            reverse("accounts:totp_verify"),
            {"code": code(device.key), "next": "https://pirate.example/"},
        )

        assert response["Location"] == reverse("workspace:home")

    def test_without_a_second_factor_nothing_is_asked(self, client):
        user = UserFactory.create(username="simple@commune.fr")
        password_login(client, user)

        assert client.get(WORKSPACE).status_code == 200


class TestEnforcement:
    def test_administrator_without_app_is_sent_to_setup(self, client, admin, settings):
        settings.OTP_REQUIRED_FOR_STAFF = True
        client.force_login(admin)

        response = client.get(WORKSPACE)

        assert response.status_code == 302
        assert (
            response["Location"]
            == f"{reverse('accounts:totp_setup')}?{urlencode({'next': WORKSPACE})}"
        )
        page = client.get(response["Location"]).content.decode()
        assert "Étape obligatoire pour votre rôle" in page

        key = client.session[otp.SETUP_KEY_SESSION_KEY]
        done = client.post(reverse("accounts:totp_setup"), {"code": code(key), "next": WORKSPACE})
        assert done["Location"] == WORKSPACE
        assert client.get(WORKSPACE).status_code == 200

    def test_django_staff_without_app_is_sent_to_setup(self, client, settings):
        settings.OTP_REQUIRED_FOR_STAFF = True
        staff = UserFactory.create(username="staff@anct.gouv.fr", is_staff=True)
        password_login(client, staff)

        assert client.get("/admin/")["Location"].startswith(reverse("accounts:totp_setup"))

    def test_administrator_with_app_must_give_a_code(self, client, admin, settings):
        settings.OTP_REQUIRED_FOR_STAFF = True
        TOTPDeviceFactory.create(user=admin)
        password_login(client, admin)

        assert client.get(WORKSPACE)["Location"].startswith(reverse("accounts:totp_verify"))

    def test_other_roles_are_not_forced(self, client, settings):
        settings.OTP_REQUIRED_FOR_STAFF = True
        pilot = UserFactory.create(username="pilote@anct.gouv.fr")
        password_login(client, pilot)

        assert client.get(WORKSPACE).status_code == 200

    def test_off_by_setting(self, client, admin, settings):
        settings.OTP_REQUIRED_FOR_STAFF = False
        client.force_login(admin)

        assert client.get(WORKSPACE).status_code == 200

    def test_proconnect_sessions_count_as_verified(self, client, admin, settings):
        settings.OTP_REQUIRED_FOR_STAFF = True
        TOTPDeviceFactory.create(user=admin)
        client.force_login(admin, backend=otp.PROCONNECT_BACKEND)

        assert client.get(WORKSPACE).status_code == 200

    def test_a_removed_app_no_longer_blocks(self, client, alice_with_app):
        user, device = alice_with_app
        password_login(client, user)
        device.delete()

        response = client.get(reverse("accounts:totp_verify"), {"next": "/compte/"})

        assert response["Location"] == "/compte/"
        assert client.get(WORKSPACE).status_code == 200

    def test_logout_stays_possible(self, client, alice_with_app):
        user, _device = alice_with_app
        password_login(client, user)

        response = client.post(reverse("accounts:logout"))

        assert response["Location"] == reverse("public:home")
        assert "_auth_user_id" not in client.session
