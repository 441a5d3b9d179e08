"""`manage.py invite`: a role for a person (the first administrator) from the command line."""

from __future__ import annotations

import re
from io import StringIO
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from fabriques.accounts.models import Membership, MembershipRole, User
from fabriques.accounts.tests.factories import UserFactory
from fabriques.core.models import AuditEvent
from fabriques.programme.tests.factories import FabriqueFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def invite(*args: str) -> str:
    out = StringIO()
    call_command("invite", *args, stdout=out)
    return out.getvalue()


class TestInvite:
    def test_first_administrator_gets_a_link_printed_and_mailed(
        self, client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            output = invite(
                "Premier.Admin@ANCT.gouv.fr", "--role", "anct_admin", "--first-name", "Ada"
            )

        user = User.objects.get(email="premier.admin@anct.gouv.fr")
        assert user.first_name == "Ada"
        assert Membership.objects.get(user=user).role == MembershipRole.ANCT_ADMIN
        found = re.search(r"https?://\S+/compte/invitation/\S+/", output)
        assert found is not None
        printed = found.group(0)
        (message,) = mail.outbox
        assert printed in message.body
        assert "Administrateur ANCT" in output
        # The printed link works.
        assert client.get(urlparse(printed).path).status_code == 200

    def test_pilot_of_a_fabrique(self):
        fabrique = FabriqueFactory.create(slug="mobilites")

        invite("pilote@anct.gouv.fr", "--role", "anct_pilot", "--fabrique", "mobilites")

        membership = Membership.objects.get(user__email="pilote@anct.gouv.fr")
        assert (membership.role, membership.fabrique) == (MembershipRole.ANCT_PILOT, fabrique)

    def test_provider_consultant_of_an_organisation(self):
        organisation = OrganisationFactory.create(slug="cabinet")

        invite(
            "consultant@cabinet.fr", "--role", "provider_consultant", "--organisation", "cabinet"
        )

        assert (
            Membership.objects.get(user__email="consultant@cabinet.fr").organisation == organisation
        )

    def test_someone_with_a_password_gets_a_notice_not_a_link(
        self, django_capture_on_commit_callbacks
    ):
        UserFactory.create(username="deja@anct.gouv.fr")
        with django_capture_on_commit_callbacks(execute=True):
            output = invite("deja@anct.gouv.fr", "--role", "anct_admin")

        assert "/compte/invitation/" not in output
        assert mail.outbox[0].subject == "Fabriques Prospectives : un nouvel accès vous a été donné"

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (
                ["pas-une-adresse", "--role", "anct_admin"],
                "n’est pas une adresse électronique valide",
            ),
            (["p@anct.gouv.fr", "--role", "anct_pilot"], "indiquez --fabrique"),
            (
                ["p@anct.gouv.fr", "--role", "anct_pilot", "--fabrique", "inconnue"],
                "Aucune Fabrique",
            ),
            (["p@anct.gouv.fr", "--role", "partner_member"], "indiquez --organisation"),
            (
                ["p@anct.gouv.fr", "--role", "partner_member", "--organisation", "x"],
                "Aucune organisation",
            ),
            (["p@anct.gouv.fr", "--role", "anct_admin", "--organisation", "x"], "retirez la cible"),
        ],
    )
    def test_bad_arguments_are_refused_and_change_nothing(self, args, message):
        with pytest.raises(CommandError, match=message):
            invite(*args)

        assert not User.objects.exists()


class TestInviteStaff:
    """The README's first administrator also opens /admin/ with --staff (it was refused)."""

    def test_staff_option_opens_the_technical_administration(self, client):
        invite("admin@anct.gouv.fr", "--role", "anct_admin", "--staff")

        user = User.objects.get(email="admin@anct.gouv.fr")
        client.force_login(user)
        assert client.get("/admin/").status_code == 200
        assert AuditEvent.objects.filter(action="user.staff_granted", object_id=user.pk).exists()

    def test_without_it_the_administration_stays_closed(self, client):
        invite("admin@anct.gouv.fr", "--role", "anct_admin")

        client.force_login(User.objects.get(email="admin@anct.gouv.fr"))
        response = client.get("/admin/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
