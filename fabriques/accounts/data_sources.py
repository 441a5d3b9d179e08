"""The personal data the accounts app keeps about a person: roles, invitations, sign-in links,
second factor.

Also registers core's sources (audit trail, history, e-mails, task results): core sits below
accounts and cannot reach the registry itself.

Registered in AccountsConfig.ready() with the other apps' sources (see personal_data.py).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from fabriques.core import data_sources as core_sources

from .models import Invitation, Membership, SignInLink, User
from .personal_data import PersonalDataSource, register


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def memberships_export(user: User) -> list[dict[str, Any]]:
    memberships = Membership.objects.filter(user=user).select_related(
        "fabrique", "organisation", "participation", "granted_by"
    )
    return [
        {
            "role": membership.role,
            "role_label": str(membership.get_role_display()),
            "fabrique": membership.fabrique.title if membership.fabrique else None,
            "organisation": membership.organisation.name if membership.organisation else None,
            "participation": membership.participation.label if membership.participation else None,
            "mandate": membership.mandate,
            "granted_by": membership.granted_by.display_name if membership.granted_by else None,
            "created_at": _iso(membership.created_at),
        }
        for membership in memberships
    ]


def membership_history_export(user: User) -> list[dict[str, Any]]:
    """Every recorded change of the person's roles (simple-history), oldest first."""
    return [
        {
            "date": _iso(row.history_date),
            "change": {"+": "created", "~": "changed", "-": "deleted"}[row.history_type],
            "role": row.role,
            "mandate": row.mandate,
        }
        for row in Membership.history.filter(user_id=user.pk).order_by("history_date", "pk")
    ]


def memberships_erase(user: User) -> int:
    count, _per_model = Membership.objects.filter(user=user).delete()
    # The history keeps who held which role (for the audit), but not the person's mandate;
    # blanked after the deletion, which records one more history row per membership.
    Membership.history.filter(user_id=user.pk).exclude(mandate="").update(mandate="")
    return count


def invitations_export(user: User) -> list[dict[str, Any]]:
    return [
        {
            "email": invitation.email,
            "purpose": invitation.purpose,
            "created_at": _iso(invitation.created_at),
            "expires_at": _iso(invitation.expires_at),
            "accepted_at": _iso(invitation.accepted_at),
        }
        for invitation in Invitation.objects.filter(user=user).order_by("created_at")
    ]


def invitations_erase(user: User) -> int:
    count, _per_model = Invitation.objects.filter(user=user).delete()
    return count


def sign_in_links_export(user: User) -> list[dict[str, Any]]:
    # The token is never stored (only its hash, which is left out too): a credential.
    return [
        {
            "created_at": _iso(link.created_at),
            "expires_at": _iso(link.expires_at),
            "revoked_at": _iso(link.revoked_at),
            "last_used_at": _iso(link.last_used_at),
            "use_count": link.use_count,
            "next_path": link.next_path,
        }
        for link in SignInLink.objects.filter(user=user).order_by("created_at", "pk")
    ]


def sign_in_links_erase(user: User) -> int:
    count, _per_model = SignInLink.objects.filter(user=user).delete()
    return count


def second_factor_export(user: User) -> list[dict[str, Any]]:
    # The secret key stays out of the export: it is a credential, not information about you.
    return [
        {
            "name": device.name,
            "confirmed": device.confirmed,
            "created_at": _iso(device.created_at),
            "last_used_at": _iso(device.last_used_at),
        }
        for device in TOTPDevice.objects.filter(user=user).order_by("id")
    ]


def second_factor_erase(user: User) -> int:
    # django-otp ships no types: its models' delete() is Django's (count, per model).
    count: int
    count, _per_model = TOTPDevice.objects.filter(user=user).delete()
    return count


def register_sources() -> None:
    register(
        PersonalDataSource(
            key="accounts.memberships",
            label=_("Rôles sur la plateforme"),
            export=memberships_export,
            erase=memberships_erase,
        )
    )
    register(
        PersonalDataSource(
            key="accounts.role_history",
            label=_("Historique de vos rôles"),
            export=membership_history_export,
            # Erased with the roles themselves (accounts.memberships).
            erase=lambda user: 0,
        )
    )
    register(
        PersonalDataSource(
            key="accounts.invitations",
            label=_("Invitations et liens de création de compte"),
            export=invitations_export,
            erase=invitations_erase,
        )
    )
    register(
        PersonalDataSource(
            key="accounts.sign_in_links",
            label=_("Liens de connexion"),
            export=sign_in_links_export,
            erase=sign_in_links_erase,
        )
    )
    register(
        PersonalDataSource(
            key="accounts.second_factor",
            label=_("Applications d’authentification (second facteur)"),
            export=second_factor_export,
            erase=second_factor_erase,
        )
    )
    register(
        PersonalDataSource(
            key="core.audit_events",
            label=_("Actions enregistrées dans le journal d’audit"),
            export=core_sources.audit_events_export,
            # The events stay (five years, for the audit) with an author that the erasure of
            # the account anonymises; user_erase takes the person's name out of the summaries.
            erase=lambda user: 0,
        )
    )
    register(
        PersonalDataSource(
            key="core.history",
            label=_("Modifications que vous avez faites"),
            export=core_sources.history_authored_export,
            # Kept like the audit trail, with an author that no longer identifies anyone.
            erase=lambda user: 0,
        )
    )
    register(
        PersonalDataSource(
            key="core.outgoing_emails",
            label=_("Courriels qui vous ont été envoyés"),
            export=core_sources.outgoing_emails_export,
            erase=core_sources.outgoing_emails_erase,
        )
    )
    register(
        PersonalDataSource(
            key="core.task_results",
            label=_("Traitements automatiques vous concernant"),
            export=core_sources.task_results_export,
            erase=core_sources.task_results_erase,
        )
    )
