"""The public library: published roadmaps, action sheets and recommendations.

Each page's content depends only on the public data, so it is computed once per data version
(core.versioning) and cached: a warm page costs the version's look-up and a cache read.
Unpublished or nonexistent content raises the same 404 (roadmaps/recommendations access).
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from fabriques.core.versioning import cached_by_version
from fabriques.public.forms import Select
from fabriques.recommendations.models import Recommendation
from fabriques.recommendations.selectors import public as recommendations
from fabriques.roadmaps.selectors import public as roadmaps

PAGE_SIZE = 20
ROADMAPS = "feuilles-de-route"
RECOMMENDATIONS = "preconisations"


# The catalogue's select: the options inlined in one template, so that a filter listing
# every Fabrique does not render one template per Fabrique.
DSFR_SELECT = Select(attrs={"class": "fr-select"})


class LibraryFilterForm(forms.Form):
    vue = forms.ChoiceField(
        label=gettext_lazy("Afficher"),
        required=False,
        choices=[
            (ROADMAPS, gettext_lazy("Feuilles de route")),
            (RECOMMENDATIONS, gettext_lazy("Préconisations")),
        ],
    )
    annee = forms.TypedChoiceField(
        label=gettext_lazy("Année d’initiation de la Fabrique"),
        required=False,
        coerce=int,
        widget=DSFR_SELECT,
    )
    fabrique = forms.ChoiceField(label=gettext_lazy("Fabrique"), required=False, widget=DSFR_SELECT)
    theme = forms.ChoiceField(label=gettext_lazy("Thème"), required=False, widget=DSFR_SELECT)

    def __init__(self, data, *, options: recommendations.LibraryOptions):
        super().__init__(data)
        every = [("", _("Toutes"))]
        cast(forms.ChoiceField, self.fields["annee"]).choices = every + [
            (str(y), str(y)) for y in options.years
        ]
        cast(forms.ChoiceField, self.fields["fabrique"]).choices = every + options.fabriques
        cast(forms.ChoiceField, self.fields["theme"]).choices = [("", _("Tous")), *options.themes]

    def applied(self) -> dict:
        """The valid filters; an unknown value is dropped (and reported by the form)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "vue": data.get("vue") or ROADMAPS,
            "year": data.get("annee") or None,
            "fabrique": data.get("fabrique") or "",
            "theme": data.get("theme") or "",
        }

    @property
    def has_filters(self) -> bool:
        return any(self.data.get(name) for name in ("annee", "fabrique", "theme"))


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _library(vue: str, year: int | None, fabrique: str, theme: str, number: int) -> dict:
    if vue == RECOMMENDATIONS:
        page = recommendations.library_recommendations(
            year=year, fabrique=fabrique, theme=theme, page_number=number, per_page=PAGE_SIZE
        )
        other = roadmaps.filter_roadmaps(
            roadmaps.published_roadmaps(), year=year, fabrique=fabrique, theme=theme
        ).count()
        return {
            "page_obj": page,
            "recommendation_count": page.paginator.count,
            "roadmap_count": other,
        }
    page = roadmaps.library_roadmaps(
        year=year, fabrique=fabrique, theme=theme, page_number=number, per_page=PAGE_SIZE
    )
    other = recommendations.filter_recommendations(
        recommendations.published_recommendations(), year=year, fabrique=fabrique, theme=theme
    ).count()
    return {"page_obj": page, "roadmap_count": page.paginator.count, "recommendation_count": other}


@require_safe
def library(request: HttpRequest) -> HttpResponse:
    options = cached_by_version("library-options", recommendations.library_options)
    form = LibraryFilterForm(request.GET, options=options)
    applied = form.applied()
    number = _page_number(request)
    key = "library:{vue}:{year}:{fabrique}:{theme}:{number}".format(**applied, number=number)
    content = cached_by_version(
        key,
        lambda: _library(
            applied["vue"], applied["year"], applied["fabrique"], applied["theme"], number
        ),
    )
    query = request.GET.copy()
    query.pop("page", None)
    tabs = {}
    for vue in (ROADMAPS, RECOMMENDATIONS):
        query["vue"] = vue
        tabs[vue] = "?" + query.urlencode()
    context = {
        "form": form,
        "vue": applied["vue"],
        "ROADMAPS": ROADMAPS,
        "RECOMMENDATIONS": RECOMMENDATIONS,
        "roadmaps_href": tabs[ROADMAPS],
        "recommendations_href": tabs[RECOMMENDATIONS],
        **content,
    }
    return render(request, "public/library/library.html", context)


@require_safe
def roadmap_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = cached_by_version(f"library-roadmap:{pk}", lambda: roadmaps.public_roadmap(pk=pk))
    return render(request, "public/library/roadmap.html", {"page": page, "roadmap": page.roadmap})


@require_safe
def sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    def compute() -> tuple[roadmaps.PublicSheet, list[Recommendation]]:
        page = roadmaps.public_sheet(pk=pk)
        return page, recommendations.citing_sheet(sheet_id=page.sheet.pk)

    page, citing = cached_by_version(f"library-sheet:{pk}", compute)
    return render(
        request,
        "public/library/sheet.html",
        {"page": page, "sheet": page.sheet, "citing": citing},
    )


@require_safe
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = cached_by_version(
        f"library-recommendation:{pk}",
        lambda: recommendations.public_recommendation(pk=pk),
    )
    return render(
        request,
        "public/library/recommendation.html",
        {"page": page, "recommendation": page.recommendation},
    )
