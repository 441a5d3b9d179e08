"""Template helpers for pages of lower layers that link to a working group (the Fabrique's
workspace page lists its territories and offers the group to those who run it)."""

from __future__ import annotations

from django import template

from fabriques.accounts.types import Person
from fabriques.territories.models import Participation

from ..access import may_see_group

register = template.Library()


@register.simple_tag
def may_see_working_group(user: Person, participation: Participation) -> bool:
    """No query: the person's grants are read once per request."""
    return may_see_group(user, participation)
