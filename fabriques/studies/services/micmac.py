"""MICMAC inputs: the variables and the matrix grid."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.core.services import audit_event_create
from fabriques.core.text import quote

from ..models import Study
from ._base import (
    MAX_NAME_LENGTH,
    MAX_VARIABLES,
    CellError,
    InputErrors,
    cells_record,
    cells_remap,
    save_versioned,
)

CELL_VALUES: dict[str, int | str] = {"": 0, "0": 0, "1": 1, "2": 2, "3": 3, "P": "P"}


def micmac_inputs(study: Study) -> tuple[list[str], list[list[int | str]]]:
    """The study's variables and its square matrix (filled with 0 where the document is short)."""
    variables = [str(v) for v in study.inputs.get("variables", [])]
    stored = study.inputs.get("matrix", [])
    n = len(variables)
    matrix: list[list[int | str]] = []
    for i in range(n):
        row = stored[i] if i < len(stored) else []
        matrix.append([row[j] if j < len(row) else 0 for j in range(n)])
    return variables, matrix


def _check_names(names: Sequence[str]) -> list[str]:
    errors = []
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if not name:
            errors.append(
                _("Variable %(position)s\u00a0: le nom ne peut pas être vide.")
                % {"position": position}
            )
        elif len(name) > MAX_NAME_LENGTH:
            errors.append(
                _("Variable %(position)s\u00a0: %(limit)s caractères au plus.")
                % {"position": position, "limit": MAX_NAME_LENGTH}
            )
        elif name in seen:
            errors.append(
                _(
                    "Variable %(position)s\u00a0: la variable %(name)s existe déjà (variable %(first)s)."
                )
                % {"position": position, "name": quote(name), "first": seen[name]}
            )
        else:
            seen[name] = position
    if len(names) > MAX_VARIABLES:
        errors.append(
            _(
                "%(limit)s variables au plus\u00a0: regroupez-en (les praticiens conseillent 80 au plus)."
            )
            % {"limit": MAX_VARIABLES}
        )
    return errors


@transaction.atomic
def micmac_variables_save(
    *,
    study: Study,
    actor: User,
    kept: Sequence[tuple[int, str]],
    added: Sequence[str],
    expected_version: int,
) -> None:
    """Rename, remove and add variables: `kept` lists (former position, new name) of the
    variables kept, in order, `added` the new names; the matrix keeps the cells of the kept
    variables and gets 0 for the new ones. `InputErrors` (nothing saved) on an empty or
    duplicate name."""
    variables, matrix = micmac_inputs(study)
    names = [name.strip() for _old, name in kept] + [name.strip() for name in added]
    errors = _check_names(names)
    if errors:
        raise InputErrors(errors)
    old = [position for position, _name in kept] + [-1] * len(added)
    new_matrix: list[list[int | str]] = [
        [0 if i == j or oi < 0 or oj < 0 else matrix[oi][oj] for j, oj in enumerate(old)]
        for i, oi in enumerate(old)
    ]
    removed = [variables[p] for p in range(len(variables)) if p not in {p for p, _n in kept}]
    study.inputs = {**study.inputs, "variables": names, "matrix": new_matrix}
    study._history_user = actor  # type: ignore[attr-defined]
    save_versioned(study, expected_version=expected_version, fields=["inputs"])
    moved = {o: n for n, o in enumerate(old) if o >= 0}
    cells_remap(study=study, matrix="matrix", rows=moved, columns=moved)
    audit_event_create(
        action="study.variables_changed",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"count": len(names), "added": len(added), "removed": len(removed)},
    )


def parse_cells(n: int, cells: Mapping[tuple[int, int], str]) -> list[list[int | str]]:
    """The grid's posted cells (row, column 0-based → text) as a matrix; `InputErrors` naming
    every bad cell (« ligne 3, colonne 7 : … »)."""
    errors: list[str] = []
    matrix: list[list[int | str]] = []
    for i in range(n):
        row: list[int | str] = []
        for j in range(n):
            text = cells.get((i, j), "").strip().upper()
            value = CELL_VALUES.get(text)
            if i == j:
                if value not in (None, 0):
                    errors.append(str(CellError(i + 1, j + 1, _("la diagonale vaut 0"))))
                row.append(0)
            elif value is None:
                errors.append(
                    str(
                        CellError(
                            i + 1,
                            j + 1,
                            _(
                                "la valeur doit être comprise entre 0 et 3 "
                                "(ou P, influence potentielle)"
                            ),
                        )
                    )
                )
                row.append(0)
            else:
                row.append(value)
        matrix.append(row)
    if errors:
        raise InputErrors(errors)
    return matrix


@transaction.atomic
def micmac_matrix_save(
    *,
    study: Study,
    actor: User,
    cells: Mapping[tuple[int, int], str],
    expected_version: int,
) -> int:
    """Save the matrix entered in the grid; returns how many cells changed. `InputErrors`
    naming each bad cell, `EditConflict` when someone saved in between: nothing saved."""
    variables, before = micmac_inputs(study)
    matrix = parse_cells(len(variables), cells)
    changed_cells = [
        (i, j)
        for i, row in enumerate(matrix)
        for j, value in enumerate(row)
        if before[i][j] != value
    ]
    changed = len(changed_cells)
    study.inputs = {**study.inputs, "variables": variables, "matrix": matrix}
    study._history_user = actor  # type: ignore[attr-defined]
    save_versioned(study, expected_version=expected_version, fields=["inputs"])
    cells_record(study=study, matrix="matrix", cells=changed_cells, actor=actor)
    audit_event_create(
        action="study.matrix_changed",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"cells": changed},
    )
    return changed
