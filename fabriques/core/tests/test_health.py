"""/healthz: JSON for load balancers, 503 when the database does not answer (core.failsafe)."""

import json
import logging
from unittest import mock

import psycopg
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client

from fabriques.core import failsafe

pytestmark = pytest.mark.django_db

URL = "/healthz"
DOWN = {"status": "error", "database": "unavailable"}


@pytest.fixture(autouse=True)
def fresh_log_state():
    failsafe.reset_log_state()
    yield
    failsafe.reset_log_state()


def refused() -> OperationalError:
    """What Django raises when PostgreSQL refuses the connection."""
    error = OperationalError("connection failed: Connection refused")
    error.__cause__ = psycopg.OperationalError("connection failed: Connection refused")
    return error


def test_a_working_database_answers_200_in_json():
    response = Client().get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_a_failing_query_answers_503_in_json_with_one_log_line(caplog):
    client = Client(raise_request_exception=False)
    with (
        mock.patch.object(CursorWrapper, "execute", side_effect=refused()),
        caplog.at_level(logging.WARNING),
    ):
        responses = [client.get(URL) for _ in range(3)]

    assert [r.status_code for r in responses] == [503, 503, 503]
    assert json.loads(responses[0].content) == DOWN
    assert responses[0]["Cache-Control"] == "no-store"
    lines = [r for r in caplog.records if r.name == "fabriques.database"]
    assert len(lines) == 1 and lines[0].exc_info is None
    assert "unreachable" in lines[0].getMessage()
    # Neither Django's « Service Unavailable » line nor a traceback.
    assert not [r for r in caplog.records if r.name == "django.request"]


def test_any_database_error_answers_503():
    # Not an outage for the 500 handler (which keeps bugs as 500s), but the probe is down.
    broken = OperationalError("no such table: django_migrations")
    with mock.patch.object(CursorWrapper, "execute", side_effect=broken):
        response = Client(raise_request_exception=False).get(URL)

    assert response.status_code == 503
    assert json.loads(response.content) == DOWN


def test_a_session_lookup_failing_before_the_view_still_answers_json():
    # A probe sending a session cookie: its session is read by middleware, before the view,
    # and the 500 handler would otherwise answer the outage page.
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "x" * 32
    with mock.patch.object(SessionStore, "load", side_effect=refused()):
        response = client.get(URL)

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == DOWN


def test_head_answers_like_get_without_a_body():
    response = Client().head(URL)

    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_other_methods_are_not_allowed(method):
    # CSRF checks on: a POST without a token gets its 405, not the CSRF failure page.
    response = getattr(Client(enforce_csrf_checks=True), method)(URL)

    assert response.status_code == 405
    assert sorted(response["Allow"].split(", ")) == ["GET", "HEAD"]


def test_no_cookie_and_no_variation():
    response = Client().get(URL)

    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_not_redirected_to_https(settings):
    # Load balancers ask the application server itself, over plain HTTP.
    settings.SECURE_SSL_REDIRECT = True
    client = Client()

    assert client.get(URL).status_code == 200
    assert client.get("/").status_code == 301
