"""The foresight studio's structural analysis in a real browser, with axe-core and the layout
at 1,280 and 390 px on every page: the provider's consultant opens the Fabrique's studies,
the study, fills a cell of the matrix from the keyboard (arrow keys between cells), saves,
runs the computation and reads the planes and the influence graph with their data tables."""

import pytest
from django.test import Client

from fabriques.programme.models import FabriqueStatus
from fabriques.programme.tests.personas import build_personas
from fabriques.studies.models import Study
from fabriques.studies.tests.factories import micmac_study

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_a_consultant_fills_the_matrix_from_the_keyboard_and_reads_the_results(
    page, live_server, assert_accessible
):
    cast = build_personas(status=FabriqueStatus.RUNNING)
    study = micmac_study(fabrique=cast.fabrique_a, actor=cast.provider_a)
    login(page, live_server, cast.provider_a)

    page.goto(f"{live_server.url}/espace/fabriques/{cast.fabrique_a.slug}/etudes/")
    assert_accessible(page)
    page.get_by_role("link", name="Analyse structurelle").first.click()
    assert_accessible(page)

    page.goto(f"{live_server.url}/espace/etudes/{study.pk}/matrice/")
    assert_accessible(page)
    first = page.get_by_label("Influence de Emploi local sur Offre de soins")
    first.focus()
    page.keyboard.press("ArrowRight")  # to « Emploi local » on « Transports »
    focused = page.evaluate(
        "document.activeElement.getAttribute('aria-label') || document.activeElement.labels[0].textContent"
    )
    assert "Transports" in focused
    page.keyboard.press("Control+a")
    page.keyboard.type("3")
    page.get_by_role("button", name="Enregistrer la matrice").click()
    # The cell is saved as soon as it changes, then the button posts the whole grid.
    page.get_by_text("La matrice est enregistrée").wait_for()
    study.refresh_from_db()
    assert study.inputs["matrix"][0][2] == 3

    page.goto(f"{live_server.url}/espace/etudes/{study.pk}/")
    page.get_by_role("button", name="Lancer le calcul").click()
    page.wait_for_url("**/calculs/*/")
    assert_accessible(page)
    figures = page.locator("svg[role='img']")
    assert figures.count() >= 3
    assert page.locator("table caption").count() >= 3
    assert Study.objects.get(pk=study.pk).runs.count() == 1
