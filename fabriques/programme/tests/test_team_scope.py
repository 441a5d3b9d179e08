"""Roles held in an organisation for one Fabrique, and organisation-wide roles (administrators')."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from fabriques.accounts.models import Membership, MembershipRole
from fabriques.accounts.roles import grants_for
from fabriques.accounts.tests.factories import MembershipFactory, UserFactory
from fabriques.core.models import AuditEvent
from fabriques.programme.models import FabriqueOrganisation, FabriqueStatus, Role
from fabriques.programme.selectors import fabrique_team
from fabriques.programme.services import fabrique_organisation_add, fabrique_organisation_remove

from .factories import FabriqueOrganisationFactory
from .personas import Personas, build_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db: Any) -> Personas:
    return build_personas(status=FabriqueStatus.DESIGNED)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_scoped_role_counts_only_for_its_fabrique_and_while_the_organisation_plays_it(
    cast: Personas,
) -> None:
    a, b = cast.fabrique_a, cast.fabrique_b
    # Association A also partners B: partner_a holds the role for A only.
    FabriqueOrganisationFactory(fabrique=b, organisation=cast.partner_org_a, role=Role.PARTNER)
    grants = grants_for(cast.partner_a, refresh=True)
    assert grants.is_partner_of(a.pk) and not grants.sees(b.pk)
    # A consultant's role held for A does not count where the organisation is only a partner.
    FabriqueOrganisationFactory(fabrique=b, organisation=cast.provider_org_a, role=Role.PARTNER)
    assert not grants_for(cast.provider_a, refresh=True).sees(b.pk)
    # Once Association A no longer plays a part in A, the row alone gives nothing.
    FabriqueOrganisation.objects.filter(fabrique=a, organisation=cast.partner_org_a).delete()
    assert not grants_for(cast.partner_a, refresh=True).sees(a.pk)


def test_an_organisation_wide_role_counts_wherever_the_organisation_plays_it(
    cast: Personas,
) -> None:
    wide = UserFactory.create(username="wide@exemple.fr")
    MembershipFactory(
        user=wide, role=MembershipRole.PARTNER_MEMBER, organisation=cast.partner_org_a
    )
    FabriqueOrganisationFactory(
        fabrique=cast.fabrique_b, organisation=cast.partner_org_a, role=Role.PARTNER
    )
    grants = grants_for(wide)
    assert grants.is_partner_of(cast.fabrique_a.pk) and grants.is_partner_of(cast.fabrique_b.pk)


def test_grants_still_cost_two_queries_with_both_kinds(
    cast: Personas, django_assert_num_queries: Any
) -> None:
    MembershipFactory(
        user=cast.provider_a,
        role=MembershipRole.PARTNER_MEMBER,
        organisation=cast.partner_org_b,
    )
    with django_assert_num_queries(2):
        grants = grants_for(cast.provider_a, refresh=True)
    assert grants.is_provider_of(cast.fabrique_a.pk) and grants.is_partner_of(cast.fabrique_b.pk)


def test_one_person_may_hold_the_role_for_several_fabriques_but_once_for_each(
    cast: Personas,
) -> None:
    FabriqueOrganisationFactory(
        fabrique=cast.fabrique_b, organisation=cast.partner_org_a, role=Role.PARTNER
    )
    MembershipFactory(
        user=cast.partner_a,
        role=MembershipRole.PARTNER_MEMBER,
        organisation=cast.partner_org_a,
        fabrique=cast.fabrique_b,
    )
    MembershipFactory(
        user=cast.partner_a,
        role=MembershipRole.PARTNER_MEMBER,
        organisation=cast.partner_org_a,
    )
    assert grants_for(cast.partner_a, refresh=True).sees(cast.fabrique_b.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=cast.partner_a,
            role=MembershipRole.PARTNER_MEMBER,
            organisation=cast.partner_org_a,
            fabrique=cast.fabrique_b,
        )
    # A referent's role names a territory only.
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=cast.partner_a,
            role=MembershipRole.ELECTED_REFERENT,
            participation=cast.participation_a,
            fabrique=cast.fabrique_a,
        )


def test_the_team_shows_organisation_wide_roles_read_only_to_a_pilot(cast: Personas) -> None:
    wide = UserFactory.create(username="wide@exemple.fr")
    membership = MembershipFactory.create(
        user=wide, role=MembershipRole.PROVIDER_CONSULTANT, organisation=cast.provider_org_a
    )
    url = reverse("programme:fabrique_team", kwargs={"slug": "fabrique-a"})
    revoke = reverse(
        "programme:fabrique_team_revoke", kwargs={"slug": "fabrique-a", "pk": membership.pk}
    )
    pilot = _client(cast.pilot_a)
    response = pilot.get(url)
    assert membership.pk not in response.context["revocable"]
    assert cast.provider_a.memberships.get().pk in response.context["revocable"]
    assert "Pour toutes les Fabriques de l’organisation" in response.content.decode()
    assert pilot.post(revoke).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()
    # An administrator takes it back (from every Fabrique of the organisation).
    admin = _client(cast.admin)
    assert membership.pk in admin.get(url).context["revocable"]
    assert admin.post(revoke).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.get(action="fabrique.team_revoked").data["organisation_wide"]


def test_another_fabriques_role_in_a_shared_organisation_is_not_in_the_team(
    cast: Personas,
) -> None:
    FabriqueOrganisationFactory(
        fabrique=cast.fabrique_b, organisation=cast.partner_org_a, role=Role.PARTNER
    )
    team_b = set(fabrique_team(fabrique=cast.fabrique_b).values_list("user__username", flat=True))
    assert "partner_a@exemple.fr" not in team_b
    revoke = reverse(
        "programme:fabrique_team_revoke",
        kwargs={"slug": "fabrique-b", "pk": cast.partner_a.memberships.get().pk},
    )
    assert _client(cast.pilot_b).post(revoke).status_code == 404
    assert cast.partner_a.memberships.exists()


def test_removing_an_organisations_part_ends_the_roles_held_for_it(cast: Personas) -> None:
    a = cast.fabrique_a
    # Association A is also a co-funder: its members stay while it is one.
    cofunder = fabrique_organisation_add(
        fabrique=a, organisation=cast.partner_org_a, role=Role.COFUNDER, actor=cast.pilot_a
    )
    partner_role = FabriqueOrganisation.objects.get(
        fabrique=a, organisation=cast.partner_org_a, role=Role.ELECTED_ASSOCIATION
    )
    # A Fabrique in design keeps one elected officials' association: add another one first.
    FabriqueOrganisationFactory(fabrique=a, role=Role.ELECTED_ASSOCIATION)
    fabrique_organisation_remove(fabrique_organisation=partner_role, actor=cast.pilot_a)
    assert cast.partner_a.memberships.exists()
    fabrique_organisation_remove(fabrique_organisation=cofunder, actor=cast.pilot_a)
    assert not cast.partner_a.memberships.exists()
    event = AuditEvent.objects.get(action="fabrique.team_revoked")
    assert event.data == {
        "user": cast.partner_a.pk,
        "role": MembershipRole.PARTNER_MEMBER,
        "organisation": cast.partner_org_a.pk,
        "organisation_wide": False,
    }
    assert AuditEvent.objects.filter(action="membership.revoked").count() == 1
    # Replacing the provider ends its consultants' roles held for this Fabrique only.
    wide = UserFactory.create(username="wide@exemple.fr")
    MembershipFactory(
        user=wide, role=MembershipRole.PROVIDER_CONSULTANT, organisation=cast.provider_org_a
    )
    provider_role = FabriqueOrganisation.objects.get(fabrique=a, role=Role.PROVIDER)
    fabrique_organisation_remove(fabrique_organisation=provider_role, actor=cast.pilot_a)
    assert not cast.provider_a.memberships.exists()
    assert wide.memberships.exists()  # organisation-wide: an administrator's decision


def test_the_invitation_names_the_organisation_the_fabrique_and_who_gave_it(
    cast: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    pilot = _client(cast.pilot_a)
    with django_capture_on_commit_callbacks(execute=True):
        pilot.post(
            reverse("programme:fabrique_team", kwargs={"slug": "fabrique-a"}),
            {
                "email": cast.outsider.email,
                "role": MembershipRole.PARTNER_MEMBER,
                "organisation": cast.partner_org_a.pk,
            },
        )
    (message,) = mail.outbox
    assert "Association A, Fabrique A" in message.body
    assert f"Cet accès vous a été donné par {cast.pilot_a.display_name}" in message.body
    assert Membership.objects.get(user=cast.outsider).fabrique == cast.fabrique_a
