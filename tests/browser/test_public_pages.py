"""Public pages in a real browser: the DSFR's console, the catalogue on a phone."""

import pytest
from playwright.sync_api import expect

from fabriques.calls.tests.factories import CallFactory
from fabriques.programme.services import fabrique_refresh_search_text
from fabriques.programme.tests.dataset import SharedTerritories, build_programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Where the first result card starts, below the top of the main content, in CSS pixels.
FIRST_CARD_TOP = """() => {
    const main = document.querySelector('#contenu').getBoundingClientRect().top;
    const card = document.querySelector('#resultats ~ section .fr-card');
    return card.getBoundingClientRect().top - main;
}"""


@pytest.fixture
def programme(db):
    fabriques = build_programme(6)
    fabriques[0].title = "Vieillir au village"
    fabriques[0].save(update_fields=["title"])
    fabrique_refresh_search_text(fabrique=fabriques[0])
    return fabriques, SharedTerritories.load()


def console_warnings(page) -> list[str]:
    warnings: list[str] = []
    page.on(
        "console",
        lambda message: (
            warnings.append(message.text) if message.type in ("warning", "error") else None
        ),
    )
    return warnings


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_header_modals_have_an_accessible_name(page, live_server, programme, viewport):
    warnings = console_warnings(page)
    page.set_viewport_size(viewport)
    for path in ["/", "/fabriques/"]:
        page.goto(live_server.url + path)
        if viewport is PHONE:
            # The search and the menu are modals on a phone: the DSFR checks them as it opens them.
            page.click("#bouton-recherche")
            page.get_by_role("dialog").first.wait_for()
            page.keyboard.press("Escape")
            page.click("#bouton-menu")
            page.keyboard.press("Escape")
        page.wait_for_load_state("networkidle")
    assert warnings == []


def test_the_catalogue_on_a_phone_puts_results_first_and_folds_the_filters(
    page, live_server, programme, assert_accessible
):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/fabriques/")
    top = page.evaluate(FIRST_CARD_TOP)
    assert top < 600, top
    search = page.locator("#id_q")
    assert not search.is_visible()
    assert_accessible(page)

    # The filters open with the keyboard, and work.
    button = page.get_by_role("button", name="Filtrer")
    button.focus()
    page.keyboard.press("Enter")
    # The DSFR updates the button in its next rendering frame: wait for it, not for a fixed time.
    expect(button).to_have_attribute("aria-expanded", "true")
    search.wait_for(state="visible")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == search.get_attribute("id")
    page.keyboard.type("villag")
    page.keyboard.press("Enter")
    page.wait_for_url("**/fabriques/?q=*")
    titles = page.locator("#resultats ~ section .fr-card__title").all_inner_texts()
    assert titles == ["Vieillir au village"]
    # Folded again after the search, and saying how many filters apply.
    expect(page.get_by_role("button", name="Filtrer (1 actif)")).to_have_attribute(
        "aria-expanded", "false"
    )
    assert page.evaluate(FIRST_CARD_TOP) < 600
    assert_accessible(page)


def test_the_catalogue_on_a_desktop_shows_the_filters(page, live_server, programme):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/fabriques/")
    assert page.locator("#id_q").is_visible()
    assert not page.get_by_role("button", name="Filtrer").is_visible()


def test_an_open_call_is_announced_accessibly(page, live_server, programme, assert_accessible):
    call = CallFactory(fabrique__slug="centres-bourgs", fabrique__title="Revitaliser les bourgs")
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/")
    notice = page.locator("#appels-ouverts")
    assert "Appel à volontaires ouvert : « Revitaliser les bourgs »" in notice.inner_text()
    menu = page.get_by_role("navigation", name="Menu principal")
    link = menu.get_by_role("link", name="Appels à volontaires")
    assert "1 ouvert" in link.text_content()
    assert_accessible(page)
    notice.get_by_role("link").click()
    page.wait_for_url(f"**/appels/{call.fabrique.slug}/")
    page.goto(live_server.url + "/fabriques/")
    assert page.locator("#appels-ouverts").is_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/appels/")
    assert_accessible(page)
