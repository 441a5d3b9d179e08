"""Template helpers of the territorial referential."""

from __future__ import annotations

from django import template
from django.urls import reverse

from fabriques.territories.models import Commune, Epci, Participation, Qpv
from fabriques.territories.selectors import PublicSource, qpv_public_source

register = template.Library()


@register.simple_tag
def territory_url(obj: Participation | Commune | Epci | Qpv | None) -> str:
    """URL of a territory's public page, for a Participation, a Commune, an Epci or a Qpv."""
    if isinstance(obj, Participation):
        obj = obj.entity
    if isinstance(obj, Commune):
        return reverse("public:territory_commune", args=[obj.code])
    if isinstance(obj, Epci):
        return reverse("public:territory_epci", args=[obj.siren])
    if isinstance(obj, Qpv):
        return reverse("public:territory_qpv", args=[obj.pk])
    return ""


@register.simple_tag
def qpv_source(qpv: Qpv) -> PublicSource | None:
    """The public source of a QPV (``{% qpv_source qpv as source %}``): never a file path."""
    return qpv_public_source(qpv)
