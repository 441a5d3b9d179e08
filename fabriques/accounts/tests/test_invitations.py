"""Invitation links, self sign-up and password reset: pages, e-mails and bad inputs."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fabriques.accounts import services
from fabriques.accounts.models import Invitation, InvitationPurpose, MembershipRole, User
from fabriques.accounts.tests.factories import UserFactory
from fabriques.core.models import AuditEvent
from fabriques.programme.tests.factories import FabriqueFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "une-phrase-de-passe-solide-42"


def link_in(text: str, path_prefix: str) -> str:
    match = re.search(rf"(https?://[^\s\"<]*{re.escape(path_prefix)}[^\s\"<]*)", text)
    assert match, f"no link to {path_prefix} in {text!r}"
    return match.group(1)


def html_body(message) -> str:
    return message.alternatives[0][0]


def path_of(url: str) -> str:
    return urlparse(url).path


@pytest.fixture
def invited(django_capture_on_commit_callbacks):
    """A pilot invited by an administrator, and the link from their e-mail."""
    admin = UserFactory(username="chef@anct.gouv.fr", first_name="Claire", last_name="Chef")
    fabrique = FabriqueFactory(title="Fabrique des mobilités")
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


def accept(client, path: str, password1: str = GOOD_PASSWORD, password2: str | None = None):
    return client.post(
        path,
        {
            "new_password1": password1,
            "new_password2": password1 if password2 is None else password2,
        },
    )


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
    def test_page(self, client):
        response = client.get(reverse("accounts:signup"))

        page = response.content.decode()
        assert response.status_code == 200
        for field in ("email", "first_name", "last_name"):
            assert f'for="id_{field}"' in page
        assert reverse("public:privacy") in page

    def test_new_address_gets_an_account_and_a_single_use_link(
        self, client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:signup"),
                {"email": "Agent@Mairie-Exemple.fr", "first_name": "Anne", "last_name": "Agent"},
            )

        assert response.status_code == 302 and response["Location"] == reverse(
            "accounts:signup_done"
        )
        user = User.objects.get(email="agent@mairie-exemple.fr")
        assert (user.first_name, user.last_name) == ("Anne", "Agent")
        assert not user.has_usable_password()
        assert Invitation.objects.get(user=user).purpose == InvitationPurpose.SIGNUP
        (message,) = mail.outbox
        assert message.to == ["agent@mairie-exemple.fr"]
        assert message.subject == "Fabriques Prospectives : créez votre mot de passe"
        link = link_in(message.body, "/compte/invitation/")
        assert link == link_in(html_body(message), "/compte/invitation/")
        assert "valable 14 jours" in message.body

        # The link opens the same page as an invitation, and logs the agent in.
        assert accept(client, path_of(link)).status_code == 302
        assert int(client.session["_auth_user_id"]) == user.pk

    def test_signing_up_does_not_cancel_a_pending_invitation(
        self, client, django_capture_on_commit_callbacks
    ):
        from fabriques.accounts.services import user_invite_with_link

        with django_capture_on_commit_callbacks(execute=True):
            _user, link = user_invite_with_link(email="invitee@mairie.fr")
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:signup"),
                {"email": "invitee@mairie.fr", "first_name": "X", "last_name": "Y"},
            )
        # Same answer as for anyone, no new link, and ANCT's link still works.
        assert response.status_code == 302
        assert mail.outbox == []
        assert accept(client, path_of(link)).status_code == 302

    def test_existing_account_gets_a_reminder_and_the_same_answer(
        self, client, django_capture_on_commit_callbacks
    ):
        existing = UserFactory(username="deja@mairie.fr")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:signup"),
                {"email": "DEJA@mairie.fr", "first_name": "Autre", "last_name": "Nom"},
            )

        assert response["Location"] == reverse("accounts:signup_done")
        assert User.objects.filter(email__iexact="deja@mairie.fr").count() == 1
        existing.refresh_from_db()
        assert existing.first_name != "Autre"
        assert not Invitation.objects.filter(user=existing).exists()
        (message,) = mail.outbox
        assert message.subject == "Fabriques Prospectives : vous avez déjà un compte"
        reset = link_in(message.body, "/compte/mot-de-passe/")
        assert reset == link_in(html_body(message), "/compte/mot-de-passe/")
        # The reset link in the reminder works.
        page = client.get(path_of(reset), follow=True)
        assert "Choisissez un nouveau mot de passe" in page.content.decode()

    def test_the_done_page_says_the_same_thing_either_way(self, client):
        page = client.get(reverse("accounts:signup_done")).content.decode()

        assert "Si l’adresse indiquée est valide" in page
        assert "Si vous aviez déjà un compte" in page

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

    def test_address_with_an_apostrophe_gets_an_account(
        self, client, django_capture_on_commit_callbacks
    ):
        # Valid in an address, refused by Django in a username: this once gave a 500.
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:signup"),
                {"email": "jeanne.d'arc@mairie.fr", "first_name": "Jeanne", "last_name": "Arc"},
            )

        assert response["Location"] == reverse("accounts:signup_done")
        assert User.objects.filter(email="jeanne.d'arc@mairie.fr").exists()
        (message,) = mail.outbox
        assert message.to == ["jeanne.d'arc@mairie.fr"]

    def test_address_whose_username_is_taken_gets_an_account(
        self, client, django_capture_on_commit_callbacks
    ):
        # An account created for this address, which has since changed its own.
        UserFactory(username="ancienne@mairie.fr", email="nouvelle@mairie.fr")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("accounts:signup"),
                {"email": "ancienne@mairie.fr", "first_name": "A", "last_name": "B"},
            )

        assert User.objects.filter(email="ancienne@mairie.fr").exists()
        (message,) = mail.outbox
        assert message.to == ["ancienne@mairie.fr"]

    def test_deactivated_account_gets_nothing(self, client, django_capture_on_commit_callbacks):
        UserFactory(username="parti@mairie.fr", is_active=False)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:signup"),
                {"email": "parti@mairie.fr", "first_name": "P", "last_name": "Q"},
            )

        assert response["Location"] == reverse("accounts:signup_done")
        assert mail.outbox == []

    def test_invalid_input_is_refused_and_creates_nothing(
        self, client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:signup"),
                {"email": "pas-une-adresse", "first_name": "", "last_name": "N"},
            )

        page = response.content.decode()
        assert response.status_code == 200
        assert "Saisissez une adresse e-mail valide." in page
        assert "Ce champ est obligatoire." in page
        assert User.objects.count() == 0
        assert mail.outbox == []


class TestPasswordReset:
    def test_pages_render(self, client):
        for name in ("password_reset", "password_reset_done", "password_reset_complete"):
            response = client.get(reverse(f"accounts:{name}"))
            assert response.status_code == 200
            assert response.content.decode().count("<h1") == 1

    def test_reset_email_and_new_password(self, client, django_capture_on_commit_callbacks):
        user = UserFactory(username="oubli@commune.fr")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:password_reset"), {"email": "Oubli@Commune.fr"}
            )

        assert response["Location"] == reverse("accounts:password_reset_done")
        (message,) = mail.outbox
        assert message.to == ["oubli@commune.fr"]
        assert message.subject == "Fabriques Prospectives : choisir un nouveau mot de passe"
        link = link_in(message.body, "/compte/mot-de-passe/")
        assert link == link_in(html_body(message), "/compte/mot-de-passe/")
        assert "valable 24 heures" in message.body

        form_page = client.get(path_of(link), follow=True)
        assert "Choisissez un nouveau mot de passe" in form_page.content.decode()
        set_url = form_page.redirect_chain[-1][0]
        weak = client.post(set_url, {"new_password1": "azerty", "new_password2": "azerty"})
        assert "Ce mot de passe est trop court" in weak.content.decode()
        done = client.post(
            set_url, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}
        )
        assert done["Location"] == reverse("accounts:password_reset_complete")
        user.refresh_from_db()
        assert user.check_password(GOOD_PASSWORD)
        # The link is used up.
        again = client.get(path_of(link), follow=True)
        assert "Ce lien n’est plus valable" in again.content.decode()

    def test_person_whose_invitation_expired_can_choose_a_password(
        self, client, invited, django_capture_on_commit_callbacks
    ):
        user, _path = invited
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:password_reset"), {"email": user.email})

        (message,) = mail.outbox
        assert message.to == [user.email]

    def test_unknown_address_sends_nothing_and_says_the_same(
        self, client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:password_reset"), {"email": "personne@nulle-part.fr"}
            )

        assert response["Location"] == reverse("accounts:password_reset_done")
        assert mail.outbox == []

    def test_broken_link_explains(self, client):
        response = client.get(
            reverse(
                "accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "faux-jeton"}
            )
        )

        assert "Ce lien n’est plus valable" in response.content.decode()
