"""The working groups a person belongs to or belonged to (RGPD export and erasure).

A member row is the person's when it is linked to their account or carries their address.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from fabriques.accounts.models import User

from .models import Member
from .services import members_erase_person


def _rows_of(user: User) -> Any:
    email = (user.email or "").strip().lower()
    condition = Q(user_id=user.pk)
    if email:
        condition |= Q(email__iexact=email)
    return (
        Member.objects.filter(condition)
        .select_related("working_group__participation__fabrique")
        .order_by("joined_on", "pk")
    )


def export_members(user: User) -> list[dict[str, Any]]:
    return [
        {
            "fabrique": member.working_group.participation.fabrique.title,
            "territoire": member.working_group.participation.label,
            "prénom": member.first_name,
            "nom": member.last_name,
            "courriel": member.email,
            "téléphone": member.phone,
            "organisation": member.organisation_name,
            "siret_ou_rna": member.organisation_identifier,
            "famille": str(member.get_family_display()),
            "précision": member.family_detail,
            "rôle": str(member.get_role_display()),
            "mode_d_entrée": str(member.get_joined_how_display()),
            "arrivée_le": member.joined_on.isoformat(),
            "départ_le": member.left_on.isoformat() if member.left_on else None,
            "base_légale": str(member.get_lawful_basis_display()),
            "consentement_le": member.consent_on.isoformat() if member.consent_on else None,
            "genre": member.gender,
            "tranche_d_âge": member.age_band,
            "habite_un_qpv": member.qpv_inhabitant,
            "nom_public_accepté": member.public_name_opt_in,
        }
        for member in _rows_of(user)
    ]


def erase_members(user: User) -> int:
    return members_erase_person(user=user)
