"""Writes that change a published Fabrique's figures bump the public data version; the daily
work of a running Fabrique does not."""

from __future__ import annotations

from fabriques.core.versioning import data_version
from fabriques.programme.models import FabriqueStatus
from fabriques.workshops.models import Attendance, Registration
from fabriques.workshops.signals import workshop_figures_changed

from .factories import RegistrationFactory, WorkshopFactory, in_days


def _registration(world):
    workshop = WorkshopFactory(participation=world.cast.participation_a, starts_at=in_days(-3))
    return RegistrationFactory(workshop=workshop, member=world.members["member_a"])


def test_a_running_fabrique_does_not_bump(world):
    registration = _registration(world)
    before = data_version()
    registration.attendance = Attendance.ATTENDED
    registration.save(update_fields=["attendance"])
    member = world.members["member_a"]
    member.family = "inhabitant"
    member.save(update_fields=["family"])
    assert data_version() == before


def test_a_published_fabrique_bumps_on_attendance_member_and_workshop_writes(world):
    registration = _registration(world)
    fabrique = world.cast.fabrique_a
    fabrique.status = FabriqueStatus.PUBLISHED
    fabrique.save(update_fields=["status"])
    version = data_version()
    # Read afresh, without its workshop: the signal finds the Fabrique by a query.
    registration = Registration.objects.get(pk=registration.pk)
    registration.attendance = Attendance.ATTENDED
    registration.save(update_fields=["attendance"])
    assert data_version() == version + 1
    member = world.members["member_a"]
    member.family = "inhabitant"
    member.save(update_fields=["family"])
    assert data_version() == version + 2
    workshop = registration.workshop
    workshop.title = "Atelier renommé"
    workshop.save(update_fields=["title"])
    assert data_version() == version + 3
    registration.delete()
    assert data_version() == version + 4


def test_bulk_writes_are_announced_by_the_services(world):
    registration = _registration(world)
    before = data_version()
    workshop_figures_changed(fabrique_id=world.cast.fabrique_a.pk)  # running: nothing public
    assert data_version() == before
    Registration.objects.filter(pk=registration.pk).update(attendance=Attendance.ATTENDED)
    world.cast.fabrique_b.status = FabriqueStatus.FOLLOW_UP
    world.cast.fabrique_b.save(update_fields=["status"])
    before = data_version()
    workshop_figures_changed(fabrique_id=world.cast.fabrique_b.pk)
    assert data_version() == before + 1
