"""The workspace's invitation and registration pages, tried by every persona."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fabriques.core.models import AuditEvent
from fabriques.programme.tests.personas import ROLE_NAMES
from fabriques.workinggroups.models import StakeholderFamily
from fabriques.workinggroups.tests.factories import MemberFactory
from fabriques.workshops.models import Registration, RegistrationStatus, Workshop

from .factories import RegistrationFactory, SeminarFactory, in_days

pytestmark = pytest.mark.django_db

ALL = (*ROLE_NAMES, "member_a", "member_a2", "member_b")
MANAGERS = {"admin", "pilot_a", "provider_a", "elected_a", "technical_a"}
SEMINAR_MANAGERS = {"admin", "pilot_a", "provider_a"}


def _client(world, name) -> Client:
    client = Client()
    user = world.users.get(name) or world.cast.user(name)
    if user is not None:
        client.force_login(user)
    return client


def _expected(name: str, *, managers: set[str], viewers: set[str]) -> int:
    if name == "anonymous":
        return 302
    if name in managers:
        return 200
    return 403 if name in viewers else 404


@pytest.mark.parametrize("name", ALL)
def test_the_invitation_page_is_for_those_who_run_the_workshop(world, name):
    response = _client(world, name).get(reverse("workshops:invite", args=[world.local_a.pk]))
    assert response.status_code == _expected(name, managers=MANAGERS, viewers={"member_a"})
    if response.status_code == 200:
        body = response.content.decode()
        assert world.members["member_a"].full_name in body
        assert world.members["member_a2"].full_name not in body  # another territory


@pytest.mark.parametrize("name", ALL)
def test_only_those_who_run_the_workshop_invite(world, name, django_capture_on_commit_callbacks):
    address = reverse("workshops:invite", args=[world.local_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(world, name).post(address, {"target": "all"})
    if name in MANAGERS:
        assert response.status_code == 302
        assert response["Location"] == reverse("workshops:registrations", args=[world.local_a.pk])
        assert list(Registration.objects.values_list("member", "status")) == [
            (world.members["member_a"].pk, RegistrationStatus.INVITED)
        ]
        assert [message.to for message in mail.outbox] == [["member_a@exemple.fr"]]
    else:
        assert response.status_code == _expected(name, managers=MANAGERS, viewers={"member_a"})
        assert not Registration.objects.exists()
        assert not AuditEvent.objects.filter(action="workshop.invited").exists()
        assert not mail.outbox


def test_a_seminar_invites_by_family_across_the_fabrique(world, django_capture_on_commit_callbacks):
    elected_a2 = MemberFactory(working_group=world.groups["a2"], family=StakeholderFamily.ELECTED)
    client = _client(world, "pilot_a")
    address = reverse("workshops:invite", args=[world.seminar_a.pk])
    page = client.get(address).content.decode()
    # Grouped by territory, with the load per person.
    assert world.cast.participation_a.label in page
    assert world.participation_a2.label in page
    assert "aucune invitation cette année" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(address, {"target": "families", "families": ["elected"]})
    assert response.status_code == 302
    assert list(Registration.objects.values_list("member", flat=True)) == [elected_a2.pk]
    assert "1 invitation cette année" in client.get(address).content.decode()


def test_choosing_nobody_is_refused(world):
    client = _client(world, "pilot_a")
    address = reverse("workshops:invite", args=[world.local_a.pk])
    for data, message in (
        ({}, "Ce champ est obligatoire."),
        ({"target": "members"}, "Choisissez au moins une personne."),
        ({"target": "families"}, "Choisissez au moins une famille d’acteurs."),
        (
            {"target": "members", "members": [world.members["member_a2"].pk]},
            "Sélectionnez un choix valide.",
        ),
    ):
        response = client.post(address, data)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Registration.objects.exists()


def test_a_past_workshop_cannot_be_invited_to(world):
    Workshop.objects.filter(pk=world.local_a.pk).update(
        starts_at=in_days(-2), ends_at=in_days(-2, hour=17)
    )
    client = _client(world, "pilot_a")
    address = reverse("workshops:invite", args=[world.local_a.pk])
    message = "Cette rencontre a déjà commencé ou est passée : on ne peut plus y inviter."
    assert message in client.get(address).content.decode()
    response = client.post(address, {"target": "all"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize("name", ALL)
def test_the_list_of_people_is_for_those_who_run_the_workshop(world, name):
    RegistrationFactory(workshop=world.local_a, member=world.members["member_a"])
    response = _client(world, name).get(reverse("workshops:registrations", args=[world.local_a.pk]))
    assert response.status_code == _expected(name, managers=MANAGERS, viewers={"member_a"})
    if response.status_code == 200:
        body = response.content.decode()
        assert world.members["member_a"].full_name in body
        # Name and organisation only: no contact details.
        assert "member_a@exemple.fr" not in body
        assert world.members["member_a"].phone not in body


@pytest.mark.parametrize("name", ALL)
def test_the_list_of_a_seminar(world, name):
    response = _client(world, name).get(
        reverse("workshops:registrations", args=[world.seminar_a.pk])
    )
    viewers = {"partner_a", "elected_a", "technical_a", "member_a", "member_a2"}
    assert response.status_code == _expected(name, managers=SEMINAR_MANAGERS, viewers=viewers)


def test_the_waiting_list_is_shown_in_order_with_places_per_territory(world):
    seminar = SeminarFactory(fabrique=world.cast.fabrique_a, capacity=10, places_per_territory=2)
    first = MemberFactory(working_group=world.groups["a"], last_name="Zola")
    second = MemberFactory(working_group=world.groups["a2"], last_name="Aubrac")
    RegistrationFactory(workshop=seminar, member=first, status="waiting", requested_at=in_days(-2))
    RegistrationFactory(workshop=seminar, member=second, status="waiting", requested_at=in_days(-1))
    client = _client(world, "pilot_a")
    address = reverse("workshops:registrations", args=[seminar.pk])
    body = client.get(address + "?liste=attente").content.decode()
    assert body.index("Zola") < body.index("Aubrac")
    assert "2 places réservées à chaque territoire." in body
    assert "Liste d’attente (2)" in body


def _queries(client, address) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_for_5_or_50_people(world):
    seminar = SeminarFactory(fabrique=world.cast.fabrique_a, capacity=100, places_per_territory=1)
    for member in MemberFactory.create_batch(5, working_group=world.groups["a"]):
        RegistrationFactory(workshop=seminar, member=member)
    client = _client(world, "pilot_a")
    address = reverse("workshops:registrations", args=[seminar.pk])
    few = _queries(client, address)
    for member in MemberFactory.create_batch(45, working_group=world.groups["a2"]):
        RegistrationFactory(workshop=seminar, member=member)
    assert _queries(client, address) == few
    # Session, user; the workshop; the pilot's grants (access); the counts by list; the
    # paginator's count; the places by territory; the page of people with their territory.
    assert few == 8
