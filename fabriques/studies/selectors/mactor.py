"""Reads of the MACTOR screens: the MID and MAO grids, the study page's summary and the run's
figures and tables (no query beyond the grids' authors)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .. import charts
from ..models import Study, StudyRun
from ..services.mactor import mactor_inputs
from ._base import Grid, build_grid

# The MAO order the figures read: 2, the actors' positions with their intensity.
FIGURE_ORDER = 2


def mactor_mid_grid(study: Study, posted: Mapping[tuple[int, int], str] | None = None) -> Grid:
    """The MID grid: « Influence de X sur Y », 0 to 4, the diagonal fixed (one query: who
    filled each cell)."""
    inputs = mactor_inputs(study)
    return build_grid(
        study,
        matrix="mid",
        caption=_(
            "Influence directe de l’acteur en ligne sur l’acteur en colonne (%(count)s acteurs)"
        )
        % {"count": len(inputs.actors)},
        rows=inputs.actors,
        columns=inputs.actors,
        values=inputs.mid,
        posted=posted,
        label=lambda source, target: (
            _("Influence de %(source)s sur %(target)s") % {"source": source, "target": target}
        ),
        pattern="[0-4]?",
        maxlength=1,
        diagonal=True,
    )


def mactor_positions_grid(
    study: Study, posted: Mapping[tuple[int, int], str] | None = None
) -> Grid:
    """The MAO grid: the position of each actor (row) on each objective (column), −4 to 4
    (one query: who filled each cell)."""
    inputs = mactor_inputs(study)
    return build_grid(
        study,
        matrix="positions",
        caption=_(
            "Position de l’acteur en ligne sur l’objectif en colonne, de \u22124 (opposé) à 4 "
            "(favorable) (%(actors)s acteurs, %(objectives)s objectifs)"
        )
        % {"actors": len(inputs.actors), "objectives": len(inputs.objectives)},
        rows=inputs.actors,
        columns=inputs.objectives,
        values=inputs.positions,
        posted=posted,
        label=lambda source, target: (
            _("Position de %(actor)s sur l’objectif %(objective)s")
            % {"actor": source, "objective": target}
        ),
        pattern="[\\-−+]?[0-4]?",
        maxlength=2,
        diagonal=False,
        inputmode="text",
    )


def mactor_inputs_summary(study: Study) -> dict[str, Any]:
    """The study page's inputs section: the actors, the objectives, how much of each grid is
    filled and the options."""
    inputs = mactor_inputs(study)
    n = len(inputs.actors)
    return {
        "actors": inputs.actors,
        "objectives": inputs.objectives,
        "mid_filled": sum(1 for row in inputs.mid for value in row if value),
        "mid_cells": n * (n - 1),
        "positions_filled": sum(1 for row in inputs.positions for value in row if value),
        "positions_cells": n * len(inputs.objectives),
        "balance_reading": inputs.balance_reading,
        "graph_threshold": charts.fr_number(inputs.graph_threshold),
    }


@dataclass(frozen=True)
class ResultTable:
    """A table of the results shown as a DSFR table: the first cell of each row heads it."""

    id: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _signed(value: float) -> str:
    text = charts.fr_number(value)
    return f"+{text}" if value > 0 else text


def mactor_tables(run: StudyRun) -> list[ResultTable]:
    """The run's tables beside the figures: the actors' summary (influence, dependence, r*,
    net influence, ambivalence), the net balance of power between actors (MIDI − MIDIᵀ) and
    the actors' positions on the objectives (the MAO) with their mobilisation."""
    output = run.output
    actors = list(output["actors"])
    objectives = list(output["objectives"])
    order = next(o for o in output["orders"] if o["order"] == FIGURE_ORDER)
    summary = ResultTable(
        id="tableau-acteurs",
        caption=_("Influence, dépendance et rapport de force des acteurs"),
        header=(
            _("Acteur"),
            _("Influence (Mi)"),
            _("Dépendance (Di)"),
            _("Rapport de force r*"),
            _("Solde net"),
            _("Ambivalence (ordre 2)"),
        ),
        rows=tuple(
            (
                name,
                charts.fr_number(output["influence"][i]),
                charts.fr_number(output["dependence"][i]),
                charts.fr_number(float(output["balance_of_power"][i])),
                _signed(output["net_influence"][i]),
                charts.fr_number(float(order["ambivalence"][i])),
            )
            for i, name in enumerate(actors)
        ),
    )
    net = ResultTable(
        id="tableau-solde",
        caption=_(
            "Rapport de force net entre acteurs (influences directes et indirectes)\u00a0: "
            "positif quand l’acteur en ligne l’emporte sur l’acteur en colonne"
        ),
        header=(_("Acteur"), *actors, _("Solde net")),
        rows=tuple(
            (
                name,
                *(
                    "—" if i == j else _signed(output["net_balance"][i][j])
                    for j in range(len(actors))
                ),
                _signed(output["net_influence"][i]),
            )
            for i, name in enumerate(actors)
        ),
    )
    positions = run.input.get("positions") or []
    mao = ResultTable(
        id="tableau-positions",
        caption=_(
            "Positions des acteurs sur les objectifs (de \u22124 à 4) et mobilisation de "
            "chaque acteur (somme des valeurs absolues)"
        ),
        header=(_("Acteur"), *objectives, _("Mobilisation")),
        rows=(
            *(
                (
                    name,
                    *(
                        _signed(positions[i][j]) if i < len(positions) else "0"
                        for j in range(len(objectives))
                    ),
                    charts.fr_number(float(order["actor_mobilisation"][i])),
                )
                for i, name in enumerate(actors)
            ),
            (
                _("Pour"),
                *(charts.fr_number(float(v)) for v in order["objective_for"]),
                "",
            ),
            (
                _("Contre"),
                *(charts.fr_number(float(v)) for v in order["objective_against"]),
                "",
            ),
        ),
    )
    return [summary, net, mao]


def mactor_figures(run: StudyRun) -> list[charts.Chart]:
    """The run's figures: the actors' influence–dependence plane, the balance of power, the
    convergence and divergence graphs and the mobilisation on the objectives (order 2, the
    graphs from the study's threshold; no query)."""
    output = run.output
    threshold = run.input.get("graph_threshold", 0)
    threshold = float(threshold) if isinstance(threshold, int | float) else 0.0
    return [
        charts.mactor_plane(output, id_prefix="acteurs-plan"),
        charts.mactor_balance(output, id_prefix="acteurs-rapport"),
        charts.mactor_graph(
            output,
            kind="convergence",
            order=FIGURE_ORDER,
            threshold=threshold,
            id_prefix="acteurs-convergences",
        ),
        charts.mactor_graph(
            output,
            kind="divergence",
            order=FIGURE_ORDER,
            threshold=threshold,
            id_prefix="acteurs-divergences",
        ),
        charts.mactor_mobilisation(output, order=FIGURE_ORDER, id_prefix="objectifs-mobilisation"),
    ]


def mactor_results(run: StudyRun) -> dict[str, Any]:
    return {
        "figures": mactor_figures(run),
        "tables": mactor_tables(run),
        "balance_reading": run.output.get("balance_reading", "printed"),
    }
