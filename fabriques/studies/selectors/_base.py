"""Reads of the foresight studio: the lists, the study page, the grid and the run's figures.
Each owns its joins; the query counts are asserted in tests/test_selectors.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from fabriques.accounts.types import Person
from fabriques.programme.models import Fabrique

from ..access import visible_studies_q
from ..models import CellEntry, Study, StudyRun
from ..services.grids import GRID_SPECS

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

    def body(self) -> SafeString:
        """The grid's <tbody> rows, built here rather than by template tags: a 60 × 60 grid
        has 3,540 inputs, which the template engine renders fifty times slower."""
        filled_by = _("Saisie par %(name)s")
        cell_input = (
            '<input class="studies-grid__cell" type="text" inputmode="{mode}" '
            'maxlength="{size}" size="{size}" autocomplete="off" pattern="{pattern}" '
            'name="{name}" id="{name}" value="{value}" data-row="{row}" data-column="{column}" '
            'data-saved="{value}" aria-label="{label}">'
        )
        mode, size, pattern = escape(self.inputmode), self.maxlength, escape(self.pattern)
        parts: list[str] = []
        for row in self.rows:
            parts.append(f'<tr><th scope="row">{row.number}. {escape(row.variable)}</th>')
            for cell in row.cells:
                label = escape(cell.label)
                if cell.diagonal:
                    parts.append(
                        f'<td class="studies-grid__diagonal" aria-label="{label} : 0">—</td>'
                    )
                    continue
                # A descriptor's own block (CIB self-impacts) is shaded, still editable.
                block = " studies-grid__own-block" if cell.own_block else ""
                if cell.author:
                    title = escape(filled_by % {"name": cell.author})
                    parts.append(f'<td title="{title}" class="studies-grid__filled{block}">')
                elif block:
                    parts.append(f'<td class="{block.strip()}">')
                else:
                    parts.append("<td>")
                parts.append(
                    cell_input.format(
                        mode=mode,
                        size=size,
                        pattern=pattern,
                        name=cell.name,
                        value=escape(cell.value),
                        row=cell.row,
                        column=cell.column,
                        label=label,
                    )
                )
                parts.append("</td>")
            parts.append("</tr>")
        # Every value above is escaped.
        return mark_safe("".join(parts))


def cell_authors(study: Study, matrix: str) -> dict[tuple[int, int], str]:
    """Who filled each cell of the study's matrix (one query): (row, column) → name."""
    former = _("un ancien compte")
    rows = CellEntry.objects.filter(study=study, matrix=matrix).values_list(
        "row",
        "column",
        "filled_by_id",
        "filled_by__first_name",
        "filled_by__last_name",
        "filled_by__email",
    )
    return {
        (row, column): (f"{first} {last}".strip() or email) if user_id else former
        for row, column, user_id, first, last, email in rows
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


@dataclass(frozen=True)
class PresentationRow:
    """One row of a grid as the projector shows it: its name, and each column's value."""

    title: str
    number: int
    total: int
    name: str
    values: list[tuple[str, str]]  # (column name, value)
    previous: int | None
    next: int | None


def presentation_row(study: Study, matrix: str, number: int) -> PresentationRow | None:
    """The grid's row `number` (1-based, clamped to the grid) for the presentation mode; None
    when the study has no such grid or the grid is empty (no query)."""
    spec = GRID_SPECS.get((study.method, matrix))
    if spec is None:
        return None
    values = spec.read(study)
    if not values:
        return None
    rows, columns = spec.labels(study) if spec.labels else ([], [])
    total = len(values)
    number = min(max(number, 1), total)
    i = number - 1

    def name(names: Sequence[str], k: int) -> str:
        return names[k] if k < len(names) else str(k + 1)

    return PresentationRow(
        title=spec.title() if spec.title else matrix,
        number=number,
        total=total,
        name=name(rows, i),
        values=[
            (name(columns, j), spec.show(value))
            for j, value in enumerate(values[i])
            if not (spec.diagonal and i == j)
        ],
        previous=number - 1 if number > 1 else None,
        next=number + 1 if number < total else None,
    )


@dataclass(frozen=True)
class CellDifference:
    name: str  # the cell's input name, c-<row>-<column>
    row: str
    column: str
    mine: str
    theirs: str
    author: str


def grid_differences(
    study: Study, matrix: str, posted: Mapping[tuple[int, int], str]
) -> list[CellDifference]:
    """The cells where what a person posted differs from what the grid holds now (after
    someone else saved it), with who filled the stored value: the conflict page (one query)."""
    spec = GRID_SPECS[(study.method, matrix)]
    values = spec.read(study)
    rows, columns = spec.labels(study) if spec.labels else ([], [])
    authors = cell_authors(study, matrix)
    differences = []
    for (i, j), text in sorted(posted.items()):
        if i >= len(values) or j >= len(values[i]) or (spec.diagonal and i == j):
            continue
        mine = spec.parse(text)
        if mine is None or mine == values[i][j]:
            continue
        differences.append(
            CellDifference(
                name=f"c-{i}-{j}",
                row=rows[i] if i < len(rows) else str(i + 1),
                column=columns[j] if j < len(columns) else str(j + 1),
                mine=spec.show(mine),
                theirs=spec.show(values[i][j]),
                author=authors.get((i, j), ""),
            )
        )
    return differences
