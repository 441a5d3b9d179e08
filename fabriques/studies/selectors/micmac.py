"""Reads of the MICMAC screens: the grid and the run's figures (no query)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import charts
from ..models import Study, StudyRun
from ..services.micmac import micmac_inputs
from ._base import Grid, build_grid

# A day: runs are immutable; the bound only lets a new template or chart code show up.
FIGURES_CACHE_SECONDS = 24 * 3600


def micmac_grid(study: Study, posted: dict[tuple[int, int], str] | None = None) -> Grid:
    """The grid of the influences: each cell's input name, value (the posted text when the
    form comes back with errors), label « Influence de X sur Y » and who filled it (one
    query)."""
    variables, matrix = micmac_inputs(study)
    label = _("Influence de %(source)s sur %(target)s")
    return build_grid(
        study,
        matrix="matrix",
        caption=_(
            "Influence de la variable en ligne sur la variable en colonne (%(count)s variables)"
        )
        % {"count": len(variables)},
        rows=variables,
        columns=variables,
        values=matrix,
        posted=posted,
        label=lambda source, target: label % {"source": source, "target": target},
        pattern="[0-3Pp]?",
        maxlength=1,
        diagonal=True,
    )


def _micmac_figures(run: StudyRun) -> list[charts.Chart]:
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


def micmac_figures(run: StudyRun) -> list[charts.Chart]:
    """The run's figures, drawn once: a run never changes, so its figures are cached by the
    run, the language and the library version (a 60-variable run takes a second to draw)."""
    key = f"studies:micmac-figures:{run.pk}:{get_language()}:{run.foresight_version}"
    figures = cache.get(key)
    if figures is None:
        figures = _micmac_figures(run)
        cache.set(key, figures, FIGURES_CACHE_SECONDS)
    return figures


def micmac_inputs_summary(study: Study) -> dict[str, Any]:
    """The study page's inputs section: the variables and how much of the matrix is filled."""
    variables, matrix = micmac_inputs(study)
    filled = sum(1 for i, row in enumerate(matrix) for j, v in enumerate(row) if i != j and v)
    return {
        "variables": variables,
        "filled": filled,
        "cells": len(variables) * (len(variables) - 1),
    }
