"""The representativeness page: who sees it, what it reads from the database, what it shows."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fabriques.programme.tests.personas import ROLE_NAMES
from fabriques.workinggroups.models import StakeholderFamily
from fabriques.workinggroups.tests.factories import MemberFactory
from fabriques.workshops.models import Attendance, RegistrationStatus, WorkshopStatus
from fabriques.workshops.selectors.figures import load_figures

from .factories import RegistrationFactory, SeminarFactory, WorkshopFactory, in_days

ALL = (*ROLE_NAMES, "member_a", "member_a2", "member_b")
# Pilots, administrators and provider consultants see every figure of the Fabrique.
FABRIQUE_WIDE = {"admin", "pilot_a", "provider_a"}
# The territory's referents see their territory's figures.
TERRITORY_A = FABRIQUE_WIDE | {"elected_a", "technical_a"}


def _user(world, name):
    if name in world.users:
        return world.users[name]
    return world.cast.user(name)


def _url(world, territory=None):
    url = reverse("workshops:representativeness", args=[world.cast.fabrique_a.slug])
    return url if territory is None else f"{url}?territoire={territory.pk}"


def _get(client, world, name, territory=None):
    user = _user(world, name)
    if user is not None:
        client.force_login(user)
    return client.get(_url(world, territory))


@pytest.mark.parametrize("name", ALL)
def test_the_fabrique_wide_figures(client, world, name):
    response = _get(client, world, name)
    if name == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(resolve_url(settings.LOGIN_URL))
    elif name in FABRIQUE_WIDE:
        assert response.status_code == 200
    elif name in {"elected_a", "technical_a"}:
        # A referent is shown their own territory's figures, never the Fabrique's aggregate.
        assert response.status_code == 302
        assert response.url == _url(world, world.cast.participation_a)
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("name", ALL)
def test_a_territory_figures(client, world, name):
    response = _get(client, world, name, world.cast.participation_a)
    if name == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(resolve_url(settings.LOGIN_URL))
    else:
        assert response.status_code == (200 if name in TERRITORY_A else 404)


@pytest.mark.parametrize("name", ["elected_a", "technical_a", "pilot_b", "elected_b"])
def test_another_territory_is_not_found(client, world, name):
    assert _get(client, world, name, world.participation_a2).status_code == 404


def test_a_territory_of_another_fabrique_or_a_bad_parameter_is_not_found(client, world):
    client.force_login(world.cast.pilot_a)
    assert client.get(_url(world, world.cast.participation_b)).status_code == 404
    assert client.get(_url(world) + "?territoire=abc").status_code == 404
    assert client.get(_url(world) + "?territoire=999999").status_code == 404


def _held(world, count: int) -> None:
    """`count` meetings held in territory A, each with one member of a different family
    present and one absent."""
    group = world.groups["a"]
    families = list(StakeholderFamily.values)
    for n in range(count):
        workshop = WorkshopFactory(
            participation=world.cast.participation_a, starts_at=in_days(-3 * count + 3 * n - 1)
        )
        present = MemberFactory(working_group=group, family=families[n % len(families)])
        RegistrationFactory(workshop=workshop, member=present, attendance=Attendance.ATTENDED)
        RegistrationFactory(
            workshop=workshop, member=world.members["member_a"], attendance=Attendance.ABSENT
        )


@pytest.mark.parametrize("count", [3, 30])
def test_the_figures_read_two_queries_whatever_the_number_of_meetings(
    world, django_assert_num_queries, count
):
    _held(world, count)
    with django_assert_num_queries(2):  # the meetings held, their registrations
        figures = load_figures(fabrique=world.cast.fabrique_a)
    assert len(figures.meetings) == count
    assert figures.participants == count  # one new member each time; member_a is absent
    assert figures.invited_load.people == count + 1
    assert figures.invited_load.maximum == count  # member_a, invited every time
    assert figures.attendances == count


def _page_queries(client, world) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(world))
    assert response.status_code == 200
    return len(queries)


def test_the_page_reads_as_many_queries_with_3_or_30_meetings(client, world):
    client.force_login(world.cast.pilot_a)
    _held(world, 3)
    small = _page_queries(client, world)
    _held(world, 27)
    assert _page_queries(client, world) == small


def test_cancelled_and_future_meetings_are_not_counted(world):
    cancelled = WorkshopFactory(
        participation=world.cast.participation_a,
        starts_at=in_days(-5),
        status=WorkshopStatus.CANCELLED,
    )
    member_a = world.members["member_a"]
    RegistrationFactory(workshop=cancelled, member=member_a, attendance=Attendance.ATTENDED)
    # In 21 days: not held yet, even if someone checked in ahead of time.
    RegistrationFactory(workshop=world.local_a, member=member_a, attendance=Attendance.ATTENDED)
    held = SeminarFactory(fabrique=world.cast.fabrique_a, starts_at=in_days(-2))
    RegistrationFactory(
        workshop=held,
        member=world.members["member_a2"],
        attendance=Attendance.ATTENDED,
        status=RegistrationStatus.REGISTERED,
    )
    figures = load_figures(fabrique=world.cast.fabrique_a)
    assert [line.meeting.pk for line in figures.meetings] == [held.pk]
    assert figures.participants == 1
    # The territory's own figures leave out the seminar of the whole Fabrique.
    assert not load_figures(
        fabrique=world.cast.fabrique_a, participation=world.cast.participation_a
    ).has_meetings


def test_the_page_shows_raw_figures_warnings_and_definitions(client, world):
    workshop = WorkshopFactory(participation=world.cast.participation_a, starts_at=in_days(-7))
    for _ in range(2):
        RegistrationFactory(
            workshop=workshop,
            member=MemberFactory(working_group=world.groups["a"], family="elected"),
            attendance=Attendance.ATTENDED,
        )
    client.force_login(world.cast.technical_a)
    html = client.get(_url(world, world.cast.participation_a)).content.decode()
    # The people who run the group see raw counts: 2, not « moins de 5 ».
    assert 'data-figure="participants">2<' in html
    assert "moins de 5" not in html.split("Définitions")[0]
    assert (
        "Aucune personne de la famille « Habitants » n’a participé aux rencontres de ce "
        "territoire." in html
    )
    assert "<bar-chart" in html and "<line-chart" in html
    assert html.count('class="fr-table__wrapper"') == 4  # a table after each chart, and more
    assert "premier quart de la période" in html
    assert "Toute la Fabrique" not in html  # a referent has no Fabrique-wide view


def test_no_meeting_held_yet(client, world):
    client.force_login(world.cast.pilot_a)
    html = client.get(_url(world)).content.decode()
    assert "Aucune rencontre ne s’est encore tenue" in html
    assert "<bar-chart" not in html
