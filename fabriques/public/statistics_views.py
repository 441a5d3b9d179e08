"""The public statistics page: every figure as a DSFR chart and as an accessible table."""

import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fabriques.core.versioning import cached_by_version
from fabriques.programme import statistics
from fabriques.programme.statistics import CategoryCount
from fabriques.recommendations.selectors.statistics import implementation_statistics
from fabriques.roadmaps.selectors.statistics import GROUP_LABELS, sheet_statistics

# Départements drawn by dsfr-chart's <map-chart level="dep">: metropolitan France (Corsica as
# 2A and 2B) and the five overseas départements (971 to 974, 976). Every one of them is given a
# value, 0 when no Fabrique reached it: the component paints départements missing from its data
# in the same blue as accompanied ones.
MAP_DEPARTEMENT_CODES = (
    *(f"{n:02d}" for n in range(1, 20)),
    "2A",
    "2B",
    *(f"{n:02d}" for n in range(21, 96)),
    "971",
    "972",
    "973",
    "974",
    "976",
)


def _json(value: object) -> str:
    """JSON for a dsfr-chart attribute (the template escapes it for the attribute)."""
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Breakdown:
    """One section of the page: a bar chart of Fabriques and territories, and its table."""

    slug: str
    title: str
    intro: str
    caption: str
    category_header: str
    rows: Sequence[CategoryCount]
    empty: str
    horizontal: bool = True

    @property
    def has_data(self) -> bool:
        # Kinds are listed even at zero: a chart of zeros only says "nothing yet".
        return any(row.fabriques or row.territories for row in self.rows)

    @property
    def chart_x(self) -> str:
        return _json([[row.label for row in self.rows]])

    @property
    def chart_y(self) -> str:
        return _json([[row.fabriques for row in self.rows], [row.territories for row in self.rows]])

    @property
    def chart_aspect_ratio(self) -> str:
        # Chart.js keeps width/height fixed; give long horizontal lists more height so that
        # two bars per category stay legible (about 0.9 for the 18 régions, 2.5 for 3 rows).
        if not self.horizontal:
            return "2"
        return f"{max(0.8, min(2.5, 18 / (len(self.rows) + 1.5))):.2f}"


@require_safe
def statistics_page(request: HttpRequest) -> HttpResponse:
    figures = statistics.public_statistics()
    years = figures.year_rows
    totals = figures.totals
    departements = figures.departements
    on_map = {d.code: d.territories for d in departements if d.code in MAP_DEPARTEMENT_CODES}
    series = _json([_("Fabriques"), _("Territoires accompagnés")])

    breakdowns = [
        Breakdown(
            slug="themes",
            title=_("Par thème"),
            intro=_(
                "Une Fabrique peut porter sur plusieurs thèmes : elle compte alors dans "
                "chacun d’eux, avec tous ses territoires."
            ),
            caption=_("Fabriques et territoires accompagnés par thème"),
            category_header=_("Thème"),
            rows=figures.themes,
            empty=_("Aucune Fabrique publiée n’a encore de thème."),
        ),
        Breakdown(
            slug="programmes",
            title=_("Par programme de l’ANCT"),
            intro=_(
                "Programmes de l’Agence nationale de la cohésion des territoires auxquels "
                "les Fabriques sont rattachées. Une Fabrique peut être liée à plusieurs "
                "programmes, ou à aucun."
            ),
            caption=_("Fabriques et territoires accompagnés par programme de l’ANCT"),
            category_header=_("Programme de l’ANCT"),
            rows=figures.programmes,
            empty=_("Aucune Fabrique publiée n’est encore liée à un programme de l’ANCT."),
        ),
        Breakdown(
            slug="associations",
            title=_("Par association d’élus"),
            intro=_(
                "Associations d’élus partenaires des Fabriques. Une Fabrique réunit "
                "souvent plusieurs associations : elle compte pour chacune."
            ),
            caption=_("Fabriques et territoires accompagnés par association d’élus partenaire"),
            category_header=_("Association d’élus"),
            rows=figures.associations,
            empty=_("Aucune association d’élus n’est encore partenaire d’une Fabrique publiée."),
        ),
        Breakdown(
            slug="regions",
            title=_("Par région"),
            intro=_(
                "Région du territoire accompagné ; une Fabrique compte dans chaque région "
                "où elle accompagne au moins un territoire. Seules les régions où au moins "
                "un territoire est accompagné sont listées."
            ),
            caption=_("Fabriques et territoires accompagnés par région"),
            category_header=_("Région"),
            rows=figures.regions,
            empty=_("Aucun territoire accompagné n’est encore recensé."),
        ),
        Breakdown(
            slug="types",
            title=_("Par type de territoire"),
            intro=_(
                "Un territoire accompagné est une commune, une intercommunalité (EPCI) ou "
                "un quartier prioritaire de la politique de la ville (QPV)."
            ),
            caption=_("Fabriques et territoires accompagnés par type de territoire"),
            category_header=_("Type de territoire"),
            rows=figures.kinds,
            empty=_("Aucun territoire accompagné n’est encore recensé."),
            horizontal=False,
        ),
    ]

    sheet_figures, recommendation_figures = cached_by_version(
        "library-statistics", lambda: (sheet_statistics(), implementation_statistics())
    )
    follow_up = {"sheets": sheet_figures, "recommendations": recommendation_figures}
    sheets_by_year = sheet_figures.by_year
    context = {
        "follow_up": follow_up,
        "sheet_groups": list(GROUP_LABELS.values()),
        "sheet_chart_x": _json([[row.label for row in sheets_by_year]]),
        "sheet_chart_y": _json(
            [
                [row.progress.done for row in sheets_by_year],
                [row.progress.in_progress for row in sheets_by_year],
                [row.progress.dropped for row in sheets_by_year],
                [row.progress.other for row in sheets_by_year],
            ]
        ),
        "sheet_chart_names": _json([str(label) for label in GROUP_LABELS.values()]),
        "years": years,
        "totals": totals,
        "gaps": [row for row in years if row.gap],
        "undeclared": [row for row in years if row.declared_territories is None],
        "year_chart_x": _json([[str(row.year) for row in years]]),
        "year_chart_territories_y": _json(
            [
                [row.declared_territories for row in years],
                [row.counted_territories for row in years],
            ]
        ),
        "year_chart_territories_names": _json(
            [_("Déclarés par l’ANCT"), _("Recensés sur la plateforme")]
        ),
        "year_chart_fabriques_y": _json([[row.fabriques for row in years]]),
        "year_chart_fabriques_names": _json([_("Fabriques")]),
        "breakdowns": breakdowns,
        "series_names": series,
        "departements": departements,
        "departements_off_map": [d for d in departements if d.code not in on_map],
        "regions_reached": len({d.region for d in departements}),
        "map_data": _json({code: on_map.get(code, 0) for code in MAP_DEPARTEMENT_CODES}),
        "map_total": sum(on_map.values()),
        "breadcrumb_data": {
            "root_dir": reverse("public:home"),
            "links": [],
            "current": _("Statistiques"),
        },
    }
    return render(request, "public/statistics.html", context)
