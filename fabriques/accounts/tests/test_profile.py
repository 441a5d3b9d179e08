"""« Mon compte »: names, roles, second factor, data download and erasure (RGPD)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fabriques.accounts.tests.factories import (
    UserFactory,
)
from fabriques.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PROFILE = "/compte/"


class TestProfilePage:
    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(PROFILE)

        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next={PROFILE}"

    def test_shows_identity_and_links(self, client):
        user = UserFactory.create(
            username="alice@commune.fr", first_name="Alice", last_name="Martin"
        )
        client.force_login(user)

        response = client.get(PROFILE)

        page = response.content.decode()
        assert response.status_code == 200
        assert page.count("<h1") == 1
        assert "alice@commune.fr" in page
        assert 'value="Alice"' in page and 'value="Martin"' in page
        assert reverse("accounts:totp_setup") in page
        assert reverse("accounts:data_export") in page
        assert reverse("accounts:erasure") in page
        assert "Vous n’avez encore aucun rôle" in page
        assert 'aria-current="page"' in page  # « Mon compte » is the current menu entry

    def test_names_can_be_changed_not_the_email(self, client):
        user = UserFactory.create(username="alice@commune.fr")
        client.force_login(user)

        response = client.post(
            PROFILE, {"first_name": " Alice ", "last_name": "Durand", "email": "pirate@exemple.fr"}
        )

        assert response.status_code == 302
        user.refresh_from_db()
        assert (user.first_name, user.last_name, user.email) == (
            "Alice",
            "Durand",
            "alice@commune.fr",
        )
        assert AuditEvent.objects.filter(action="user.updated", actor=user).exists()
        assert "Vos nom et prénom sont enregistrés." in client.get(PROFILE).content.decode()

    def test_empty_names_are_refused(self, client):
        user = UserFactory.create(username="alice@commune.fr", first_name="Alice")
        client.force_login(user)

        response = client.post(PROFILE, {"first_name": "", "last_name": "Durand"})

        assert response.status_code == 200
        assert "fr-input-group--error" in response.content.decode()
        user.refresh_from_db()
        assert user.first_name == "Alice"


class TestDataExport:
    def test_is_a_post_for_signed_in_people(self, client):
        assert client.post(reverse("accounts:data_export"))["Location"].startswith(
            reverse("accounts:login")
        )
        client.force_login(UserFactory.create())
        assert client.get(reverse("accounts:data_export")).status_code == 405


class TestErasure:
    def test_confirmation_page(self, client):
        client.force_login(UserFactory.create())

        page = client.get(reverse("accounts:erasure")).content.decode()

        assert "Cette action est définitive" in page
        assert "Rôles sur la plateforme" in page  # what will be erased, from the registry
        assert 'type="checkbox"' in page

    def test_anonymous_is_sent_to_login(self, client):
        assert client.post(reverse("accounts:erasure"), {"confirm": "on"})["Location"].startswith(
            reverse("accounts:login")
        )

    def test_without_confirmation_nothing_happens(self, client):
        user = UserFactory.create(username="alice@commune.fr")
        client.force_login(user)

        response = client.post(reverse("accounts:erasure"), {})

        assert response.status_code == 200
        assert "Cochez la case pour confirmer l’effacement." in response.content.decode()
        user.refresh_from_db()
        assert user.email == "alice@commune.fr" and user.is_active

    def test_other_sessions_of_the_person_end(self, client):
        user = UserFactory.create(username="alice@commune.fr")
        other_browser = type(client)()
        other_browser.force_login(user)
        client.force_login(user)

        client.post(reverse("accounts:erasure"), {"confirm": "on"})

        assert other_browser.get(PROFILE).status_code == 302


def test_the_download_button_shows_its_words_next_to_its_icon(client):
    """In a group of buttons, DSFR draws a button with an icon as a bare 40 px square unless
    the group says where the icons go (checked in a browser by tests/browser/test_workspace)."""
    client.force_login(UserFactory.create())
    page = client.get(PROFILE).content.decode()
    group = page.split('action="' + reverse("accounts:data_export") + '"')[0].rsplit("<ul", 1)[1]
    assert "fr-btns-group--icon-left" in group
    assert "Télécharger mes données (JSON)</button>" in page
