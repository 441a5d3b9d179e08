"""The person's secret calendar address (RGPD export and erasure): whether it exists and since
when; never the token, which is not kept."""

from __future__ import annotations

from typing import Any

from fabriques.accounts.models import User

from .models import CalendarFeed


def export_calendar_feed(user: User) -> list[dict[str, Any]]:
    return [
        {
            "adresse_d_agenda": True,
            "créée_le": feed.created_at.isoformat(),
            "dernière_lecture": feed.last_used_at.isoformat() if feed.last_used_at else None,
        }
        for feed in CalendarFeed.objects.filter(user=user)
    ]


def erase_calendar_feed(user: User) -> int:
    deleted, _per_model = CalendarFeed.objects.filter(user=user).delete()
    return deleted
