"""Reads of the MICMAC screens: the grid and the run's figures (no query)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import charts
from ..models import Study, StudyRun
from ..services.micmac import micmac_inputs


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


def micmac_inputs_summary(study: Study) -> dict[str, Any]:
    """The study page's inputs section: the variables and how much of the matrix is filled."""
    variables, matrix = micmac_inputs(study)
    filled = sum(1 for i, row in enumerate(matrix) for j, v in enumerate(row) if i != j and v)
    return {
        "variables": variables,
        "filled": filled,
        "cells": len(variables) * (len(variables) - 1),
    }
