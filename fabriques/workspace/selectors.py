"""Reads of the workspace that span the domain apps: the audit log."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from fabriques.core.audit import audit_action_label
from fabriques.core.models import AuditEvent
from fabriques.core.text import normalize


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    object_type: str = ""
    actor: str = ""  # words of the author's name or e-mail address


def audit_actions() -> list[tuple[str, str]]:
    """(action, its label in French) for every action recorded so far, for the filter.

    1 query on an indexed column; sorted by label, as people read them.
    """
    actions = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
    return sorted(
        ((a, audit_action_label(a)) for a in actions), key=lambda pair: normalize(pair[1])
    )


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


@dataclass(frozen=True)
class ObjectKind:
    """How the audit log names an object type and links to its page (one query per type)."""

    related: tuple[str, ...]
    name: Callable[[Any], str]
    url: Callable[[Any], str] | None = None


def _participation_name(participation: Any) -> str:
    return str(participation.label)


def _user_name(user: Any) -> str:
    return str(user.display_name)


# object_type → how to name (and link) its objects. Types not listed, and objects deleted
# since, are shown by their type and number.
OBJECT_KINDS: dict[str, ObjectKind] = {
    "programme.fabrique": ObjectKind(
        (), lambda f: f.title, lambda f: reverse("programme:fabrique_detail", args=[f.slug])
    ),
    "programme.programmeyear": ObjectKind(
        (),
        lambda y: _("Année %(year)s") % {"year": y.year},
        lambda y: reverse("programme:year_edit", args=[y.year]),
    ),
    "programme.organisation": ObjectKind((), str),
    "territories.participation": ObjectKind((), _participation_name),
    "territories.referentialrelease": ObjectKind((), str),
    "calls.call": ObjectKind(("fabrique",), str),
    "calls.callcriterion": ObjectKind(
        ("call__fabrique",), lambda c: f"{c.label} — {c.call.fabrique}"
    ),
    "calls.application": ObjectKind(
        ("commune", "epci", "qpv"),
        str,
        lambda a: reverse("calls:application_detail", args=[a.pk]),
    ),
    "deliverables.contract": ObjectKind(("fabrique",), str),
    "deliverables.deliverable": ObjectKind(
        ("participation",),
        str,
        lambda d: reverse("deliverables:deliverable_detail", args=[d.pk]),
    ),
    "accounts.user": ObjectKind((), _user_name),
    "accounts.membership": ObjectKind(("user", "organisation", "fabrique", "participation"), str),
    "accounts.invitation": ObjectKind(
        ("user",), lambda i: _("Invitation de %(name)s") % {"name": i.user.display_name}
    ),
}


@dataclass(frozen=True)
class AuditObject:
    name: str
    url: str = ""


def audit_objects(events: Iterable[AuditEvent]) -> dict[tuple[str, str], AuditObject]:
    """The name (and workspace page) of each event's object, when it still exists.

    At most one query per known object type present among the events.
    """
    ids: dict[str, set[int]] = {}
    for event in events:
        if event.object_type in OBJECT_KINDS and event.object_id.isdigit():
            ids.setdefault(event.object_type, set()).add(int(event.object_id))
    found: dict[tuple[str, str], AuditObject] = {}
    for object_type, object_ids in ids.items():
        kind = OBJECT_KINDS[object_type]
        model = apps.get_model(object_type)
        rows = (
            model._default_manager.select_related(*kind.related)
            .filter(pk__in=object_ids)
            .order_by()
        )
        for row in rows:
            found[(object_type, str(row.pk))] = AuditObject(
                name=kind.name(row), url=kind.url(row) if kind.url else ""
            )
    return found
