"""Invitations, registrations and the waiting list (services.registrations)."""

from __future__ import annotations

import datetime
import re
import threading
from typing import Any
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fabriques.core.models import AuditEvent, OutgoingEmail
from fabriques.workinggroups.models import Member, StakeholderFamily
from fabriques.workinggroups.tests.factories import MemberFactory, WorkingGroupFactory
from fabriques.workshops.models import Registration, RegistrationStatus, Workshop
from fabriques.workshops.services.registrations import (
    invitations_send,
    registration_cancel,
    registration_decline,
    registration_request,
)

from .factories import RegistrationFactory, SeminarFactory, WorkshopFactory, in_days

pytestmark = pytest.mark.django_db

REGISTERED = RegistrationStatus.REGISTERED
WAITING = RegistrationStatus.WAITING


class _Commits:
    """The test's on-commit capture, for the helpers below (e-mails leave after commit)."""

    capture: Any = None


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks):
    _Commits.capture = django_capture_on_commit_callbacks


def _sent(service, **kwargs):
    """Run a service and the callbacks its transaction left for the commit (the e-mails)."""
    with _Commits.capture(execute=True):
        return service(**kwargs)


def _member(member: Member) -> Member:
    return Member.objects.select_related("working_group__participation").get(pk=member.pk)


def _members(group, count: int) -> list[Member]:
    return [_member(m) for m in MemberFactory.create_batch(count, working_group=group)]


def _request(workshop, member, actor=None):
    return _sent(registration_request, workshop=workshop, member=_member(member), actor=actor)


# --- Capacity and the waiting list ---------------------------------------------------------


def test_a_full_workshop_puts_the_next_people_on_the_waiting_list(world):
    workshop = WorkshopFactory(participation=world.cast.participation_a, capacity=2)
    people = _members(world.groups["a"], 4)
    statuses = [_request(workshop, member).status for member in people]
    assert statuses == [REGISTERED, REGISTERED, WAITING, WAITING]
    assert "position 2" in mail.outbox[-1].body
    assert "liste d’attente" in mail.outbox[-1].body


def test_without_capacity_everybody_gets_a_place(world):
    people = _members(world.groups["a"], 5)
    assert {_request(world.local_a, member).status for member in people} == {REGISTERED}


def test_asking_twice_changes_nothing(world):
    member = world.members["member_a"]
    first = _request(world.local_a, member)
    events = AuditEvent.objects.count()
    again = _request(world.local_a, member)
    assert (again.pk, again.status, again.requested_at) == (
        first.pk,
        REGISTERED,
        first.requested_at,
    )
    assert AuditEvent.objects.count() == events


def test_a_cancellation_gives_the_place_to_the_first_waiting_and_tells_them(world):
    workshop = WorkshopFactory(participation=world.cast.participation_a, capacity=1)
    first, second, third = _members(world.groups["a"], 3)
    holder = _request(workshop, first)
    _request(workshop, second)
    _request(workshop, third)
    mail.outbox.clear()
    _sent(registration_cancel, registration=holder, actor=first.user)
    statuses = dict(Registration.objects.filter(workshop=workshop).values_list("member", "status"))
    assert statuses == {
        first.pk: RegistrationStatus.CANCELLED,
        second.pk: REGISTERED,
        third.pk: WAITING,
    }
    assert [message.to for message in mail.outbox] == [[second.email]]
    assert "Une place s’est libérée" in mail.outbox[0].subject
    actions = list(
        AuditEvent.objects.filter(action__startswith="registration.")
        .order_by("-pk")
        .values_list("action", flat=True)[:2]
    )
    assert actions == ["registration.promoted", "registration.cancelled"]


def test_leaving_the_waiting_list_promotes_nobody(world):
    workshop = WorkshopFactory(participation=world.cast.participation_a, capacity=1)
    first, second, third = _members(world.groups["a"], 3)
    _request(workshop, first)
    waiting = _request(workshop, second)
    _request(workshop, third)
    registration_cancel(registration=waiting, actor=None)
    assert Registration.objects.get(workshop=workshop, member=third).status == WAITING


def test_reserved_places_keep_room_for_a_territory_that_has_not_registered_yet(world):
    cast = world.cast
    seminar = SeminarFactory(fabrique=cast.fabrique_a, capacity=4, places_per_territory=1)
    # Fabrique A has two territories (A and A2): 1 place each is reserved, 2 are free.
    from_a = _members(world.groups["a"], 4)
    statuses = [_request(seminar, member).status for member in from_a]
    # A's reserved place, then the free pool's two; the fourth would take A2's reserved one.
    assert statuses == [REGISTERED, REGISTERED, REGISTERED, WAITING]
    late = _member(world.members["member_a2"])
    assert _request(seminar, late).status == REGISTERED
    # Full now: A2 comes back to the waiting list like everybody else.
    assert _request(seminar, _members(world.groups["a2"], 1)[0]).status == WAITING


def test_a_freed_place_goes_to_the_first_waiting_who_fits_the_reservations(world):
    cast = world.cast
    seminar = SeminarFactory(fabrique=cast.fabrique_a, capacity=3, places_per_territory=1)
    a1, a2, a3 = _members(world.groups["a"], 3)
    b1, b2 = _members(world.groups["a2"], 2)
    holders = [_request(seminar, m) for m in (a1, a2)]  # A's reserved place + the free one
    assert _request(seminar, a3).status == WAITING  # the last is A2's
    assert _request(seminar, b1).status == REGISTERED
    assert _request(seminar, b2).status == WAITING
    # A2's only registered person leaves: A2's reserved place goes to b2, not to a3 who came
    # first, since A already holds its reservation and the free pool.
    registration_cancel(
        registration=Registration.objects.get(workshop=seminar, member=b1), actor=None
    )
    assert Registration.objects.get(workshop=seminar, member=b2).status == REGISTERED
    assert Registration.objects.get(workshop=seminar, member=a3).status == WAITING
    # Then one of A's leaves: a3 gets the place.
    registration_cancel(registration=holders[0], actor=None)
    assert Registration.objects.get(workshop=seminar, member=a3).status == REGISTERED


# --- Refusals ---------------------------------------------------------------------------------


def _refused(workshop, member) -> str:
    before = Registration.objects.count(), AuditEvent.objects.count(), OutgoingEmail.objects.count()
    with pytest.raises(ValidationError) as error:
        _request(workshop, member)
    after = Registration.objects.count(), AuditEvent.objects.count(), OutgoingEmail.objects.count()
    assert after == before
    return " ".join(error.value.messages)


def test_a_past_workshop_refuses_registrations(world):
    past = WorkshopFactory(participation=world.cast.participation_a, starts_at=in_days(-3))
    message = _refused(past, world.members["member_a"])
    assert (
        message == "Cette rencontre a déjà commencé ou est passée : on ne peut plus s’y inscrire."
    )


def test_a_cancelled_workshop_refuses_registrations(world):
    Workshop.objects.filter(pk=world.local_a.pk).update(status="cancelled")
    world.local_a.refresh_from_db()
    message = _refused(world.local_a, world.members["member_a"])
    assert message == "Cette rencontre est annulée : les inscriptions sont fermées."


def test_registrations_close_at_the_deadline(world):
    deadline = timezone.now() - datetime.timedelta(hours=1)
    workshop = WorkshopFactory(
        participation=world.cast.participation_a, registration_deadline=deadline
    )
    message = _refused(workshop, world.members["member_a"])
    assert message.startswith("La date limite d’inscription (")
    assert message.endswith(") est passée.")


def test_a_member_of_another_territory_cannot_register_to_a_local_workshop(world):
    message = _refused(world.local_a, world.members["member_a2"])
    assert "réservé au groupe de travail de son territoire" in message


def test_an_invitation_opens_a_local_workshop_to_another_territory(world):
    RegistrationFactory(
        workshop=world.local_a,
        member=world.members["member_a2"],
        status=RegistrationStatus.INVITED,
        requested_at=None,
    )
    assert _request(world.local_a, world.members["member_a2"]).status == REGISTERED


def test_a_member_of_another_fabrique_cannot_register_to_a_seminar(world):
    message = _refused(world.seminar_a, world.members["member_b"])
    assert "une autre Fabrique" in message


def test_a_member_who_left_cannot_register(world):
    member = world.members["member_a"]
    Member.objects.filter(pk=member.pk).update(left_on=datetime.date(2026, 6, 1))
    message = _refused(world.local_a, member)
    assert message.startswith("Seuls les membres actuels")


def test_an_invitation_is_declined_once(world):
    registration = RegistrationFactory(
        workshop=world.local_a,
        member=world.members["member_a"],
        status=RegistrationStatus.INVITED,
        requested_at=None,
    )
    registration_decline(registration=registration, actor=None)
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.DECLINED
    with pytest.raises(ValidationError, match="déjà répondu"):
        registration_decline(registration=registration, actor=None)
    # Changing one's mind: the invitation still opens the registration.
    assert _request(world.local_a, world.members["member_a"]).status == REGISTERED


def test_nothing_to_cancel_without_a_registration(world):
    registration = RegistrationFactory(
        workshop=world.local_a, member=world.members["member_a"], status="invited"
    )
    with pytest.raises(ValidationError, match="ni inscrit"):
        registration_cancel(registration=registration, actor=None)


# --- Invitations ------------------------------------------------------------------------------


def _candidates(group) -> list[Member]:
    return list(
        Member.objects.filter(working_group=group).select_related("working_group__participation")
    )


def test_invitations_list_the_people_once_and_tell_how_many(world):
    group = world.groups["a"]
    MemberFactory(working_group=group, family=StakeholderFamily.ELECTED)
    RegistrationFactory(workshop=world.local_a, member=world.members["member_a"])
    result = _sent(
        invitations_send,
        workshop=world.local_a,
        members=_candidates(group),
        actor=world.cast.pilot_a,
    )
    assert (result.invited, result.already) == (1, 1)
    assert Registration.objects.filter(workshop=world.local_a, status="invited").count() == 1
    event = AuditEvent.objects.get(action="workshop.invited")
    assert event.data == {"invited": 1, "already_listed": 1}
    assert len(mail.outbox) == 1


def test_an_invitation_carries_the_event_and_a_sign_in_link_to_the_workshop(world):
    newcomer = MemberFactory(working_group=world.groups["a"], email="nouvelle@exemple.fr")
    assert newcomer.user is None
    _sent(
        invitations_send,
        workshop=world.local_a,
        members=[_member(newcomer)],
        actor=world.cast.pilot_a,
    )
    newcomer.refresh_from_db()
    assert newcomer.user is not None and newcomer.user.email == "nouvelle@exemple.fr"
    (message,) = mail.outbox
    assert message.to == ["nouvelle@exemple.fr"]
    assert message.subject.startswith(f"Invitation : {world.local_a.title}, le ")
    assert "Salle du conseil" in message.body
    # The .ics part of the sent message, and the stored copy blanked.
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == ("invitation.ics", "text/calendar")
    assert "METHOD:REQUEST" in content and f"UID:{world.local_a.uid}@" in content
    raw = message.message().as_string()
    assert "Content-Type: text/calendar" in raw
    assert OutgoingEmail.objects.get().attachments == []
    # The link signs the person in and opens the workshop's page.
    link = re.search(r"https?://\S+/compte/lien/\S+/", message.body)
    assert link is not None
    client = Client()
    path = urlparse(link.group(0)).path
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response["Location"] == reverse("workshops:my_workshop", args=[world.local_a.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert world.local_a.title in page.content.decode()
    assert "M’inscrire" in page.content.decode()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"status": "cancelled"},
            "Cette rencontre est annulée : on ne peut plus y inviter personne.",
        ),
        (
            {"starts_at": in_days(-2), "ends_at": in_days(-2, hour=17)},
            "Cette rencontre a déjà commencé ou est passée : on ne peut plus y inviter.",
        ),
    ],
)
def test_cancelled_and_past_workshops_cannot_be_invited_to(world, change, expected):
    Workshop.objects.filter(pk=world.local_a.pk).update(**change)
    with pytest.raises(ValidationError) as error:
        invitations_send(
            workshop=world.local_a,
            members=_candidates(world.groups["a"]),
            actor=world.cast.pilot_a,
        )
    assert error.value.messages == [expected]
    assert not Registration.objects.exists()
    assert not mail.outbox


def test_a_local_workshop_invites_only_its_territory(world):
    with pytest.raises(ValidationError, match="Seuls les membres actuels"):
        invitations_send(
            workshop=world.local_a,
            members=_candidates(world.groups["a2"]),
            actor=world.cast.pilot_a,
        )
    assert not Registration.objects.exists()


def test_a_seminar_invites_every_group_of_its_fabrique(world):
    members = _candidates(world.groups["a"]) + _candidates(world.groups["a2"])
    result = invitations_send(workshop=world.seminar_a, members=members, actor=world.cast.pilot_a)
    assert result.invited == 2
    with pytest.raises(ValidationError):
        invitations_send(
            workshop=world.seminar_a,
            members=_candidates(world.groups["b"]),
            actor=world.cast.pilot_a,
        )


# --- Concurrency (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no row locks (SELECT … FOR UPDATE): the race is PostgreSQL's to test.",
)
@pytest.mark.django_db(transaction=True)
def test_fifty_people_at_once_for_twenty_places():
    group = WorkingGroupFactory()
    workshop = WorkshopFactory(participation=group.participation, capacity=20)
    members = MemberFactory.create_batch(50, working_group=group)
    barrier = threading.Barrier(len(members))
    errors: list[BaseException] = []

    def register(member_pk: int) -> None:
        try:
            member = Member.objects.select_related("working_group__participation").get(pk=member_pk)
            target = Workshop.objects.select_related("fabrique", "participation").get(
                pk=workshop.pk
            )
            barrier.wait()
            registration_request(workshop=target, member=member, actor=None)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(m.pk,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = list(
        Registration.objects.filter(workshop=workshop)
        .order_by("requested_at", "pk")
        .values_list("member_id", "status")
    )
    assert [status for _member, status in rows] == [REGISTERED] * 20 + [WAITING] * 30
    # The audit events were written under the lock, one after the other: their order is the
    # order in which the locks were obtained, and the waiting list follows it.
    lock_order = [
        event["member"]
        for event in AuditEvent.objects.filter(action="registration.requested")
        .order_by("pk")
        .values_list("data", flat=True)
    ]
    assert [member for member, _status in rows] == lock_order
