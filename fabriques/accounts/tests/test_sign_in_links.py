"""Sign-in links (« lien de connexion »): asked with an address, opened with a button, personal,
reusable until they expire or are revoked, never a way around the second factor."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any
from unittest.mock import ANY

import pytest
from django.apps import apps
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fabriques.accounts import services
from fabriques.accounts.backends import SIGN_IN_LINK_BACKEND
from fabriques.accounts.models import MembershipRole, SignInLink
from fabriques.accounts.tests.factories import MembershipFactory, TOTPDeviceFactory, UserFactory
from fabriques.accounts.tests.mail import html_body, link_in, path_of
from fabriques.core.management.commands.run_daily import DAILY
from fabriques.core.models import AuditEvent, OutgoingEmail

pytestmark = pytest.mark.django_db

WORKSPACE = "/espace/"
REQUEST = "/compte/lien/demander/"
SAME_ANSWER = "Si cette adresse est connue, un lien vient de lui être envoyé."


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.fixture
def member():
    """A working-group member: an account without a password nor any role."""
    return UserFactory.create(username="membre@asso.fr", first_name="Maëlle", password="!")


@pytest.fixture
def ask(client: Client, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """POST the request form, then run the after-commit callbacks (the e-mail) as it ends."""

    def ask(email: str, *, by: Client = client, **data: str) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return by.post(reverse("accounts:sign_in_link_request"), {"email": email, **data})

    return ask


class TestTheWholeFlow:
    def test_asked_mailed_confirmed_then_signed_in_on_the_next_page(self, client, member, ask):
        response = ask("Membre@Asso.fr", next="/compte/")

        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:sign_in_link_request_done")
        assert SAME_ANSWER in client.get(response["Location"]).content.decode()
        (message,) = mail.outbox
        assert message.to == ["membre@asso.fr"]
        assert message.subject == "Fabriques Prospectives : votre lien de connexion"
        link = link_in(message.body, "/compte/lien/")
        assert link in html_body(message)
        for words in ("30 jours", "personnel", "ne le transférez pas", REQUEST):
            assert words in str(message.body), words

        # Opening the link (or a mail scanner prefetching it) signs nobody in.
        page = client.get(path_of(link))
        assert page.status_code == 200
        assert "Me connecter" in page.content.decode()
        assert signed_in_user_id(client) is None

        done = client.post(path_of(link))

        assert done.status_code == 302
        assert done["Location"] == "/compte/"
        assert signed_in_user_id(client) == str(member.pk)
        assert client.session[BACKEND_SESSION_KEY] == SIGN_IN_LINK_BACKEND
        profile = client.get("/compte/").content.decode()
        assert "Vous êtes connecté(e) avec votre lien de connexion personnel." in profile
        assert "Choisir un mot de passe" in profile
        assert client.get(WORKSPACE).status_code == 200

    def test_without_next_the_link_opens_the_workspace(self, client, member):
        link = services.sign_in_link_create(user=member)

        assert client.post(path_of(link))["Location"] == reverse("workspace:home")

    def test_the_login_page_offers_a_link_and_keeps_next(self, client):
        page = client.get(reverse("accounts:login"), {"next": "/espace/"}).content.decode()

        assert f'href="{REQUEST}?next=/espace/"' in page
        assert "Recevoir un lien de connexion" in page
        form = client.get(REQUEST, {"next": "/espace/"}).content.decode()
        assert 'name="next" value="/espace/"' in form

    def test_the_link_is_reusable_until_it_expires_and_each_use_is_recorded(self, member):
        link = services.sign_in_link_create(user=member)

        for _attempt in range(3):
            other_device = Client()
            other_device.post(path_of(link))
            assert signed_in_user_id(other_device) == str(member.pk)

        stored = SignInLink.objects.get(user=member)
        assert stored.use_count == 3
        assert stored.last_used_at is not None
        assert AuditEvent.objects.filter(action="sign_in_link.used").count() == 3


class TestAskingNeverTells:
    def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent(self, client, ask):
        response = ask("personne@inconnue.fr")

        assert response["Location"] == reverse("accounts:sign_in_link_request_done")
        assert mail.outbox == []
        assert not SignInLink.objects.exists()

    def test_a_deactivated_account_gets_nothing(self, member, ask):
        member.is_active = False
        member.save()

        assert ask("membre@asso.fr")["Location"] == reverse("accounts:sign_in_link_request_done")
        assert mail.outbox == []

    def test_a_wrong_address_is_told_precisely_and_changes_nothing(self, client, ask):
        response = ask("pas-une-adresse")

        assert response.status_code == 200
        assert "Saisissez une adresse électronique valide" in response.content.decode()
        assert not OutgoingEmail.objects.exists()

    def test_the_fourth_request_in_the_hour_sends_nothing_and_looks_the_same(self, member, ask):
        responses = [ask("membre@asso.fr") for _ in range(5)]

        assert len(mail.outbox) == 3
        assert {r["Location"] for r in responses} == {reverse("accounts:sign_in_link_request_done")}

    def test_the_limit_is_shared_with_password_resets(self, client, member, ask):
        for _ in range(3):
            client.post(reverse("accounts:password_reset"), {"email": "membre@asso.fr"})
        mail.outbox.clear()

        ask("membre@asso.fr")

        assert mail.outbox == []

    def test_an_external_next_is_dropped(self, member, ask):
        ask("membre@asso.fr", next="https://malveillant.example/piege")

        assert SignInLink.objects.get(user=member).next_path == ""


class TestLinksThatNoLongerWork:
    def test_an_expired_link_says_so_and_offers_a_new_one(self, client, member):
        link = services.sign_in_link_create(user=member)
        SignInLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

        page = client.get(path_of(link))
        posted = client.post(path_of(link))

        assert page.status_code == posted.status_code == 410
        text = page.content.decode()
        assert "Ce lien a expiré" in text
        assert f'href="{REQUEST}"' in text
        assert member.email not in text and member.first_name not in text
        assert signed_in_user_id(client) is None
        assert SignInLink.objects.get().use_count == 0

    def test_a_new_link_revokes_the_previous_one(self, client, member):
        first = services.sign_in_link_create(user=member)
        second = services.sign_in_link_create(user=member)

        refused = client.post(path_of(first))
        assert refused.status_code == 410
        assert "Ce lien ne fonctionne plus" in refused.content.decode()
        assert signed_in_user_id(client) is None
        client.post(path_of(second))
        assert signed_in_user_id(client) == str(member.pk)

    def test_the_person_revokes_their_link_from_their_account(self, client, member):
        link = services.sign_in_link_create(user=member)
        client.post(path_of(link))
        profile = client.get("/compte/").content.decode()
        assert "Révoquer mon lien de connexion" in profile

        response = client.post(reverse("accounts:sign_in_link_revoke"))

        assert response["Location"] == reverse("accounts:profile")
        assert "Aucun lien de connexion en cours" in client.get("/compte/").content.decode()
        stranger = Client()
        assert stranger.post(path_of(link)).status_code == 410
        assert signed_in_user_id(stranger) is None
        assert AuditEvent.objects.filter(action="sign_in_link.revoked", actor=member).exists()

    def test_revoking_needs_a_post_by_a_signed_in_person(self, client, member):
        link = services.sign_in_link_create(user=member)

        assert client.post(reverse("accounts:sign_in_link_revoke"))["Location"].startswith(
            reverse("accounts:login")
        )
        client.force_login(member)
        assert client.get(reverse("accounts:sign_in_link_revoke")).status_code == 405
        assert Client().post(path_of(link)).status_code == 302

    def test_an_unknown_link_is_not_valid(self, client):
        response = client.get("/compte/lien/nimporte-quoi/")

        assert response.status_code == 404
        assert "Ce lien n’est pas valide" in response.content.decode()

    def test_a_deactivated_account_is_not_signed_in(self, client, member):
        link = services.sign_in_link_create(user=member)
        member.is_active = False
        member.save()

        assert client.post(path_of(link)).status_code == 410
        assert signed_in_user_id(client) is None


class TestNext:
    @pytest.mark.parametrize(
        "next_path",
        ["https://malveillant.example/", "//malveillant.example/x", "espace/", "javascript:x"],
    )
    def test_only_a_path_of_the_site_is_accepted(self, member, next_path):
        with pytest.raises(ValidationError) as error:
            services.sign_in_link_create(user=member, next_path=next_path)

        assert error.value.message_dict == {
            "next_path": ["La page d’arrivée doit être une adresse de la plateforme."]
        }
        assert not SignInLink.objects.exists()

    def test_a_local_path_is_kept(self, client, member):
        link = services.sign_in_link_create(user=member, next_path="/espace/?onglet=ateliers")

        assert client.post(path_of(link))["Location"] == "/espace/?onglet=ateliers"


class TestSecondFactor:
    def test_an_administrator_with_an_app_still_gives_a_code(self, client, settings):
        settings.OTP_REQUIRED_FOR_STAFF = True
        admin = UserFactory.create(username="admin@anct.gouv.fr")
        MembershipFactory.create(user=admin, role=MembershipRole.ANCT_ADMIN)
        TOTPDeviceFactory.create(user=admin)
        link = services.sign_in_link_create(user=admin)

        client.post(path_of(link))

        assert client.get(WORKSPACE)["Location"].startswith(reverse("accounts:totp_verify"))
        assert client.get("/compte/")["Location"].startswith(reverse("accounts:totp_verify"))

    def test_staff_without_an_app_must_set_one_up(self, client, settings):
        settings.OTP_REQUIRED_FOR_STAFF = True
        staff = UserFactory.create(username="staff@anct.gouv.fr", is_staff=True)
        link = services.sign_in_link_create(user=staff)

        client.post(path_of(link))

        assert client.get("/admin/")["Location"].startswith(reverse("accounts:totp_setup"))

    def test_anyone_with_an_app_gives_a_code(self, client, member):
        TOTPDeviceFactory.create(user=member)
        link = services.sign_in_link_create(user=member)

        client.post(path_of(link))

        assert client.get(WORKSPACE)["Location"].startswith(reverse("accounts:totp_verify"))


class TestPagesAndSecrets:
    def test_the_link_page_keeps_its_token_from_referers_and_is_never_cached(self, client, member):
        link = services.sign_in_link_create(user=member)

        for response in (
            client.get(path_of(link)),
            client.get("/compte/lien/inconnu/"),
            client.post(path_of(link)),
        ):
            # The origin only, never the token; and the form's POST keeps its Origin header
            # (« no-referrer » made it « null », refused by the CSRF check).
            assert response["Referrer-Policy"] == "strict-origin"
            assert "no-store" in response["Cache-Control"]

    def test_only_the_hash_of_a_long_token_is_stored(self, member):
        link = services.sign_in_link_create(user=member, actor=member)
        token = token_of(link)

        assert len(token) >= 43  # 32 random bytes, base64url
        stored = SignInLink.objects.get()
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        for model in apps.get_models():
            for row in model._default_manager.values():
                assert token not in json.dumps(row, default=str), model._meta.label
        created = AuditEvent.objects.get(action="sign_in_link.created")
        assert created.data == {"link": stored.pk, "expires_at": ANY}


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_the_link_is_not_kept_once_the_email_is_sent(client):
    """As invitations and resets: the task carries an id, the body goes once sent."""
    with override_settings(TASKS=DATABASE_TASKS):
        member = UserFactory.create(username="membre@asso.fr", password="!")
        client.post(REQUEST, {"email": "membre@asso.fr"})
        (outgoing,) = OutgoingEmail.objects.all()
        token = token_of(link_in(outgoing.text, "/compte/lien/"))
        (task,) = DBTaskResult.objects.all()
        assert task.args_kwargs == {"args": [], "kwargs": {"email_id": outgoing.pk}}

        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

        assert token in str(mail.outbox[0].body)
        for model in apps.get_models():
            for row in model._default_manager.values():
                assert token not in json.dumps(row, default=str), model._meta.label
        assert Client().post(f"/compte/lien/{token}/")["Location"] == reverse("workspace:home")
        assert SignInLink.objects.get(user=member).use_count == 1


class TestPersonalData:
    def test_the_export_lists_the_links_without_their_secret(self, member):
        link = services.sign_in_link_create(user=member, next_path="/espace/")
        Client().post(path_of(link))

        export = services.user_data_export(user=member)

        (row,) = export["sources"]["accounts.sign_in_links"]["rows"]
        assert row == {
            "created_at": ANY,
            "expires_at": ANY,
            "revoked_at": None,
            "last_used_at": ANY,
            "use_count": 1,
            "next_path": "/espace/",
        }
        stored = SignInLink.objects.get()
        assert token_of(link) not in json.dumps(export)
        assert stored.token_hash not in json.dumps(export)

    def test_erasure_deletes_them(self, member):
        link = services.sign_in_link_create(user=member)

        counts = services.user_erase(user=member, actor=member)

        assert counts["accounts.sign_in_links"] == 1
        assert not SignInLink.objects.exists()
        assert Client().post(path_of(link)).status_code == 404


class TestPurge:
    def test_links_that_stopped_working_a_month_ago_are_deleted_daily(self, member):
        now = timezone.now()
        other = UserFactory.create()
        services.sign_in_link_create(user=member)  # revoked by the next one, long ago
        services.sign_in_link_create(user=member)  # live
        services.sign_in_link_create(user=other)  # expired yesterday: kept a while
        SignInLink.objects.filter(user=member, revoked_at__isnull=False).update(
            revoked_at=now - timedelta(days=31)
        )
        SignInLink.objects.filter(user=other).update(expires_at=now - timedelta(days=1))
        services.sign_in_link_create(user=UserFactory.create())
        expired_long_ago = SignInLink.objects.exclude(user__in=[member, other]).get()
        expired_long_ago.expires_at = now - timedelta(days=31)
        expired_long_ago.save()

        out = StringIO()
        call_command("purge_sign_in_links", stdout=out)

        assert "2 supprimé(s)" in out.getvalue()
        assert set(SignInLink.objects.values_list("user", "revoked_at")) == {
            (member.pk, None),
            (other.pk, None),
        }
        assert "purge_sign_in_links" in DAILY


class TestSessionsEndWithTheLink:
    """A session opened by a link lasts only while the link works (a forwarded e-mail)."""

    def test_revoking_from_one_device_ends_the_others_but_not_this_one(self, member):
        link = services.sign_in_link_create(user=member)
        here, elsewhere = Client(), Client()
        here.post(path_of(link))
        elsewhere.post(path_of(link))
        assert elsewhere.get("/compte/").status_code == 200

        here.post(reverse("accounts:sign_in_link_revoke"))

        assert here.get("/compte/").status_code == 200
        assert elsewhere.get("/compte/")["Location"].startswith(reverse("accounts:login"))
        assert signed_in_user_id(elsewhere) is None

    def test_a_new_link_or_the_expiry_ends_the_sessions_of_the_old_one(self, member):
        link = services.sign_in_link_create(user=member)
        client = Client()
        client.post(path_of(link))
        services.sign_in_link_create(user=member)
        assert client.get("/compte/").status_code == 302

        newest = services.sign_in_link_create(user=member)
        client.post(path_of(newest))
        assert client.get("/compte/").status_code == 200
        SignInLink.objects.filter(revoked_at__isnull=True).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        assert client.get("/compte/").status_code == 302

    def test_a_password_session_is_not_touched(self, client, member):
        client.force_login(member)
        services.sign_in_link_create(user=member)
        services.sign_in_link_revoke(user=member, actor=member)
        assert client.get("/compte/").status_code == 200
