"""The personal secret calendar address: created, renewed (the old one stops working at once)
or deleted. Only the SHA-256 of the token is stored, as for sign-in links: the address is
shown once, and a leaked database gives no working address."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.core.services import audit_event_create

from ..models import CalendarFeed

# A calendar application polls every few minutes: the read date is written at most hourly.
LAST_USED_PRECISION = datetime.timedelta(hours=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, user: User) -> tuple[CalendarFeed, str]:
    """A new secret address for the person; an earlier one is revoked. Returns the token,
    which is not kept."""
    renewed = CalendarFeed.objects.filter(user=user).delete()[0] > 0
    token = secrets.token_urlsafe(32)  # 256 bits
    feed = CalendarFeed(user=user, token_hash=token_hash(token))
    feed.full_clean()
    feed.save()
    audit_event_create(
        action="calendar_feed.renewed" if renewed else "calendar_feed.created",
        obj=feed,
        actor=user,
        summary=_("Adresse d’agenda personnelle renouvelée")
        if renewed
        else _("Adresse d’agenda personnelle créée"),
    )
    return feed, token


@transaction.atomic
def calendar_feed_delete(*, user: User) -> bool:
    deleted = CalendarFeed.objects.filter(user=user).delete()[0] > 0
    if deleted:
        audit_event_create(
            action="calendar_feed.deleted",
            actor=user,
            summary=_("Adresse d’agenda personnelle supprimée"),
        )
    return deleted


def calendar_feed_touch(*, feed: CalendarFeed, now: datetime.datetime | None = None) -> None:
    """Record the read, at most once an hour (no audit: a read, not a change)."""
    now = now or timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at >= LAST_USED_PRECISION:
        feed.last_used_at = now
        feed.save(update_fields=["last_used_at"])
