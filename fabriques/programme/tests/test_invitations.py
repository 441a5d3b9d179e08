"""Invitation links to a role on a Fabrique: the page, the e-mail, the service."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fabriques.accounts import services
from fabriques.accounts.models import Invitation, MembershipRole, User
from fabriques.accounts.tests.factories import UserFactory
from fabriques.accounts.tests.mail import GOOD_PASSWORD, accept, html_body, link_in, path_of
from fabriques.core.models import AuditEvent
from fabriques.programme.tests.factories import FabriqueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(django_capture_on_commit_callbacks):
    """A pilot invited by an administrator, and the link from their e-mail."""
    admin = UserFactory.create(username="chef@anct.gouv.fr", first_name="Claire", last_name="Chef")
    fabrique = FabriqueFactory.create(title="Fabrique des mobilités")
    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_invite(
            email="Pilote@ANCT.gouv.fr",
            first_name="Paul",
            last_name="Pilote",
            invited_by=admin,
            role=MembershipRole.ANCT_PILOT,
            fabrique=fabrique,
        )
    (message,) = mail.outbox
    link = link_in(message.body, "/compte/invitation/")
    assert link == link_in(html_body(message), "/compte/invitation/")
    return user, path_of(link)


class TestInvitationPage:
    def test_shows_who_is_invited_and_their_role(self, client, invited):
        _user, path = invited

        response = client.get(path)

        page = response.content.decode()
        assert response.status_code == 200
        assert "Bienvenue, Paul Pilote." in page
        assert "pilote@anct.gouv.fr" in page
        assert "Claire Chef" in page
        assert "Pilote ANCT — Fabrique des mobilités" in page
        assert '<label class="fr-label" for="id_new_password1">Nouveau mot de passe' in page
        assert '<label class="fr-label" for="id_new_password2">Confirmez le mot de passe' in page

    def test_accepting_sets_the_password_logs_in_and_opens_the_workspace(self, client, invited):
        user, path = invited

        response = accept(client, path)

        assert response.status_code == 302 and response["Location"] == reverse("workspace:home")
        assert int(client.session["_auth_user_id"]) == user.pk
        user.refresh_from_db()
        assert user.check_password(GOOD_PASSWORD)
        invitation = Invitation.objects.get(user=user)
        assert invitation.accepted_at is not None
        event = AuditEvent.objects.get(action="invitation.accepted")
        assert event.actor == user and event.object_id == str(invitation.pk)
        # The new password works on the login page.
        client.logout()
        client.post(
            reverse("accounts:login"),
            {"username": "pilote@anct.gouv.fr", "password": GOOD_PASSWORD},
        )
        assert int(client.session["_auth_user_id"]) == user.pk

    def test_a_link_serves_once(self, client, invited):
        _user, path = invited
        accept(client, path)
        client.logout()

        response = accept(client, path, "un-autre-mot-de-passe-solide")

        assert response.status_code == 410
        assert "Ce lien a déjà servi" in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert client.get(path).status_code == 410

    def test_weak_password_is_refused_and_changes_nothing(self, client, invited):
        user, path = invited

        response = accept(client, path, "12345678")

        page = response.content.decode()
        assert response.status_code == 200
        assert "fr-input-group--error" in page
        assert 'aria-invalid="true"' in page
        assert "Ce mot de passe est trop court" in page
        assert "Ce mot de passe est entièrement numérique" in page
        user.refresh_from_db()
        assert not user.has_usable_password()
        assert Invitation.objects.get(user=user).accepted_at is None
        assert "_auth_user_id" not in client.session

    def test_password_too_close_to_the_address_is_refused(self, client, invited):
        _user, path = invited

        response = accept(client, path, "pilote@anct.gouv.fr")

        assert "trop semblable" in response.content.decode()

    def test_mismatched_passwords_are_refused(self, client, invited):
        user, path = invited

        response = accept(client, path, GOOD_PASSWORD, GOOD_PASSWORD + "x")

        assert "Les deux mots de passe ne sont pas identiques." in response.content.decode()
        user.refresh_from_db()
        assert not user.has_usable_password()

    def test_expired_link_explains_what_to_do(self, client, invited):
        user, path = invited
        Invitation.objects.filter(user=user).update(
            expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )

        for response in (client.get(path), accept(client, path)):
            page = response.content.decode()
            assert response.status_code == 410
            assert "Ce lien a expiré" in page
            assert reverse("accounts:password_reset") in page
        user.refresh_from_db()
        assert not user.has_usable_password()

    def test_unknown_link_is_a_404_with_advice(self, client):
        response = client.get(reverse("accounts:invitation_accept", args=["nimporte-quoi"]))

        assert response.status_code == 404
        assert "Ce lien n’est pas valide" in response.content.decode()

    def test_link_of_a_deactivated_account_is_refused(self, client, invited):
        user, path = invited
        User.objects.filter(pk=user.pk).update(is_active=False)

        response = accept(client, path)

        assert response.status_code == 410
        assert "Ce compte est désactivé" in response.content.decode()

    def test_a_newer_link_replaces_the_older_one(
        self, client, invited, django_capture_on_commit_callbacks
    ):
        user, old_path = invited
        with django_capture_on_commit_callbacks(execute=True):
            services.user_invite(email=user.email)
        new_path = path_of(link_in(mail.outbox[-1].body, "/compte/invitation/"))

        assert client.get(old_path).status_code == 410
        assert client.get(new_path).status_code == 200


class TestInvitationService:
    def test_refuses_a_used_token(self, invited):
        user, path = invited
        token = path.rstrip("/").rsplit("/", 1)[1]
        services.invitation_accept(token=token, password=GOOD_PASSWORD)

        with pytest.raises(ValidationError) as error:
            services.invitation_accept(token=token, password="encore-un-autre-mot-de-passe")

        assert error.value.code == "used"
        user.refresh_from_db()
        assert user.check_password(GOOD_PASSWORD)

    def test_refuses_a_weak_password(self, invited):
        user, path = invited
        token = path.rstrip("/").rsplit("/", 1)[1]

        with pytest.raises(ValidationError):
            services.invitation_accept(token=token, password="court")

        assert Invitation.objects.get(user=user).accepted_at is None


class TestSignup:
    def test_invited_person_whose_link_expired_gets_a_new_one(
        self, client, invited, django_capture_on_commit_callbacks
    ):
        user, old_path = invited
        Invitation.objects.filter(user=user).update(expires_at=timezone.now())
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("accounts:signup"),
                {"email": user.email, "first_name": "Paul", "last_name": "Pilote"},
            )

        (message,) = mail.outbox
        assert message.subject == "Fabriques Prospectives : créez votre mot de passe"
        assert client.get(old_path).status_code == 410
        assert client.get(path_of(link_in(message.body, "/compte/invitation/"))).status_code == 200


class TestPasswordReset:
    def test_person_whose_invitation_expired_can_choose_a_password(
        self, client, invited, django_capture_on_commit_callbacks
    ):
        user, _path = invited
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:password_reset"), {"email": user.email})

        (message,) = mail.outbox
        assert message.to == [user.email]
