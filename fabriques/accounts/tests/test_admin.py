"""The back office of people: roles (with history and audit) and read-only invitations."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fabriques.accounts.models import Membership, MembershipRole, User
from fabriques.accounts.tests.factories import InvitationFactory, MembershipFactory, UserFactory
from fabriques.core.models import AuditEvent
from fabriques.programme.tests.factories import FabriqueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = User.objects.create_superuser("agent", "agent@anct.gouv.fr", "motdepasse-solide-42")
    client.force_login(user)
    return user


def test_memberships_list_filter_and_search(client, staff):
    fabrique = FabriqueFactory(title="Fabrique des mobilités")
    MembershipFactory(
        user=UserFactory(username="pilote@anct.gouv.fr"),
        role=MembershipRole.ANCT_PILOT,
        fabrique=fabrique,
    )
    MembershipFactory(
        user=UserFactory(username="admin@anct.gouv.fr"), role=MembershipRole.ANCT_ADMIN
    )
    url = reverse("admin:accounts_membership_changelist")

    assert "pilote@anct.gouv.fr" in client.get(url).content.decode()
    filtered = client.get(url, {"role__exact": "anct_admin"}).content.decode()
    assert "admin@anct.gouv.fr" in filtered and "pilote@anct.gouv.fr" not in filtered
    searched = client.get(url, {"q": "mobilités"}).content.decode()
    assert "pilote@anct.gouv.fr" in searched and "admin@anct.gouv.fr" not in searched


def test_granting_and_revoking_in_the_admin_is_audited_with_history(client, staff):
    user = UserFactory(username="pilote@anct.gouv.fr")
    fabrique = FabriqueFactory()

    response = client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": user.pk,
            "role": MembershipRole.ANCT_PILOT,
            "fabrique": fabrique.pk,
            "mandate": "",
        },
    )

    assert response.status_code == 302, response.content.decode()
    membership = Membership.objects.get(user=user)
    assert membership.granted_by == staff
    assert AuditEvent.objects.get(action="membership.granted").actor == staff
    history = client.get(reverse("admin:accounts_membership_history", args=[membership.pk]))
    assert history.status_code == 200

    client.post(reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"})

    assert not Membership.objects.exists()
    assert AuditEvent.objects.get(action="membership.revoked").actor == staff


def test_a_role_on_the_wrong_object_is_refused(client, staff):
    user = UserFactory()

    response = client.post(
        reverse("admin:accounts_membership_add"),
        {"user": user.pk, "role": MembershipRole.ANCT_PILOT, "mandate": ""},
    )

    assert response.status_code == 200
    assert not Membership.objects.exists()


def test_invitations_are_read_only_without_their_token(client, staff):
    invitation = InvitationFactory(email="invite@commune.fr")

    listing = client.get(reverse("admin:accounts_invitation_changelist")).content.decode()
    detail = client.get(
        reverse("admin:accounts_invitation_change", args=[invitation.pk])
    ).content.decode()

    assert "invite@commune.fr" in listing
    assert invitation.token_hash not in detail and "token_hash" not in detail
    assert 'name="expires_at"' not in detail
    assert client.get(reverse("admin:accounts_invitation_add")).status_code == 403
