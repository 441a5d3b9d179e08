"""Database outages answer 503 without touching the database (fabriques.core.failsafe)."""

import json
import logging
import sqlite3
from unittest import mock

import psycopg
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client

from fabriques.core import failsafe


def django_error(cause: Exception, cls: type[Exception] = OperationalError) -> Exception:
    """The exception Django raises for a driver's, with the driver's as its cause."""
    error = cls(str(cause))
    error.__cause__ = cause
    return error


@pytest.fixture(autouse=True)
def fresh_log_state():
    failsafe.reset_log_state()
    yield
    failsafe.reset_log_state()


@pytest.mark.parametrize(
    ("cause", "kind"),
    [
        (psycopg.OperationalError("connection failed: Connection refused"), "unreachable"),
        (psycopg.OperationalError("connection timeout expired"), "unreachable"),
        (psycopg.errors.AdminShutdown("terminating connection"), "unreachable"),
        (psycopg.errors.CannotConnectNow("the database system is starting up"), "unreachable"),
        (psycopg.errors.TooManyConnections("too many clients"), "unreachable"),
        (psycopg.errors.QueryCanceled("canceling statement due to timeout"), "statement_timeout"),
        (psycopg.errors.LockNotAvailable("canceling statement due to lock"), "lock_timeout"),
        (sqlite3.OperationalError("database is locked"), "locked"),
        # Bugs stay 500s with their traceback.
        (sqlite3.OperationalError("no such table: accounts_user"), None),
        (psycopg.errors.DivisionByZero("division by zero"), None),
    ],
)
def test_failure_kind(cause, kind):
    assert failsafe.failure_kind(django_error(cause)) == kind


def test_failure_kind_of_other_errors():
    assert failsafe.failure_kind(InterfaceError("connection already closed")) == "unreachable"
    assert failsafe.failure_kind(ValueError("nope")) is None


def unreachable() -> Exception:
    return django_error(psycopg.OperationalError("connection failed: Connection refused"))


@pytest.mark.django_db
def test_page_answers_a_french_503_when_the_session_lookup_fails(caplog):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "x" * 32
    # The session is read by middleware, before any view: no process_exception sees it.
    with (
        mock.patch.object(SessionStore, "load", side_effect=unreachable()),
        caplog.at_level(logging.WARNING),
    ):
        responses = [client.get("/") for _ in range(5)]
    response = responses[0]
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    assert "Service momentanément indisponible" in response.content.decode()
    assert all(r.status_code == 503 for r in responses)
    # One warning line for five failures, and no traceback (Django's request logger is quiet).
    lines = [r for r in caplog.records if r.name == "fabriques.database"]
    assert len(lines) == 1
    assert "unreachable" in lines[0].getMessage()
    assert not [r for r in caplog.records if r.name == "django.request"]


@pytest.mark.django_db
def test_api_answers_its_json_error_format_when_a_query_times_out():
    client = Client(raise_request_exception=False)
    timeout = django_error(psycopg.errors.QueryCanceled("canceling statement due to timeout"))
    # Every query of the request is cancelled, as PostgreSQL's statement_timeout does.
    with mock.patch.object(CursorWrapper, "execute", side_effect=timeout):
        response = client.get("/api/v1/fabriques/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert json.loads(response.content) == {
        "errors": [
            {
                "field": None,
                "code": "service_unavailable",
                "message": "Le service est momentanément indisponible. "
                "Réessayez dans quelques instants.",
            }
        ]
    }


@pytest.mark.django_db
def test_other_errors_stay_500():
    client = Client(raise_request_exception=False)
    with mock.patch.object(SessionStore, "load", side_effect=RuntimeError("bug")):
        client.cookies["sessionid"] = "x" * 32
        response = client.get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response
