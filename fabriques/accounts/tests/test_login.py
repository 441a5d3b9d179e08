"""Password login, logout and brute-force protection, as a person using the login page sees them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fabriques.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/compte/connexion/"


@pytest.fixture
def alice():
    return UserFactory.create(username="alice@commune.fr")


def login(client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def logged_in(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def test_urls():
    assert reverse("accounts:login") == LOGIN
    assert reverse("accounts:logout") == "/compte/deconnexion/"


def test_login_page_has_a_labelled_email_and_password_form(client, settings):
    settings.PROCONNECT_ENABLED = False

    response = client.get(LOGIN)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert '<label class="fr-label" for="id_username">Adresse électronique' in page
    assert '<label class="fr-label" for="id_password">Mot de passe' in page
    assert 'autocomplete="current-password"' in page
    assert reverse("accounts:password_reset") in page
    assert reverse("accounts:signup") in page
    assert "ProConnect" not in page


def test_login_by_email_in_any_case(client, alice):
    response = login(client, "  ALICE@Commune.FR ")

    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:home")
    assert logged_in(client) == alice.pk


def test_login_by_email_even_when_the_username_differs(client):
    user = UserFactory.create(username="ancien-identifiant", email="Bob@Exemple.fr")

    login(client, "bob@exemple.fr")

    assert logged_in(client) == user.pk


def test_wrong_password_gives_a_french_error_and_no_session(client, alice):
    response = login(client, "alice@commune.fr", "pas-le-bon-mot-de-passe")

    page = response.content.decode()
    assert response.status_code == 200
    assert logged_in(client) is None
    assert "Adresse électronique ou mot de passe incorrect." in page
    assert 'class="fr-alert fr-alert--error' in page


def test_unknown_address_gives_the_same_error(client):
    response = login(client, "personne@nulle-part.fr")

    assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()


def test_deactivated_account_cannot_log_in(client):
    UserFactory.create(username="parti@commune.fr", is_active=False)

    login(client, "parti@commune.fr")

    assert logged_in(client) is None


def test_next_is_followed_on_this_site_only(client, alice):
    response = login(client, "alice@commune.fr", next="/espace/fabriques/")
    assert response["Location"] == "/espace/fabriques/"

    client.logout()
    response = login(client, "alice@commune.fr", next="https://pirate.example/vol")
    assert response["Location"] == reverse("workspace:home")


def test_login_page_keeps_next_for_the_form(client, alice):
    page = client.get(LOGIN, {"next": "/espace/"}).content.decode()

    assert '<input type="hidden" name="next" value="/espace/">' in page


def test_logout_is_post_only_and_goes_home(client, alice):
    client.force_login(alice)

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert logged_in(client) == alice.pk

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302 and response["Location"] == reverse("public:home")
    assert logged_in(client) is None


def test_anonymous_logout_goes_home(client):
    response = client.post(reverse("accounts:logout"))

    assert response["Location"] == reverse("public:home")


class TestLockout:
    def test_five_wrong_passwords_lock_even_the_right_one(self, client, alice):
        for _attempt in range(4):
            assert login(client, "alice@commune.fr", "mauvais").status_code == 200

        locked = login(client, "alice@commune.fr", "mauvais")

        assert locked.status_code == 429
        page = locked.content.decode()
        assert "Connexion temporairement bloquée" in page
        assert "bloquée après 5 essais infructueux" in page
        assert "Réessayez dans 15 minutes" in page
        assert reverse("accounts:password_reset") in page

        refused = login(client, "alice@commune.fr")
        assert refused.status_code == 429
        assert logged_in(client) is None

    def test_the_address_counts_whatever_its_case(self, client, alice):
        for variant in [
            "alice@commune.fr",
            "ALICE@commune.fr",
            "Alice@Commune.fr",
            "alice@COMMUNE.FR",
        ]:
            login(client, variant, "mauvais")

        assert login(client, "aLiCe@commune.fr", "mauvais").status_code == 429
        assert login(client, "alice@commune.fr").status_code == 429

    def test_a_success_resets_the_count(self, client, alice):
        for _attempt in range(4):
            login(client, "alice@commune.fr", "mauvais")
        assert login(client, "alice@commune.fr").status_code == 302
        client.logout()

        for _attempt in range(4):
            assert login(client, "alice@commune.fr", "mauvais").status_code == 200
        assert login(client, "alice@commune.fr").status_code == 302
        assert logged_in(client) == alice.pk

    def test_another_person_is_not_locked(self, client, alice):
        bob = UserFactory.create(username="bob@commune.fr")
        for _attempt in range(5):
            login(client, "alice@commune.fr", "mauvais")

        login(client, "bob@commune.fr")

        assert logged_in(client) == bob.pk
