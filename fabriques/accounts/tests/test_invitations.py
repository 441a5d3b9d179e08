"""Self sign-up and password reset: pages, e-mails and bad inputs."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from fabriques.accounts.models import Invitation, InvitationPurpose, User
from fabriques.accounts.tests.factories import UserFactory
from fabriques.accounts.tests.mail import GOOD_PASSWORD, accept, html_body, link_in, path_of

pytestmark = pytest.mark.django_db


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
        assert link is not None
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
        existing = UserFactory.create(username="deja@mairie.fr")
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
        UserFactory.create(username="ancienne@mairie.fr", email="nouvelle@mairie.fr")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("accounts:signup"),
                {"email": "ancienne@mairie.fr", "first_name": "A", "last_name": "B"},
            )

        assert User.objects.filter(email="ancienne@mairie.fr").exists()
        (message,) = mail.outbox
        assert message.to == ["ancienne@mairie.fr"]

    def test_deactivated_account_gets_nothing(self, client, django_capture_on_commit_callbacks):
        UserFactory.create(username="parti@mairie.fr", is_active=False)
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
        assert "Saisissez une adresse électronique valide" in page
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
        user = UserFactory.create(username="oubli@commune.fr")
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
