"""A pilot cannot reach another Fabrique through an organisation's roles (security issue, point 1).

Each scenario is played as a pilot would play it, through the real pages with valid forms:
attach an organisation that plays a role in another Fabrique, invite oneself (or an account
with no role) as one of its people from the team page, then look at what the test client
reaches. A role given from a Fabrique's team page holds for that Fabrique only, and ends when
the organisation leaves it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fabriques.accounts.models import Membership, MembershipRole
from fabriques.accounts.tests.factories import UserFactory
from fabriques.calls.tests.factories import pdf_upload
from fabriques.deliverables.models import DeliverableStatus, DeliverableVersion
from fabriques.deliverables.tests.factories import (
    ContractFactory,
    DeliverableFactory,
    DeliverableVersionFactory,
)
from fabriques.programme.models import Fabrique, FabriqueOrganisation, FabriqueStatus, Role
from fabriques.programme.tests.factories import (
    FabriqueFactory,
    FabriqueOrganisationFactory,
    MilestoneFactory,
    OrganisationFactory,
)
from fabriques.programme.tests.personas import Personas, build_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db: Any) -> Personas:
    return build_personas(status=FabriqueStatus.RUNNING)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _attach(client: Client, slug: str, organisation: Any, role: str) -> None:
    """The organisation form of the Fabrique, as a pilot fills it in."""
    response = client.post(
        reverse("programme:fabrique_organisations", kwargs={"slug": slug}),
        {
            "role": role,
            "organisation": organisation.pk,
            "new_name": "",
            "new_acronym": "",
            "new_kind": "",
            "amount": "",
            "contact_name": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert FabriqueOrganisation.objects.filter(
        fabrique__slug=slug, organisation=organisation, role=role
    ).exists()


def _detach(client: Client, slug: str, organisation: Any) -> None:
    for role in FabriqueOrganisation.objects.filter(fabrique__slug=slug, organisation=organisation):
        response = client.post(
            reverse("programme:fabrique_organisation_remove", kwargs={"slug": slug, "pk": role.pk})
        )
        assert response.status_code == 302
    assert not FabriqueOrganisation.objects.filter(
        fabrique__slug=slug, organisation=organisation
    ).exists()


def _invite(client: Client, slug: str, email: str, role: str, organisation: Any) -> None:
    """The team page's invitation form, as a pilot fills it in."""
    response = client.post(
        reverse("programme:fabrique_team", kwargs={"slug": slug}),
        {
            "email": email,
            "first_name": "Prénom",
            "last_name": "Nom",
            "role": role,
            "organisation": organisation.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def _status(client: Client, name: str, **kwargs: Any) -> int:
    return client.get(reverse(name, kwargs=kwargs)).status_code


def test_a_pilot_attaching_another_fabriques_association_does_not_reach_it(
    cast: Personas,
) -> None:
    """Pilot A attaches B's elected officials' association to A and invites themselves."""
    b = cast.fabrique_b
    MilestoneFactory(fabrique=b, title="Séminaire secret de B")
    ContractFactory(fabrique=b, provider=cast.provider_org_b, reference="MARCHE-B-001")
    accepted_b = DeliverableFactory.create(fabrique=b, status=DeliverableStatus.ACCEPTED)
    DeliverableVersionFactory(deliverable=accepted_b)
    pilot = _client(cast.pilot_a)

    _attach(pilot, "fabrique-a", cast.partner_org_b, Role.ELECTED_ASSOCIATION)
    _invite(
        pilot, "fabrique-a", cast.pilot_a.email, MembershipRole.PARTNER_MEMBER, cast.partner_org_b
    )

    # The role holds for Fabrique A only.
    assert Membership.objects.filter(
        user=cast.pilot_a,
        role=MembershipRole.PARTNER_MEMBER,
        organisation=cast.partner_org_b,
        fabrique=cast.fabrique_a,
    ).exists()
    assert _status(pilot, "programme:fabrique_detail", slug="fabrique-b") == 404
    assert _status(pilot, "deliverables:fabrique_list", slug="fabrique-b") == 404
    assert _status(pilot, "deliverables:deliverable_detail", pk=accepted_b.pk) == 404
    workspace = pilot.get(reverse("workspace:home")).content.decode()
    assert "Fabrique B" not in workspace
    fabriques = pilot.get(reverse("programme:fabrique_list")).content.decode()
    assert "Séminaire secret de B" not in fabriques
    # Pilot A cannot take back the people of B's association either.
    revoke = reverse(
        "programme:fabrique_team_revoke",
        kwargs={"slug": "fabrique-a", "pk": cast.partner_b.memberships.get().pk},
    )
    assert pilot.post(revoke).status_code == 404
    assert cast.partner_b.memberships.exists()


def test_a_pilot_swapping_in_another_fabriques_provider_does_not_reach_it(
    cast: Personas,
) -> None:
    """Pilot B (Fabrique in design) swaps in A's provider and invites themselves as consultant."""
    cast.fabrique_b.status = FabriqueStatus.DESIGNED
    cast.fabrique_b.save(update_fields=["status"])
    deliverable_a = DeliverableFactory.create(
        fabrique=cast.fabrique_a, status=DeliverableStatus.SUBMITTED
    )
    DeliverableVersionFactory(deliverable=deliverable_a, submitted_by=cast.provider_a)
    consultant_a = cast.provider_a.memberships.get()
    pilot = _client(cast.pilot_b)

    _detach(pilot, "fabrique-b", cast.provider_org_b)
    _attach(pilot, "fabrique-b", cast.provider_org_a, Role.PROVIDER)
    _invite(
        pilot,
        "fabrique-b",
        cast.pilot_b.email,
        MembershipRole.PROVIDER_CONSULTANT,
        cast.provider_org_a,
    )

    assert _status(pilot, "deliverables:fabrique_list", slug="fabrique-a") == 404
    assert _status(pilot, "deliverables:deliverable_detail", pk=deliverable_a.pk) == 404
    dashboard = pilot.get(reverse("deliverables:dashboard")).content.decode()
    assert str(deliverable_a.title) not in dashboard
    versions = DeliverableVersion.objects.count()
    response = pilot.post(
        reverse("deliverables:deliverable_submit", kwargs={"pk": deliverable_a.pk}),
        {"file": pdf_upload("version.pdf"), "note": "Version de complaisance"},
    )
    assert response.status_code == 404
    assert DeliverableVersion.objects.count() == versions
    # A's real consultant is not part of B's team: B's pilot cannot revoke them.
    response = pilot.post(
        reverse(
            "programme:fabrique_team_revoke",
            kwargs={"slug": "fabrique-b", "pk": consultant_a.pk},
        )
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=consultant_a.pk).exists()
    team = pilot.get(reverse("programme:fabrique_team", kwargs={"slug": "fabrique-b"}))
    assert cast.provider_a.email not in team.content.decode()
    # The consultant role given from B's team page does hold for B.
    assert _status(pilot, "deliverables:fabrique_list", slug="fabrique-b") == 200


def test_an_account_invited_through_a_shared_organisation_reaches_nothing_else(
    cast: Personas,
) -> None:
    """A Fabrique in design shares an organisation with A; its invitee sees only their own."""
    draft = FabriqueFactory(
        slug="fabrique-en-conception",
        programme_year=cast.fabrique_a.programme_year,
        status=FabriqueStatus.DESIGNED,
    )
    assert isinstance(draft, Fabrique)
    shared = OrganisationFactory(slug="partenaire-commun", name="Partenaire commun")
    FabriqueOrganisationFactory(fabrique=draft, organisation=shared, role=Role.PARTNER)
    pilot_draft = UserFactory.create(username="pilot_draft@exemple.fr")
    Membership.objects.create(user=pilot_draft, role=MembershipRole.ANCT_PILOT, fabrique=draft)
    nobody = UserFactory.create(username="nobody@exemple.fr")
    pilot = _client(cast.pilot_a)

    # Pilot A attaches the design-stage Fabrique's partner and invites an account with no role.
    _attach(pilot, "fabrique-a", shared, Role.PARTNER)
    _invite(pilot, "fabrique-a", nobody.email, MembershipRole.PARTNER_MEMBER, shared)
    invitee = _client(nobody)
    assert _status(invitee, "programme:fabrique_detail", slug="fabrique-a") == 200
    assert _status(invitee, "programme:fabrique_detail", slug="fabrique-en-conception") == 404
    assert _status(invitee, "programme:fabrique_detail", slug="fabrique-b") == 404

    # The other way round: the design-stage Fabrique's pilot attaches A's partner.
    _attach(_client(pilot_draft), "fabrique-en-conception", cast.partner_org_a, Role.PARTNER)
    outsider = UserFactory.create(username="second@exemple.fr")
    _invite(
        _client(pilot_draft),
        "fabrique-en-conception",
        outsider.email,
        MembershipRole.PARTNER_MEMBER,
        cast.partner_org_a,
    )
    second = _client(outsider)
    assert _status(second, "programme:fabrique_detail", slug="fabrique-en-conception") == 200
    assert _status(second, "programme:fabrique_detail", slug="fabrique-a") == 404
    assert _status(second, "deliverables:fabrique_list", slug="fabrique-a") == 404


def test_detaching_the_organisation_ends_the_roles_given_for_it(cast: Personas) -> None:
    pilot = _client(cast.pilot_a)
    shared = OrganisationFactory(slug="partenaire-commun", name="Partenaire commun")
    nobody = UserFactory.create(username="nobody@exemple.fr")
    _attach(pilot, "fabrique-a", shared, Role.PARTNER)
    _invite(pilot, "fabrique-a", nobody.email, MembershipRole.PARTNER_MEMBER, shared)
    invitee = _client(nobody)
    assert _status(invitee, "programme:fabrique_detail", slug="fabrique-a") == 200

    _detach(pilot, "fabrique-a", shared)

    assert _status(invitee, "programme:fabrique_detail", slug="fabrique-a") == 404
    assert not Membership.objects.filter(user=nobody).exists()
    # Attaching the organisation again does not bring the role back.
    _attach(pilot, "fabrique-a", shared, Role.PARTNER)
    assert _status(invitee, "programme:fabrique_detail", slug="fabrique-a") == 404
