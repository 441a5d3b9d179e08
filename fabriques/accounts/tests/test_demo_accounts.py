"""Accounts of the demonstration (DEMO_EMAIL_DOMAIN) sign in only while DEBUG is on."""

import pytest

from fabriques.accounts.backends import DEMO_EMAIL_DOMAIN, EmailBackend
from fabriques.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_user():
    return UserFactory.create(username=f"pilote@{DEMO_EMAIL_DOMAIN}")


def test_with_debug_on_a_demo_account_signs_in_and_keeps_its_session(settings, demo_user):
    settings.DEBUG = True
    backend = EmailBackend()

    assert backend.authenticate(None, username=demo_user.email, password=PASSWORD) == demo_user
    assert backend.get_user(demo_user.pk) == demo_user


def test_with_debug_off_a_demo_account_is_refused_and_its_session_ends(settings, demo_user):
    settings.DEBUG = False
    backend = EmailBackend()

    assert backend.authenticate(None, username=demo_user.email.upper(), password=PASSWORD) is None
    assert backend.get_user(demo_user.pk) is None


@pytest.mark.parametrize(
    "email",
    ["agent@commune.fr", f"agent@not{DEMO_EMAIL_DOMAIN}", f"{DEMO_EMAIL_DOMAIN}@commune.fr"],
)
def test_with_debug_off_other_accounts_sign_in(settings, email):
    settings.DEBUG = False
    user = UserFactory.create(username=email)

    assert EmailBackend().authenticate(None, username=email, password=PASSWORD) == user
