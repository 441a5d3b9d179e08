"""Who sees and runs a workshop and its minutes (workshops.access), for every role."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from fabriques.programme.tests.personas import ROLE_NAMES
from fabriques.workshops import access
from fabriques.workshops.models import Attendance, MinutesStatus, MinutesVisibility

from .factories import MinutesFactory, RegistrationFactory

MANAGERS = {"admin", "pilot_a", "provider_a", "elected_a", "technical_a"}
SEMINAR_MANAGERS = {"admin", "pilot_a", "provider_a"}
SEMINAR_VIEWERS = SEMINAR_MANAGERS | {"partner_a", "elected_a", "technical_a"}


def _user(world, name):
    if name in world.users:
        return world.users[name]
    return world.cast.user(name)


ALL = (*ROLE_NAMES, "member_a", "member_a2", "member_b")


@pytest.mark.parametrize("name", ALL)
def test_a_local_workshop_is_seen_by_its_group_and_run_by_those_who_run_it(world, name):
    user = _user(world, name)
    workshop = world.local_a
    expected_see = name in MANAGERS or name == "member_a"
    assert access.may_see_workshop(user, workshop) is expected_see
    assert access.may_manage_workshop(user, workshop) is (name in MANAGERS)
    if not expected_see:
        with pytest.raises(Http404):
            access.get_workshop_for_user(user, workshop.pk)
    elif name not in MANAGERS:
        with pytest.raises(PermissionDenied):
            access.get_workshop_for_user(user, workshop.pk, manage=True)


@pytest.mark.parametrize("name", ALL)
def test_a_seminar_is_seen_by_the_whole_fabrique(world, name):
    user = _user(world, name)
    seminar = world.seminar_a
    expected = name in SEMINAR_VIEWERS or name in {"member_a", "member_a2"}
    assert access.may_see_workshop(user, seminar) is expected
    assert access.may_manage_workshop(user, seminar) is (name in SEMINAR_MANAGERS)


def test_an_invitation_opens_a_workshop_of_another_territory(world):
    RegistrationFactory(workshop=world.local_a, member=world.members["member_a2"])
    assert access.may_see_workshop(world.users["member_a2"], world.local_a)
    assert not access.may_see_workshop(world.users["member_b"], world.local_a)


@pytest.mark.parametrize(
    ("status", "visibility", "readers"),
    [
        (MinutesStatus.DRAFT, MinutesVisibility.PUBLIC, set()),
        (MinutesStatus.SHARED, MinutesVisibility.PUBLIC, {"member_a"}),
        (MinutesStatus.PUBLISHED, MinutesVisibility.GROUP, {"member_a"}),
        (MinutesStatus.PUBLISHED, MinutesVisibility.FABRIQUE, {"member_a", "member_a2"}),
        (
            MinutesStatus.PUBLISHED,
            MinutesVisibility.PUBLIC,
            {"member_a", "member_a2", "member_b", "anonymous", "outsider"},
        ),
    ],
)
def test_minutes_are_read_according_to_their_state_and_visibility(
    world, status, visibility, readers
):
    minutes = MinutesFactory(workshop=world.local_a, status=status, visibility=visibility)
    RegistrationFactory(
        workshop=world.local_a, member=world.members["member_a"], attendance=Attendance.ATTENDED
    )
    for name in ("member_a", "member_a2", "member_b", "anonymous", "outsider", "partner_a"):
        user = _user(world, name)
        expected = name in readers or (
            name == "partner_a"
            and status == MinutesStatus.PUBLISHED
            and visibility != MinutesVisibility.GROUP
        )
        assert access.may_read_minutes(user, minutes) is expected, name
    for name in MANAGERS:
        assert access.may_read_minutes(world.cast.user(name), minutes)


def test_comments_close_at_the_announced_date(world):
    minutes = MinutesFactory(
        workshop=world.local_a,
        status=MinutesStatus.SHARED,
        comments_until=timezone.now() + datetime.timedelta(days=3),
    )
    RegistrationFactory(
        workshop=world.local_a, member=world.members["member_a"], attendance=Attendance.ATTENDED
    )
    member = world.users["member_a"]
    assert access.may_comment_minutes(member, minutes)
    minutes.comments_until = timezone.now() - datetime.timedelta(minutes=1)
    assert not access.may_comment_minutes(member, minutes)
