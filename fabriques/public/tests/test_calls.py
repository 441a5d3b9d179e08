"""An open call for volunteers cannot be missed: main menu, home page, catalogue, the
Fabrique's address; and /appels/ says when none is open and when the next one opens."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from fabriques.accounts.tests.factories import UserFactory
from fabriques.calls.selectors import call_calendar
from fabriques.calls.tests.factories import CallFactory
from fabriques.programme.models import FabriqueStatus

from .test_views import text

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
MENU_BADGE = 'class="fr-badge fr-badge--sm fr-badge--success'


def make_call(*, opens_in: int = -5, closes_in: int = 20, **fabrique):
    now = timezone.now()
    return CallFactory(
        fabrique__slug=fabrique.pop("slug", "centres-bourgs"),
        fabrique__title=fabrique.pop("title", "Revitaliser les centres-bourgs"),
        fabrique__status=fabrique.pop("status", FabriqueStatus.CALL_OPEN),
        opens_at=now + opens_in * DAY,
        closes_at=now + closes_in * DAY,
    )


def test_an_open_call_is_on_the_home_page_the_menu_and_the_catalogue(client):
    call = make_call()
    call_url = reverse("calls:call_detail", args=[call.fabrique.slug])
    closing = timezone.localtime(call.closes_at)

    home = client.get("/")
    assert "Appel à volontaires ouvert : « Revitaliser les centres-bourgs »" in text(home)
    assert f"candidatures jusqu’au {closing.day} " in text(home)
    assert f'href="{call_url}"' in home.content.decode()
    # The menu leads to /appels/ and says a call is open, on every public page.
    for url in ["/", "/fabriques/", "/statistiques/", "/accessibilite/"]:
        body = client.get(url).content.decode()
        assert f'href="{reverse("calls:call_list")}"' in body, url
        assert MENU_BADGE in body and "1 ouvert" in body, url
    catalogue = client.get("/fabriques/")
    assert "Un appel à volontaires est ouvert" in text(catalogue)
    assert f'href="{call_url}"' in catalogue.content.decode()


def test_the_fabrique_address_leads_to_its_call_while_it_has_no_public_page(client):
    call = make_call()
    response = client.get(reverse("public:fabrique_detail", args=[call.fabrique.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("calls:call_detail", args=[call.fabrique.slug])
    # A Fabrique whose call is not published yet stays unknown.
    designed = make_call(slug="en-conception", status=FabriqueStatus.DESIGNED)
    response = client.get(reverse("public:fabrique_detail", args=[designed.fabrique.slug]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "opens_in, closes_in, status",
    [
        (-30, -1, FabriqueStatus.CALL_OPEN),  # closed yesterday
        (-30, 10, FabriqueStatus.SELECTION),  # the Fabrique moved on to selection
        (3, 20, FabriqueStatus.CALL_OPEN),  # opens in three days
    ],
)
def test_a_call_that_is_not_open_is_not_announced(client, opens_in, closes_in, status):
    make_call(opens_in=opens_in, closes_in=closes_in, status=status)
    home = client.get("/")
    assert "Appel à volontaires ouvert" not in text(home)
    assert MENU_BADGE not in home.content.decode()
    # The menu entry is still there.
    assert f'href="{reverse("calls:call_list")}"' in home.content.decode()
    assert "appel à volontaires est ouvert" not in text(client.get("/fabriques/"))
    assert "Aucun appel ouvert en ce moment" in text(client.get("/appels/"))


def test_the_call_list_gives_the_dates_of_the_next_call_when_none_is_open(client):
    call = make_call(opens_in=3, closes_in=20, title="Santé et territoires")
    opens = timezone.localtime(call.opens_at)
    page = text(client.get("/appels/"))
    assert "Aucun appel ouvert en ce moment" in page
    assert "Le prochain appel, « Santé et territoires », sera ouvert du" in page
    assert f"{opens.day} " in page and "Appels à venir" in page


def test_the_call_list_says_plainly_when_no_call_is_announced(client):
    page = text(client.get("/appels/"))
    assert "Aucun appel ouvert en ce moment" in page
    assert "Aucun appel n’est annoncé pour l’instant." in page


def test_the_calendar_follows_the_clock_without_a_write():
    call = make_call(opens_in=1, closes_in=3)
    calendar = call_calendar()
    assert calendar.open() == []
    assert [c.slug for c in calendar.upcoming()] == [call.fabrique.slug]
    assert [c.slug for c in calendar.open(timezone.now() + 2 * DAY)] == [call.fabrique.slug]
    assert calendar.open(timezone.now() + 4 * DAY) == []


def test_a_new_closing_date_shows_at_once_despite_the_cache(client, locmem):
    call = make_call()
    assert "Appel à volontaires ouvert" in text(client.get("/"))
    call.closes_at = timezone.now() - DAY
    call.opens_at = timezone.now() - 2 * DAY
    call.save()
    assert "Appel à volontaires ouvert" not in text(client.get("/"))


def test_the_menu_costs_one_cached_query_and_nothing_in_the_workspace(
    client, locmem, django_assert_num_queries
):
    make_call()
    client.get("/accessibilite/")  # fills the cache
    # The page itself runs no query: only the data version keying the calls' dates is read.
    with django_assert_num_queries(1):
        response = client.get("/accessibilite/")
    assert "1 ouvert" in response.content.decode()
    # Signed-in areas have their own view of the calls: the menu reads nothing there.
    client.force_login(UserFactory())
    with mock.patch("fabriques.public.context_processors.call_calendar") as calendar:
        response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    calendar.assert_not_called()
