"""Reads of the foresight studio: the lists, the study page, the grid and the run's figures.
Each owns its joins; the query counts are asserted in tests/test_selectors.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max

from fabriques.accounts.types import Person
from fabriques.programme.models import Fabrique

from . import charts
from .access import visible_studies_q
from .models import Study, StudyRun
from .services import micmac_inputs

STUDIES_PER_PAGE = 25
RUNS_PER_PAGE = 20


def fabrique_studies_page(*, user: Person, fabrique: Fabrique, page: Any = 1) -> Page[Any]:
    """The Fabrique's studies this person sees, latest change first, with their run counts
    (two queries: the count and the page)."""
    studies = (
        Study.objects.filter(fabrique=fabrique)
        .filter(visible_studies_q(user))
        .distinct()
        .select_related("participation")
        .annotate(run_count=Count("runs", distinct=True), last_run_at=Max("runs__run_at"))
        .order_by("-updated_at", "-pk")
    )
    return Paginator(studies, STUDIES_PER_PAGE).get_page(page)


def study_runs_page(*, study: Study, page: Any = 1) -> Page[StudyRun]:
    """The study's runs, latest first, with who ran them (two queries)."""
    runs = (
        StudyRun.objects.filter(study=study)
        .select_related("run_by")
        .defer("input", "output")
        .order_by("-run_at", "-pk")
    )
    return Paginator(runs, RUNS_PER_PAGE).get_page(page)


def study_meetings(study: Study) -> list[Any]:
    return list(study.meetings.order_by("starts_at", "pk"))


@dataclass(frozen=True)
class GridCell:
    row: int
    column: int
    name: str
    value: str
    label: str
    diagonal: bool


@dataclass(frozen=True)
class GridRow:
    number: int
    variable: str
    cells: list[GridCell]


def micmac_grid(
    study: Study, posted: dict[tuple[int, int], str] | None = None
) -> tuple[list[str], list[GridRow]]:
    """The variables and the grid's rows: each cell's input name, value (the posted text when
    the form comes back with errors) and its label « influence de X sur Y » (no query)."""
    from django.utils.translation import gettext as _

    variables, matrix = micmac_inputs(study)
    rows = []
    for i, source in enumerate(variables):
        cells = []
        for j, target in enumerate(variables):
            value = posted.get((i, j), "") if posted is not None else str(matrix[i][j])
            cells.append(
                GridCell(
                    row=i,
                    column=j,
                    name=f"c-{i}-{j}",
                    value=value,
                    label=_("Influence de %(source)s sur %(target)s")
                    % {"source": source, "target": target},
                    diagonal=i == j,
                )
            )
        rows.append(GridRow(number=i + 1, variable=source, cells=cells))
    return variables, rows


def micmac_figures(run: StudyRun) -> list[charts.Chart]:
    """The run's figures: the direct and indirect planes, the displacement from direct to
    indirect, and the direct-influence graph (no query)."""
    output = run.output
    variables = list(output["variables"])
    matrix = run.input.get("matrix") or output.get("combined_matrix") or []
    return [
        charts.micmac_plane(output, plane="direct", id_prefix="plan-direct"),
        charts.micmac_plane(output, plane="indirect", id_prefix="plan-indirect"),
        charts.micmac_plane(output, plane="direct", compare="indirect", id_prefix="deplacement"),
        charts.micmac_graph(variables, matrix, threshold=1, id_prefix="graphe"),
    ]


def latest_run(study: Study) -> StudyRun | None:
    return StudyRun.objects.filter(study=study).order_by("-run_at", "-pk").first()
