"""« Mon compte »: names, roles, second factor, data download and erasure (RGPD)."""

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
    InvitationFactory,
    MembershipFactory,
    TOTPDeviceFactory,
    UserFactory,
)
from fabriques.accounts.tests.personas import PASSWORD, build_personas
from fabriques.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PROFILE = "/compte/"


@pytest.fixture
def cast():
    return build_personas()


@pytest.fixture
def fake_source(monkeypatch):
    """Another app's personal data, registered like calls or deliverables do."""
    erased: list = []
    source = personal_data.PersonalDataSource(
        key="zz.notes",
        label="Notes de test",
        export=lambda user: [{"note": f"note de {user.email}"}],
        erase=lambda user: erased.append(user.pk) or 2,
    )
    monkeypatch.setitem(personal_data._SOURCES, source.key, source)
    return erased


class TestProfilePage:
    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(PROFILE)

        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next={PROFILE}"

    def test_shows_identity_and_links(self, client):
        user = UserFactory(username="alice@commune.fr", first_name="Alice", last_name="Martin")
        client.force_login(user)

        response = client.get(PROFILE)

        page = response.content.decode()
        assert response.status_code == 200
        assert page.count("<h1") == 1
        assert "alice@commune.fr" in page
        assert 'value="Alice"' in page and 'value="Martin"' in page
        assert reverse("accounts:totp_setup") in page
        assert reverse("accounts:data_export") in page
        assert reverse("accounts:erasure") in page
        assert "Vous n’avez encore aucun rôle" in page
        assert 'aria-current="page"' in page  # « Mon compte » is the current menu entry

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
        MembershipFactory(
            user=user, role=MembershipRole.PARTNER_MEMBER, organisation=cast.partner_org_b
        )
        client.force_login(user)

        # session, user, memberships with their objects, second factor device,
        # grants for the menu (memberships, organisations' Fabriques)
        with django_assert_num_queries(6):
            response = client.get(PROFILE)

        assert response.status_code == 200

    def test_names_can_be_changed_not_the_email(self, client):
        user = UserFactory(username="alice@commune.fr")
        client.force_login(user)

        response = client.post(
            PROFILE, {"first_name": " Alice ", "last_name": "Durand", "email": "pirate@exemple.fr"}
        )

        assert response.status_code == 302
        user.refresh_from_db()
        assert (user.first_name, user.last_name, user.email) == (
            "Alice",
            "Durand",
            "alice@commune.fr",
        )
        assert AuditEvent.objects.filter(action="user.updated", actor=user).exists()
        assert "Vos nom et prénom sont enregistrés." in client.get(PROFILE).content.decode()

    def test_empty_names_are_refused(self, client):
        user = UserFactory(username="alice@commune.fr", first_name="Alice")
        client.force_login(user)

        response = client.post(PROFILE, {"first_name": "", "last_name": "Durand"})

        assert response.status_code == 200
        assert "fr-input-group--error" in response.content.decode()
        user.refresh_from_db()
        assert user.first_name == "Alice"


class TestDataExport:
    def test_is_a_post_for_signed_in_people(self, client):
        assert client.post(reverse("accounts:data_export"))["Location"].startswith(
            reverse("accounts:login")
        )
        client.force_login(UserFactory())
        assert client.get(reverse("accounts:data_export")).status_code == 405

    def test_downloads_everything_kept_about_me(self, client, cast, fake_source):
        user = cast.user("elected_a")
        InvitationFactory(user=user)
        client.force_login(user)
        # Added once logged in, so that the session needs no code.
        TOTPDeviceFactory(user=user)

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
    def test_confirmation_page(self, client):
        client.force_login(UserFactory())

        page = client.get(reverse("accounts:erasure")).content.decode()

        assert "Cette action est définitive" in page
        assert "Rôles sur la plateforme" in page  # what will be erased, from the registry
        assert 'type="checkbox"' in page

    def test_anonymous_is_sent_to_login(self, client):
        assert client.post(reverse("accounts:erasure"), {"confirm": "on"})["Location"].startswith(
            reverse("accounts:login")
        )

    def test_without_confirmation_nothing_happens(self, client):
        user = UserFactory(username="alice@commune.fr")
        client.force_login(user)

        response = client.post(reverse("accounts:erasure"), {})

        assert response.status_code == 200
        assert "Cochez la case pour confirmer l’effacement." in response.content.decode()
        user.refresh_from_db()
        assert user.email == "alice@commune.fr" and user.is_active

    def test_erases_and_anonymises(self, client, cast, fake_source):
        user = cast.user("pilot_a")
        pk = user.pk
        InvitationFactory(user=user)
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
        TOTPDeviceFactory(user=user)

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

    def test_other_sessions_of_the_person_end(self, client):
        user = UserFactory(username="alice@commune.fr")
        other_browser = type(client)()
        other_browser.force_login(user)
        client.force_login(user)

        client.post(reverse("accounts:erasure"), {"confirm": "on"})

        assert other_browser.get(PROFILE).status_code == 302
