"""A member's registrations to workshops (RGPD export and erasure).

The registrations are the person's through their member rows: linked to their account or
carrying their address, as in workinggroups.personal_data.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from fabriques.accounts.models import User

from .models import Registration


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
