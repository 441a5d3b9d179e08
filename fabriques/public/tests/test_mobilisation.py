"""The « Mobilisation des groupes de travail » section of a Fabrique's public page: only once
the Fabrique's work is published, without any name, small counts suppressed, never stale."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fabriques.programme.models import Fabrique, FabriqueStatus
from fabriques.workinggroups.tests.factories import MemberFactory
from fabriques.workshops.models import Attendance, Registration
from fabriques.workshops.tests.conftest import build_workshop_world
from fabriques.workshops.tests.factories import RegistrationFactory, WorkshopFactory, in_days

pytestmark = pytest.mark.django_db

SECTION = "Mobilisation des groupes de travail"


@pytest.fixture
def world(db):
    return build_workshop_world()


def _publish(fabrique: Fabrique, status: str = FabriqueStatus.PUBLISHED) -> None:
    fabrique.status = status
    fabrique.save(update_fields=["status"])


def _page(client, fabrique: Fabrique) -> str:
    response = client.get(reverse("public:fabrique_detail", args=[fabrique.slug]))
    assert response.status_code == 200
    return response.content.decode()


def _meeting(world, *, present: int, family: str = "elected"):
    """A meeting held a week ago in territory A, with `present` members of `family` there."""
    workshop = WorkshopFactory(participation=world.cast.participation_a, starts_at=in_days(-7))
    members = [
        MemberFactory(
            working_group=world.groups["a"],
            family=family,
            first_name="Dominique",
            last_name=f"Secretnom{n}",
        )
        for n in range(present)
    ]
    registrations = [
        RegistrationFactory(workshop=workshop, member=m, attendance=Attendance.ATTENDED)
        for m in members
    ]
    return workshop, registrations


def test_a_running_fabrique_shows_no_figures(client, world):
    _meeting(world, present=6)
    assert SECTION not in _page(client, world.cast.fabrique_a)


@pytest.mark.parametrize("status", [FabriqueStatus.PUBLISHED, FabriqueStatus.FOLLOW_UP])
def test_a_published_fabrique_shows_figures_without_names(client, world, status):
    _meeting(world, present=6)
    _meeting(world, present=2, family="inhabitant")
    _publish(world.cast.fabrique_a, status)
    html = _page(client, world.cast.fabrique_a)
    assert SECTION in html
    assert "Secretnom" not in html and "Dominique" not in html
    assert "@exemple.fr" not in html
    # 6 elected officials are shown; the 2 inhabitants are « moins de 5 », as is every
    # count of people under 5 (the second meeting's total).
    assert "moins de 5" in html
    # 8 people came, but an exact total would give the 2 inhabitants away (8 − 6): « au
    # moins 7 » (6, and at least 1 behind « moins de 5 »).
    assert 'data-figure="participants">au moins 7<' in html
    section = html.split(SECTION)[1].split("Définitions")[0]
    assert 'fr-cell--right">moins de 5<' in section
    assert 'fr-cell--right">2<' not in section and "<strong>2</strong>" not in section
    assert "&quot;Habitants&quot;" not in section  # left out of the chart, given by the table
    assert "Aucune personne de la famille « Entreprises » n’a participé" in html


def test_the_figures_follow_an_attendance_change_at_once(client, world, locmem):
    _workshop, registrations = _meeting(world, present=6)
    _publish(world.cast.fabrique_a)
    assert 'data-figure="participants">6<' in _page(client, world.cast.fabrique_a)
    # One more person checked in, through the model (as the attendance services do).
    registration = Registration.objects.get(pk=registrations[0].pk)
    extra = RegistrationFactory(
        workshop=registration.workshop,
        member=MemberFactory(working_group=world.groups["a"], family="elected"),
        attendance=Attendance.UNKNOWN,
    )
    assert 'data-figure="participants">6<' in _page(client, world.cast.fabrique_a)
    extra.attendance = Attendance.ATTENDED
    extra.save(update_fields=["attendance"])
    assert 'data-figure="participants">7<' in _page(client, world.cast.fabrique_a)


def test_a_bulk_change_is_followed_once_the_services_say_so(client, world, locmem):
    from fabriques.workshops.signals import workshop_figures_changed

    _workshop, registrations = _meeting(world, present=6)
    _publish(world.cast.fabrique_a)
    assert 'data-figure="participants">6<' in _page(client, world.cast.fabrique_a)
    Registration.objects.filter(pk=registrations[0].pk).update(attendance=Attendance.ABSENT)
    workshop_figures_changed(fabrique_id=world.cast.fabrique_a.pk)
    assert 'data-figure="participants">moins de 5<' not in _page(client, world.cast.fabrique_a)
    assert 'data-figure="participants">5<' in _page(client, world.cast.fabrique_a)


def _queries(client, fabrique) -> int:
    with CaptureQueriesContext(connection) as queries:
        _page(client, fabrique)
    return len(queries)


def test_the_section_reads_as_many_queries_with_3_or_30_meetings(client, world):
    _publish(world.cast.fabrique_a)
    for _ in range(3):
        _meeting(world, present=1)
    small = _queries(client, world.cast.fabrique_a)
    for _ in range(27):
        _meeting(world, present=1)
    assert _queries(client, world.cast.fabrique_a) == small
