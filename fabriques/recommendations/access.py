"""Who may see, write, endorse, publish and follow a Fabrique's recommendations: the one place.

- Writing (drafting, numbering, evidence) belongs to the Fabrique's ANCT pilots and
  administrators and to its provider's consultants.
- Reading unpublished recommendations and commenting on them belongs to everyone who sees the
  Fabrique's collective work (`sees_fabrique`: pilots, provider, partners, referents).
- Giving a position belongs to the members of an organisation that is an elected officials'
  association, a partner or a co-funder of this Fabrique, for that organisation only, while the
  recommendation is open to positions; ANCT may record a position received by letter.
- Publishing, recording the sending, the answer and the implementation reviews belong to ANCT.
- A published recommendation is public, with its positions.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from fabriques.accounts.models import Membership, MembershipRole
from fabriques.accounts.roles import grants_for, manages_fabrique, provides_fabrique, sees_fabrique
from fabriques.accounts.types import Person
from fabriques.programme.models import Fabrique, FabriqueOrganisation, Organisation, Role

from .models import Recommendation, RecommendationStatus

NOT_FOUND = _("Cette préconisation n’existe pas ou vous n’y avez pas accès.")

ENDORSING_ROLES = (Role.ELECTED_ASSOCIATION, Role.PARTNER, Role.COFUNDER)


def may_write_recommendations(user: Person, fabrique: Fabrique) -> bool:
    return manages_fabrique(user, fabrique) or provides_fabrique(user, fabrique)


def may_see_recommendations(user: Person, fabrique: Fabrique) -> bool:
    return sees_fabrique(user, fabrique)


def may_manage_recommendations(user: Person, fabrique: Fabrique) -> bool:
    """Publish, record sending, answers and implementation reviews."""
    return manages_fabrique(user, fabrique)


def endorsing_organisations(user: Person, fabrique: Fabrique) -> list[Organisation]:
    """The organisations on whose behalf this person may give a position in this Fabrique."""
    grants = grants_for(user)
    if manages_fabrique(user, fabrique):
        ids = FabriqueOrganisation.objects.filter(fabrique=fabrique, role__in=ENDORSING_ROLES)
    elif grants.is_partner_of(fabrique.pk) and grants.partner_organisations:
        # The grants' partner organisations are not per Fabrique: a role scoped to another
        # Fabrique must not count here, so the memberships are read with their scope.
        memberships = Membership.objects.filter(
            user_id=grants.user_id or 0, role=MembershipRole.PARTNER_MEMBER
        ).filter(Q(fabrique=fabrique) | Q(fabrique__isnull=True))
        ids = FabriqueOrganisation.objects.filter(
            fabrique=fabrique,
            role__in=ENDORSING_ROLES,
            organisation_id__in=memberships.values("organisation_id"),
        )
    else:
        return []
    return list(Organisation.objects.filter(pk__in=ids.values("organisation_id")).order_by("name"))


def may_give_position(
    user: Person, recommendation: Recommendation, organisation: Organisation
) -> bool:
    if recommendation.status != RecommendationStatus.ENDORSEMENT:
        return False
    return any(
        o.pk == organisation.pk for o in endorsing_organisations(user, recommendation.fabrique)
    )


def get_recommendation_for_user(user: Person, pk: int, *, write: bool = False) -> Recommendation:
    """404 for people who do not see the Fabrique's work; 403 for those who may not write."""
    recommendation = (
        Recommendation.objects.select_related("fabrique", "theme", "addressee_organisation")
        .filter(pk=pk)
        .first()
    )
    if recommendation is None or not may_see_recommendations(user, recommendation.fabrique):
        raise Http404(NOT_FOUND)
    if write and not may_write_recommendations(user, recommendation.fabrique):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cette préconisation."))
    return recommendation


def get_published_recommendation(pk: int) -> Recommendation:
    recommendation = (
        Recommendation.objects.select_related("fabrique", "theme", "addressee_organisation")
        .filter(pk=pk, status=RecommendationStatus.PUBLISHED)
        .first()
    )
    if recommendation is None:
        raise Http404(NOT_FOUND)
    return recommendation
