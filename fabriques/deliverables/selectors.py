"""Reads on deliverables: the Fabrique's list, a deliverable's history, dashboards, guards."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from fabriques.accounts.roles import grants_for
from fabriques.accounts.types import Person
from fabriques.programme.models import Fabrique

from .access import visible_deliverables_q
from .models import (
    OWED_STATUSES,
    Contract,
    Deliverable,
    DeliverableStatus,
    DeliverableVersion,
    ReviewDecision,
)

DUE_SOON_DAYS = 14


def publication_problems(*, fabrique: Fabrique) -> list[str]:
    """Why the Fabrique cannot be published yet as far as deliverables go (empty: nothing).

    Used by the Fabrique's cycle as the guard of the « published » transition.
    """
    deliverables = list(
        Deliverable.objects.filter(fabrique=fabrique)
        .select_related("participation")
        .order_by("due_on", "position", "id")
    )
    if not deliverables:
        return [_("Aucun livrable n’est défini pour cette Fabrique.")]
    return [
        _("Le livrable « %(deliverable)s » n’est pas accepté (statut : %(status)s).")
        % {"deliverable": deliverable, "status": deliverable.get_status_display()}
        for deliverable in deliverables
        if deliverable.status != DeliverableStatus.ACCEPTED
    ]


def _with_last_submission(queryset: QuerySet[Deliverable]) -> QuerySet[Deliverable]:
    last = DeliverableVersion.objects.filter(deliverable=OuterRef("pk")).order_by("-number")
    return queryset.annotate(
        last_version_number=Subquery(last.values("number")[:1]),
        last_submitted_at=Subquery(last.values("submitted_at")[:1]),
    )


def fabrique_deliverables(*, fabrique: Fabrique, user: Person) -> list[Deliverable]:
    """The Fabrique's deliverables the person sees, in due-date order (one query)."""
    queryset = (
        Deliverable.objects.filter(fabrique=fabrique)
        .filter(visible_deliverables_q(user))
        .select_related("participation")
        .order_by("due_on", "position", "id")
    )
    return list(_with_last_submission(queryset))


def fabrique_contract(*, fabrique: Fabrique) -> Contract | None:
    return Contract.objects.select_related("provider").filter(fabrique=fabrique).first()


def deliverable_versions(
    *, deliverable: Deliverable, full_history: bool
) -> list[DeliverableVersion]:
    """Versions, newest first, with their review and authors; only the accepted one when the
    person does not follow the deliverable."""
    queryset = DeliverableVersion.objects.filter(deliverable=deliverable).select_related(
        "submitted_by", "review", "review__reviewer"
    )
    if not full_history:
        queryset = queryset.filter(review__decision=ReviewDecision.ACCEPTED)
    return list(queryset.order_by("-number"))


@dataclass
class Dashboard:
    """The deliverables a pilot or a provider has to act on, each in one section."""

    today: datetime.date
    manages: bool
    provides: bool
    awaiting_review: list[Deliverable] = field(default_factory=list)
    late: list[Deliverable] = field(default_factory=list)
    changes_requested: list[Deliverable] = field(default_factory=list)
    due_soon: list[Deliverable] = field(default_factory=list)

    SECTIONS = ("awaiting_review", "late", "changes_requested", "due_soon")

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in self.SECTIONS)

    @property
    def soon(self) -> datetime.date:
        return self.today + datetime.timedelta(days=DUE_SOON_DAYS)


@dataclass(frozen=True)
class DashboardCounts:
    """How many deliverables each section of the dashboard holds (the workspace's home)."""

    awaiting_review: int = 0
    late: int = 0
    changes_requested: int = 0
    due_soon: int = 0


def dashboard_counts(*, user: Person, today: datetime.date | None = None) -> DashboardCounts:
    """The sizes of dashboard()'s sections, counted by the database in one query: each
    deliverable in the first section whose condition it meets, as dashboard() sorts them."""
    board, queryset = _dashboard_scope(user=user, today=today or timezone.localdate())
    if queryset is None:
        return DashboardCounts()
    submitted = Q(status=DeliverableStatus.SUBMITTED)
    late = Q(status__in=OWED_STATUSES, due_on__lt=board.today) & ~submitted
    changes = Q(status=DeliverableStatus.CHANGES_REQUESTED) & ~late
    soon = Q(due_on__lte=board.soon) & ~submitted & ~late & ~changes
    return DashboardCounts(
        **queryset.aggregate(
            awaiting_review=Count("pk", filter=submitted),
            late=Count("pk", filter=late),
            changes_requested=Count("pk", filter=changes),
            due_soon=Count("pk", filter=soon),
        )
    )


def _dashboard_scope(
    *, user: Person, today: datetime.date
) -> tuple[Dashboard, QuerySet[Deliverable] | None]:
    """The empty board and the deliverables it may hold (None: the person follows none)."""
    grants = grants_for(user)
    board = Dashboard(today=today, manages=grants.is_anct, provides=bool(grants.provider_fabriques))
    # Pending deliverables due later than `soon` fall in no section: leave them in the database.
    queryset = Deliverable.objects.filter(
        Q(status__in=(DeliverableStatus.SUBMITTED, DeliverableStatus.CHANGES_REQUESTED))
        | Q(status=DeliverableStatus.PENDING, due_on__lte=board.soon)
    )
    if not grants.is_admin:
        fabrique_ids = grants.piloted | grants.provider_fabriques
        if not fabrique_ids:
            return board, None
        queryset = queryset.filter(fabrique_id__in=fabrique_ids)
    return board, queryset


def dashboard(*, user: Person, today: datetime.date | None = None) -> Dashboard:
    """Late, awaiting review, changes requested and due soon, over the Fabriques the person
    manages or provides. One query whatever the number of deliverables (grants are cached)."""
    result, queryset = _dashboard_scope(user=user, today=today or timezone.localdate())
    if queryset is None:
        return result
    soon = result.soon
    today = result.today
    queryset = _with_last_submission(
        queryset.select_related("fabrique", "participation").order_by(
            "due_on", "fabrique__title", "position", "id"
        )
    )
    for deliverable in queryset:
        if deliverable.status == DeliverableStatus.SUBMITTED:
            result.awaiting_review.append(deliverable)
        elif deliverable.status in OWED_STATUSES and deliverable.due_on < today:
            result.late.append(deliverable)
        elif deliverable.status == DeliverableStatus.CHANGES_REQUESTED:
            result.changes_requested.append(deliverable)
        elif deliverable.due_on <= soon:
            result.due_soon.append(deliverable)
    return result
