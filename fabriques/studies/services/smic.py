"""SMIC-Prob-Expert inputs: the hypotheses with their simple probabilities P(i) and the
options, the two grids of conditional probabilities P(i | j) and P(i | non j), and the
scenarios of a run saved under a name.

The inputs document is the library's (foresight/README.md, « smic »): `hypotheses`, `p`,
`p_if`, `p_if_not` (null on the diagonal and wherever nothing was given), `objective`,
`intervals`, `elasticities`. Several experts' estimates (`experts`) have no form yet.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.core.services import audit_event_create
from fabriques.core.text import quote
from foresight.smic import MAX_HYPOTHESES, OBJECTIVES

from ..models import Scenario, Study, StudyRun
from ._base import (
    MAX_NAME_LENGTH,
    CellError,
    InputErrors,
    cells_record,
    cells_remap,
    save_versioned,
)

CONDITIONALS = ("p_if", "p_if_not")
# Elasticities take two fits per given probability: the library refuses them beyond this.
MAX_ELASTICITY_HYPOTHESES = 8
MAX_SCENARIO_NAME = 200


def parse_decimal(text: str) -> float | int | None:
    """A number typed in French or English (« 0,35 », « 0.35 », « 1 ») or None when it is
    not one; integers stay integers."""
    cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    cleaned = cleaned.replace(",", ".")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return int(value) if value.is_integer() else value


def parse_probability(text: str) -> float | int | None:
    """A probability between 0 and 1 (decimal comma accepted), or None when refused."""
    value = parse_decimal(text)
    if value is None or not 0 <= value <= 1:
        return None
    return value


def probability_refused() -> str:
    return _("la probabilité doit être comprise entre 0 et 1")


def format_decimal(value: Any) -> str:
    """A stored number as the forms show it (decimal comma); empty for null."""
    if value is None:
        return ""
    return str(value).replace(".", ",")


def smic_inputs(
    study: Study,
) -> tuple[list[str], list[Any], list[list[Any]], list[list[Any]]]:
    """The hypotheses, P(i) and the two conditional matrices, sized to the hypotheses (null
    where the document is short, and always on the diagonal)."""
    hypotheses = [str(h) for h in study.inputs.get("hypotheses", [])]
    n = len(hypotheses)
    stored_p = study.inputs.get("p") or []
    p = [stored_p[i] if i < len(stored_p) else None for i in range(n)]
    matrices = []
    for key in CONDITIONALS:
        stored = study.inputs.get(key) or []
        matrix = []
        for i in range(n):
            row = stored[i] if i < len(stored) else []
            matrix.append([None if i == j or j >= len(row) else row[j] for j in range(n)])
        matrices.append(matrix)
    return hypotheses, p, matrices[0], matrices[1]


def _refuse_experts(study: Study) -> None:
    if study.inputs.get("experts"):
        raise InputErrors(
            [
                _(
                    "Cette étude réunit les estimations de plusieurs experts\u00a0: elles se "
                    "modifient par import, pas dans ce formulaire."
                )
            ]
        )


def _check_options(options: Mapping[str, str], n: int) -> tuple[dict[str, Any], list[str]]:
    errors: list[str] = []
    chosen: dict[str, Any] = {}
    objective = options.get("objective", "linear") or "linear"
    if objective not in OBJECTIVES:
        errors.append(_("Objectif\u00a0: choisissez l’un des objectifs proposés."))
    chosen["objective"] = objective
    intervals = (options.get("intervals", "all") or "all").strip()
    if intervals in ("all", "none"):
        chosen["intervals"] = intervals
    elif intervals.isdigit() and int(intervals) >= 1:
        chosen["intervals"] = int(intervals)
    else:
        errors.append(
            _(
                "Intervalles\u00a0: indiquez « tous », « aucun » ou un nombre entier de "
                "scénarios (1 ou plus)."
            )
        )
    elasticities = options.get("elasticities") == "on"
    if elasticities and n > MAX_ELASTICITY_HYPOTHESES:
        errors.append(
            _("Élasticités\u00a0: elles sont calculées pour %(limit)s hypothèses au plus.")
            % {"limit": MAX_ELASTICITY_HYPOTHESES}
        )
    chosen["elasticities"] = elasticities
    return chosen, errors


@transaction.atomic
def smic_hypotheses_save(
    *,
    study: Study,
    actor: User,
    rows: Sequence[tuple[int | None, str, str]],
    options: Mapping[str, str],
    expected_version: int,
) -> None:
    """Rename, remove, reorder and add hypotheses with their P(i), and set the options.
    `rows` lists (former position or None for a new one, name, P(i) as typed) of the
    hypotheses kept, in order; a new row with neither name nor probability is skipped. The
    conditional grids keep the cells of the kept hypotheses. `InputErrors` naming each
    hypothesis refused, `EditConflict`: nothing saved."""
    _refuse_experts(study)
    hypotheses, _p, p_if, p_if_not = smic_inputs(study)
    errors: list[str] = []
    names: list[str] = []
    p: list[Any] = []
    old: list[int] = []
    seen: dict[str, int] = {}
    for former, raw_name, raw_p in rows:
        name = raw_name.strip()
        if former is None and not name and not raw_p.strip():
            continue
        number = len(names) + 1
        where = _("Hypothèse %(position)s") % {"position": number}
        if not name:
            errors.append(_("%(where)s\u00a0: le nom ne peut pas être vide.") % {"where": where})
        elif len(name) > MAX_NAME_LENGTH:
            errors.append(
                _("%(where)s\u00a0: %(limit)s caractères au plus.")
                % {"where": where, "limit": MAX_NAME_LENGTH}
            )
        elif name in seen:
            errors.append(
                _("%(where)s\u00a0: l’hypothèse %(name)s existe déjà (hypothèse %(first)s).")
                % {"where": where, "name": quote(name), "first": seen[name]}
            )
        else:
            seen[name] = number
        value = parse_probability(raw_p)
        if value is None:
            errors.append(
                _("%(where)s\u00a0: la probabilité P(i) doit être comprise entre 0 et 1.")
                % {"where": where}
                if raw_p.strip()
                else _("%(where)s\u00a0: donnez sa probabilité P(i).") % {"where": where}
            )
        names.append(name)
        p.append(value)
        old.append(-1 if former is None else former)
    if len(names) > MAX_HYPOTHESES:
        errors.append(
            _("%(limit)s hypothèses au plus (elles forment 2 puissance n scénarios).")
            % {"limit": MAX_HYPOTHESES}
        )
    chosen, option_errors = _check_options(options, len(names))
    errors += option_errors
    if errors:
        raise InputErrors(errors)
    matrices = {
        key: [
            [None if i == j or oi < 0 or oj < 0 else matrix[oi][oj] for j, oj in enumerate(old)]
            for i, oi in enumerate(old)
        ]
        for key, matrix in (("p_if", p_if), ("p_if_not", p_if_not))
    }
    study.inputs = {
        **study.inputs,
        "hypotheses": names,
        "p": p,
        **matrices,
        **chosen,
    }
    study._history_user = actor  # type: ignore[attr-defined]
    save_versioned(study, expected_version=expected_version, fields=["inputs"])
    moved = {o: n for n, o in enumerate(old) if o >= 0}
    for key in CONDITIONALS:
        cells_remap(study=study, matrix=key, rows=moved, columns=moved)
    audit_event_create(
        action="study.smic_hypotheses_changed",
        obj=study,
        actor=actor,
        summary=study.title,
        data={
            "count": len(names),
            "added": sum(1 for o in old if o < 0),
            "removed": len(hypotheses) - len(moved),
        },
    )


def conditional_label(matrix: str) -> str:
    return _("P(i | j)") if matrix == "p_if" else _("P(i | non j)")


def parse_conditionals(
    n: int, matrix: str, cells: Mapping[tuple[int, int], str]
) -> list[list[Any]]:
    """One conditional grid's posted cells (row, column 0-based → text) as a matrix, null
    where empty; `InputErrors` naming every bad cell (« ligne 2, colonne 3 : … »)."""
    errors: list[str] = []
    result: list[list[Any]] = []
    for i in range(n):
        row: list[Any] = []
        for j in range(n):
            text = cells.get((i, j), "").strip()
            if i == j:
                row.append(None)
                continue
            value = parse_probability(text) if text else None
            if text and value is None:
                errors.append(
                    f"{conditional_label(matrix)} — "
                    f"{CellError(i + 1, j + 1, probability_refused())}"
                )
            row.append(value)
        result.append(row)
    if errors:
        raise InputErrors(errors)
    return result


@transaction.atomic
def smic_conditionals_save(
    *,
    study: Study,
    actor: User,
    matrix: str,
    cells: Mapping[tuple[int, int], str],
    expected_version: int,
) -> int:
    """Save one grid of conditional probabilities (`p_if` or `p_if_not`) as entered; returns
    how many cells changed. `InputErrors` naming each bad cell, `EditConflict`: nothing saved."""
    if matrix not in CONDITIONALS:
        raise InputErrors([_("Cette étude n’a pas de matrice de ce nom.")])
    _refuse_experts(study)
    hypotheses, _p, p_if, p_if_not = smic_inputs(study)
    before = p_if if matrix == "p_if" else p_if_not
    after = parse_conditionals(len(hypotheses), matrix, cells)
    changed_cells = [
        (i, j)
        for i, row in enumerate(after)
        for j, value in enumerate(row)
        if before[i][j] != value
    ]
    study.inputs = {
        **study.inputs,
        "p_if": p_if,
        "p_if_not": p_if_not,
        matrix: after,
    }
    study._history_user = actor  # type: ignore[attr-defined]
    save_versioned(study, expected_version=expected_version, fields=["inputs"])
    cells_record(study=study, matrix=matrix, cells=changed_cells, actor=actor)
    audit_event_create(
        action="study.smic_conditionals_changed",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"matrix": matrix, "cells": len(changed_cells)},
    )
    return len(changed_cells)


def smic_grid_read(study: Study, matrix: str) -> list[list[Any]]:
    """One conditional matrix as the cell-by-cell save reads it (services.grids)."""
    _hypotheses, _p, p_if, p_if_not = smic_inputs(study)
    return p_if if matrix == "p_if" else p_if_not


@transaction.atomic
def smic_scenario_save(
    *,
    study: Study,
    run: StudyRun,
    actor: User,
    bits: str,
    name: str,
    narrative: str = "",
) -> Scenario:
    """Save one scenario of a SMIC run under a name: its configuration says, for each
    hypothesis in the run's order, whether it is realised (true) or not (false).
    `InputErrors` for an unknown scenario, an empty or taken name: nothing saved."""
    if run.study_id != study.pk:
        raise InputErrors([_("Ce calcul n’est pas celui de cette étude.")])
    scenarios = {s["bits"]: s for s in run.output.get("scenarios", [])}
    hypotheses = list(run.output.get("hypotheses") or run.input.get("hypotheses", []))
    errors: list[str] = []
    if bits not in scenarios:
        errors.append(_("Scénario\u00a0: choisissez l’un des scénarios du calcul."))
    name = name.strip()
    if not name:
        errors.append(_("Nom\u00a0: donnez un nom au scénario."))
    elif len(name) > MAX_SCENARIO_NAME:
        errors.append(_("Nom\u00a0: %(limit)s caractères au plus.") % {"limit": MAX_SCENARIO_NAME})
    elif Scenario.objects.filter(study=study, name=name).exists():
        errors.append(
            _("Nom\u00a0: l’étude a déjà un scénario nommé %(name)s.") % {"name": quote(name)}
        )
    if errors:
        raise InputErrors(errors)
    scenario = Scenario(
        study=study,
        run=run,
        name=name,
        narrative=narrative.strip(),
        configuration={h: bits[i] == "1" for i, h in enumerate(hypotheses)},
        created_by=actor,
    )
    scenario.full_clean()
    scenario.save()
    audit_event_create(
        action="study.smic_scenario_saved",
        obj=study,
        actor=actor,
        summary=name,
        data={"scenario": scenario.pk, "run": run.pk, "bits": bits},
    )
    return scenario
