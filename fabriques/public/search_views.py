"""The public search over Fabriques, territories, roadmaps, action sheets and recommendations."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from fabriques.search import selectors as search_selectors

MAX_QUERY = 200
# The facets in the address, in French, and their titles on the page.
FACET_PARAMS = {
    "year": ("annee", _("Année")),
    "theme": ("theme", _("Thème")),
    "type": ("type", _("Type de préconisation")),
    "status": ("etat", _("État")),
    "addressee": ("destinataire", _("Destinataire")),
    "region": ("region", _("Région")),
}
KIND_PARAM = "categorie"
# A facet shows its most frequent values (and the chosen ones); the others come with a link
# (?tout=<facet>): a list of a hundred boxes helps nobody, and its rendering would grow with
# the programme.
FACET_SHOWN = 10
ALL_PARAM = "tout"


def _shown(
    values: list[search_selectors.FacetValue], expanded: bool
) -> tuple[list[search_selectors.FacetValue], int]:
    """The values to show, in their usual order, and how many are left out."""
    if expanded or len(values) <= FACET_SHOWN:
        return values, 0
    frequent = sorted(values, key=lambda v: -v.count)[:FACET_SHOWN]
    kept = {v.value for v in frequent} | {v.value for v in values if v.selected}
    shown = [v for v in values if v.value in kept]
    return shown, len(values) - len(shown)


def _page_number(raw: str | None) -> int:
    try:
        return max(int(raw or 1), 1)
    except ValueError:
        return 1


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:MAX_QUERY].strip()
    filters = {
        facet: [v[:100] for v in request.GET.getlist(param) if v]
        for facet, (param, _title) in FACET_PARAMS.items()
    }
    kinds = [v for v in request.GET.getlist(KIND_PARAM) if v]
    results = search_selectors.search(
        q=q, kinds=kinds, filters=filters, page=_page_number(request.GET.get("page"))
    )
    # The DSFR pagination reads a Page: one over a range, which costs no query.
    page_obj = Paginator(range(results.total), search_selectors.PAGE_SIZE).get_page(results.page)
    expanded = set(request.GET.getlist(ALL_PARAM))
    facets = []
    for facet, (param, title) in FACET_PARAMS.items():
        values, hidden = _shown(results.facets.get(facet, []), param in expanded)
        more = request.GET.copy()
        more.setlist(ALL_PARAM, sorted(expanded | {param}))
        more.pop("page", None)
        facets.append(
            {
                "name": param,
                "title": title,
                "values": values,
                "hidden": hidden,
                "more_url": f"?{more.urlencode()}#facette-{param}",
            }
        )
    context = {
        "q": q,
        "results": results,
        "page_obj": page_obj,
        "facets": [f for f in facets if f["values"]],
        "kind_param": KIND_PARAM,
        "expanded": sorted(expanded & {param for param, _title in FACET_PARAMS.values()}),
        "all_param": ALL_PARAM,
        "filtered": bool(kinds) or any(filters.values()),
    }
    return render(request, "public/search/search.html", context)


urlpatterns = [path("recherche/", search, name="search")]
