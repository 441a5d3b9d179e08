from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import models

from .models import AuditEvent

if TYPE_CHECKING:
    # core sits below accounts and may not import its User: django-stubs resolves this alias
    # to AUTH_USER_MODEL (accounts.User), which is what the audit and history rows point to.
    from django.contrib.auth.models import _User


def person_or_none(actor: _User | None) -> _User | None:
    """The actor when it is a saved person (not None, not AnonymousUser), else None."""
    return actor if actor is not None and actor.pk else None


def history_author_set(obj: models.Model, actor: _User | None) -> None:
    """Name the author of the simple-history row the next save of `obj` records.

    The history middleware does this for web requests; services set it so that commands,
    tasks and tests record the author too.
    """
    obj._history_user = person_or_none(actor)  # type: ignore[attr-defined]


def audit_event_create(
    *,
    action: str,
    obj: models.Model | None = None,
    actor: _User | None = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record one audit event; call inside the service's transaction."""
    event = AuditEvent(
        action=action,
        actor=person_or_none(actor),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary,
        data=data or {},
    )
    event.save()
    return event


def audit_events_purge(*, days: int, now: datetime.datetime | None = None) -> int:
    """Delete the audit events older than `days` days (the retention the privacy page states)."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone
    from django.utils.translation import gettext as _

    cutoff = (now or timezone.now()) - timedelta(days=days)
    with transaction.atomic():
        deleted, _per_model = AuditEvent.objects.filter(created_at__lt=cutoff).delete()
        if deleted:
            audit_event_create(
                action="audit.purged",
                summary=_("%(deleted)d événement(s) de plus de %(days)d jours supprimé(s)")
                % {"deleted": deleted, "days": days},
                data={"deleted": deleted, "days": days},
            )
    return deleted


def task_results_purge(*, days: int, now: Any = None) -> int:
    """Delete the results of tasks finished more than `days` days ago (the worker's log).

    Their arguments and tracebacks may name people (an address refused by the mail server);
    nobody needs them once the task is done.
    """
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _per_model = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted
