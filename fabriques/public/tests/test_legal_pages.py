"""The accessibility statement and the legal notice say what is true, and what is not known."""

import pytest

from .test_views import text

pytestmark = pytest.mark.django_db

PAGES = ["/accessibilite/", "/mentions-legales/"]


@pytest.mark.parametrize("url", PAGES)
def test_no_placeholder_nor_local_address(client, settings, url):
    settings.SITE_URL = "http://127.0.0.1:8000"
    page = text(client.get(url))
    assert "à compléter" not in page.lower()
    assert "127.0.0.1" not in page and "localhost" not in page
    # No postal address nobody sourced.
    assert "avenue de Ségur" not in page


@pytest.mark.parametrize("url", PAGES)
def test_the_public_address_and_the_contact_come_from_the_settings(client, settings, url):
    settings.SITE_URL = "https://fabriques.example.gouv.fr"
    settings.CONTACT_EMAIL = "fabriques@example.gouv.fr"
    response = client.get(url)
    assert "https://fabriques.example.gouv.fr" in text(response)
    assert 'href="mailto:fabriques@example.gouv.fr"' in response.content.decode()


def test_the_accessibility_statement_is_honest(client, settings):
    settings.CONTACT_EMAIL = ""
    page = text(client.get("/accessibilite/"))
    assert "non conforme" in page
    assert "elle n’a pas encore été auditée" in page
    # The automated checks actually run, and on which pages.
    assert "axe-core" in page and "WCAG 2.1" in page
    assert "les appels à volontaires" in page and "les statistiques" in page
    assert "ne remplacent pas un audit" in page
    # The recourse every RGAA statement gives.
    assert "Défenseur des droits" in page and "Libre réponse 71120" in page
    assert "L’adresse électronique de contact de la plateforme n’est pas encore fixée" in page


def test_the_legal_notice_says_the_platform_has_accounts_forms_and_cookies(client):
    response = client.get("/mentions-legales/")
    page = text(response)
    assert "pas de compte, pas de formulaire" not in page
    assert "La plateforme a aussi des comptes" in page
    assert "candidature d’une collectivité" in page and "dépôt des livrables" in page
    assert "envoie des courriels" in page
    assert 'href="/donnees-personnelles/"' in response.content.decode()
    assert "le cookie de session" in page and "falsification de requêtes" in page
    assert "éditée par l’Agence nationale de la cohésion des territoires" in page
    assert "directrice de la publication n’est pas encore déterminé" in page
    assert "L’hébergeur de la plateforme n’est pas encore déterminé" in page


def test_the_privacy_page_states_how_long_rendered_documents_are_kept(client, settings):
    settings.DOCUMENT_RETENTION_DAYS = 45
    page = " ".join(client.get("/donnees-personnelles/").content.decode().split())
    assert "45 jours après la demande ; il est produit à nouveau si vous le redemandez." in page
