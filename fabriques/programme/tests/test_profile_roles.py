"""« Mon compte » for people with roles on Fabriques, organisations and territories.

The page, the export and the erasure live in accounts; these tests need the programme's cast
of personas, so they sit at the programme's layer.
"""

from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from fabriques.accounts import personal_data
from fabriques.accounts.models import Invitation, Membership, MembershipRole, User
from fabriques.accounts.services import ERASED_NAME, membership_grant
from fabriques.accounts.tests.factories import (
    PASSWORD,
    InvitationFactory,
    MembershipFactory,
    TOTPDeviceFactory,
)
from fabriques.core.models import AuditEvent
from fabriques.programme.tests.personas import build_personas

pytestmark = pytest.mark.django_db

PROFILE = "/compte/"


@pytest.fixture
def cast():
    return build_personas()


class TestProfilePage:
    @pytest.mark.parametrize(
        ("persona", "expected"),
        [
            ("admin", ["Administrateur ANCT", "Tout le programme"]),
            ("pilot_a", ["Pilote ANCT", "Fabrique A"]),
            ("provider_a", ["Consultant du prestataire", "Prestataire A"]),
            ("partner_a", ["Membre d&#x27;une organisation partenaire", "Association A"]),
            ("elected_a", ["Élu référent", "(Fabrique A)"]),
        ],
    )
    def test_lists_my_roles_with_their_object(self, client, cast, persona, expected):
        client.force_login(cast.user(persona))

        page = client.get(PROFILE).content.decode()

        assert "<caption>Mes rôles sur la plateforme</caption>" in page
        for text in expected:
            assert text in page
        assert "Fabrique B" not in page

    def test_query_budget(self, client, cast, django_assert_num_queries):
        user = cast.user("elected_a")
        MembershipFactory.create(
            user=user, role=MembershipRole.PARTNER_MEMBER, organisation=cast.partner_org_b
        )
        client.force_login(user)

        # session, user, memberships with their objects, second factor device, the live
        # sign-in link, grants for the menu (memberships, organisations' Fabriques)
        with django_assert_num_queries(7):
            response = client.get(PROFILE)

        assert response.status_code == 200


class TestDataExport:
    def test_downloads_everything_kept_about_me(self, client, cast, fake_source):
        user = cast.user("elected_a")
        InvitationFactory.create(user=user)
        client.force_login(user)
        # Added once logged in, so that the session needs no code.
        TOTPDeviceFactory.create(user=user)

        response = client.post(reverse("accounts:data_export"))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response["Content-Disposition"].startswith(
            'attachment; filename="fabriques-mes-donnees-'
        )
        data = json.loads(response.content)
        assert data["account"]["email"] == "elected_a@exemple.fr"
        assert data["account"]["has_password"] is True
        assert set(data["sources"]) == {source.key for source in personal_data.sources()}
        (membership,) = data["sources"]["accounts.memberships"]["rows"]
        assert membership["role"] == MembershipRole.ELECTED_REFERENT
        assert membership["participation"] == cast.participation_a.label
        assert data["sources"]["accounts.memberships"]["label"] == "Rôles sur la plateforme"
        assert len(data["sources"]["accounts.invitations"]["rows"]) == 1
        (created,) = data["sources"]["accounts.role_history"]["rows"]
        assert (created["change"], created["role"]) == ("created", MembershipRole.ELECTED_REFERENT)
        (device,) = data["sources"]["accounts.second_factor"]["rows"]
        assert device["confirmed"] is True and "key" not in device
        assert data["sources"]["zz.notes"]["rows"] == [{"note": "note de elected_a@exemple.fr"}]
        assert AuditEvent.objects.filter(action="user.data_exported", actor=user).exists()


class TestErasure:
    def test_erases_and_anonymises(self, client, cast, fake_source):
        user = cast.user("pilot_a")
        pk = user.pk
        InvitationFactory.create(user=user)
        # Something the person did, recorded in the audit trail.
        membership_grant(
            user=cast.user("outsider"),
            role=MembershipRole.ANCT_PILOT,
            fabrique=cast.fabrique_a,
            actor=user,
        )
        # Something done to the person: its summary names them.
        membership_grant(
            user=user,
            role=MembershipRole.PARTNER_MEMBER,
            organisation=cast.partner_org_a,
            actor=cast.user("admin"),
            mandate="Chargée de mission Territoires",
        )
        assert AuditEvent.objects.filter(summary__icontains="pilot_a@exemple.fr").exists()
        AccessAttempt.objects.create(
            username="pilot_a@exemple.fr", ip_address="127.0.0.1", failures_since_start=1
        )
        client.force_login(user)
        TOTPDeviceFactory.create(user=user)

        response = client.post(reverse("accounts:erasure"), {"confirm": "on"})

        assert response.status_code == 302 and response["Location"] == reverse(
            "accounts:erasure_done"
        )
        assert "_auth_user_id" not in client.session
        user = User.objects.get(pk=pk)
        assert user.username == f"supprime-{pk}"
        assert user.display_name == ERASED_NAME
        assert user.email == "" and user.last_name == ""
        assert not user.is_active and not user.has_usable_password()
        assert not Membership.objects.filter(user_id=pk).exists()
        assert not Invitation.objects.filter(user_id=pk).exists()
        assert not TOTPDevice.objects.filter(user_id=pk).exists()
        assert not AccessAttempt.objects.filter(username="pilot_a@exemple.fr").exists()
        # The role history stays for the audit, without the person's mandate.
        assert Membership.history.filter(user_id=pk).exists()
        assert not Membership.history.filter(user_id=pk).exclude(mandate="").exists()
        assert fake_source == [pk]
        # The audit trail keeps what was done, by a row that no longer names anyone.
        granted = AuditEvent.objects.get(action="membership.granted", actor_id=pk)
        assert granted.actor is not None
        assert granted.actor.display_name == ERASED_NAME
        erased = AuditEvent.objects.get(action="user.erased")
        assert erased.actor_id == pk and erased.object_id == str(pk)
        assert erased.data["erased"]["accounts.memberships"] == 2
        assert erased.data["erased"]["zz.notes"] == 2
        assert "pilot_a" not in erased.summary
        # Summaries written for people no longer name them; others' summaries are intact.
        assert not AuditEvent.objects.filter(summary__icontains="pilot_a@exemple.fr").exists()
        assert AuditEvent.objects.filter(summary__icontains="outsider@exemple.fr").exists()
        # The done page, and no way back in.
        assert "Votre compte a été effacé" in client.get(response["Location"]).content.decode()
        client.post(
            reverse("accounts:login"), {"username": "pilot_a@exemple.fr", "password": PASSWORD}
        )
        assert "_auth_user_id" not in client.session
