"""Password reset and sign-up e-mails are limited per address and per client, silently."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from fabriques.accounts.tests.factories import UserFactory
from fabriques.core.models import AuditEvent, RateLimitCounter

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(client: Client, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """POST, then run the after-commit callbacks (the e-mails) as the request ends."""

    def post(url: str, data: dict[str, str], *, by: Client = client, **extra: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return by.post(url, data, **extra)

    return post


@pytest.fixture
def reset(post: Callable[..., Any]) -> Callable[..., Any]:
    return lambda email, **extra: post(
        reverse("accounts:password_reset"), {"email": email}, **extra
    )


@pytest.fixture
def signup(post: Callable[..., Any]) -> Callable[..., Any]:
    data = {"first_name": "Anne", "last_name": "Agent"}
    return lambda email, **extra: post(
        reverse("accounts:signup"), {**data, "email": email}, **extra
    )


class TestPasswordReset:
    def test_ten_rapid_requests_for_one_address_send_three_emails(self, reset):
        UserFactory(username="cible@commune.fr")

        responses = [reset("cible@commune.fr") for _ in range(10)]

        # Before the limit: ten e-mails. Every answer is the usual one, sent or not.
        assert len(mail.outbox) == 3
        assert {(r.status_code, r["Location"]) for r in responses} == {
            (302, reverse("accounts:password_reset_done"))
        }

    def test_the_fourth_request_in_the_hour_sends_nothing_whatever_the_case(self, reset):
        UserFactory(username="cible@commune.fr")
        for variant in ("cible@commune.fr", "CIBLE@commune.fr", "Cible@Commune.fr"):
            reset(variant)
        mail.outbox.clear()

        response = reset("cible@COMMUNE.FR")

        assert response["Location"] == reverse("accounts:password_reset_done")
        assert mail.outbox == []

    def test_the_limit_is_per_address(self, reset):
        UserFactory(username="cible@commune.fr")
        UserFactory(username="autre@commune.fr")
        for _ in range(4):
            reset("cible@commune.fr")
        mail.outbox.clear()

        reset("autre@commune.fr")

        assert [m.to for m in mail.outbox] == [["autre@commune.fr"]]

    def test_one_client_is_limited_across_addresses(self, reset):
        addresses = [f"agent{i}@commune.fr" for i in range(11)]
        for address in addresses:
            UserFactory(username=address)

        for address in addresses:
            reset(address)

        assert len(mail.outbox) == 10
        assert mail.outbox[-1].to == ["agent9@commune.fr"]
        # Another client still gets its e-mail.
        reset("agent10@commune.fr", REMOTE_ADDR="198.51.100.20")
        assert mail.outbox[-1].to == ["agent10@commune.fr"]

    def test_clients_behind_the_trusted_proxy_count_apart(self, reset, settings):
        settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
        settings.TRUSTED_PROXY_COUNT = 1
        addresses = [f"agent{i}@commune.fr" for i in range(12)]
        for address in addresses:
            UserFactory(username=address)

        # Every request comes from nginx (127.0.0.1); two clients behind it.
        for i, address in enumerate(addresses):
            reset(address, HTTP_X_FORWARDED_FOR=f"198.51.100.{i % 2}")

        assert len(mail.outbox) == 12

    def test_the_count_holds_in_the_database_for_every_process(self, reset, locmem):
        UserFactory(username="cible@commune.fr")
        for _ in range(3):
            reset("cible@commune.fr")
        mail.outbox.clear()
        # Another process or server has its own cache (or none): only the database is shared.
        cache.clear()

        reset(by=Client(), email="cible@commune.fr")

        assert mail.outbox == []
        assert RateLimitCounter.objects.filter(count=4).exists()

    def test_refusals_are_audited_once_without_the_address(self, reset):
        UserFactory(username="cible@commune.fr")

        for _ in range(6):
            reset("cible@commune.fr")

        (event,) = AuditEvent.objects.filter(action="accounts.emails_limited")
        assert event.data == {"action": "password_reset", "limits": ["address"]}
        assert "cible" not in f"{event.summary} {event.data}"


class TestSignup:
    def test_the_fourth_request_for_one_address_sends_nothing(self, signup):
        for _ in range(3):
            signup("nouvelle@mairie.fr")
        assert len(mail.outbox) == 1  # a pending link is not replaced (see test_invitations)
        mail.outbox.clear()

        response = signup("nouvelle@mairie.fr")

        assert response["Location"] == reverse("accounts:signup_done")
        assert mail.outbox == []
        assert AuditEvent.objects.filter(action="accounts.emails_limited").count() == 1

    def test_sign_up_and_reset_share_the_count_for_an_address(self, reset, signup):
        UserFactory(username="deja@mairie.fr")
        signup("deja@mairie.fr")
        signup("deja@mairie.fr")
        reset("deja@mairie.fr")
        assert len(mail.outbox) == 3

        reset("deja@mairie.fr")
        signup("deja@mairie.fr")

        assert len(mail.outbox) == 3

    def test_invalid_input_is_not_counted(self, signup):
        for _ in range(5):
            signup("pas-une-adresse")

        assert not RateLimitCounter.objects.exists()
