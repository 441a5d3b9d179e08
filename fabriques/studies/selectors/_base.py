"""Reads of the foresight studio: the lists, the study page, the grid and the run's figures.
Each owns its joins; the query counts are asserted in tests/test_selectors.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import gettext as _

from fabriques.accounts.types import Person
from fabriques.programme.models import Fabrique

from ..access import visible_studies_q
from ..models import CellEntry, Study, StudyRun

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


def latest_run(study: Study) -> StudyRun | None:
    return StudyRun.objects.filter(study=study).order_by("-run_at", "-pk").first()


@dataclass(frozen=True)
class GridCell:
    row: int
    column: int
    name: str
    value: str
    label: str
    diagonal: bool
    author: str = ""
    # The cell lies in a block of the grid's groups (a CIB descriptor's own block).
    own_block: bool = False


@dataclass(frozen=True)
class GridRow:
    number: int
    variable: str
    cells: list[GridCell]


@dataclass(frozen=True)
class Grid:
    """A matrix entry grid as `studies/_grid.html` draws it."""

    id: str
    matrix: str
    caption: str
    columns: list[str]
    rows: list[GridRow]
    pattern: str
    maxlength: int
    inputmode: str = "numeric"
    cell_url: str = ""
    # Column groups (name, how many columns), drawn as a header row above the columns.
    groups: list[tuple[str, int]] = field(default_factory=list)


def cell_authors(study: Study, matrix: str) -> dict[tuple[int, int], str]:
    """Who filled each cell of the study's matrix (one query): (row, column) → name."""
    entries = CellEntry.objects.filter(study=study, matrix=matrix).select_related("filled_by")
    return {
        (e.row, e.column): (e.filled_by.get_full_name() or e.filled_by.email)
        if e.filled_by
        else _("un ancien compte")
        for e in entries
    }


def build_grid(
    study: Study,
    *,
    matrix: str,
    caption: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[Any]],
    posted: Mapping[tuple[int, int], str] | None,
    label: Callable[[str, str], str],
    pattern: str,
    maxlength: int,
    diagonal: bool,
    inputmode: str = "numeric",
    groups: Sequence[tuple[str, int]] = (),
) -> Grid:
    """A grid's rows of cells: each cell's input name `c-<row>-<column>`, its value (the
    posted text when the form comes back with errors), label and author (one query)."""
    authors = cell_authors(study, matrix)
    # Each row's or column's group (index into `groups`), when groups are given.
    group_of = [g for g, (_name, span) in enumerate(groups) for _k in range(span)]
    grid_rows = []
    for i, source in enumerate(rows):
        cells = []
        for j, target in enumerate(columns):
            value = posted.get((i, j), "") if posted is not None else str(values[i][j])
            cells.append(
                GridCell(
                    row=i,
                    column=j,
                    name=f"c-{i}-{j}",
                    value=value,
                    label=label(source, target),
                    diagonal=diagonal and i == j,
                    author=authors.get((i, j), ""),
                    own_block=bool(group_of) and group_of[i] == group_of[j],
                )
            )
        grid_rows.append(GridRow(number=i + 1, variable=source, cells=cells))
    return Grid(
        id=f"grille-{matrix}",
        matrix=matrix,
        caption=caption,
        columns=list(columns),
        rows=grid_rows,
        pattern=pattern,
        maxlength=maxlength,
        inputmode=inputmode,
        cell_url=reverse("studies:cell", args=[study.pk]),
        groups=list(groups),
    )
