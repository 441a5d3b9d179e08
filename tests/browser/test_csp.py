"""The Content-Security-Policy in a real browser: the pages work under it, and it bites.

Every browser test's `page` fails on any violation (see conftest.py); these tests add the
pages the others do not visit, and check that the scripts the policy lets through did run.
"""

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Error, expect

from .conftest import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def programme(transactional_db):
    call_command("import_referential", verbosity=0)
    call_command("import_programme", verbosity=0)


def dsfr_started(page) -> bool:
    """The DSFR's JavaScript marks the document once it has started."""
    return page.locator("html").get_attribute("data-fr-js") == "true"


def test_public_pages_charts_and_api_docs(programme, live_server, page, assert_accessible):
    page.goto(live_server.url + "/statistiques/")
    # The DSFR Chart components rendered: Chart.js canvases and the map's SVG.
    expect(page.locator("bar-chart canvas").first).to_be_visible()
    assert page.locator("bar-chart canvas").count() == page.locator("bar-chart").count()
    expect(page.locator("map-chart svg").first).to_be_visible()
    assert dsfr_started(page)
    assert_accessible(page)

    for path in ("/fabriques/?q=sant%C3%A9", "/organisations/", "/api/docs/"):
        page.goto(live_server.url + path)
        assert dsfr_started(page), path
    # A DSFR component driven by its script: the theme settings dialog opens.
    page.get_by_role("button", name="Paramètres d’affichage").click()
    expect(page.get_by_role("dialog")).to_be_visible()


def test_admin_and_workspace(live_server, page, django_user_model):
    page.goto(live_server.url + "/admin/login/")
    expect(page.locator("#id_username")).to_be_visible()
    admin = django_user_model.objects.create_superuser(
        username="admin@anct.gouv.fr", password="Sécurité-des-en-têtes-2040"
    )
    client = Client()
    client.force_login(admin)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(live_server.url + "/admin/accounts/user/")
    expect(page.locator("#result_list")).to_be_visible()
    # The admin's own script ran: the « select all » checkbox of the change list exists.
    expect(page.locator("#action-toggle")).to_be_visible()
    page.goto(live_server.url + "/espace/")
    assert dsfr_started(page)


def test_the_policy_blocks_inline_script_and_style(live_server, browser):
    """The check above must be able to fail: an injected inline script and style attribute
    are refused and reported."""
    context = browser.new_context()
    violations = watch_csp(context)
    page = context.new_page()
    page.goto(live_server.url + "/mentions-legales/")
    with pytest.raises(Error, match="Content Security Policy directive 'script-src 'self''"):
        page.add_script_tag(content="window.injected = true;")
    page.evaluate(
        """() => {
            const p = document.createElement('p');
            p.setAttribute('style', 'color: red');
            document.body.append(p);
        }"""
    )
    page.wait_for_timeout(200)  # the violation events are dispatched asynchronously
    assert page.evaluate("window.injected") is None
    context.close()
    text = "\n".join(violations)
    assert "script-src" in text and "style-src" in text, text
