"""The planning services on their own: SEQUENCE, field errors, capacity, cancellation."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from fabriques.core.models import AuditEvent, OutgoingEmail
from fabriques.deliverables.tests.factories import DeliverableFactory
from fabriques.workinggroups.tests.factories import MemberFactory
from fabriques.workshops.models import RegistrationStatus, WorkshopStatus
from fabriques.workshops.services.planning import (
    workshop_cancel,
    workshop_create,
    workshop_update,
)

from .factories import RegistrationFactory, in_days

pytestmark = pytest.mark.django_db


def test_a_title_change_keeps_the_sequence_a_time_change_bumps_it(world):
    workshop = workshop_update(
        workshop=world.local_a, actor=world.cast.pilot_a, data={"title": "Nouveau titre"}
    )
    assert workshop.sequence == 0
    later = workshop.starts_at + datetime.timedelta(hours=1)
    workshop = workshop_update(
        workshop=workshop,
        actor=world.cast.pilot_a,
        data={"starts_at": later, "ends_at": later + datetime.timedelta(hours=2)},
    )
    assert workshop.sequence == 1
    workshop = workshop_update(
        workshop=workshop,
        actor=world.cast.pilot_a,
        data={"mode": "hybrid", "video_url": "https://visio.exemple.fr/a"},
    )
    assert workshop.sequence == 2
    assert AuditEvent.objects.filter(action="workshop.updated").count() == 3


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"mode": "video"}, "video_url"),
        ({"kind": "seminar"}, "participation"),
        ({"places_per_territory": 3}, "places_per_territory"),
        ({"ends_at": in_days(21, hour=10)}, "ends_at"),
        ({"registration_deadline": in_days(30)}, "registration_deadline"),
    ],
)
def test_errors_land_on_the_field_to_fix(world, data, field):
    with pytest.raises(ValidationError) as caught:
        workshop_update(workshop=world.local_a, actor=world.cast.pilot_a, data=data)
    assert field in caught.value.error_dict
    world.local_a.refresh_from_db()
    assert world.local_a.sequence == 0 and world.local_a.mode == "in_person"


def test_create_refuses_a_territory_or_deliverable_of_another_fabrique(world):
    data = {
        "kind": "local",
        "title": "Ailleurs",
        "participation": world.cast.participation_b,
        "starts_at": in_days(10),
        "ends_at": in_days(10, hour=17),
    }
    with pytest.raises(ValidationError) as caught:
        workshop_create(fabrique=world.cast.fabrique_a, actor=world.cast.admin, data=data)
    assert "participation" in caught.value.error_dict
    data["participation"] = world.cast.participation_a
    data["deliverable"] = DeliverableFactory(fabrique=world.cast.fabrique_b)
    with pytest.raises(ValidationError) as caught:
        workshop_create(fabrique=world.cast.fabrique_a, actor=world.cast.admin, data=data)
    assert "deliverable" in caught.value.error_dict
    data["deliverable"] = DeliverableFactory(fabrique=world.cast.fabrique_a)
    workshop = workshop_create(fabrique=world.cast.fabrique_a, actor=world.cast.admin, data=data)
    assert workshop.deliverable == data["deliverable"]


def test_capacity_cannot_fall_below_the_registered(world):
    for status in (
        RegistrationStatus.REGISTERED,
        RegistrationStatus.REGISTERED,
        RegistrationStatus.WAITING,
    ):
        RegistrationFactory(
            workshop=world.local_a,
            member=MemberFactory(working_group=world.groups["a"]),
            status=status,
        )
    with pytest.raises(ValidationError) as caught:
        workshop_update(workshop=world.local_a, actor=world.cast.pilot_a, data={"capacity": 1})
    assert "2 personnes sont déjà inscrites" in caught.value.message_dict["capacity"][0]
    assert (
        workshop_update(
            workshop=world.local_a, actor=world.cast.pilot_a, data={"capacity": 2}
        ).capacity
        == 2
    )


def test_cancel_twice_is_refused_and_sends_once(world):
    RegistrationFactory(
        workshop=world.local_a, member=world.members["member_a"], status=RegistrationStatus.INVITED
    )
    workshop = workshop_cancel(workshop=world.local_a, actor=world.cast.pilot_a)
    assert workshop.status == WorkshopStatus.CANCELLED and workshop.sequence == 1
    with pytest.raises(ValidationError):
        workshop_cancel(workshop=workshop, actor=world.cast.pilot_a)
    assert OutgoingEmail.objects.count() == 1
    assert OutgoingEmail.objects.get().to == ["member_a@exemple.fr"]
