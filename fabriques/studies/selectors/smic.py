"""Reads of the SMIC-Prob-Expert screens: the grids of conditional probabilities, the study
page's summary and a run's scenarios, corrected probabilities and elasticities (no query but
the grid's authors)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from ..models import Scenario, Study, StudyRun
from ..services.smic import conditional_label, format_decimal, smic_inputs
from ._base import Grid, build_grid

# Scenarios listed on the results page: the most probable first; the others (most of 2ⁿ
# with many hypotheses, all at or near zero) stay in the run's JSON.
MAX_SCENARIO_ROWS = 64
SHOWN_THRESHOLD = 0.0005


def smic_grid(study: Study, matrix: str, posted: dict[tuple[int, int], str] | None = None) -> Grid:
    """One grid of conditional probabilities (`p_if`: P(i | j), `p_if_not`: P(i | non j)),
    the hypotheses in rows and columns, empty where nothing was given (one query)."""
    hypotheses, _p, p_if, p_if_not = smic_inputs(study)
    values = p_if if matrix == "p_if" else p_if_not
    if matrix == "p_if":
        caption = _(
            "Probabilité de l’hypothèse en ligne si celle en colonne se réalise, P(i | j) "
            "(%(count)s hypothèses)"
        )

        def label(source: str, target: str) -> str:
            return _("Probabilité de %(i)s si %(j)s") % {"i": source, "j": target}

    else:
        caption = _(
            "Probabilité de l’hypothèse en ligne si celle en colonne ne se réalise pas, "
            "P(i | non j) (%(count)s hypothèses)"
        )

        def label(source: str, target: str) -> str:
            return _("Probabilité de %(i)s si non %(j)s") % {"i": source, "j": target}

    return build_grid(
        study,
        matrix=matrix,
        caption=caption % {"count": len(hypotheses)},
        rows=hypotheses,
        columns=hypotheses,
        values=[[format_decimal(v) for v in row] for row in values],
        posted=posted,
        label=label,
        pattern="[0-9.,]*",
        maxlength=6,
        diagonal=True,
        inputmode="decimal",
    )


def smic_inputs_summary(study: Study) -> dict[str, Any]:
    """The study page's inputs section: the hypotheses with P(i), how many conditional
    probabilities are given, the options."""
    hypotheses, p, p_if, p_if_not = smic_inputs(study)
    n = len(hypotheses)

    def given(matrix: list[list[Any]]) -> int:
        return sum(1 for row in matrix for v in row if v is not None)

    return {
        "hypotheses": list(zip(hypotheses, p, strict=True)),
        "given_if": given(p_if),
        "given_if_not": given(p_if_not),
        "cells": n * (n - 1),
        "experts": len(study.inputs.get("experts") or []),
        "objective": study.inputs.get("objective", "linear"),
        "intervals": study.inputs.get("intervals", "all"),
        "elasticities": bool(study.inputs.get("elasticities")),
    }


@dataclass(frozen=True)
class ScenarioRow:
    rank: int
    bits: str
    realised: list[str]
    not_realised: list[str]
    probability: float
    interval: tuple[float, float] | None
    average: float | None  # the experts' average distribution, when several experts


_INPUT = re.compile(r"^(p|p_if|p_if_not)\[(\d+)\](?:\[(\d+)\])?$")


def _input_label(name: str, hypotheses: list[str]) -> str:
    """« p_if[0][1] » as « P(A | B) »."""
    found = _INPUT.match(name)
    if not found:
        return name
    kind, i, j = found.group(1), int(found.group(2)), found.group(3)
    first = hypotheses[i] if i < len(hypotheses) else str(i + 1)
    if kind == "p" or j is None:
        return f"P({first})"
    second = hypotheses[int(j)] if int(j) < len(hypotheses) else str(int(j) + 1)
    if kind == "p_if":
        return f"P({first} | {second})"
    return _("P(%(i)s | non %(j)s)") % {"i": first, "j": second}


def _describe(bits: str, hypotheses: list[str]) -> tuple[list[str], list[str]]:
    realised = [h for h, b in zip(hypotheses, bits, strict=False) if b == "1"]
    not_realised = [h for h, b in zip(hypotheses, bits, strict=False) if b != "1"]
    return realised, not_realised


def smic_results(run: StudyRun) -> dict[str, Any]:
    """A run's scenarios by decreasing probability (with their intervals when computed), the
    given and corrected simple probabilities, the quality of the fit, the elasticities and the
    experts when asked (no query)."""
    output = run.output
    hypotheses = [str(h) for h in output.get("hypotheses", [])]
    scenarios = list(output.get("scenarios", []))
    average = output.get("expert_average")
    averages = dict(zip((s["bits"] for s in scenarios), average, strict=False)) if average else {}
    ordered = sorted(scenarios, key=lambda s: -s["probability"])
    rows = []
    for rank, scenario in enumerate(ordered, start=1):
        interval = scenario.get("interval")
        high = interval[1] if interval else scenario["probability"]
        if rank > MAX_SCENARIO_ROWS or max(high, scenario["probability"]) < SHOWN_THRESHOLD:
            continue
        realised, not_realised = _describe(scenario["bits"], hypotheses)
        rows.append(
            ScenarioRow(
                rank=rank,
                bits=scenario["bits"],
                realised=realised,
                not_realised=not_realised,
                probability=scenario["probability"],
                interval=(interval[0], interval[1]) if interval else None,
                average=averages.get(scenario["bits"]),
            )
        )
    given = run.input.get("p")
    corrected = output.get("p") or []
    marginals = [
        (h, given[i] if given and i < len(given) else None, corrected[i])
        for i, h in enumerate(hypotheses)
        if i < len(corrected)
    ]
    elasticities = output.get("elasticities")
    elasticity_table = None
    if elasticities:
        elasticity_table = {
            "inputs": [_input_label(name, hypotheses) for name in elasticities["inputs"]],
            "rows": [
                (", ".join(_describe(bits, hypotheses)[0]) or _("aucune"), bits, values)
                for bits, values in zip(
                    elasticities["scenarios"], elasticities["elasticities"], strict=True
                )
            ],
        }
    experts = [
        {
            "number": k,
            "name": e.get("name", ""),
            "weight": e.get("weight"),
            "residual": e.get("residual"),
        }
        for k, e in enumerate(output.get("experts") or [], start=1)
    ]
    return {
        "smic": {
            "hypotheses": hypotheses,
            "scenarios": rows,
            "scenario_count": len(scenarios),
            "hidden": len(scenarios) - len(rows),
            "with_intervals": any(r.interval for r in rows),
            "with_average": bool(averages),
            "marginals": marginals,
            "objective": output.get("objective"),
            "residual": output.get("residual"),
            "max_deviation": output.get("max_deviation"),
            "determined": output.get("determined"),
            "elasticities": elasticity_table,
            "experts": experts,
        }
    }


def smic_scenario_choices(run: StudyRun) -> list[tuple[str, str]]:
    """The run's scenarios as choices (bits, « A, C — 0,412 »), most probable first."""
    results = smic_results(run)["smic"]
    return [
        (
            row.bits,
            _("%(hypotheses)s — probabilité %(probability)s")
            % {
                "hypotheses": ", ".join(row.realised) or _("aucune hypothèse réalisée"),
                "probability": format_decimal(round(row.probability, 3)),
            },
        )
        for row in results["scenarios"]
    ]


def smic_conditional_title(matrix: str) -> str:
    return conditional_label(matrix)


def smic_saved_scenarios(study: Study) -> list[Scenario]:
    """The study's named scenarios with the run each came from (one query)."""
    return list(
        Scenario.objects.filter(study=study)
        .select_related("run")
        .defer("run__input", "run__output")
        .order_by("name", "pk")
    )
