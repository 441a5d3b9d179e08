"""The back office of people: roles (with history and audit) and read-only invitations."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fabriques.accounts.models import Membership, MembershipRole, User
from fabriques.accounts.tests.factories import InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = User.objects.create_superuser("agent", "agent@anct.gouv.fr", "motdepasse-solide-42")
    client.force_login(user)
    return user


def test_a_role_on_the_wrong_object_is_refused(client, staff):
    user = UserFactory.create()

    response = client.post(
        reverse("admin:accounts_membership_add"),
        {"user": user.pk, "role": MembershipRole.ANCT_PILOT, "mandate": ""},
    )

    assert response.status_code == 200
    assert not Membership.objects.exists()


def test_invitations_are_read_only_without_their_token(client, staff):
    invitation = InvitationFactory.create(email="invite@commune.fr")

    listing = client.get(reverse("admin:accounts_invitation_changelist")).content.decode()
    detail = client.get(
        reverse("admin:accounts_invitation_change", args=[invitation.pk])
    ).content.decode()

    assert "invite@commune.fr" in listing
    assert invitation.token_hash not in detail and "token_hash" not in detail
    assert 'name="expires_at"' not in detail
    assert client.get(reverse("admin:accounts_invitation_add")).status_code == 403
