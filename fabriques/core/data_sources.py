"""The personal data core keeps about a person: what they did, and the e-mails sent to them.

Core sits below accounts and cannot import its registry (nor its User: the functions take
Django's AbstractUser, which it extends); accounts registers these functions
(see accounts/data_sources.py). Each takes the person and returns rows, or erases them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AbstractUser
from django.db.models import Q
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from .models import AuditEvent, OutgoingEmail


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _address(user: AbstractUser) -> str:
    return (user.email or "").strip().lower()


def _emails_to(address: str) -> list[OutgoingEmail]:
    # The JSON text is searched, then each list is checked exactly (a@x.fr is in ba@x.fr).
    candidates = OutgoingEmail.objects.filter(to__icontains=address) if address else []
    return [outgoing for outgoing in candidates if address in outgoing.to]


def outgoing_emails_export(user: AbstractUser) -> list[dict[str, Any]]:
    """The e-mails sent or waiting for the person: subject and dates, never the bodies.

    The bodies hold single-use links, credentials rather than information about the person.
    """
    return [
        {
            "objet": outgoing.subject,
            "créé_le": _iso(outgoing.created_at),
            "envoyé_le": _iso(outgoing.sent_at),
        }
        for outgoing in _emails_to(_address(user))
    ]


def outgoing_emails_erase(user: AbstractUser) -> int:
    """Take the person's address off every message; a message left without recipient goes."""
    address = _address(user)
    count = 0
    for outgoing in _emails_to(address):
        others = [recipient for recipient in outgoing.to if recipient != address]
        if others:
            outgoing.to = others
            outgoing.save(update_fields=["to"])
        else:
            outgoing.delete()
        count += 1
    return count


def _task_results_naming(user: AbstractUser) -> DBTaskResultQuerySet:
    # Task arguments only carry ids since OutgoingEmail, but older rows carried addresses,
    # and a mail server's refusal quotes the address in the traceback.
    address = _address(user)
    if not address:
        return DBTaskResult.objects.none()
    return DBTaskResult.objects.filter(
        Q(args_kwargs__icontains=address)
        | Q(return_value__icontains=address)
        | Q(traceback__icontains=address)
    )


def task_results_export(user: AbstractUser) -> list[dict[str, Any]]:
    return [
        {
            "tâche": result.task_path.rsplit(".", 1)[-1],
            "statut": result.status,
            "mise_en_file_le": _iso(result.enqueued_at),
            "terminée_le": _iso(result.finished_at),
        }
        for result in _task_results_naming(user).order_by("enqueued_at")
    ]


def task_results_erase(user: AbstractUser) -> int:
    count, _per_model = _task_results_naming(user).delete()
    return count


# Events on these records are about a person: their summaries quote that person's name or
# address, which is theirs, not the author's.
_PERSON_RECORDS = frozenset({"accounts.user", "accounts.membership", "accounts.invitation"})


def _names_someone_else(event: AuditEvent, user: AbstractUser) -> bool:
    """Whether the event's summary is about another person (their name, their address)."""
    named = event.data.get("user") if isinstance(event.data, dict) else None
    if named is not None and named != user.pk:
        return True
    if event.object_type in _PERSON_RECORDS:
        return not (event.object_type == "accounts.user" and event.object_id == str(user.pk))
    return False


def audit_events_export(user: AbstractUser) -> list[dict[str, Any]]:
    """What the person did, as the audit trail records it (the details stay internal).

    The summary of an action on someone else's account, role or invitation names that other
    person: only the action, its object and its date are given then, as for the history rows.
    """
    return [
        {
            "date": _iso(event.created_at),
            "action": event.action,
            "objet": f"{event.object_type}:{event.object_id}" if event.object_type else "",
            "résumé": "" if _names_someone_else(event, user) else event.summary,
        }
        for event in AuditEvent.objects.filter(actor_id=user.pk).order_by("created_at", "id")
    ]


def _historical_models() -> list[Any]:
    """Every simple-history table, whichever app declares it (found through the registry)."""
    return [
        model
        for model in apps.get_models()
        if hasattr(model, "history_user") and hasattr(model, "history_date")
    ]


def history_authored_export(user: AbstractUser) -> list[dict[str, Any]]:
    """The changes the person made, as the history tables record them: what, which, when.

    The rows' contents (other people's roles, applications…) are not the person's data.
    """
    rows: list[dict[str, Any]] = []
    for model in _historical_models():
        instance_model = model.instance_type
        for row in model.objects.filter(history_user_id=user.pk).order_by("history_date"):
            rows.append(
                {
                    "date": _iso(row.history_date),
                    "objet": str(instance_model._meta.verbose_name),
                    "identifiant": getattr(row, instance_model._meta.pk.attname),
                    "modification": {"+": "création", "~": "modification", "-": "suppression"}[
                        row.history_type
                    ],
                }
            )
    rows.sort(key=lambda r: r["date"] or "")
    return rows
