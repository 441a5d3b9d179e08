"""Every persona on a territory's group: those who run it see it, everyone else gets 404."""

import pytest
from django.test import Client
from django.urls import reverse

from fabriques.accounts.models import MembershipRole
from fabriques.accounts.tests.factories import MembershipFactory, UserFactory
from fabriques.programme.models import FabriqueOrganisation, Role
from fabriques.programme.tests.factories import FabriqueOrganisationFactory
from fabriques.programme.tests.personas import ROLE_NAMES
from fabriques.territories.tests.factories import ParticipationFactory
from fabriques.workinggroups import access

from .factories import MemberFactory

pytestmark = pytest.mark.django_db

RUN_A = {"admin", "pilot_a", "provider_a", "elected_a", "technical_a"}


def outcome(cast, persona: str, address: str) -> int | str:
    client = Client()
    user = cast.user(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(address)
    if response.status_code == 302:
        return "login" if "/compte/connexion/" in response["Location"] else "redirect"
    return response.status_code


def test_every_persona_on_group_a(cast):
    member = MemberFactory(
        working_group__participation=cast.participation_a, email="secret-a@exemple.fr"
    )
    slug, pk = cast.fabrique_a.slug, cast.participation_a.pk
    pages = [
        reverse("workinggroups:group", args=[slug, pk]),
        reverse("workinggroups:member_add", args=[slug, pk]),
        reverse("workinggroups:member_edit", args=[slug, pk, member.pk]),
        reverse("workinggroups:members_import", args=[slug, pk]),
        reverse("workinggroups:import_template", args=[slug, pk]),
    ]
    for persona in ROLE_NAMES:
        expected = 200 if persona in RUN_A else ("login" if persona == "anonymous" else 404)
        for address in pages:
            assert outcome(cast, persona, address) == expected, (persona, address)


def test_a_referent_of_another_territory_of_the_same_fabrique_gets_404(cast):
    other = ParticipationFactory(fabrique=cast.fabrique_a)
    referent = UserFactory.create()
    MembershipFactory(user=referent, role=MembershipRole.ELECTED_REFERENT, participation=other)
    assert access.may_see_group(referent, other)
    assert not access.may_see_group(referent, cast.participation_a)


def test_a_provider_sees_every_fabrique_it_provides_and_no_other(cast):
    # Provider A's consultant for A (scoped): not B, even once A's provider also provides B.
    assert access.may_manage_group(cast.provider_a, cast.participation_a)
    assert not access.may_manage_group(cast.provider_a, cast.participation_b)
    # One provider per Fabrique: A's provider takes over B.
    FabriqueOrganisation.objects.filter(fabrique=cast.fabrique_b, role=Role.PROVIDER).delete()
    FabriqueOrganisationFactory(
        fabrique=cast.fabrique_b, organisation=cast.provider_org_a, role=Role.PROVIDER
    )
    scoped = UserFactory.create()
    MembershipFactory(
        user=scoped,
        role=MembershipRole.PROVIDER_CONSULTANT,
        organisation=cast.provider_org_a,
        fabrique=cast.fabrique_a,
    )
    assert not access.may_manage_group(scoped, cast.participation_b)
    # An organisation-wide consultant (an administrator's grant) runs both Fabriques' groups.
    wide = UserFactory.create()
    MembershipFactory(
        user=wide, role=MembershipRole.PROVIDER_CONSULTANT, organisation=cast.provider_org_a
    )
    assert access.may_manage_group(wide, cast.participation_a)
    assert access.may_manage_group(wide, cast.participation_b)


def test_a_partner_of_the_fabrique_does_not_see_the_group(cast):
    assert not access.may_see_group(cast.partner_a, cast.participation_a)
    # Nor does a provider organisation's partner role elsewhere reach a group.
    FabriqueOrganisationFactory(
        fabrique=cast.fabrique_b, organisation=cast.provider_org_a, role=Role.PARTNER
    )
    assert not access.may_see_group(cast.provider_a, cast.participation_b)


def test_roles_combined_across_fabriques_do_not_leak(cast):
    person = UserFactory.create()
    MembershipFactory(user=person, role=MembershipRole.ANCT_PILOT, fabrique=cast.fabrique_a)
    MembershipFactory(
        user=person, role=MembershipRole.ELECTED_REFERENT, participation=cast.participation_b
    )
    other_b = ParticipationFactory(fabrique=cast.fabrique_b)
    assert access.may_see_group(person, cast.participation_a)
    assert access.may_see_group(person, cast.participation_b)
    assert not access.may_see_group(person, other_b)


def test_the_participation_must_belong_to_the_fabrique_in_the_address(cast):
    address = reverse("workinggroups:group", args=[cast.fabrique_b.slug, cast.participation_a.pk])
    assert outcome(cast, "admin", address) == 404
