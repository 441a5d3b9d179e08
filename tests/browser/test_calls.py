"""In a real browser: the territory autocomplete, and axe on the pages of calls."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from fabriques.calls.models import Application, ApplicationStatus
from fabriques.calls.tests.factories import ApplicationFactory, CallCriterionFactory, CallFactory
from fabriques.programme.models import FabriqueStatus
from fabriques.programme.tests.personas import build_personas
from fabriques.territories.tests.factories import CommuneFactory, DepartementFactory

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.fixture
def world(db):
    cast = build_personas(status=FabriqueStatus.CALL_OPEN)
    call = CallFactory(
        fabrique=cast.fabrique_a,
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    CallCriterionFactory(call=call, label="Portage politique", weight=2)
    loire = DepartementFactory(code="42", name="Loire")
    commune = CommuneFactory(name="Saint-Étienne", code="42218", departement=loire, population=1)
    CommuneFactory(name="Saint-Étienne-le-Molard", code="42219", departement=loire, population=0)
    return cast, call, commune


def test_apply_with_the_autocomplete(page, live_server, world):
    cast, _call, commune = world
    login(page, live_server, cast.applicant)
    page.goto(f"{live_server.url}/appels/fabrique-a/candidater/")
    territory = page.get_by_role("combobox", name="Territoire candidat")
    territory.press_sequentially("saint etienne", delay=20)
    options = page.get_by_role("option")
    options.first.wait_for()
    assert options.count() == 2
    assert page.get_attribute("#id_territory", "aria-expanded") == "true"
    violations = axe_violations(page)
    territory.press("ArrowDown")
    territory.press("Enter")
    assert territory.input_value() == "Saint-Étienne (42218)"
    assert page.input_value("#id_territory_ref") == f"commune:{commune.pk}"
    page.fill("#id_elected_name", "Gaël Perdriau")
    page.click("text=Enregistrer le brouillon")
    page.wait_for_url("**/modifier/")
    application = Application.objects.get(applicant=cast.applicant)
    assert (application.commune, application.status) == (commune, ApplicationStatus.DRAFT)
    violations += axe_violations(page)
    assert violations == []


@pytest.mark.parametrize(
    "persona, path",
    [
        ("anonymous", "/appels/"),
        ("anonymous", "/appels/fabrique-a/"),
        ("applicant", "/espace/candidatures/"),
        ("applicant", "/espace/candidatures/{pk}/"),
        ("pilot_a", "/espace/fabriques/fabrique-a/appel/"),
        ("pilot_a", "/espace/fabriques/fabrique-a/candidatures/"),
        ("pilot_a", "/espace/candidatures/{pk}/evaluer/"),
        ("admin", "/espace/candidatures/recues/"),
    ],
)
def test_pages_are_accessible(page, live_server, world, persona, path, assert_accessible):
    cast, call, _commune = world
    application = ApplicationFactory(call=call, applicant=cast.applicant, submitted=True)
    if persona != "anonymous":
        login(page, live_server, cast.user(persona))
    page.goto(live_server.url + path.format(pk=application.pk))
    assert_accessible(page)
