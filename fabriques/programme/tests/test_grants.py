"""Grants (accounts.roles) computed from memberships on the programme's Fabriques, organisations and territories."""

import pytest

from fabriques.accounts.roles import ANONYMOUS, grants_for

from .personas import build_personas


@pytest.fixture
def cast(db):
    return build_personas()


def test_each_role_sees_exactly_its_fabrique(cast, django_assert_num_queries):
    a, b = cast.fabrique_a.pk, cast.fabrique_b.pk
    expected_sees = {
        "admin": {a, b},
        "pilot_a": {a},
        "partner_a": {a},
        "provider_a": {a},
        "elected_a": {a},
        "technical_a": {a},
        "pilot_b": {b},
        "applicant": set(),
        "outsider": set(),
    }
    for name, fabriques in expected_sees.items():
        grants = grants_for(cast.user(name))
        assert {f for f in (a, b) if grants.sees(f)} == fabriques, name
    assert {f for f in (a, b) if grants_for(cast.pilot_a).manages(f)} == {a}
    assert not grants_for(cast.provider_a).manages(a)
    assert not grants_for(cast.partner_a).is_provider_of(a)
    assert grants_for(cast.provider_a).is_provider_of(a)
    assert grants_for(None) is ANONYMOUS


def test_grants_cost_at_most_two_queries_and_are_cached(cast, django_assert_num_queries):
    from fabriques.accounts.models import User

    user = User.objects.get(pk=cast.provider_a.pk)
    with django_assert_num_queries(2):  # memberships; the organisations' roles in Fabriques
        grants_for(user)
    with django_assert_num_queries(0):
        grants_for(user)


def test_inactive_user_has_no_grant(cast):
    cast.admin.is_active = False
    assert not grants_for(cast.admin, refresh=True).is_admin
