"""Reads of the workspace that span the domain apps: the audit log."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.text import capfirst

from fabriques.core.models import AuditEvent
from fabriques.programme.models import Fabrique, ProgrammeYear


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    object_type: str = ""
    actor: str = ""  # words of the author's name or e-mail address


def audit_actions() -> list[str]:
    """Every action recorded so far, for the filter (1 query on an indexed column)."""
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


def audit_object_types() -> list[tuple[str, str]]:
    """(object_type, its name in French) for every type recorded so far (1 query)."""
    types = (
        AuditEvent.objects.exclude(object_type="")
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
    return [(value, object_type_label(value)) for value in types]


def object_type_label(object_type: str) -> str:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(capfirst(model._meta.verbose_name))


def audit_events(filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Audit events matching the filters, newest first, with their author (1 query per page)."""
    queryset = AuditEvent.objects.select_related("actor")
    if filters.action:
        queryset = queryset.filter(action=filters.action)
    if filters.object_type:
        queryset = queryset.filter(object_type=filters.object_type)
    for word in filters.actor.split():
        queryset = queryset.filter(
            Q(actor__email__icontains=word)
            | Q(actor__first_name__icontains=word)
            | Q(actor__last_name__icontains=word)
        )
    return queryset.order_by("-created_at", "-id")


def _fabrique_links(ids: set[str]) -> dict[str, str]:
    rows = Fabrique.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    return {
        str(pk): reverse("programme:fabrique_detail", args=[slug])
        for pk, slug in rows.values_list("pk", "slug")
    }


def _year_links(ids: set[str]) -> dict[str, str]:
    rows = ProgrammeYear.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    return {
        str(pk): reverse("programme:year_edit", args=[year])
        for pk, year in rows.values_list("pk", "year")
    }


# object_type → function from object ids to their workspace URL (one query per type).
OBJECT_LINKS: dict[str, Callable[[set[str]], dict[str, str]]] = {
    "programme.fabrique": _fabrique_links,
    "programme.programmeyear": _year_links,
}


def audit_object_links(events: Iterable[AuditEvent]) -> dict[tuple[str, str], str]:
    """The workspace page of each event's object, when it has one and still exists.

    At most one query per linked object type present among the events.
    """
    ids: dict[str, set[str]] = {}
    for event in events:
        if event.object_type in OBJECT_LINKS and event.object_id:
            ids.setdefault(event.object_type, set()).add(event.object_id)
    links = {}
    for object_type, object_ids in ids.items():
        for object_id, url in OBJECT_LINKS[object_type](object_ids).items():
            links[(object_type, object_id)] = url
    return links
