"""Access to programme years, Fabriques, their organisations and team: 404, 403 or the object."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from fabriques.accounts.models import MembershipRole
from fabriques.accounts.tests.factories import MembershipFactory, UserFactory
from fabriques.programme.access import (
    get_fabrique_for_user,
    get_fabrique_organisation_for_user,
    get_team_membership_for_user,
    get_year_for_user,
    require_admin,
    team_roles_for_user,
)
from fabriques.programme.models import FabriqueOrganisation, Role
from fabriques.programme.tests.personas import build_personas


@pytest.fixture
def cast(db):
    return build_personas()


def outcome(call):
    try:
        call()
    except Http404:
        return 404
    except PermissionDenied:
        return 403
    return 200


# What each persona gets on Fabrique A: (view, manage).
FABRIQUE_A = {
    "admin": (200, 200),
    "pilot_a": (200, 200),
    "pilot_b": (404, 404),
    "partner_a": (200, 403),
    "provider_a": (200, 403),
    "elected_a": (200, 403),
    "technical_a": (200, 403),
    "partner_b": (404, 404),
    "provider_b": (404, 404),
    "elected_b": (404, 404),
    "applicant": (404, 404),
    "outsider": (404, 404),
    "anonymous": (404, 404),
}


def test_fabrique_access_for_each_persona(cast):
    for name, expected in FABRIQUE_A.items():
        user = cast.user(name)
        got = tuple(
            outcome(
                lambda user=user, action=action: get_fabrique_for_user(
                    user, "fabrique-a", action=action
                )
            )
            for action in ("view", "manage")
        )
        assert got == expected, name


def test_an_unknown_fabrique_is_404_even_for_the_admin(cast):
    with pytest.raises(Http404):
        get_fabrique_for_user(cast.admin, "inconnue")


def test_admin_pages_are_403_for_everyone_but_the_administrator(cast):
    expected = dict.fromkeys(FABRIQUE_A, 403)
    expected |= {"admin": 200, "pilot_a": 403, "pilot_b": 403}
    for name, status in expected.items():
        assert outcome(lambda name=name: require_admin(cast.user(name))) == status, name
        assert outcome(lambda name=name: get_year_for_user(cast.user(name), 2026)) == status, name


def test_an_unknown_year_is_404_for_the_admin(cast):
    assert get_year_for_user(cast.admin, 2026).year == 2026
    with pytest.raises(Http404):
        get_year_for_user(cast.admin, 2031)


def test_an_organisation_role_is_found_only_through_its_own_fabrique(cast):
    role_b = FabriqueOrganisation.objects.get(fabrique=cast.fabrique_b, role=Role.PROVIDER)
    role_a = FabriqueOrganisation.objects.get(fabrique=cast.fabrique_a, role=Role.PROVIDER)
    assert get_fabrique_organisation_for_user(cast.pilot_a, "fabrique-a", role_a.pk) == role_a
    with pytest.raises(Http404):
        get_fabrique_organisation_for_user(cast.pilot_a, "fabrique-a", role_b.pk)
    with pytest.raises(Http404):  # pilot_b does not see A at all
        get_fabrique_organisation_for_user(cast.pilot_b, "fabrique-a", role_a.pk)
    with pytest.raises(PermissionDenied):
        get_fabrique_organisation_for_user(cast.provider_a, "fabrique-a", role_a.pk)


def test_only_the_admin_appoints_pilots(cast):
    assert team_roles_for_user(cast.admin, cast.fabrique_a) == [
        MembershipRole.ANCT_PILOT,
        MembershipRole.PARTNER_MEMBER,
        MembershipRole.PROVIDER_CONSULTANT,
    ]
    assert team_roles_for_user(cast.pilot_a, cast.fabrique_a) == [
        MembershipRole.PARTNER_MEMBER,
        MembershipRole.PROVIDER_CONSULTANT,
    ]
    assert team_roles_for_user(cast.provider_a, cast.fabrique_a) == []


def test_team_memberships_that_a_pilot_may_take_back(cast):
    consultant = cast.provider_a.memberships.get()
    fabrique, membership = get_team_membership_for_user(cast.pilot_a, "fabrique-a", consultant.pk)
    assert (fabrique, membership) == (cast.fabrique_a, consultant)
    # Another pilot of A: only the admin removes pilots.
    co_pilot = MembershipFactory.create(
        user=UserFactory.create(), role=MembershipRole.ANCT_PILOT, fabrique=cast.fabrique_a
    )
    with pytest.raises(PermissionDenied):
        get_team_membership_for_user(cast.pilot_a, "fabrique-a", co_pilot.pk)
    assert get_team_membership_for_user(cast.admin, "fabrique-a", co_pilot.pk)[1] == co_pilot
    # Referents come with the selection of their territory, not from the team page.
    with pytest.raises(PermissionDenied):
        get_team_membership_for_user(cast.admin, "fabrique-a", cast.elected_a.memberships.get().pk)
    # A membership of Fabrique B's team is not part of A's.
    with pytest.raises(Http404):
        get_team_membership_for_user(cast.admin, "fabrique-a", cast.provider_b.memberships.get().pk)
    with pytest.raises(PermissionDenied):
        get_team_membership_for_user(cast.partner_a, "fabrique-a", consultant.pk)
