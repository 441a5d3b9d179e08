from typing import Any

from django.db import models

from .models import AuditEvent


def audit_event_create(
    *,
    action: str,
    obj: models.Model | None = None,
    actor: Any = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record one audit event; call inside the service's transaction."""
    event = AuditEvent(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary,
        data=data or {},
    )
    event.save()
    return event
