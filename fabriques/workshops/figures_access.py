"""Who may see the representativeness and mobilisation figures in the workspace.

The figures are counted from the working groups' members, so they follow the groups' own
rule (workinggroups.access): the people who run a group see its territory's figures — the
territory's referents, the Fabrique's provider consultants, its ANCT pilots, the
administrators. The figures of the whole Fabrique add up every territory: only the pilots,
administrators and provider consultants, who run every group of the Fabrique, see them.

A referent opening the Fabrique-wide view is sent to their own territory's figures rather than
shown the Fabrique's aggregate: with small counts suppressed the aggregate would still let them
subtract their own territory's raw figures (which they see) from the Fabrique's and learn the
other territories' small numbers. Limiting them to their territory is the safer of the two.

Everyone else (partners, members, the other Fabrique's people, strangers) gets a 404.
(To be moved into workshops/access.py.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from fabriques.accounts.roles import grants_for, manages_fabrique, provides_fabrique
from fabriques.accounts.types import Person
from fabriques.programme.models import Fabrique
from fabriques.territories.models import Participation

NOT_FOUND = _("Ces chiffres n’existent pas ou vous n’y avez pas accès.")


def may_see_figures(user: Person, fabrique: Fabrique, participation: Participation | None) -> bool:
    if participation is not None and participation.fabrique_id != fabrique.pk:
        return False
    if manages_fabrique(user, fabrique) or provides_fabrique(user, fabrique):
        return True
    return (
        participation is not None and participation.pk in grants_for(user).referent_participations
    )


def own_territory(user: Person, fabrique: Fabrique) -> Participation | None:
    """The first territory of the Fabrique the person is a referent of, if any."""
    referent_of = grants_for(user).referent_participations
    if not referent_of:
        return None
    return (
        Participation.objects.filter(fabrique=fabrique, pk__in=referent_of)
        .order_by("position", "pk")
        .first()
    )


@dataclass(frozen=True)
class FiguresScope:
    fabrique: Fabrique
    participation: Participation | None
    # The Fabrique-wide view was asked by a referent: show their own territory instead.
    redirected: bool = False


def get_figures_scope_for_user(
    user: Person, slug: str, participation_pk: int | None
) -> FiguresScope:
    """The Fabrique and the territory whose figures are asked, for those who may see them;
    404 otherwise (an unknown territory, one of another Fabrique, included)."""
    fabrique = Fabrique.objects.filter(slug=slug).first()
    if fabrique is None:
        raise Http404(NOT_FOUND)
    participation = None
    if participation_pk is not None:
        participation = Participation.objects.filter(pk=participation_pk, fabrique=fabrique).first()
        if participation is None:
            raise Http404(NOT_FOUND)
        participation.fabrique = fabrique
    if not may_see_figures(user, fabrique, participation):
        own = own_territory(user, fabrique) if participation is None else None
        if own is None:
            raise Http404(NOT_FOUND)
        return FiguresScope(fabrique=fabrique, participation=own, redirected=True)
    return FiguresScope(fabrique=fabrique, participation=participation)
