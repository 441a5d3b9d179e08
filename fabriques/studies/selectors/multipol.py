"""Reads of the Multipol screens: the notes grid, the study page's summary and a run's
rankings per policy, synthesis and sensitivity (no query but the grid's authors)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ..models import Study, StudyRun
from ..services.multipol import multipol_inputs
from ..services.smic import format_decimal
from ._base import Grid, build_grid


def multipol_grid(study: Study, posted: dict[tuple[int, int], str] | None = None) -> Grid:
    """The notes grid: actions in rows, criteria in columns (one query)."""
    actions, criteria, scores, _policies = multipol_inputs(study)
    return build_grid(
        study,
        matrix="scores",
        caption=_(
            "Note de l’action en ligne sur le critère en colonne (%(a)s actions, %(c)s critères)"
        )
        % {"a": len(actions), "c": len(criteria)},
        rows=actions,
        columns=criteria,
        values=[[format_decimal(v) for v in row] for row in scores],
        posted=posted,
        label=lambda action, criterion: (
            _("Note de %(action)s sur le critère %(criterion)s")
            % {"action": action, "criterion": criterion}
        ),
        pattern="-?[0-9.,]*",
        maxlength=8,
        diagonal=False,
        inputmode="decimal",
    )


def multipol_inputs_summary(study: Study) -> dict[str, Any]:
    """The study page's inputs section: actions, criteria, policies and their weights."""
    actions, criteria, _scores, policies = multipol_inputs(study)
    return {
        "actions": actions,
        "criteria": criteria,
        "policies": policies,
        "sensitivity": study.inputs.get("sensitivity"),
    }


def multipol_results(run: StudyRun) -> dict[str, Any]:
    """A run's ranking of the actions under each policy, the synthesis per action (mean,
    deviation, best and worst ranks, expected score) in the library's ranking order, and the
    perturbations of the weights that change a ranking (no query)."""
    output = run.output
    policies = list(output.get("policies", []))
    criteria = list(run.input.get("criteria", []))
    actions = list(output.get("actions", []))
    by_name = {a["name"]: a for a in actions}
    # Rank r of each policy: the action at that rank and its score.
    per_policy: list[list[tuple[str, float]]] = []
    for k in range(len(policies)):
        ordered = sorted(actions, key=lambda a: int(a["ranks"][k]))
        per_policy.append([(a["name"], a["scores"][k]) for a in ordered])
    ranking_rows = [
        (rank, [column[rank - 1] for column in per_policy]) for rank in range(1, len(actions) + 1)
    ]
    synthesis = [
        {
            "name": name,
            "cells": list(zip(by_name[name]["scores"], by_name[name]["ranks"], strict=True)),
            "mean": by_name[name]["mean"],
            "deviation": by_name[name]["standard_deviation"],
            "best": by_name[name]["best_rank"],
            "worst": by_name[name]["worst_rank"],
            "expected": by_name[name].get("expected"),
            "expected_rank": by_name[name].get("expected_rank"),
        }
        for name in output.get("ranking", [])
        if name in by_name
    ]
    sensitivity = [
        {
            "policy": s["policy"],
            "criterion": s["criterion"],
            "delta": s["delta"],
            "weights": list(zip(criteria, s["weights"], strict=False)),
            "ranking": s["ranking"],
            "reversals": [f"{a} / {b}" for a, b in s["reversals"]],
        }
        for s in output.get("sensitivity") or []
    ]
    return {
        "multipol": {
            "policies": policies,
            "ranking_rows": ranking_rows,
            "synthesis": synthesis,
            "with_expected": output.get("expected_ranking") is not None,
            "expected_ranking": output.get("expected_ranking") or [],
            "sensitivity_asked": run.input.get("sensitivity") is not None,
            "delta": run.input.get("sensitivity"),
            "sensitivity": sensitivity,
        }
    }
