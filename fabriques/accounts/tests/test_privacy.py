"""The privacy page (public:privacy): what is kept, why, how long, and how to exercise rights."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_url_and_footer_link(client):
    assert reverse("public:privacy") == "/donnees-personnelles/"
    home = client.get(reverse("public:home")).content.decode()
    assert 'href="/donnees-personnelles/">Données personnelles et cookies</a>' in home


def test_states_what_why_how_long_and_rights(client, settings):
    settings.APPLICATION_RETENTION_DAYS = 180
    settings.EMAIL_RETENTION_DAYS = 45
    settings.CONTACT_EMAIL = "fabriques@anct.gouv.fr"

    response = client.get(reverse("public:privacy"))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert "<caption>Données conservées, finalités et durées de conservation</caption>" in page
    assert "article 6, paragraphe 1, point e" in page
    assert "un an après votre dernière connexion" in page
    assert "supprimée 180 jours après la décision" in page
    assert "Le texte du message, avec ses liens, est effacé dès qu’il est parti." in page
    assert "45 jours après l’envoi." in page
    assert "Cinq ans" in page
    assert 'href="mailto:fabriques@anct.gouv.fr"' in page
    assert reverse("accounts:profile") in page
    assert "CNIL" in page


def test_without_a_contact_address_points_to_the_legal_notice(client, settings):
    settings.CONTACT_EMAIL = ""

    page = client.get(reverse("public:privacy")).content.decode()

    assert "mailto:" not in page
    assert "à l’adresse indiquée dans les mentions légales" in page


def test_retention_defaults_to_a_year_when_the_setting_is_missing(client, settings):
    del settings.APPLICATION_RETENTION_DAYS

    page = client.get(reverse("public:privacy")).content.decode()

    assert "supprimée 365 jours après la décision" in page
