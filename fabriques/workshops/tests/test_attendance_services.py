"""Check-in by code, the roll call and walk-ins (services.attendance): the rules and their
French refusals, which change nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from fabriques.core.models import AuditEvent
from fabriques.workinggroups.models import Member
from fabriques.workinggroups.tests.factories import MemberFactory
from fabriques.workshops.models import Attendance, Registration, RegistrationStatus, WorkshopStatus
from fabriques.workshops.services import attendance as services

from .attendance_helpers import happening_now
from .factories import RegistrationFactory, SeminarFactory, WorkshopFactory


@pytest.fixture
def now_a(world):
    return happening_now(world.local_a)


def _registration(world, workshop, **kwargs):
    return RegistrationFactory(workshop=workshop, member=world.members["member_a"], **kwargs)


def _snapshot():
    return (
        list(Registration.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
        Member.objects.count(),
    )


def test_codes_are_read_case_insensitive_without_spaces_or_dashes():
    assert services.code_normalize(" ab2-c3d ") == "AB2C3D"
    assert services.code_normalize("ab2\u00a0c3d") == "AB2C3D"
    assert services.code_is_well_formed("AB2C3D")
    assert not services.code_is_well_formed("AB0C3D")  # 0 is not in the alphabet


def test_check_in_by_code_marks_present_and_audits(world, now_a):
    registration = _registration(world, now_a, code="AB2C3D")
    pilot = world.cast.pilot_a
    result = services.attendance_check_in_by_code(workshop=now_a, code="ab2-c3d", actor=pilot)
    assert result.pk == registration.pk
    registration.refresh_from_db()
    assert registration.attendance == Attendance.ATTENDED
    assert registration.checked_in_at is not None
    event = AuditEvent.objects.get(action="attendance.checked_in")
    assert event.actor == pilot
    assert event.data["member"] == registration.member_id
    # The audit trail names the member by id only.
    assert registration.member.last_name not in event.summary


def test_check_in_twice_changes_nothing(world, now_a):
    registration = _registration(world, now_a, code="AB2C3D")
    services.attendance_check_in_by_code(workshop=now_a, code="AB2C3D", actor=None)
    registration.refresh_from_db()
    first = registration.checked_in_at
    before = _snapshot()
    again = services.attendance_check_in_by_code(workshop=now_a, code="AB2C3D", actor=None)
    assert again.checked_in_at == first
    assert _snapshot() == before


def test_an_invited_person_who_comes_is_registered(world, now_a):
    registration = _registration(world, now_a, code="AB2C3D", status=RegistrationStatus.INVITED)
    services.attendance_check_in_by_code(workshop=now_a, code="AB2C3D", actor=None)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED


def _refused(workshop, code, actor=None):
    before = _snapshot()
    with pytest.raises(ValidationError) as caught:
        services.attendance_check_in_by_code(workshop=workshop, code=code, actor=actor)
    assert _snapshot() == before
    return " ".join(caught.value.messages)


def test_an_unknown_code_is_refused_by_name(world, now_a):
    _registration(world, now_a, code="AB2C3D")
    message = _refused(now_a, "zz-zz-zz")
    assert message == "Aucune inscription à cette rencontre ne porte le code « ZZZZZZ »."


def test_a_malformed_code_says_what_a_code_is(world, now_a):
    message = _refused(now_a, "AB0")
    assert "n’est pas un code de pointage" in message
    assert "6 caractères" in message


def test_the_code_of_another_workshop_names_it_for_who_sees_it(world, now_a):
    other = WorkshopFactory(participation=world.cast.participation_a, title="Atelier mobilités")
    RegistrationFactory(workshop=other, member=world.members["member_a"], code="QR7K9M")
    message = _refused(now_a, "QR7K9M", actor=world.cast.pilot_a)
    assert message.startswith(
        "Ce code correspond à une autre rencontre : « Atelier mobilités » du "
    )


def test_the_code_of_another_fabriques_workshop_is_not_named(world, now_a):
    other = WorkshopFactory(participation=world.cast.participation_b, title="Atelier secret")
    RegistrationFactory(workshop=other, member=world.members["member_b"], code="QR7K9M")
    message = _refused(now_a, "QR7K9M", actor=world.cast.pilot_a)
    assert "Ce code correspond à une autre rencontre, que vous n’animez pas." in message
    assert "secret" not in message


def test_a_cancelled_workshop_refuses_check_in(world, now_a):
    _registration(world, now_a, code="AB2C3D")
    now_a.status = WorkshopStatus.CANCELLED
    now_a.save()
    message = _refused(now_a, "AB2C3D")
    assert message == "Cette rencontre est annulée : aucune présence ne peut y être pointée."


def test_check_in_opens_on_the_day_of_the_workshop(world):
    workshop = world.local_a  # in three weeks
    _registration(world, workshop, code="AB2C3D")
    message = _refused(workshop, "AB2C3D")
    assert message.startswith("Le pointage ouvre le jour de la rencontre, le ")


@pytest.mark.parametrize("value", [Attendance.ATTENDED, Attendance.EXCUSED, Attendance.ABSENT])
def test_the_roll_call_sets_each_value(world, now_a, value):
    registration = _registration(world, now_a)
    services.attendance_set(registration=registration, attendance=value, actor=None)
    registration.refresh_from_db()
    assert registration.attendance == value
    assert (registration.checked_in_at is not None) is (value == Attendance.ATTENDED)
    assert AuditEvent.objects.filter(action="attendance.set").count() == 1


def test_the_roll_call_refuses_a_value_outside_the_choices(world, now_a):
    registration = _registration(world, now_a)
    before = _snapshot()
    with pytest.raises(ValidationError) as caught:
        services.attendance_set(registration=registration, attendance="late", actor=None)
    assert caught.value.messages == [
        "« late » n’est pas une présence possible : choisissez Présent, Excusé, Absent ou "
        "Non pointé."
    ]
    assert _snapshot() == before


def test_an_excuse_may_come_before_the_day_but_not_a_presence(world):
    registration = _registration(world, world.local_a)
    services.attendance_set(registration=registration, attendance=Attendance.EXCUSED, actor=None)
    with pytest.raises(ValidationError):
        services.attendance_set(
            registration=registration, attendance=Attendance.ATTENDED, actor=None
        )
    registration.refresh_from_db()
    assert registration.attendance == Attendance.EXCUSED


def test_a_walk_in_member_is_registered_and_present_beyond_capacity(world, now_a):
    now_a.capacity = 1
    now_a.save()
    RegistrationFactory(workshop=now_a, member=MemberFactory(working_group=world.groups["a"]))
    member = world.members["member_a"]
    registration = services.walk_in_add(workshop=now_a, member=member, actor=None)
    assert registration.walk_in
    assert registration.status == RegistrationStatus.REGISTERED
    assert registration.attendance == Attendance.ATTENDED
    assert AuditEvent.objects.get(action="attendance.walk_in").data["created"] is True


def test_a_walk_in_updates_an_existing_invitation(world, now_a):
    registration = _registration(world, now_a, status=RegistrationStatus.WAITING)
    services.walk_in_add(workshop=now_a, member=world.members["member_a"], actor=None)
    registration.refresh_from_db()
    assert (registration.walk_in, registration.status, registration.attendance) == (
        True,
        RegistrationStatus.REGISTERED,
        Attendance.ATTENDED,
    )


def test_a_walk_in_from_another_group_is_refused(world, now_a):
    before = _snapshot()
    with pytest.raises(ValidationError) as caught:
        services.walk_in_add(workshop=now_a, member=world.members["member_a2"], actor=None)
    assert "n’est pas un membre actuel du groupe de travail" in " ".join(caught.value.messages)
    assert _snapshot() == before


def test_a_seminar_takes_walk_ins_from_every_group_of_the_fabrique(world):
    seminar = happening_now(SeminarFactory(fabrique=world.cast.fabrique_a))
    services.walk_in_add(workshop=seminar, member=world.members["member_a2"], actor=None)
    with pytest.raises(ValidationError):
        services.walk_in_add(workshop=seminar, member=world.members["member_b"], actor=None)


def test_a_newcomer_joins_the_group_and_is_present(world, now_a):
    registration = services.walk_in_newcomer_add(
        workshop=now_a,
        participation=world.cast.participation_a,
        data={
            "first_name": "Léa",
            "last_name": "Nouvelle",
            "email": "lea@exemple.fr",
            "organisation_name": "Mairie",
            "family": "inhabitant",
        },
        actor=world.cast.pilot_a,
    )
    assert registration.member.working_group == world.groups["a"]
    assert registration.walk_in
    assert set(
        AuditEvent.objects.values_list("action", flat=True).filter(
            action__in=["member.added", "attendance.walk_in"]
        )
    ) == {"member.added", "attendance.walk_in"}


def test_a_newcomer_with_a_members_address_changes_nothing(world, now_a):
    before = _snapshot()
    with pytest.raises(ValidationError) as caught:
        services.walk_in_newcomer_add(
            workshop=now_a,
            participation=world.cast.participation_a,
            data={
                "first_name": "Autre",
                "last_name": "Personne",
                "email": world.members["member_a"].email,
                "family": "inhabitant",
            },
            actor=None,
        )
    assert "a déjà l’adresse électronique" in " ".join(caught.value.messages)
    assert _snapshot() == before


def test_a_newcomer_of_another_fabriques_territory_is_refused(world, now_a):
    before = _snapshot()
    with pytest.raises(ValidationError):
        services.walk_in_newcomer_add(
            workshop=now_a,
            participation=world.cast.participation_b,
            data={"first_name": "A", "last_name": "B", "email": "ab@exemple.fr", "family": "other"},
            actor=None,
        )
    assert _snapshot() == before
