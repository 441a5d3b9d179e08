"""Oversized request bodies are refused before they are read (RequestBodyLimitMiddleware)."""

import io
import json

import pytest
from django.test import Client


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readinto(self, buffer):
        raise AssertionError("the body was read")


@pytest.fixture
def limit(settings):
    settings.REQUEST_MAX_BODY_BYTES = 1000
    return 1000


def post(path: str, **extra):
    return Client().generic("POST", path, content_type="multipart/form-data; boundary=x", **extra)


@pytest.mark.django_db
def test_anonymous_oversized_post_is_refused_before_reading_the_body(limit):
    # 500 MB announced, nothing readable sent: the view (a redirect to login) never runs.
    response = post(
        "/appels/", CONTENT_LENGTH=str(500 * 1024 * 1024), **{"wsgi.input": Unreadable()}
    )
    assert response.status_code == 413
    content = response.content.decode()
    assert "Envoi refusé" in content
    assert "la limite est de 1000\N{NO-BREAK SPACE}octets" in content


@pytest.mark.django_db
def test_api_gets_its_json_error_format(limit):
    response = post("/api/v1/fabriques/", CONTENT_LENGTH="1001", **{"wsgi.input": Unreadable()})
    assert response.status_code == 413
    assert json.loads(response.content)["errors"][0]["code"] == "request_too_large"


@pytest.mark.django_db
def test_chunked_body_is_refused(limit):
    response = post("/appels/", HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input": Unreadable()})
    assert response.status_code == 411


@pytest.mark.django_db
def test_body_within_the_limit_goes_through(limit):
    # The login redirect of an anonymous POST: the application's own answer.
    response = Client().post("/espace/", {"a": "b"})
    assert response.status_code == 302


def test_default_limit_is_the_largest_upload_and_a_margin(settings):
    largest = max(settings.DELIVERABLE_MAX_UPLOAD_BYTES, settings.APPLICATION_MAX_UPLOAD_BYTES)
    assert largest < settings.REQUEST_MAX_BODY_BYTES <= largest + 2 * 1024 * 1024
