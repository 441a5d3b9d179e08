"""The applications a person filled in or is named in, for RGPD export and erasure."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from fabriques.accounts.models import User

from .models import Application
from .services import applications_erase_person


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_applications(user: User) -> list[dict[str, Any]]:
    email = (user.email or "").strip()
    condition = Q(applicant=user)
    if email:
        condition |= Q(elected_email__iexact=email) | Q(technical_email__iexact=email)
    rows = []
    for application in (
        Application.objects.filter(condition)
        .select_related("call__fabrique", "commune", "epci", "qpv")
        .order_by("pk")
    ):
        roles = []
        if application.applicant_id == user.pk:
            roles.append("déposant")
        if email and application.elected_email.lower() == email.lower():
            roles.append("élu")
        if email and application.technical_email.lower() == email.lower():
            roles.append("référent technique")
        rows.append(
            {
                "fabrique": application.call.fabrique.title,
                "territoire": application.territory_label,
                "rôles": roles,
                "statut": str(application.get_status_display()),
                "créée_le": _iso(application.created_at),
                "déposée_le": _iso(application.submitted_at),
                "décidée_le": _iso(application.decided_at),
                "élu_nom": application.elected_name,
                "élu_mandat": application.elected_mandate,
                "élu_courriel": application.elected_email,
                "référent_nom": application.technical_name,
                "référent_fonction": application.technical_role,
                "référent_courriel": application.technical_email,
                "référent_téléphone": application.technical_phone,
                "motivation": application.motivation,
                "groupe_de_travail": application.working_group_intent,
                "délibération_déposée": bool(application.deliberation),
            }
        )
    return rows


def erase_applications(user: User) -> int:
    return applications_erase_person(user=user)
