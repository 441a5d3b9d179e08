"""Anonymous answers vary only on what changes them, so a shared cache keeps one copy.

Without a session cookie nothing reads the (empty) session, which would add « Vary: Cookie »,
and the site's single language adds no « Vary: Accept-Language ». Signed-in requests are
untouched: their session is read, second factor and sign-in link checks included.
"""

import pytest
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import path
from django.utils import translation

from fabriques.accounts.tests.factories import UserFactory
from fabriques.programme.tests.factories import FabriqueFactory
from fabriques.territories.tests.factories import ParticipationFactory

pytestmark = pytest.mark.django_db


def language(request: HttpRequest) -> HttpResponse:
    # Django's own message, translated by its French catalogue.
    return HttpResponse(f"{translation.get_language()} {translation.gettext('Yes')}")


# For test_views_run_in_french_whatever_the_browser_asks only (pytest.mark.urls).
urlpatterns = [path("langue/", language)]


def vary(response: HttpResponseBase) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/fabriques/",
        "/fabriques/publique/",
        "/statistiques/",
        "/donnees/",
        "/api/v1/fabriques/",
        "/api/v1/statistics/",
        "/healthz",
    ],
)
def test_anonymous_public_answers_set_no_cookie_and_vary_on_neither(url):
    fabrique = FabriqueFactory.create(slug="publique", title="Fabrique publique")
    ParticipationFactory.create(fabrique=fabrique)
    # A browser asking for English: the answer is the same French one.
    response = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").get(url)

    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response
    assert not vary(response) & {"cookie", "accept-language"}, response["Vary"]


@pytest.mark.urls(__name__)
def test_views_run_in_french_whatever_the_browser_asks():
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/langue/")

    assert response.content.decode() == "fr Oui"


def test_a_signed_in_person_still_has_their_session():
    client = Client()
    client.force_login(UserFactory.create(username="pilote@anct.gouv.fr"))

    workspace = client.get("/espace/")
    page = client.get("/fabriques/")

    assert workspace.status_code == 200
    assert workspace.context["user"].username == "pilote@anct.gouv.fr"
    assert page.context["user"].is_authenticated
    # Their pages depend on their session, and say so to caches.
    assert "cookie" in vary(page)
