"""Login lockouts beyond one address from one client: spraying and distributed guessing.

test_login.TestLockout covers the first kind (5 failures of one address from one client).
"""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.test import Client

from fabriques.accounts.models import User
from fabriques.accounts.tests.factories import PASSWORD, UserFactory
from fabriques.accounts.tests.test_login import LOGIN, logged_in

pytestmark = pytest.mark.django_db

SPRAYER = "198.51.100.66"


@pytest.fixture
def alice() -> User:
    return cast(User, UserFactory(username="alice@commune.fr"))


def login(client: Client, username: str, password: str = PASSWORD, *, ip: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def accounts(count: int) -> list[str]:
    return [cast(User, UserFactory(username=f"agent{i}@commune.fr")).username for i in range(count)]


def spray(client: Client, addresses: list[str], passwords: int) -> list[int]:
    """Each password in turn on every address, as a password sprayer does."""
    return [
        login(client, address, f"Motdepasse{p}!", ip=SPRAYER).status_code
        for p in range(passwords)
        for address in addresses
    ]


class TestOneClientOnManyAccounts:
    def test_four_passwords_on_ten_accounts_are_stopped_at_thirty(self, client, settings):
        statuses = spray(client, accounts(10), passwords=4)

        # Before: 40 answers (and as many more as wanted), 4 per account stays under 5.
        assert statuses[:29] == [200] * 29
        assert statuses[29:] == [429] * 11

    def test_the_client_is_refused_even_the_right_password_and_others_are_not(self, client):
        addresses = accounts(10)
        spray(client, addresses, passwords=3)

        locked = login(client, addresses[0], PASSWORD, ip=SPRAYER)

        assert locked.status_code == 429
        assert "bloquée après 30 essais infructueux" in locked.content.decode()
        assert login(Client(), addresses[0], ip="203.0.113.5").status_code == 302

    def test_logging_into_ones_own_account_does_not_wipe_the_clients_failures(self, client):
        own = cast(User, UserFactory(username="moi@commune.fr"))
        addresses = accounts(9)
        spray(client, addresses[:7], passwords=4)  # 28 failures

        assert login(client, own.username, ip=SPRAYER).status_code == 302
        client.logout()

        statuses = spray(client, addresses[7:], passwords=1)
        assert statuses == [200, 429]


class TestOneAccountFromManyClients:
    def test_twenty_failures_from_anywhere_lock_the_account(self, alice: User):
        statuses = [
            login(Client(), alice.username, "mauvais", ip=f"192.0.2.{i}").status_code
            for i in range(20)
        ]

        assert statuses == [200] * 19 + [429]
        locked = login(Client(), alice.username, ip="203.0.113.5")
        assert locked.status_code == 429
        assert "bloquée après 20 essais infructueux" in locked.content.decode()

    def test_the_cool_off_ends_the_lockout(self, alice: User, settings):
        for i in range(20):
            login(Client(), alice.username, "mauvais", ip=f"192.0.2.{i}")
        settings.AXES_COOLOFF_TIME = 0.0  # the cool-off is over (no failures within it)

        owner = Client()
        assert login(owner, alice.username, ip="203.0.113.5").status_code == 302
        assert logged_in(owner) == alice.pk
