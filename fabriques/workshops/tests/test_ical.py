"""The iCalendar of workshops, parsed back."""

from __future__ import annotations

import datetime
import zoneinfo

import icalendar
import pytest

from fabriques.workshops.ical import workshops_calendar
from fabriques.workshops.models import WorkshopStatus

from .factories import WorkshopFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.mark.django_db
def test_a_workshop_reads_back_in_paris_time_across_daylight_saving():
    # 29 March 2027: the day after the clocks go forward (UTC+2).
    summer = WorkshopFactory(
        starts_at=datetime.datetime(2027, 3, 29, 14, tzinfo=PARIS),
        ends_at=datetime.datetime(2027, 3, 29, 17, tzinfo=PARIS),
    )
    winter = WorkshopFactory(
        starts_at=datetime.datetime(2027, 3, 27, 14, tzinfo=PARIS),
        ends_at=datetime.datetime(2027, 3, 27, 17, tzinfo=PARIS),
        status=WorkshopStatus.CANCELLED,
        sequence=2,
    )
    calendar = icalendar.Calendar.from_ical(workshops_calendar([summer, winter], name="Test"))
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    first = events[summer.title]
    assert first.decoded("dtstart") == datetime.datetime(2027, 3, 29, 14, tzinfo=PARIS)
    assert first.decoded("dtstart").utcoffset() == datetime.timedelta(hours=2)
    assert first["dtstart"].params["TZID"] == "Europe/Paris"
    assert str(first["status"]) == "CONFIRMED"
    second = events[winter.title]
    assert second.decoded("dtstart").utcoffset() == datetime.timedelta(hours=1)
    assert str(second["status"]) == "CANCELLED"
    assert second.decoded("sequence") == 2
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert str(first["uid"]) != str(second["uid"])
