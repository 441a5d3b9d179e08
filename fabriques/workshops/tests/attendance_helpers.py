"""Shared helpers of the attendance tests: a workshop happening now, and the personas."""

from __future__ import annotations

import datetime

from django.utils import timezone

from fabriques.programme.tests.personas import ROLE_NAMES
from fabriques.workshops.models import Workshop

MANAGERS = {"admin", "pilot_a", "provider_a", "elected_a", "technical_a"}
# Those who see territory A's workshop without running it: its group's member.
VIEWERS = {"member_a"}
ALL = (*ROLE_NAMES, "member_a", "member_a2", "member_b")


def user(world, name):
    if name in world.users:
        return world.users[name]
    return world.cast.user(name)


def happening_now(workshop: Workshop) -> Workshop:
    """Started half an hour ago: check-in is open whatever the time of day."""
    workshop.starts_at = timezone.now() - datetime.timedelta(minutes=30)
    workshop.ends_at = timezone.now() + datetime.timedelta(hours=2)
    workshop.save()
    return workshop
