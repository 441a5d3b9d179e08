"""Who may see and run a territory's local working group.

Members' names and contact details are personal data. The people who run the group see and
change it: the territory's elected and technical referents, the consultants of the Fabrique's
provider (for the Fabriques their organisation provides, as accounts.roles scopes them), the
Fabrique's ANCT pilots and the ANCT administrators. Nobody else sees it, not even the partners
and the referents of the Fabrique's other territories: they get the same 404 as strangers.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from fabriques.accounts.roles import grants_for, manages_fabrique, provides_fabrique
from fabriques.accounts.types import Person
from fabriques.territories.models import Participation

from .models import Member


def is_referent_of(user: Person, participation: Participation) -> bool:
    return participation.pk in grants_for(user).referent_participations


def may_manage_group(user: Person, participation: Participation) -> bool:
    """Add, change, import, export and see the members of the territory's group."""
    return (
        is_referent_of(user, participation)
        or provides_fabrique(user, participation)
        or manages_fabrique(user, participation)
    )


def may_see_group(user: Person, participation: Participation) -> bool:
    # Those who see the group are those who run it: a read-only audience would read the
    # members' contact details without needing them.
    return may_manage_group(user, participation)


NOT_FOUND = _("Ce groupe de travail n’existe pas ou vous n’y avez pas accès.")


def get_participation_for_user(user: Person, slug: str, pk: int) -> Participation:
    """The territory whose group is shown, for those who run it; 404 for everyone else."""
    participation = (
        Participation.objects.select_related("fabrique", "departement")
        .filter(pk=pk, fabrique__slug=slug)
        .first()
    )
    if participation is None or not may_see_group(user, participation):
        raise Http404(NOT_FOUND)
    return participation


def get_member_for_user(user: Person, slug: str, participation_pk: int, pk: int) -> Member:
    """A member of the group, for those who run it; 404 for a member of another group."""
    participation = get_participation_for_user(user, slug, participation_pk)
    member = (
        Member.objects.select_related("working_group")
        .filter(pk=pk, working_group__participation=participation)
        .first()
    )
    if member is None:
        raise Http404(NOT_FOUND)
    member.working_group.participation = participation
    return member
