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
from typing import Any, Literal

import rules
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
from fabriques.programme.access import get_fabrique_for_user
from fabriques.programme.models import Fabrique

from .models import Deliverable, DeliverableStatus, DeliverableVersion, ReviewDecision

Action = Literal["view", "submit", "review", "manage"]


@rules.predicate
def is_accepted(user: Any, deliverable: Any) -> bool:
    return deliverable is not None and deliverable.status == DeliverableStatus.ACCEPTED


@rules.predicate
def is_referent_for(user: Any, deliverable: Any) -> bool:
    participation_id = getattr(deliverable, "participation_id", None)
    return participation_id is not None and (
        participation_id in grants_for(user).referent_participations
    )


@rules.predicate
def provides_any_fabrique(user: Any) -> bool:
    return bool(grants_for(user).provider_fabriques)


# Those who follow a deliverable see it whatever its status, with every version and review.
follows_deliverable = manages_fabrique | provides_fabrique | is_referent_for

rules.add_perm("deliverables.see_deliverable", follows_deliverable | (is_accepted & sees_fabrique))
rules.add_perm("deliverables.follow_deliverable", follows_deliverable)
rules.add_perm("deliverables.submit_deliverable", provides_fabrique)
rules.add_perm("deliverables.review_deliverable", manages_fabrique)
# On a Fabrique or a deliverable: define, edit and delete deliverables, edit the contract.
rules.add_perm("deliverables.manage_deliverables", manages_fabrique)
rules.add_perm("deliverables.view_dashboard", is_anct_staff | provides_any_fabrique)

_ACTION_PERMS = {
    "submit": "deliverables.submit_deliverable",
    "review": "deliverables.review_deliverable",
    "manage": "deliverables.manage_deliverables",
}


def visible_deliverables_q(user: Any) -> Q:
    """The deliverables a person sees, as a filter (mirrors deliverables.see_deliverable)."""
    grants = grants_for(user)
    if grants.is_admin:
        return Q()
    followed = Q(fabrique_id__in=grants.piloted | grants.provider_fabriques) | Q(
        participation_id__in=grants.referent_participations
    )
    seen = grants.visible_fabrique_ids() or frozenset()
    return followed | Q(status=DeliverableStatus.ACCEPTED, fabrique_id__in=seen)


def get_deliverable_for_user(user: Any, pk: int, *, action: Action = "view") -> Deliverable:
    deliverable = (
        Deliverable.objects.select_related("fabrique", "participation").filter(pk=pk).first()
    )
    if deliverable is None or not rules.has_perm("deliverables.see_deliverable", user, deliverable):
        raise Http404
    if action != "view" and not rules.has_perm(_ACTION_PERMS[action], user, deliverable):
        raise PermissionDenied
    return deliverable


def get_version_for_user(
    user: Any, pk: int, *, action: Literal["view", "review"] = "view"
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
    if not rules.has_perm("deliverables.see_deliverable", user, deliverable):
        raise Http404
    if not rules.has_perm("deliverables.follow_deliverable", user, deliverable):
        review = getattr(version, "review", None)
        if review is None or review.decision != ReviewDecision.ACCEPTED:
            raise Http404
    if action == "review" and not rules.has_perm(
        "deliverables.review_deliverable", user, deliverable
    ):
        raise PermissionDenied
    return version


def get_fabrique_deliverables_for_user(
    user: Any, slug: str, *, action: Literal["view", "manage"] = "view"
) -> Fabrique:
    """The Fabrique whose deliverables are listed (whoever sees it) or defined (managers)."""
    return get_fabrique_for_user(user, slug, action=action)


def check_dashboard_access(user: Any) -> None:
    """The dashboard is for ANCT staff and provider consultants."""
    if not rules.has_perm("deliverables.view_dashboard", user):
        raise PermissionDenied


@dataclass(frozen=True)
class DeliverableRights:
    """What a person who sees a deliverable may do with it (drives the detail page)."""

    follow: bool
    submit: bool
    review: bool
    manage: bool


def deliverable_rights(user: Any, deliverable: Deliverable) -> DeliverableRights:
    return DeliverableRights(
        follow=rules.has_perm("deliverables.follow_deliverable", user, deliverable),
        submit=rules.has_perm("deliverables.submit_deliverable", user, deliverable),
        review=rules.has_perm("deliverables.review_deliverable", user, deliverable),
        manage=rules.has_perm("deliverables.manage_deliverables", user, deliverable),
    )


def fabrique_manager(user: Any, fabrique: Fabrique) -> bool:
    """Whether the list page offers the managers' actions."""
    return rules.has_perm("deliverables.manage_deliverables", user, fabrique)
