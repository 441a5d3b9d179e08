"""`manage.py load_demo`: the world it loads, loading it twice, signing in as each persona."""

from __future__ import annotations

import datetime
import re
from base64 import b32decode
from binascii import hexlify
from dataclasses import dataclass, field
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.oath import totp

from fabriques.accounts.backends import DEMO_EMAIL_DOMAIN
from fabriques.accounts.models import User
from fabriques.calls.models import Application, ApplicationStatus, Call, CallState
from fabriques.calls.selectors import open_calls
from fabriques.core.models import AuditEvent
from fabriques.deliverables.models import Deliverable, DeliverableStatus
from fabriques.demo.content import MEMBER, OPEN_SLUG, RUNNING_SLUG
from fabriques.programme.models import Fabrique, FabriqueStatus
from fabriques.workinggroups.models import Member

pytestmark = pytest.mark.django_db


def load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every table, history, audit trail, e-mails and task queue included."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@dataclass
class Printed:
    """One persona as the command prints it."""

    email: str
    secret: str = ""
    pages: list[str] = field(default_factory=list)


def printed_personas(output: str) -> tuple[str, list[Printed]]:
    """The password and the personas (address, TOTP secret, pages) read from the output."""
    password = re.search(r"développement seulement\) : (\S+)", output)
    assert password is not None
    site = re.escape(settings.SITE_URL.rstrip("/"))
    personas: list[Printed] = []
    for line in output.splitlines():
        if match := re.match(r"  Adresse électronique : (\S+)$", line):
            personas.append(Printed(email=match[1]))
        elif personas and (match := re.match(r"  Clé : ([A-Z2-7 ]+)$", line)):
            personas[-1].secret = match[1].replace(" ", "")
        elif personas and (match := re.match(rf"  {site}(/\S*)  \(", line)):
            personas[-1].pages.append(match[1])
    return password[1], personas


def current_code(secret: str) -> str:
    return f"{totp(b32decode(secret)):06d}"


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    return settings


class TestRefusals:
    def test_refused_while_debug_is_off(self, referential, settings):
        settings.DEBUG = False
        before = row_counts()

        with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
            load()

        assert row_counts() == before

    def test_refused_without_the_referential_and_nothing_is_written(self, debug):
        before = row_counts()

        with pytest.raises(CommandError, match="import_programme"):
            load()

        assert row_counts() == before

    def test_refused_without_the_demo_territories(self, referential, debug):
        from fabriques.territories.models import Commune

        Commune.objects.filter(code="46102").delete()

        with pytest.raises(CommandError, match=r"Territoires absents.*46102.*import_referential"):
            load()

        assert not Fabrique.objects.exists() and not User.objects.exists()


def test_loading_twice_creates_nothing_the_second_time(referential, debug):
    first = load()
    after_first = row_counts()
    assert after_first["workshops.Workshop"] and after_first["workshops.Registration"]
    assert after_first["roadmaps.FollowUpEntry"] and after_first["recommendations.Answer"]

    second = load()

    assert row_counts() == after_first
    assert "Démonstration chargée. Créé :" in first
    assert "Démonstration déjà chargée : rien à créer." in second
    # The same people are printed, with the same secret: an app set up once keeps working.
    assert printed_personas(second) == printed_personas(first)


def test_loading_again_keeps_the_open_call_open(referential, debug):
    load()
    call = Fabrique.objects.get(slug=OPEN_SLUG).call
    soon = timezone.now() + datetime.timedelta(days=5)
    # Weeks later: the call closes in five days.
    Call.objects.filter(pk=call.pk).update(closes_at=soon)

    output = load()

    call.refresh_from_db()
    assert call.closes_at is not None
    assert call.closes_at > timezone.now() + datetime.timedelta(days=59)
    assert "la nouvelle date de clôture de l’appel ouvert" in output
    assert AuditEvent.objects.filter(action="call.updated", object_id=str(call.pk)).exists()


def test_a_refusal_of_the_platform_writes_nothing_and_says_why(referential, debug, monkeypatch):
    from fabriques.cycle import services as cycle

    monkeypatch.setitem(cycle.GUARDS, FabriqueStatus.RUNNING, lambda *, fabrique: ["Garde."])
    before = row_counts()

    with pytest.raises(CommandError, match=r"rien n’a été écrit : Garde\."):
        load()

    assert row_counts() == before


def test_the_world_has_every_stage_to_look_at(referential, debug):
    load()

    running = Fabrique.objects.get(slug=RUNNING_SLUG)
    assert running.status == FabriqueStatus.RUNNING
    assert "fictive" in running.summary
    assert running.participations.count() == 4
    assert running.call.state(timezone.now()) == CallState.CLOSED
    statuses = sorted(
        Application.objects.filter(call=running.call).values_list("status", flat=True)
    )
    assert statuses == sorted(
        [ApplicationStatus.SELECTED] * 4 + [ApplicationStatus.REJECTED, ApplicationStatus.DRAFT]
    )
    assert all(a.notified_at for a in running.call.applications.exclude(status="draft"))
    assert running.contract.provider.name == "Cabinet Prospective Démo"
    assert set(Deliverable.objects.filter(fabrique=running).values_list("status", flat=True)) == {
        DeliverableStatus.ACCEPTED,
        DeliverableStatus.CHANGES_REQUESTED,
        DeliverableStatus.SUBMITTED,
        DeliverableStatus.PENDING,
    }
    assert any(d.is_late for d in Deliverable.objects.filter(fabrique=running))
    assert running.milestones.exists()
    # Two territories have a local working group of fictional people, referents included.
    groups = {
        m.working_group.participation.label: m
        for m in Member.objects.select_related("working_group__participation")
    }
    assert len(groups) == 2
    # The member persona joined the first group.
    assert Member.objects.count() == 13
    assert all(m.email.endswith("@" + DEMO_EMAIL_DOMAIN) for m in Member.objects.all())
    assert Member.objects.filter(role="elected_referent").exists()

    open_fabrique = Fabrique.objects.get(slug=OPEN_SLUG)
    assert open_fabrique.status == FabriqueStatus.CALL_OPEN
    assert [call.fabrique for call in open_calls()] == [open_fabrique]
    assert sorted(open_fabrique.call.applications.values_list("status", flat=True)) == [
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
    ]
    # Every account the demo made, referents of the other territories included, is fictional.
    assert all(
        email.endswith("@" + DEMO_EMAIL_DOMAIN)
        for email in User.objects.values_list("email", flat=True)
    )


def test_every_printed_persona_signs_in_and_sees_their_work(referential, debug, client):
    debug.OTP_REQUIRED_FOR_STAFF = True
    password, personas = printed_personas(load())

    assert [p.email.split("@")[0] for p in personas] == [
        "admin",
        "pilote",
        "partenaire",
        "prestataire",
        "elu",
        "referent-technique",
        "candidate",
        "membre",
    ]
    for persona in personas:
        client.logout()
        response = client.post(
            "/compte/connexion/", {"username": persona.email, "password": password}
        )
        assert response.status_code == 302, persona.email
        if persona.secret:
            # The administrator owes a code: the dashboard waits until it is given.
            assert client.get("/espace/").status_code == 302
            response = client.post(
                "/compte/second-facteur/code/", {"code": current_code(persona.secret)}
            )
            assert response.status_code == 302, persona.email
        assert persona.pages, persona.email
        pages = [client.get(path) for path in persona.pages]
        assert [page.status_code for page in pages] == [200] * len(pages), persona.email
        # The first page printed is the persona's own work, in a demo Fabrique (the member's
        # space lists her workshops, by their titles).
        first = pages[0].content.decode()
        own_work = "Atelier 3" if persona.email == MEMBER.email else "Fabrique de démonstration"
        assert own_work in first, persona.email


def test_the_printed_secret_is_the_administrators_app(referential, debug):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _password, personas = printed_personas(load())

    (admin,) = [p for p in personas if p.secret]
    device = TOTPDevice.objects.get(user__email=admin.email, confirmed=True)
    assert device.key == hexlify(b32decode(admin.secret)).decode()


class TestDemoAccountsWithDebugOff:
    """A database loaded with the demo and then served with DEBUG off lets nobody in with it."""

    def test_the_login_page_refuses_them(self, referential, debug, client):
        password, personas = printed_personas(load())
        debug.DEBUG = False

        response = client.post(
            "/compte/connexion/", {"username": personas[1].email, "password": password}
        )

        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    def test_a_session_opened_with_debug_on_ends(self, referential, debug, client):
        password, personas = printed_personas(load())
        client.post("/compte/connexion/", {"username": personas[1].email, "password": password})
        assert client.get("/espace/").status_code == 200

        debug.DEBUG = False

        response = client.get("/espace/")
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/")
