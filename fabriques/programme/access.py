"""Who may see or change programme years, Fabriques, their organisations and their team.

Views call one of these functions and nothing else to decide access:
- someone who may not see an object gets 404 (its existence is not revealed);
- someone who sees a Fabrique but may not do this gets 403 (PermissionDenied);
- pages that belong to a role rather than to an object (programme years, creating a Fabrique,
  the audit log) answer 403 to every signed-in person without that role: they reveal nothing.
Anonymous visitors never reach these functions: the views require login.
"""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404

from fabriques.accounts.models import Membership, MembershipRole
from fabriques.accounts.roles import grants_for, manages_fabrique, sees_fabrique
from fabriques.accounts.types import Person

from .models import Fabrique, FabriqueOrganisation, ProgrammeYear


def require_admin(user: Person) -> None:
    """Administrator-only pages: 403 for every other signed-in person."""
    if not grants_for(user).is_admin:
        raise PermissionDenied


def check_fabrique_create(user: Person) -> None:
    require_admin(user)


def get_year_for_user(user: Person, year: int) -> ProgrammeYear:
    require_admin(user)
    programme_year = ProgrammeYear.objects.filter(year=year).first()
    if programme_year is None:
        raise Http404
    return programme_year


def get_fabrique_for_user(
    user: Person, slug: str, *, action: Literal["view", "manage"] = "view"
) -> Fabrique:
    """The Fabrique for someone who sees it; "manage" also needs its pilot or an administrator."""
    fabrique = Fabrique.objects.select_related("programme_year").filter(slug=slug).first()
    if fabrique is None or not sees_fabrique(user, fabrique):
        raise Http404
    if action == "manage" and not manages_fabrique(user, fabrique):
        raise PermissionDenied
    return fabrique


def get_fabrique_organisation_for_user(user: Person, slug: str, pk: int) -> FabriqueOrganisation:
    """One organisation role of a Fabrique the person manages (404 if not of this Fabrique)."""
    fabrique = get_fabrique_for_user(user, slug, action="manage")
    role = (
        FabriqueOrganisation.objects.select_related("organisation")
        .filter(fabrique=fabrique, pk=pk)
        .first()
    )
    if role is None:
        raise Http404
    role.fabrique = fabrique
    return role


def team_roles_for_user(user: Person, fabrique: Fabrique) -> list[str]:
    """The team roles this person may give or take back on a Fabrique they manage.

    Administrators appoint pilots; pilots and administrators add the people of the Fabrique's
    partner organisations and of its provider. Referents come with the selection of their
    territory (calls app), not from here.
    """
    if not manages_fabrique(user, fabrique):
        return []
    roles: list[str] = [MembershipRole.PARTNER_MEMBER, MembershipRole.PROVIDER_CONSULTANT]
    if grants_for(user).is_admin:
        roles.insert(0, MembershipRole.ANCT_PILOT)
    return roles


def may_revoke_team_membership(user: Person, fabrique: Fabrique, membership: Membership) -> bool:
    """Whether this person may take back a role of the Fabrique's team.

    A pilot takes back what concerns their Fabrique only: the roles held for it. An
    organisation-wide role reaches every Fabrique of the organisation, so only an
    administrator takes it back.
    """
    if membership.role not in team_roles_for_user(user, fabrique):
        return False
    return not membership.is_organisation_wide or grants_for(user).is_admin


def get_team_membership_for_user(user: Person, slug: str, pk: int) -> tuple[Fabrique, Membership]:
    """A role in the Fabrique's team that this person may take back.

    404 when the membership is not part of this Fabrique's team (a role held in one of its
    organisations for another Fabrique included); 403 when the person may not take this role
    back (a pilot removing another pilot, a referent, an organisation-wide role).
    """
    from .selectors import fabrique_team

    fabrique = get_fabrique_for_user(user, slug, action="manage")
    membership = fabrique_team(fabrique=fabrique).filter(pk=pk).first()
    if membership is None:
        raise Http404
    if not may_revoke_team_membership(user, fabrique, membership):
        raise PermissionDenied
    return fabrique, membership
