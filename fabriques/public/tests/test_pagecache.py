"""The whole-page cache of anonymous visitors' public pages (fabriques.public.pagecache): a
hit costs the data version alone, conditional requests get 304, and nothing personal, no
form, no message and no error is ever kept or shared."""

from __future__ import annotations

import datetime
import gzip
import io
import os
from collections.abc import Iterator
from unittest import mock

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from fabriques.accounts.tests.factories import UserFactory
from fabriques.core.versioning import shared_data_version
from fabriques.programme.tests.factories import FabriqueFactory
from fabriques.public import pagecache
from fabriques.workshops.tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db

PAGES = ["/", "/fabriques/", "/statistiques/", "/donnees/", "/api/v1/fabriques/"]


@pytest.fixture
def page_cache(locmem, settings) -> Iterator[None]:
    settings.PUBLIC_PAGE_CACHE = True
    yield


def _queries(client: Client, url: str, **headers: str):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    return response, len(captured)


@pytest.mark.parametrize("url", PAGES)
def test_a_second_visit_costs_the_data_version_and_is_the_same_page(client, page_cache, url):
    FabriqueFactory(title="Fabrique des mobilités", programme_year__year=2031)
    if url == "/donnees/":
        # Kept once its files hold the current data (until then it says no-cache).
        call_command("publish_open_data", stdout=io.StringIO())
    cold, cold_queries = _queries(client, url)
    warm, warm_queries = _queries(client, url)
    assert cold.status_code == warm.status_code == 200
    assert warm.content == cold.content
    assert warm_queries == 0 < cold_queries  # not even the data version: the cache has it
    assert warm["ETag"] == cold["ETag"] and warm["ETag"].startswith('"')
    assert warm["Cache-Control"] == "public, max-age=60, stale-while-revalidate=60"
    assert warm["Content-Type"] == cold["Content-Type"]
    assert int(warm["Content-Length"]) == len(warm.content)
    assert "Set-Cookie" not in warm and not warm.cookies
    # The outer middleware still adds its headers to a hit.
    assert "Content-Security-Policy" in warm and warm["X-Content-Type-Options"] == "nosniff"
    assert warm["X-Frame-Options"] == "DENY"


def test_a_matching_etag_or_date_gets_304_without_a_body(client, page_cache):
    first = client.get("/fabriques/")
    etag, modified = first["ETag"], first["Last-Modified"]
    again = client.get("/fabriques/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Cache-Control"].startswith("public")
    weak = client.get("/fabriques/", headers={"If-None-Match": f'"autre", W/{etag}'})
    assert weak.status_code == 304
    other = client.get("/fabriques/", headers={"If-None-Match": '"autre"'})
    assert other.status_code == 200 and other.content == first.content
    assert client.get("/fabriques/", headers={"If-Modified-Since": modified}).status_code == 304
    earlier = http_date(timezone.now().timestamp() - 3600)
    assert client.get("/fabriques/", headers={"If-Modified-Since": earlier}).status_code == 200
    # If-None-Match decides when both are given (RFC 9110).
    both = client.get(
        "/fabriques/", headers={"If-None-Match": '"autre"', "If-Modified-Since": modified}
    )
    assert both.status_code == 200


def test_a_kept_page_is_sent_gzipped_to_who_accepts_it(client, page_cache):
    FabriqueFactory(title="Fabrique des mobilités", programme_year__year=2031)
    plain = client.get("/fabriques/")
    packed, queries = _queries(client, "/fabriques/", **{"Accept-Encoding": "gzip, br"})
    assert queries == 0 and packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    assert int(packed["Content-Length"]) == len(packed.content)
    assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert packed["ETag"] != plain["ETag"]
    again = client.get(
        "/fabriques/", headers={"Accept-Encoding": "gzip", "If-None-Match": packed["ETag"]}
    )
    assert again.status_code == 304


def test_a_page_built_for_a_signed_in_person_is_compressed_too(client):
    person = UserFactory.create()
    client.force_login(person)
    packed = client.get("/espace/", headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200 and packed["Content-Encoding"] == "gzip"
    assert b"</html>" in gzip.decompress(packed.content)


def test_a_write_makes_the_kept_page_and_its_etag_stale_at_once(client, page_cache):
    FabriqueFactory(title="Première Fabrique", programme_year__year=2031)
    first = client.get("/fabriques/")
    FabriqueFactory(title="Seconde Fabrique", programme_year__year=2032)
    second = client.get("/fabriques/", headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 200
    assert "Seconde Fabrique" in second.content.decode()
    assert "Seconde Fabrique" not in first.content.decode()
    assert second["ETag"] != first["ETag"]


def test_another_server_sharing_the_cache_answers_the_fresh_page(client, page_cache):
    """Two application servers share the cache and the database: the key is the data version,
    so a write through one is seen by the other at once (here, two clients of one process
    sharing the cache as two servers share Redis)."""
    other_server = Client()
    FabriqueFactory(title="Première Fabrique", programme_year__year=2031)
    client.get("/fabriques/")
    other_server.get("/fabriques/")
    FabriqueFactory(title="Seconde Fabrique", programme_year__year=2032)
    assert "Seconde Fabrique" in other_server.get("/fabriques/").content.decode()


def test_a_signed_in_person_is_never_answered_from_nor_kept_in_the_cache(client, page_cache):
    person = UserFactory.create(first_name="Zélie", last_name="Personnelle")
    signed_in = Client()
    signed_in.force_login(person)
    theirs, _ = _queries(signed_in, "/")
    assert "Se déconnecter" in theirs.content.decode()
    assert "ETag" not in theirs and "private" in theirs["Cache-Control"]
    anonymous, anonymous_queries = _queries(client, "/")
    assert anonymous_queries > 1  # built, not the signed-in person's page
    assert "Se déconnecter" not in anonymous.content.decode()
    # The anonymous page is now kept: the signed-in person still gets their own.
    again, again_queries = _queries(signed_in, "/")
    assert "Se déconnecter" in again.content.decode() and again_queries > 1


def test_a_page_with_a_form_token_is_never_kept(client, page_cache):
    """The vote's join form carries a CSRF token and sets its cookie: each visitor builds it."""
    first, _ = _queries(client, "/vote/")
    assert first.status_code == 200 and "csrfmiddlewaretoken" in first.content.decode()
    assert first.cookies and "private" in first["Cache-Control"] and "ETag" not in first
    second, _ = _queries(Client(), "/vote/")
    assert second.cookies and "ETag" not in second
    token = 'name="csrfmiddlewaretoken" value="'
    assert (
        first.content.decode().split(token)[1][:20] != second.content.decode().split(token)[1][:20]
    )


def test_a_flash_message_cookie_bypasses_the_cache(client, page_cache):
    client.get("/fabriques/")  # kept
    storage = CookieStorage(HttpRequest())
    storage.add(constants.SUCCESS, "Votre demande est enregistrée.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[CookieStorage.cookie_name] = carrier.cookies[CookieStorage.cookie_name].value
    response, queries = _queries(client, "/fabriques/")
    assert queries > 1 and "ETag" not in response


def test_errors_are_never_kept(client, page_cache):
    first, _ = _queries(client, "/fabriques/fabrique-inexistante/")
    second, second_queries = _queries(client, "/fabriques/fabrique-inexistante/")
    assert first.status_code == second.status_code == 404
    assert second_queries > 1 and "ETag" not in second


def test_a_head_request_is_answered_from_the_cache(client, page_cache):
    client.get("/fabriques/")
    with CaptureQueriesContext(connection) as captured:
        head = client.head("/fabriques/")
    assert head.status_code == 200 and len(captured) == 0 and head["ETag"]


def test_the_workspace_is_private_and_never_stored(client, page_cache):
    person = UserFactory.create()
    client.force_login(person)
    response = client.get("/espace/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "ETag" not in response


def test_a_kept_page_expires_when_the_clock_passes_a_meeting_start(client, page_cache, monkeypatch):
    """A meeting that starts changes the public figures without any write: a page kept
    before it is built again once the clock passes it, and not before."""
    now = timezone.now()
    WorkshopFactory(starts_at=now + datetime.timedelta(hours=2))
    monkeypatch.setattr(pagecache.timezone, "now", lambda: now)
    _response, built = _queries(client, "/fabriques/")
    assert built > 0
    monkeypatch.setattr(pagecache.timezone, "now", lambda: now + datetime.timedelta(hours=1))
    assert _queries(client, "/fabriques/")[1] == 0
    monkeypatch.setattr(pagecache.timezone, "now", lambda: now + datetime.timedelta(hours=3))
    assert _queries(client, "/fabriques/")[1] > 0  # built again
    assert _queries(client, "/fabriques/")[1] == 0  # and kept again


def test_a_kept_page_holds_until_midnight_at_most(page_cache):
    noon = timezone.make_aware(datetime.datetime(2031, 3, 3, 12))
    midnight = timezone.make_aware(datetime.datetime(2031, 3, 4))
    assert pagecache.kept_until(shared_data_version(), noon) == midnight.timestamp()


def test_off_it_keeps_nothing(client, locmem, settings):
    settings.PUBLIC_PAGE_CACHE = False
    client.get("/fabriques/")
    response, queries = _queries(client, "/fabriques/")
    assert queries > 1 and "ETag" not in response


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def test_two_servers_sharing_redis_see_a_write_at_once(settings):
    """The production set-up: Django's RedisCache shared by the application servers (here
    database 15 of the machine's Redis, emptied around the test). CI has Redis: there the
    test must run; elsewhere it is skipped when no Redis answers."""
    if not _redis_answers():
        if os.environ.get("CI"):
            pytest.fail(f"No Redis at {REDIS_URL}: CI must run this test.")
        pytest.skip(f"No Redis at {REDIS_URL}")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    settings.PUBLIC_PAGE_CACHE = True
    import redis
    from django.core.cache import cache

    cache.clear()
    try:
        server_a, server_b = Client(), Client()
        FabriqueFactory(title="Première Fabrique", programme_year__year=2031)
        built = server_a.get("/fabriques/")
        commands: list[str] = []
        send = redis.Redis.execute_command

        def counted(self: redis.Redis, *args: object, **options: object) -> object:
            commands.append(str(args[0]))
            return send(self, *args, **options)

        with mock.patch.object(redis.Redis, "execute_command", counted):
            kept, queries = _queries(server_b, "/fabriques/")
        assert queries == 0 and kept.content == built.content and kept["ETag"] == built["ETag"]
        # A hit is one round trip to Redis: the data version and the page, read together.
        assert commands == ["MGET"]
        FabriqueFactory(title="Seconde Fabrique", programme_year__year=2032)
        assert "Seconde Fabrique" in server_b.get("/fabriques/").content.decode()
        assert "Seconde Fabrique" in server_a.get("/fabriques/").content.decode()
    finally:
        cache.clear()
