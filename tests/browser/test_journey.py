"""A visitor's journey through the public site, with axe-core on every page."""

import re

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def programme(transactional_db):
    call_command("import_referential", verbosity=0)
    call_command("import_programme", verbosity=0)


def test_home_catalogue_filter_fabrique_territory(programme, live_server, page, assert_accessible):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").count() == 1
    assert_accessible(page)

    # Home → catalogue through the main navigation.
    page.get_by_role("navigation", name=re.compile("principal", re.I)).get_by_role(
        "link", name=re.compile("Fabriques", re.I)
    ).first.click()
    page.wait_for_load_state()
    assert "/fabriques/" in page.url
    assert page.get_by_role("heading", name=re.compile("initiées en 2021")).is_visible()
    assert_accessible(page)

    # Accent-insensitive search: "sante" finds the Fabrique on santé environnementale.
    page.get_by_label(re.compile("^Rechercher", re.I)).last.fill("sante environnementale")
    page.get_by_role("button", name="Afficher les Fabriques").click()
    page.wait_for_load_state()
    assert "q=sante" in page.url
    link = page.get_by_role("link", name=re.compile("santé environnementale", re.I)).first
    assert link.is_visible()
    assert page.get_by_role("link", name=re.compile("communautés XXL", re.I)).count() == 0
    assert_accessible(page)

    # Catalogue → Fabrique.
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith("/fabriques/2019-sante-environnementale-des-petites-villes/")
    assert page.locator("h1").inner_text().strip().startswith("La santé environnementale")
    assert page.get_by_text("Association des petites villes de France").first.is_visible()
    assert_accessible(page)

    # Fabrique → territory.
    page.get_by_role("link", name=re.compile("Mouans-Sartoux")).first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/territoires/communes/06084/")
    assert page.get_by_text("06084").first.is_visible()
    assert page.get_by_text("Alpes-Maritimes").first.is_visible()
    assert_accessible(page)


def test_catalogue_filter_by_year_and_statistics(programme, live_server, page, assert_accessible):
    page.goto(live_server.url + "/fabriques/?year=2020")
    assert_accessible(page)
    page.goto(live_server.url + "/statistiques/")
    assert page.locator("table caption").count() >= 3
    assert_accessible(page)
