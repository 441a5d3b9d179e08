"""Workshops as iCalendar (RFC 5545), with the `icalendar` library: the feeds and the file
attached to invitations.

Every event carries the workshop's stable UID and its SEQUENCE (bumped by every change a
calendar must follow), its times in Europe/Paris with the VTIMEZONE the library derives from
the zoneinfo database (so daylight-saving time is right in every client), and STATUS:CANCELLED
once cancelled, so that a calendar that already holds it removes it.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable, Iterable

import icalendar
from django.conf import settings
from django.utils import timezone

from .models import Workshop, WorkshopMode

PRODID = "-//ANCT//Fabriques Prospectives//FR"
UID_DOMAIN = "fabriques-prospectives.anct.gouv.fr"


def _local(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _location(workshop: Workshop) -> str:
    parts = [workshop.venue, workshop.address.replace("\n", ", ")]
    if workshop.mode != WorkshopMode.IN_PERSON:
        parts.append(workshop.video_url)
    return " — ".join(part for part in parts if part)


def workshop_event(
    workshop: Workshop, *, now: datetime.datetime | None = None, url: str = ""
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{workshop.uid}@{UID_DOMAIN}")
    event.add("dtstamp", now or timezone.now())
    event.add("dtstart", _local(workshop.starts_at))
    event.add("dtend", _local(workshop.ends_at))
    event.add("sequence", workshop.sequence)
    event.add("summary", workshop.title)
    event.add("status", "CANCELLED" if workshop.is_cancelled else "CONFIRMED")
    location = _location(workshop)
    if location:
        event.add("location", location)
    description = "\n\n".join(
        part for part in (workshop.objectives, workshop.accessibility) if part
    )
    if description:
        event.add("description", description)
    if url:
        event.add("url", settings.SITE_URL.rstrip("/") + url)
    if workshop.updated_at:
        event.add("last-modified", workshop.updated_at)
    return event


def workshops_calendar(
    workshops: Iterable[Workshop],
    *,
    name: str,
    method: str = "PUBLISH",
    url_for: Callable[[Workshop], str] | None = None,
) -> bytes:
    """One calendar with an event per workshop; `method` REQUEST for an invitation, CANCEL for
    a cancellation sent by e-mail, PUBLISH for a feed; `url_for` gives each event's page (a
    path on this site)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    now = timezone.now()
    for workshop in workshops:
        url = url_for(workshop) if url_for else ""
        calendar.add_component(workshop_event(workshop, now=now, url=url))
    calendar.add_missing_timezones()
    return calendar.to_ical()
