"""The secret calendar address and the iCalendar feeds, read back with icalendar."""

from __future__ import annotations

import datetime
import hashlib
import re
import zoneinfo
from typing import Any

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fabriques.accounts.personal_data import sources
from fabriques.core.models import AuditEvent
from fabriques.workinggroups.tests.factories import MemberFactory
from fabriques.workshops.models import CalendarFeed, RegistrationStatus
from fabriques.workshops.services.calendar import calendar_feed_create
from fabriques.workshops.services.planning import workshop_cancel, workshop_update

from .factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def user_of(world, name):
    return world.users[name] if name in world.users else world.cast.user(name)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def events(response) -> dict[str, Any]:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def token_in(page: str) -> str:
    match = re.search(r"/agenda/([A-Za-z0-9_-]+)\.ics", page)
    assert match is not None
    return match.group(1)


def feed_url(token: str) -> str:
    return reverse("workshops:feed", args=[token])


# The settings page.
@pytest.mark.parametrize(
    "persona",
    [
        "admin",
        "pilot_a",
        "provider_a",
        "partner_a",
        "elected_a",
        "member_a",
        "member_b",
        "outsider",
    ],
)
def test_anyone_signed_in_creates_renews_and_deletes_their_address(world, persona):
    user = user_of(world, persona)
    client = client_for(user)
    url = reverse("workshops:calendar_settings")
    assert client.get(url).status_code == 200
    page = client.post(url, {"action": "create"}).content.decode()
    token = token_in(page)
    feed = CalendarFeed.objects.get(user=user)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in feed.token_hash
    assert client.get(feed_url(token)).status_code == 200
    # Shown once: the page no longer shows it.
    assert token not in client.get(url).content.decode()
    # Renewing revokes the old address.
    page = client.post(url, {"action": "create"}).content.decode()
    new_token = token_in(page)
    assert new_token != token
    assert Client().get(feed_url(token)).status_code == 404
    assert Client().get(feed_url(new_token)).status_code == 200
    client.post(url, {"action": "delete"})
    assert not CalendarFeed.objects.filter(user=user).exists()
    assert Client().get(feed_url(new_token)).status_code == 404
    assert [e.action for e in AuditEvent.objects.filter(actor=user).order_by("pk")] == [
        "calendar_feed.created",
        "calendar_feed.renewed",
        "calendar_feed.deleted",
    ]


def test_settings_needs_login(world):
    response = Client().get(reverse("workshops:calendar_settings"))
    assert response.status_code == 302
    assert (
        Client().post(reverse("workshops:calendar_settings"), {"action": "create"}).status_code
        == 302
    )
    assert not CalendarFeed.objects.exists()


def test_unknown_token_is_404(world):
    assert Client().get(feed_url("inconnu")).status_code == 404
    assert (
        Client().get(reverse("workshops:fabrique_feed", args=["inconnu", "fabrique-a"])).status_code
        == 404
    )


# The personal feed.
def test_member_feed_lists_their_invitations_in_paris_time(world):
    member = world.members["member_a"]
    RegistrationFactory(workshop=world.local_a, member=member, status=RegistrationStatus.REGISTERED)
    other = WorkshopFactory(participation=world.cast.participation_a, title="Sans elle")
    declined = WorkshopFactory(participation=world.cast.participation_a, title="Déclinée")
    RegistrationFactory(workshop=declined, member=member, status=RegistrationStatus.DECLINED)
    _feed, token = calendar_feed_create(user=member.user)
    found = events(Client().get(feed_url(token)))
    assert set(found) == {world.local_a.title}
    event = found[world.local_a.title]
    start = event.decoded("dtstart")
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Paris"
    assert start == world.local_a.starts_at
    assert str(event["uid"]).startswith(str(world.local_a.uid))
    assert other.title not in found


def test_left_member_loses_the_workshops_of_their_group(world):
    member = world.members["member_a"]
    RegistrationFactory(workshop=world.local_a, member=member, status=RegistrationStatus.INVITED)
    member.left_on = timezone.localdate()
    member.save(update_fields=["left_on"])
    _feed, token = calendar_feed_create(user=member.user)
    assert events(Client().get(feed_url(token))) == {}


def test_feed_follows_updates_and_cancellation(world):
    member = world.members["member_a"]
    RegistrationFactory(workshop=world.local_a, member=member, status=RegistrationStatus.WAITING)
    _feed, token = calendar_feed_create(user=member.user)
    later = world.local_a.starts_at + datetime.timedelta(days=1)
    workshop_update(
        workshop=world.local_a,
        actor=world.cast.pilot_a,
        data={"starts_at": later, "ends_at": later + datetime.timedelta(hours=2)},
    )
    event = events(Client().get(feed_url(token)))[world.local_a.title]
    assert event["sequence"] == 1
    assert event.decoded("dtstart") == later
    workshop_cancel(workshop=world.local_a, actor=world.cast.pilot_a)
    event = events(Client().get(feed_url(token)))[world.local_a.title]
    assert event["sequence"] == 2
    assert event["status"] == "CANCELLED"


@pytest.mark.parametrize(
    ("persona", "sees_local", "sees_seminar"),
    [
        ("pilot_a", True, True),
        ("provider_a", True, True),
        ("elected_a", True, True),
        ("partner_a", False, True),
        ("pilot_b", False, False),
        ("elected_b", False, False),
    ],
)
def test_staff_feed_lists_what_they_see_in_their_fabriques(
    world, persona, sees_local, sees_seminar
):
    _feed, token = calendar_feed_create(user=user_of(world, persona))
    found = events(Client().get(feed_url(token)))
    assert (world.local_a.title in found) is sees_local
    assert (world.seminar_a.title in found) is sees_seminar


def test_feed_query_count_does_not_grow_and_last_use_is_written_hourly(
    world, django_assert_num_queries
):
    user = world.cast.pilot_a
    _feed, token = calendar_feed_create(user=user)
    client = Client()
    client.get(feed_url(token))
    first_use = CalendarFeed.objects.get(user=user).last_used_at
    assert first_use is not None
    # feed by token with its user, memberships (grants), working-group memberships (scope),
    # workshops; no write within the hour.
    with django_assert_num_queries(4):
        client.get(feed_url(token))
    for _ in range(10):
        WorkshopFactory(participation=world.cast.participation_a)
    with django_assert_num_queries(4):
        found = events(client.get(feed_url(token)))
    assert len(found) == 12
    assert CalendarFeed.objects.get(user=user).last_used_at == first_use
    CalendarFeed.objects.filter(user=user).update(
        last_used_at=first_use - datetime.timedelta(hours=2)
    )
    client.get(feed_url(token))
    last_use = CalendarFeed.objects.get(user=user).last_used_at
    assert last_use is not None and last_use > first_use


# The Fabrique's feed.
@pytest.mark.parametrize(
    ("persona", "status", "sees_local"),
    [
        ("pilot_a", 200, True),
        ("partner_a", 200, False),
        ("member_a", 200, True),
        ("member_a2", 200, False),
        ("pilot_b", 404, False),
        ("member_b", 404, False),
    ],
)
def test_fabrique_feed_by_persona(world, persona, status, sees_local):
    _feed, token = calendar_feed_create(user=user_of(world, persona))
    url = reverse("workshops:fabrique_feed", args=[token, world.cast.fabrique_a.slug])
    response = Client().get(url)
    assert response.status_code == status
    if status == 200:
        found = events(response)
        assert world.seminar_a.title in found
        assert (world.local_a.title in found) is sees_local


def test_fabrique_feed_keeps_cancelled_workshops(world):
    _feed, token = calendar_feed_create(user=world.cast.provider_a)
    workshop_cancel(workshop=world.seminar_a, actor=world.cast.provider_a)
    url = reverse("workshops:fabrique_feed", args=[token, world.cast.fabrique_a.slug])
    assert events(Client().get(url))[world.seminar_a.title]["status"] == "CANCELLED"


# Personal data.
def test_calendar_feed_is_exported_and_erased_with_the_person(world):
    user = world.users["member_a"]
    calendar_feed_create(user=user)
    source = next(s for s in sources() if s.key == "workshops.calendar_feed")
    exported = source.export(user)
    assert exported[0]["adresse_d_agenda"] is True and "créée_le" in exported[0]
    assert "token" not in str(exported)
    assert source.erase(user) == 1
    assert not CalendarFeed.objects.filter(user=user).exists()
    assert source.export(user) == []


def test_member_of_another_group_gets_nothing_of_fabrique_b(world):
    MemberFactory(working_group=world.groups["b"], user=world.users["member_a"])
    _feed, token = calendar_feed_create(user=world.users["member_a"])
    url = reverse("workshops:fabrique_feed", args=[token, world.cast.fabrique_b.slug])
    assert Client().get(url).status_code == 200


def test_creation_shows_the_fabrique_addresses_once(world):
    client = client_for(world.cast.partner_a)
    page = client.post(
        reverse("workshops:calendar_settings"), {"action": "create"}
    ).content.decode()
    match = re.search(r"/agenda/([A-Za-z0-9_-]+)/fabriques/fabrique-a\.ics", page)
    assert match is not None
    assert "fabrique-b.ics" not in page
    assert Client().get(match.group(0)).status_code == 200
