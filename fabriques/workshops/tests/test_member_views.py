"""A working-group member's own space (/mon-espace/), tried by every persona, and the
personal data of registrations."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fabriques.accounts.services import user_data_export, user_erase
from fabriques.core.models import AuditEvent
from fabriques.programme.tests.personas import ROLE_NAMES
from fabriques.workinggroups.tests.factories import MemberFactory
from fabriques.workshops.models import (
    Attendance,
    MinutesStatus,
    MinutesVisibility,
    Registration,
    RegistrationStatus,
    Workshop,
)
from fabriques.workshops.selectors.registrations import member_may_read_minutes

from .factories import MinutesFactory, RegistrationFactory, WorkshopFactory, in_days

pytestmark = pytest.mark.django_db

ALL = (*ROLE_NAMES, "member_a", "member_a2", "member_b")
MANAGERS = {"admin", "pilot_a", "provider_a", "elected_a", "technical_a"}


def _client(world, name) -> Client:
    client = Client()
    user = world.users.get(name) or world.cast.user(name)
    if user is not None:
        client.force_login(user)
    return client


def _registration(world, name="member_a", workshop=None, **fields):
    return RegistrationFactory(
        workshop=workshop or world.local_a, member=world.members[name], **fields
    )


# --- My space ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_my_space_is_for_anyone_signed_in(world, name):
    _registration(world)
    response = _client(world, name).get(reverse("workshops:my_space"))
    if name == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        return
    assert response.status_code == 200
    body = response.content.decode()
    if name.startswith("member_"):
        assert "Mes ateliers et séminaires" in body
        assert (world.local_a.title in body) is (name == "member_a")
    else:
        assert "Cet espace est celui des membres des groupes de travail" in body
        assert world.local_a.title not in body


def test_my_space_shows_each_status_and_the_past(world):
    member = world.members["member_a"]
    waiting_on = WorkshopFactory(participation=world.cast.participation_a, capacity=1)
    RegistrationFactory(
        workshop=waiting_on,
        member=MemberFactory(working_group=world.groups["a"]),
        status="registered",
        requested_at=in_days(-5),
    )
    RegistrationFactory(
        workshop=waiting_on, member=member, status="waiting", requested_at=in_days(-4)
    )
    invited = WorkshopFactory(participation=world.cast.participation_a)
    RegistrationFactory(workshop=invited, member=member, status="invited", requested_at=None)
    past = WorkshopFactory(
        participation=world.cast.participation_a,
        starts_at=in_days(-10),
        ends_at=in_days(-10, hour=17),
    )
    RegistrationFactory(workshop=past, member=member, attendance=Attendance.ATTENDED)
    MinutesFactory(
        workshop=past, status=MinutesStatus.PUBLISHED, visibility=MinutesVisibility.GROUP
    )
    body = _client(world, "member_a").get(reverse("workshops:my_space")).content.decode()
    assert "Liste d’attente, position 1" in body
    assert "Invité(e), sans réponse" in body
    assert "vous étiez présent(e)" in body
    # local_a is open to the group, though nobody invited member_a yet.
    assert "Rencontres ouvertes à votre groupe" in body and world.local_a.title in body
    # The published minutes of a workshop they attended.
    assert "Lire le compte rendu" in body


def test_the_minutes_a_member_reads_from_their_space(world):
    registration = _registration(world, attendance=Attendance.UNKNOWN)
    minutes = MinutesFactory.build(workshop=world.local_a, status=MinutesStatus.DRAFT)
    assert not member_may_read_minutes(minutes, registration)
    minutes.status = MinutesStatus.SHARED
    assert not member_may_read_minutes(minutes, registration)
    registration.attendance = Attendance.ATTENDED
    assert member_may_read_minutes(minutes, registration)
    minutes.status = MinutesStatus.PUBLISHED
    registration.attendance = Attendance.ABSENT
    assert member_may_read_minutes(minutes, registration)  # the group's, and they belong
    assert not member_may_read_minutes(None, registration)


def _queries(client, address) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_my_space_costs_the_same_for_2_or_12_workshops(world):
    member = world.members["member_a"]
    for _n in range(2):
        _registration(world, workshop=WorkshopFactory(participation=world.cast.participation_a))
        RegistrationFactory(
            workshop=WorkshopFactory(
                participation=world.cast.participation_a,
                starts_at=in_days(-9),
                ends_at=in_days(-9, hour=18),
            ),
            member=member,
        )
    client = _client(world, "member_a")
    few = _queries(client, reverse("workshops:my_space"))
    for _n in range(10):
        _registration(
            world,
            workshop=WorkshopFactory(participation=world.cast.participation_a),
            status="waiting",
        )
    assert _queries(client, reverse("workshops:my_space")) == few
    # Session, user; the person's memberships (member scope); their registrations with the
    # workshops, minutes and waiting positions; the workshops open to them; then the
    # workspace's menu and header (public-data counter, open calls, the person's roles).
    assert few == 8


# --- A workshop seen by a member ------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_a_workshop_page_for_those_who_see_it(world, name):
    response = _client(world, name).get(reverse("workshops:my_workshop", args=[world.local_a.pk]))
    if name == "anonymous":
        assert response.status_code == 302
    elif name in MANAGERS or name == "member_a":
        assert response.status_code == 200
        assert world.local_a.title in response.content.decode()
        assert ("M’inscrire" in response.content.decode()) is (name == "member_a")
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("name", ALL)
def test_registering_from_the_workshop_page(world, name, django_capture_on_commit_callbacks):
    client = _client(world, name)
    address = reverse("workshops:my_registration", args=[world.local_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(address, {"action": "register"}, follow=False)
    registrations = list(Registration.objects.values_list("member", "status"))
    if name == "member_a":
        assert response.status_code == 302
        assert registrations == [(world.members["member_a"].pk, RegistrationStatus.REGISTERED)]
        assert [message.to for message in mail.outbox] == [["member_a@exemple.fr"]]
        assert "Vous êtes inscrit(e)" in mail.outbox[0].subject
        return
    assert registrations == []
    assert not mail.outbox
    if name == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif name in MANAGERS:
        # They see the workshop but have no membership to register with.
        page = client.get(response["Location"]).content.decode()
        assert "Seuls les membres actuels des groupes de travail" in page
    else:
        assert response.status_code == 404


def test_a_member_registers_then_sees_the_code_and_cancels(
    world, django_capture_on_commit_callbacks
):
    client = _client(world, "member_a")
    action = reverse("workshops:my_registration", args=[world.local_a.pk])
    page_address = reverse("workshops:my_workshop", args=[world.local_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action, {"action": "register"})
    registration = Registration.objects.get()
    page = client.get(page_address).content.decode()
    assert "Vous êtes inscrit(e) à cette rencontre." in page
    assert registration.code in page
    assert reverse("workshops:my_qr", args=[world.local_a.pk]) in page
    qr = client.get(reverse("workshops:my_qr", args=[world.local_a.pk]))
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action, {"action": "cancel"})
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert "Votre désinscription est enregistrée." in client.get(page_address).content.decode()
    assert client.get(reverse("workshops:my_qr", args=[world.local_a.pk])).status_code == 404


@pytest.mark.parametrize("name", ALL)
def test_the_qr_code_is_the_registered_person_s_own(world, name):
    _registration(world)
    response = _client(world, name).get(reverse("workshops:my_qr", args=[world.local_a.pk]))
    if name == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if name == "member_a" else 404)


def test_an_invited_member_of_another_territory_declines(world):
    _registration(world, name="member_a2", status="invited", requested_at=None)
    client = _client(world, "member_a2")
    page = client.get(reverse("workshops:my_workshop", args=[world.local_a.pk])).content.decode()
    assert "Décliner l’invitation" in page and "M’inscrire" in page
    client.post(
        reverse("workshops:my_registration", args=[world.local_a.pk]), {"action": "decline"}
    )
    assert Registration.objects.get().status == RegistrationStatus.DECLINED
    assert AuditEvent.objects.filter(action="registration.declined").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"starts_at": in_days(-1), "ends_at": in_days(-1, hour=18)},
            "Cette rencontre a déjà commencé ou est passée : on ne peut plus s’y inscrire.",
        ),
        ({"status": "cancelled"}, "Cette rencontre est annulée : les inscriptions sont fermées."),
        (
            {"registration_deadline": in_days(-1)},
            "La date limite d’inscription (",
        ),
    ],
)
def test_a_closed_workshop_says_why(world, change, message):
    Workshop.objects.filter(pk=world.local_a.pk).update(**change)
    client = _client(world, "member_a")
    response = client.post(
        reverse("workshops:my_registration", args=[world.local_a.pk]), {"action": "register"}
    )
    assert not Registration.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert message in page
    assert "M’inscrire" not in page


def test_an_unknown_action_changes_nothing(world):
    client = _client(world, "member_a")
    response = client.post(
        reverse("workshops:my_registration", args=[world.local_a.pk]), {"action": "pirate"}
    )
    assert "Cette action n’est pas reconnue." in client.get(response["Location"]).content.decode()
    assert not Registration.objects.exists()


# --- Personal data ----------------------------------------------------------------------


def test_registrations_are_exported_and_erased_with_the_person(world):
    member = world.members["member_a"]
    _registration(world, attendance=Attendance.ATTENDED)
    other = RegistrationFactory(
        workshop=world.local_a, member=MemberFactory(working_group=world.groups["a"])
    )
    user = world.users["member_a"]
    rows = user_data_export(user=user)["sources"]["workshops.registrations"]["rows"]
    assert [(row["rencontre"], row["inscription"], row["présence"]) for row in rows] == [
        (world.local_a.title, "Inscrit", "Présent")
    ]
    counts = user_erase(user=user, actor=None)
    assert counts["workshops.registrations"] == 1
    assert list(Registration.objects.values_list("pk", flat=True)) == [other.pk]
    member.refresh_from_db()
    assert member.email == ""
    assert datetime.date.today() >= member.left_on


def test_an_invitation_past_the_deadline_may_still_be_declined(world):
    _registration(world, status="invited", requested_at=None)
    Workshop.objects.filter(pk=world.local_a.pk).update(registration_deadline=in_days(-1))
    page = (
        _client(world, "member_a")
        .get(reverse("workshops:my_workshop", args=[world.local_a.pk]))
        .content.decode()
    )
    assert "La date limite d’inscription (" in page
    assert "M’inscrire" not in page
    assert "Décliner l’invitation" in page


def test_a_member_chooses_to_be_named_in_public_minutes(world):
    member = world.members["member_a"]
    url = reverse("workshops:my_preferences")
    client = _client(world, "member_a")
    page = client.get(url).content.decode()
    assert "Mon nom et mon organisation peuvent figurer" in page
    response = client.post(url, {"member": member.pk, "public_name_opt_in": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.public_name_opt_in is True
    assert AuditEvent.objects.filter(action="member.public_name_set").count() == 1
    # Someone else's membership: refused, unchanged.
    other = world.members["member_b"]
    refused = _client(world, "member_a").post(url, {"member": other.pk, "public_name_opt_in": "on"})
    assert refused.status_code == 404
    other.refresh_from_db()
    assert other.public_name_opt_in is False
    # Back: unticked.
    client.post(url, {"member": member.pk})
    member.refresh_from_db()
    assert member.public_name_opt_in is False
