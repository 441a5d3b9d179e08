"""Multipol inputs: the actions and criteria, the grid of notes (actions × criteria) and the
policies (a weight per criterion, optionally the probability of the scenario each answers)
with the sensitivity option.

The inputs document is the library's (foresight/README.md, « multipol »): `actions`,
`criteria`, `scores`, `policies` (`name`, `weights`, optional `probability`), optional
`sensitivity`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.core.services import audit_event_create
from fabriques.core.text import quote

from ..models import Study
from ._base import (
    MAX_NAME_LENGTH,
    CellError,
    InputErrors,
    cells_record,
    cells_remap,
    save_versioned,
)
from .smic import format_decimal, parse_decimal

MAX_ACTIONS = 100
MAX_CRITERIA = 50
MAX_POLICIES = 30
# The library's tolerance on the sum of the policies' probabilities.
PROBABILITY_TOLERANCE = 1e-6


def multipol_inputs(
    study: Study,
) -> tuple[list[str], list[str], list[list[Any]], list[dict[str, Any]]]:
    """The actions, criteria, notes (filled with 0 where the document is short) and policies
    (their weights sized to the criteria)."""
    actions = [str(a) for a in study.inputs.get("actions", [])]
    criteria = [str(c) for c in study.inputs.get("criteria", [])]
    stored = study.inputs.get("scores") or []
    scores = []
    for i in range(len(actions)):
        row = stored[i] if i < len(stored) else []
        scores.append([row[j] if j < len(row) else 0 for j in range(len(criteria))])
    policies = []
    for policy in study.inputs.get("policies") or []:
        weights = list(policy.get("weights") or [])
        sized: dict[str, Any] = {
            "name": str(policy.get("name", "")),
            "weights": [weights[j] if j < len(weights) else 0 for j in range(len(criteria))],
        }
        if policy.get("probability") is not None:
            sized["probability"] = policy["probability"]
        policies.append(sized)
    return actions, criteria, scores, policies


def _check_names(names: Sequence[str], *, singular: str, limit: int, duplicate: str) -> list[str]:
    errors: list[str] = []
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        where = f"{singular} {position}"
        if not name:
            errors.append(_("%(where)s\u00a0: le nom ne peut pas être vide.") % {"where": where})
        elif len(name) > MAX_NAME_LENGTH:
            errors.append(
                _("%(where)s\u00a0: %(limit)s caractères au plus.")
                % {"where": where, "limit": MAX_NAME_LENGTH}
            )
        elif name in seen:
            errors.append(duplicate % {"where": where, "name": quote(name), "first": seen[name]})
        else:
            seen[name] = position
    if len(names) > limit:
        errors.append(_("%(what)s\u00a0: %(limit)s au plus.") % {"what": singular, "limit": limit})
    return errors


@transaction.atomic
def multipol_lists_save(
    *,
    study: Study,
    actor: User,
    actions: Sequence[tuple[int | None, str]],
    criteria: Sequence[tuple[int | None, str]],
    expected_version: int,
) -> None:
    """Rename, remove and add actions and criteria: each list gives (former position or None
    for a new one, name) of what is kept, in order. The notes keep the cells of the kept
    actions and criteria (0 for the new ones), the policies their weights (0 for a new
    criterion). `InputErrors` on an empty or duplicate name, `EditConflict`: nothing saved."""
    _old_actions, _old_criteria, scores, policies = multipol_inputs(study)
    action_names = [name.strip() for _o, name in actions]
    criterion_names = [name.strip() for _o, name in criteria]
    errors = _check_names(
        action_names,
        singular=_("Action"),
        limit=MAX_ACTIONS,
        duplicate=_("%(where)s\u00a0: l’action %(name)s existe déjà (action %(first)s)."),
    ) + _check_names(
        criterion_names,
        singular=_("Critère"),
        limit=MAX_CRITERIA,
        duplicate=_("%(where)s\u00a0: le critère %(name)s existe déjà (critère %(first)s)."),
    )
    if errors:
        raise InputErrors(errors)
    rows = [-1 if o is None else o for o, _n in actions]
    columns = [-1 if o is None else o for o, _n in criteria]
    new_scores = [[0 if oi < 0 or oj < 0 else scores[oi][oj] for oj in columns] for oi in rows]
    new_policies = [
        {**policy, "weights": [0 if oj < 0 else policy["weights"][oj] for oj in columns]}
        for policy in policies
    ]
    study.inputs = {
        **study.inputs,
        "actions": action_names,
        "criteria": criterion_names,
        "scores": new_scores,
        "policies": new_policies,
    }
    study._history_user = actor  # type: ignore[attr-defined]
    save_versioned(study, expected_version=expected_version, fields=["inputs"])
    cells_remap(
        study=study,
        matrix="scores",
        rows={o: n for n, o in enumerate(rows) if o >= 0},
        columns={o: n for n, o in enumerate(columns) if o >= 0},
    )
    audit_event_create(
        action="study.multipol_lists_changed",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"actions": len(action_names), "criteria": len(criterion_names)},
    )


def score_refused() -> str:
    return _("la note doit être un nombre (virgule décimale acceptée)")


def parse_score(text: str) -> float | int | None:
    """A note as typed: empty is 0, a number (decimal comma accepted), None when refused."""
    if not text.strip():
        return 0
    return parse_decimal(text)


def parse_scores(
    n_actions: int, n_criteria: int, cells: Mapping[tuple[int, int], str]
) -> list[list[Any]]:
    """The notes grid's posted cells as a matrix; `InputErrors` naming every bad cell."""
    errors: list[str] = []
    result: list[list[Any]] = []
    for i in range(n_actions):
        row: list[Any] = []
        for j in range(n_criteria):
            value = parse_score(cells.get((i, j), ""))
            if value is None:
                errors.append(str(CellError(i + 1, j + 1, score_refused())))
                value = 0
            row.append(value)
        result.append(row)
    if errors:
        raise InputErrors(errors)
    return result


@transaction.atomic
def multipol_scores_save(
    *,
    study: Study,
    actor: User,
    cells: Mapping[tuple[int, int], str],
    expected_version: int,
) -> int:
    """Save the notes entered in the grid; returns how many cells changed. `InputErrors`
    naming each bad cell, `EditConflict`: nothing saved."""
    actions, criteria, before, _policies = multipol_inputs(study)
    scores = parse_scores(len(actions), len(criteria), cells)
    changed_cells = [
        (i, j)
        for i, row in enumerate(scores)
        for j, value in enumerate(row)
        if before[i][j] != value
    ]
    study.inputs = {**study.inputs, "scores": scores}
    study._history_user = actor  # type: ignore[attr-defined]
    save_versioned(study, expected_version=expected_version, fields=["inputs"])
    cells_record(study=study, matrix="scores", cells=changed_cells, actor=actor)
    audit_event_create(
        action="study.multipol_scores_changed",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"cells": len(changed_cells)},
    )
    return len(changed_cells)


def multipol_scores_read(study: Study) -> list[list[Any]]:
    return multipol_inputs(study)[2]


@transaction.atomic
def multipol_policies_save(
    *,
    study: Study,
    actor: User,
    rows: Sequence[tuple[str, Sequence[str], str]],
    sensitivity: str,
    expected_version: int,
) -> None:
    """Replace the policies: `rows` lists (name, the weight of each criterion as typed,
    probability as typed) in order; a row with nothing typed is skipped. Weights are numbers
    ≥ 0 (empty is 0), at least one positive per policy; probabilities are given to every
    policy or to none and sum to 1; `sensitivity` is empty or δ with 0 < δ ≤ 1.
    `InputErrors` naming each bad cell (« ligne 2, colonne 3 : … »), `EditConflict`:
    nothing saved."""
    _actions, criteria, _scores, _before = multipol_inputs(study)
    errors: list[str] = []
    policies: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for raw_name, raw_weights, raw_probability in rows:
        name = raw_name.strip()
        if not name and not raw_probability.strip() and not any(w.strip() for w in raw_weights):
            continue
        number = len(policies) + 1
        where = _("Politique %(position)s") % {"position": number}
        if not name:
            errors.append(_("%(where)s\u00a0: le nom ne peut pas être vide.") % {"where": where})
        elif len(name) > MAX_NAME_LENGTH:
            errors.append(
                _("%(where)s\u00a0: %(limit)s caractères au plus.")
                % {"where": where, "limit": MAX_NAME_LENGTH}
            )
        elif name in seen:
            errors.append(
                _("%(where)s\u00a0: la politique %(name)s existe déjà (politique %(first)s).")
                % {"where": where, "name": quote(name), "first": seen[name]}
            )
        else:
            seen[name] = number
        weights: list[Any] = []
        for j in range(len(criteria)):
            text = raw_weights[j] if j < len(raw_weights) else ""
            value = parse_decimal(text) if text.strip() else 0
            if value is None or value < 0:
                errors.append(
                    str(CellError(number, j + 1, _("le poids doit être un nombre positif ou nul")))
                )
                value = 0
            weights.append(value)
        if criteria and not any(weights):
            errors.append(
                _("%(where)s\u00a0: au moins un critère doit avoir un poids positif.")
                % {"where": where}
            )
        policy: dict[str, Any] = {"name": name, "weights": weights}
        if raw_probability.strip():
            probability = parse_decimal(raw_probability)
            if probability is None or not 0 <= probability <= 1:
                errors.append(
                    _("%(where)s\u00a0: la probabilité doit être comprise entre 0 et 1.")
                    % {"where": where}
                )
            else:
                policy["probability"] = probability
        policies.append(policy)
    if len(policies) > MAX_POLICIES:
        errors.append(_("%(limit)s politiques au plus.") % {"limit": MAX_POLICIES})
    with_probability = [p for p in policies if "probability" in p]
    if not errors and with_probability:
        if len(with_probability) != len(policies):
            errors.append(
                _(
                    "Probabilités\u00a0: donnez la probabilité du scénario de chaque politique, "
                    "ou d’aucune."
                )
            )
        else:
            total = sum(p["probability"] for p in policies)
            if abs(total - 1) > PROBABILITY_TOLERANCE:
                errors.append(
                    _("Probabilités\u00a0: leur somme doit valoir 1 (elle vaut %(total)s).")
                    % {"total": format_decimal(round(total, 6))}
                )
    delta: float | int | None = None
    if sensitivity.strip():
        delta = parse_decimal(sensitivity)
        if delta is None or not 0 < delta <= 1:
            errors.append(
                _("Sensibilité\u00a0: δ doit être un nombre strictement positif et au plus 1.")
            )
    if errors:
        raise InputErrors(errors)
    inputs = {**study.inputs, "policies": policies}
    if delta is None:
        inputs.pop("sensitivity", None)
    else:
        inputs["sensitivity"] = delta
    study.inputs = inputs
    study._history_user = actor  # type: ignore[attr-defined]
    save_versioned(study, expected_version=expected_version, fields=["inputs"])
    audit_event_create(
        action="study.multipol_policies_changed",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"policies": len(policies), "sensitivity": delta},
    )
