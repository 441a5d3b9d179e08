"""figures pages of the workshops (see urls.py): representativeness and mobilisation of the
working groups, for the people who run them (access)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fabriques.territories.models import Participation

from ..access import FIGURES_NOT_FOUND as NOT_FOUND
from ..access import get_figures_scope_for_user, may_see_figures
from ..selectors.figures import display_figures, load_figures


def _territory_param(request: HttpRequest) -> int | None:
    value = request.GET.get("territoire", "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404(NOT_FOUND)
    return int(value)


@require_safe
@login_required
def representativeness(request: HttpRequest, slug: str) -> HttpResponse:
    scope = get_figures_scope_for_user(request.user, slug, _territory_param(request))
    url = reverse("workshops:representativeness", args=[slug])
    if scope.redirected and scope.participation is not None:
        return redirect(f"{url}?territoire={scope.participation.pk}")
    fabrique, participation = scope.fabrique, scope.participation
    figures = load_figures(fabrique=fabrique, participation=participation)
    territories: list[Participation] = []
    if participation is None:
        territories = list(fabrique.participations.order_by("position", "pk"))
    return render(
        request,
        "workshops/figures/representativeness.html",
        {
            "workspace_nav": "fabriques",
            "fabrique": fabrique,
            "participation": participation,
            "territories": territories,
            "figures_url": url,
            "fabrique_wide": may_see_figures(request.user, fabrique, None),
            "display": display_figures(figures, public=False, territory=participation is not None),
            "scope_label": participation.label if participation else _("toute la Fabrique"),
        },
    )


urlpatterns: list[URLPattern] = [
    path(
        "espace/fabriques/<slug:slug>/representativite/",
        representativeness,
        name="representativeness",
    ),
]
