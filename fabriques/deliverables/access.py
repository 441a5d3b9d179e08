"""Who may see, hand in, review and manage deliverables.

- managers of the Fabrique (ANCT administrators, its pilots): everything, review included;
- consultants of the Fabrique's provider: every deliverable of the Fabrique, and they alone
  hand files in;
- referents of a territory: the deliverables owed for their territory, with their history;
- everyone else who sees the Fabrique (partners, referents for the rest): accepted deliverables
  only, and only their accepted version.

People outside get 404; people who see a deliverable but may not do the action get 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from fabriques.accounts.roles import (
    grants_for,
    is_anct_staff,
    manages_fabrique,
    provides_fabrique,
    sees_fabrique,
)
from fabriques.accounts.types import Person
from fabriques.programme.access import get_fabrique_for_user
from fabriques.programme.models import Fabrique

from .models import Deliverable, DeliverableStatus, DeliverableVersion, ReviewDecision

Action = Literal["view", "submit", "review", "manage"]


def is_accepted(deliverable: Deliverable) -> bool:
    return deliverable.status == DeliverableStatus.ACCEPTED


def is_referent_for(user: Person, deliverable: Deliverable) -> bool:
    participation_id = deliverable.participation_id
    return participation_id is not None and (
        participation_id in grants_for(user).referent_participations
    )


def provides_any_fabrique(user: Person) -> bool:
    return bool(grants_for(user).provider_fabriques)


def may_follow_deliverable(user: Person, deliverable: Deliverable) -> bool:
    """Those who follow a deliverable see it whatever its status, with every version and review."""
    return (
        manages_fabrique(user, deliverable)
        or provides_fabrique(user, deliverable)
        or is_referent_for(user, deliverable)
    )


def may_see_deliverable(user: Person, deliverable: Deliverable) -> bool:
    return may_follow_deliverable(user, deliverable) or (
        is_accepted(deliverable) and sees_fabrique(user, deliverable)
    )


def may_submit_deliverable(user: Person, deliverable: Deliverable) -> bool:
    return provides_fabrique(user, deliverable)


def may_review_deliverable(user: Person, deliverable: Deliverable) -> bool:
    return manages_fabrique(user, deliverable)


def may_manage_deliverables(user: Person, obj: Fabrique | Deliverable) -> bool:
    """On a Fabrique or a deliverable: define, edit and delete deliverables, edit the contract."""
    return manages_fabrique(user, obj)


def may_view_dashboard(user: Person) -> bool:
    return is_anct_staff(user) or provides_any_fabrique(user)


_ACTION_CHECKS = {
    "submit": may_submit_deliverable,
    "review": may_review_deliverable,
    "manage": may_manage_deliverables,
}


def visible_deliverables_q(user: Person) -> Q:
    """The deliverables a person sees, as a filter (mirrors may_see_deliverable)."""
    grants = grants_for(user)
    if grants.is_admin:
        return Q()
    followed = Q(fabrique_id__in=grants.piloted | grants.provider_fabriques) | Q(
        participation_id__in=grants.referent_participations
    )
    seen = grants.visible_fabrique_ids() or frozenset()
    return followed | Q(status=DeliverableStatus.ACCEPTED, fabrique_id__in=seen)


def get_deliverable_for_user(user: Person, pk: int, *, action: Action = "view") -> Deliverable:
    deliverable = (
        Deliverable.objects.select_related("fabrique", "participation").filter(pk=pk).first()
    )
    if deliverable is None or not may_see_deliverable(user, deliverable):
        raise Http404
    if action != "view" and not _ACTION_CHECKS[action](user, deliverable):
        raise PermissionDenied
    return deliverable


def get_version_for_user(
    user: Person, pk: int, *, action: Literal["view", "review"] = "view"
) -> DeliverableVersion:
    """A version, for those who see its deliverable; others than followers see only the
    accepted version."""
    version = (
        DeliverableVersion.objects.select_related(
            "deliverable__fabrique", "deliverable__participation", "review"
        )
        .filter(pk=pk)
        .first()
    )
    if version is None:
        raise Http404
    deliverable = version.deliverable
    if not may_see_deliverable(user, deliverable):
        raise Http404
    if not may_follow_deliverable(user, deliverable):
        review = getattr(version, "review", None)
        if review is None or review.decision != ReviewDecision.ACCEPTED:
            raise Http404
    if action == "review" and not may_review_deliverable(user, deliverable):
        raise PermissionDenied
    return version


def get_fabrique_deliverables_for_user(
    user: Person, slug: str, *, action: Literal["view", "manage"] = "view"
) -> Fabrique:
    """The Fabrique whose deliverables are listed (whoever sees it) or defined (managers)."""
    return get_fabrique_for_user(user, slug, action=action)


def check_dashboard_access(user: Person) -> None:
    """The dashboard is for ANCT staff and provider consultants."""
    if not may_view_dashboard(user):
        raise PermissionDenied


@dataclass(frozen=True)
class DeliverableRights:
    """What a person who sees a deliverable may do with it (drives the detail page)."""

    follow: bool
    submit: bool
    review: bool
    manage: bool


def deliverable_rights(user: Person, deliverable: Deliverable) -> DeliverableRights:
    return DeliverableRights(
        follow=may_follow_deliverable(user, deliverable),
        submit=may_submit_deliverable(user, deliverable),
        review=may_review_deliverable(user, deliverable),
        manage=may_manage_deliverables(user, deliverable),
    )


def fabrique_manager(user: Person, fabrique: Fabrique) -> bool:
    """Whether the list page offers the managers' actions."""
    return may_manage_deliverables(user, fabrique)
