"""The workshops' personal data of a person (RGPD export and erasure).

- the comments they wrote on minutes, from their account or through a membership of a
  working group linked to it;
- their secret calendar address: whether it exists and since when; never the token, which is
  not kept;
- their registrations to workshops, through their member rows: linked to their account or
  carrying their address, as in workinggroups.personal_data.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from fabriques.accounts.models import User

from .models import CalendarFeed, MinutesComment, Registration
from .services.minutes import comments_erase_person


def export_minutes_comments(user: User) -> list[dict[str, Any]]:
    comments = (
        MinutesComment.objects.filter(Q(author=user) | Q(author_member__user=user))
        .select_related("minutes__workshop")
        .order_by("created_at", "pk")
    )
    return [
        {
            "rencontre": comment.minutes.workshop.title,
            "date_de_la_rencontre": comment.minutes.workshop.starts_at.isoformat(),
            "écrit_le": comment.created_at.isoformat(),
            "commentaire": comment.text,
        }
        for comment in comments
    ]


def erase_minutes_comments(user: User) -> int:
    return comments_erase_person(user=user)


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


def _registrations_of(user: User) -> Any:
    email = (user.email or "").strip().lower()
    condition = Q(member__user_id=user.pk)
    if email:
        condition |= Q(member__email__iexact=email)
    return Registration.objects.filter(condition)


def export_registrations(user: User) -> list[dict[str, Any]]:
    return [
        {
            "rencontre": registration.workshop.title,
            "début": registration.workshop.starts_at.isoformat(),
            "inscription": str(registration.get_status_display()),
            "invité_le": registration.invited_at.isoformat() if registration.invited_at else None,
            "demande_le": (
                registration.requested_at.isoformat() if registration.requested_at else None
            ),
            "présence": str(registration.get_attendance_display()),
            "venu_sans_inscription": registration.walk_in,
        }
        for registration in _registrations_of(user)
        .select_related("workshop")
        .order_by("workshop__starts_at", "pk")
    ]


def erase_registrations(user: User) -> int:
    deleted, _per_model = _registrations_of(user).delete()
    return deleted
