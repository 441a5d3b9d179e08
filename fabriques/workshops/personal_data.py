"""The comments a person wrote on minutes (RGPD export and erasure).

A comment is the person's when they wrote it from their account, or through a membership
of a working group linked to it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from fabriques.accounts.models import User

from .models import MinutesComment
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
