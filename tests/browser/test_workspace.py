"""In a real browser: workspace tables keep to their width, buttons show their text, and the
live counter of limited text areas."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from fabriques.calls.tests.factories import CallCriterionFactory, CallFactory
from fabriques.core.services import audit_event_create
from fabriques.deliverables.models import DeliverableStatus
from fabriques.deliverables.tests.factories import DeliverableFactory
from fabriques.programme.models import FabriqueStatus
from fabriques.programme.tests.personas import build_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A title as people write them, then a word no line break can split (a file name, an URL).
LONG_TITLE = (
    "Diagnostic prospectif partagé du territoire et de ses dynamiques démographiques, "
    "économiques et environnementales à l’horizon 2040 — "
    + "rapport_final_version_definitive_relue_par_le_comite_de_pilotage_"
    * 2
)

# Every table's width against its container's, and whether the container scrolls.
TABLE_WIDTHS = """() => Array.from(document.querySelectorAll('.fr-table table')).map((table) => {
    const container = table.closest('.fr-table__content') || table.parentElement;
    return {
        caption: (table.caption ? table.caption.textContent : '').trim(),
        table: table.scrollWidth,
        container: container.clientWidth,
        scrolls: container.scrollWidth > container.clientWidth,
    };
})"""


def login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def assert_tables_fit(page, *, tables: int):
    widths = page.evaluate(TABLE_WIDTHS)
    assert len(widths) >= tables, widths
    for row in widths:
        assert row["table"] <= row["container"] and not row["scrolls"], row


@pytest.fixture
def cast(db):
    return build_personas(status=FabriqueStatus.RUNNING)


def test_long_titles_and_summaries_wrap_at_1280(page, live_server, cast, tmp_path):
    today = timezone.localdate()
    late = DeliverableFactory(
        fabrique=cast.fabrique_a,
        participation=cast.participation_a,
        title=LONG_TITLE,
        due_on=today - datetime.timedelta(days=3),
    )
    DeliverableFactory(
        fabrique=cast.fabrique_a,
        title=LONG_TITLE[:200],
        status=DeliverableStatus.SUBMITTED,
        due_on=today + datetime.timedelta(days=5),
    )
    audit_event_create(
        action="deliverable.updated",
        obj=late,
        actor=cast.pilot_a,
        summary=f"Livrable « {LONG_TITLE} » modifié : échéance, description et "
        + "https://exemple.fr/" * 12,
    )
    login(page, live_server, cast.admin)
    assert page.viewport_size == {"width": 1280, "height": 900}
    for path in ("/espace/livrables/", "/espace/journal/"):
        page.goto(live_server.url + path)
        assert page.get_by_text("rapport_final_version", exact=False).first.is_visible()
        assert_tables_fit(page, tables=1)
        page.screenshot(
            path=tmp_path / f"{path.strip('/').replace('/', '-')}-1280.png", full_page=True
        )
    # The workspace content starts below the header, not against it.
    page.goto(live_server.url + "/espace/")
    gap = page.evaluate(
        """() => document.querySelector('main h1').getBoundingClientRect().top
               - document.querySelector('header').getBoundingClientRect().bottom"""
    )
    assert gap >= 24, gap
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/espace/livrables/", "/espace/journal/"):
        page.goto(live_server.url + path)
        page.screenshot(
            path=tmp_path / f"{path.strip('/').replace('/', '-')}-390.png", full_page=True
        )


def test_the_download_button_shows_its_text(page, live_server, cast, assert_accessible):
    login(page, live_server, cast.elected_a)
    page.goto(live_server.url + "/compte/")
    button = page.get_by_role("button", name="Télécharger mes données (JSON)")
    box = button.bounding_box()
    assert box is not None and box["width"] > 40, box
    # The words are inside the button's box, not clipped away.
    assert button.evaluate("(b) => b.scrollWidth <= b.clientWidth")
    assert_accessible(page)


def test_the_counter_of_a_limited_text_area(page, live_server, cast, assert_accessible):
    cast.fabrique_b.status = FabriqueStatus.CALL_OPEN
    cast.fabrique_b.save(update_fields=["status"])
    call = CallFactory(
        fabrique=cast.fabrique_b, opens_at=timezone.now() - datetime.timedelta(days=1)
    )
    CallCriterionFactory(call=call)
    login(page, live_server, cast.applicant)
    page.goto(f"{live_server.url}/appels/{cast.fabrique_b.slug}/candidater/")
    motivation = page.locator("#id_motivation")
    counter = page.locator("#id_motivation-compteur")
    live = page.locator("#id_motivation-compteur + [aria-live='polite']")
    assert counter.text_content() == "0 / 5000 caractères"
    assert "id_motivation-compteur" in motivation.get_attribute("aria-describedby")
    motivation.press_sequentially("Notre bourg", delay=10)
    assert counter.text_content() == "11 / 5000 caractères"
    # Far from the limit, nothing is announced at each character.
    assert live.text_content() == ""
    motivation.fill("a" * 4600)
    assert counter.text_content() == "4600 / 5000 caractères"
    assert live.text_content() == "Plus que 400 caractères sur 5000."
    # A paste over the limit is kept whole; the counter shows the excess.
    motivation.fill("b" * 5012)
    assert len(motivation.input_value()) == 5012
    over = "5012 / 5000 caractères : 12 de trop, à retirer avant d’envoyer."
    assert counter.text_content() == over
    assert live.text_content() == over
    assert "fab-char-counter--over" in counter.get_attribute("class")
    assert_accessible(page)
