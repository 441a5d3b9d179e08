"""MACTOR inputs: the actors and objectives lists, the MID grid (actors × actors, 0–4, diagonal
fixed at 0), the MAO grid (actors × objectives, −4…+4; the library's `positions`) and the
run's options (`balance_reading`, `graph_threshold`).

Changing a list keeps the matrices consistent: the kept actors (objectives) keep their cells,
in their new order, the new ones get 0, and who filled each kept cell follows it
(`cells_remap`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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

MAX_ACTORS = 40
MAX_OBJECTIVES = 60
MID_MAX = 4
POSITION_MAX = 4
BALANCE_READINGS = ("printed", "diagonal_excluded")
MINUS_SIGNS = ("\u2212", "\u2013")  # the typographic minus, and the en dash a keyboard may give


@dataclass(frozen=True)
class MactorInputs:
    actors: list[str]
    objectives: list[str]
    mid: list[list[int]]  # actors × actors, diagonal 0
    positions: list[list[int]]  # actors × objectives (the MAO)
    balance_reading: str
    graph_threshold: float


def _cell(rows: object, i: int, j: int) -> int:
    if isinstance(rows, list) and i < len(rows):
        row = rows[i]
        if isinstance(row, list) and j < len(row) and isinstance(row[j], int):
            return int(row[j])
    return 0


def mactor_inputs(study: Study) -> MactorInputs:
    """The study's lists and matrices, each matrix at the lists' size (0 where the document
    is short) and the options with the library's defaults."""
    doc = study.inputs
    actors = [str(a) for a in doc.get("actors", [])]
    objectives = [str(o) for o in doc.get("objectives", [])]
    n, m = len(actors), len(objectives)
    mid = [[0 if i == j else _cell(doc.get("mid"), i, j) for j in range(n)] for i in range(n)]
    positions = [[_cell(doc.get("positions"), i, j) for j in range(m)] for i in range(n)]
    reading = doc.get("balance_reading", "printed")
    threshold = doc.get("graph_threshold", 0)
    return MactorInputs(
        actors=actors,
        objectives=objectives,
        mid=mid,
        positions=positions,
        balance_reading=reading if reading in BALANCE_READINGS else "printed",
        graph_threshold=float(threshold) if isinstance(threshold, int | float) else 0.0,
    )


# Values ---------------------------------------------------------------------------------------


def _integer(text: str) -> int | None:
    text = text.strip()
    for sign in MINUS_SIGNS:
        text = text.replace(sign, "-")
    if text == "":
        return 0
    if text.startswith("+"):
        text = text[1:]
    if not text.lstrip("-").isdigit() or text.count("-") > 1:
        return None
    return int(text)


def mid_value(text: str) -> int | None:
    """A MID cell as typed: 0 to 4 (empty is 0); None when refused."""
    value = _integer(text)
    return value if value is not None and 0 <= value <= MID_MAX else None


def position_value(text: str) -> int | None:
    """A MAO cell as typed: −4 to 4, with « - », « − » or « + » (empty is 0); None when
    refused."""
    value = _integer(text)
    return value if value is not None and -POSITION_MAX <= value <= POSITION_MAX else None


def mid_refused() -> str:
    return _("la valeur doit être comprise entre 0 et 4")


def position_refused() -> str:
    return _("la valeur doit être comprise entre \u22124 et 4")


# Lists ----------------------------------------------------------------------------------------

LIST_KINDS = ("actors", "objectives")


def _kind_labels(kind: str) -> tuple[str, str, int]:
    if kind == "actors":
        return _("Acteur"), _("l’acteur"), MAX_ACTORS
    return _("Objectif"), _("l’objectif"), MAX_OBJECTIVES


def _check_names(kind: str, names: Sequence[str]) -> list[str]:
    label, article, limit = _kind_labels(kind)
    errors = []
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if not name:
            errors.append(
                _("%(label)s %(position)s\u00a0: le nom ne peut pas être vide.")
                % {"label": label, "position": position}
            )
        elif len(name) > MAX_NAME_LENGTH:
            errors.append(
                _("%(label)s %(position)s\u00a0: %(limit)s caractères au plus.")
                % {"label": label, "position": position, "limit": MAX_NAME_LENGTH}
            )
        elif name in seen:
            errors.append(
                _("%(label)s %(position)s\u00a0: %(article)s %(name)s existe déjà (%(first)s).")
                % {
                    "label": label,
                    "position": position,
                    "article": article,
                    "name": quote(name),
                    "first": f"{label.lower()} {seen[name]}",
                }
            )
        else:
            seen[name] = position
    if len(names) > limit:
        if kind == "actors":
            errors.append(
                _("%(limit)s acteurs au plus\u00a0: regroupez-en.") % {"limit": MAX_ACTORS}
            )
        else:
            errors.append(
                _("%(limit)s objectifs au plus\u00a0: regroupez-en.") % {"limit": MAX_OBJECTIVES}
            )
    return errors


@transaction.atomic
def mactor_list_save(
    *,
    study: Study,
    actor: User,
    kind: str,
    kept: Sequence[tuple[int, str]],
    added: Sequence[str],
    expected_version: int,
) -> None:
    """Rename, reorder, remove and add actors (`kind="actors"`) or objectives
    (`kind="objectives"`): `kept` lists (former position, new name) of those kept, in their
    new order, `added` the new names. The MID and the MAO keep the cells of those kept, in
    the new order, and get 0 for the new ones; who filled each kept cell follows it.
    `InputErrors` (nothing saved) on an empty, too long or duplicate name, or too many."""
    if kind not in LIST_KINDS:
        raise ValueError(f"unknown list {kind!r}")
    inputs = mactor_inputs(study)
    before = inputs.actors if kind == "actors" else inputs.objectives
    names = [name.strip() for _old, name in kept] + [name.strip() for name in added]
    errors = _check_names(kind, names)
    if any(not 0 <= old < len(before) for old, _name in kept):
        errors.append(_("Le formulaire ne correspond plus à l’étude\u00a0: rechargez la page."))
    if errors:
        raise InputErrors(errors)
    old = [position for position, _name in kept] + [-1] * len(added)
    moved = {o: k for k, o in enumerate(old) if o >= 0}
    same_actors = {i: i for i in range(len(inputs.actors))}
    same_objectives = {j: j for j in range(len(inputs.objectives))}
    if kind == "actors":
        mid = [
            [0 if i == j or oi < 0 or oj < 0 else inputs.mid[oi][oj] for j, oj in enumerate(old)]
            for i, oi in enumerate(old)
        ]
        positions = [
            list(inputs.positions[oi]) if oi >= 0 else [0] * len(inputs.objectives) for oi in old
        ]
        changes = {"actors": names, "objectives": inputs.objectives}
    else:
        mid = inputs.mid
        positions = [[0 if oj < 0 else row[oj] for oj in old] for row in inputs.positions]
        changes = {"actors": inputs.actors, "objectives": names}
    removed = len(before) - len(kept)
    study.inputs = {**study.inputs, **changes, "mid": mid, "positions": positions}
    study._history_user = actor  # type: ignore[attr-defined]
    save_versioned(study, expected_version=expected_version, fields=["inputs"])
    if kind == "actors":
        cells_remap(study=study, matrix="mid", rows=moved, columns=moved)
        cells_remap(study=study, matrix="positions", rows=moved, columns=same_objectives)
    else:
        cells_remap(study=study, matrix="positions", rows=same_actors, columns=moved)
    audit_event_create(
        action="study.actors_changed" if kind == "actors" else "study.objectives_changed",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"count": len(names), "added": len(added), "removed": removed},
    )


# Grids ----------------------------------------------------------------------------------------


def parse_mid(n: int, cells: Mapping[tuple[int, int], str]) -> list[list[int]]:
    """The MID grid's posted cells (row, column 0-based → text) as a matrix; `InputErrors`
    naming every bad cell (« ligne 3, colonne 7 : … »)."""
    errors: list[str] = []
    matrix: list[list[int]] = []
    for i in range(n):
        row: list[int] = []
        for j in range(n):
            value = mid_value(cells.get((i, j), ""))
            if i == j:
                if value not in (None, 0):
                    errors.append(str(CellError(i + 1, j + 1, _("la diagonale vaut 0"))))
                row.append(0)
            elif value is None:
                errors.append(str(CellError(i + 1, j + 1, mid_refused())))
                row.append(0)
            else:
                row.append(value)
        matrix.append(row)
    if errors:
        raise InputErrors(errors)
    return matrix


def parse_positions(n: int, m: int, cells: Mapping[tuple[int, int], str]) -> list[list[int]]:
    """The MAO grid's posted cells as a matrix; `InputErrors` naming every bad cell."""
    errors: list[str] = []
    matrix: list[list[int]] = []
    for i in range(n):
        row: list[int] = []
        for j in range(m):
            value = position_value(cells.get((i, j), ""))
            if value is None:
                errors.append(str(CellError(i + 1, j + 1, position_refused())))
                row.append(0)
            else:
                row.append(value)
        matrix.append(row)
    if errors:
        raise InputErrors(errors)
    return matrix


def _grid_save(
    *,
    study: Study,
    actor: User,
    matrix: str,
    before: list[list[int]],
    after: list[list[int]],
    expected_version: int,
) -> int:
    changed_cells = [
        (i, j)
        for i, row in enumerate(after)
        for j, value in enumerate(row)
        if before[i][j] != value
    ]
    study.inputs = {**study.inputs, matrix: after}
    study._history_user = actor  # type: ignore[attr-defined]
    save_versioned(study, expected_version=expected_version, fields=["inputs"])
    cells_record(study=study, matrix=matrix, cells=changed_cells, actor=actor)
    audit_event_create(
        action="study.mid_changed" if matrix == "mid" else "study.positions_changed",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"cells": len(changed_cells)},
    )
    return len(changed_cells)


@transaction.atomic
def mactor_mid_save(
    *,
    study: Study,
    actor: User,
    cells: Mapping[tuple[int, int], str],
    expected_version: int,
) -> int:
    """Save the MID entered in the grid (the whole grid, without JavaScript); returns how many
    cells changed. `InputErrors` naming each bad cell, `EditConflict` when someone saved in
    between: nothing saved."""
    inputs = mactor_inputs(study)
    after = parse_mid(len(inputs.actors), cells)
    return _grid_save(
        study=study,
        actor=actor,
        matrix="mid",
        before=inputs.mid,
        after=after,
        expected_version=expected_version,
    )


@transaction.atomic
def mactor_positions_save(
    *,
    study: Study,
    actor: User,
    cells: Mapping[tuple[int, int], str],
    expected_version: int,
) -> int:
    """Save the MAO (the actors' positions on the objectives) entered in the grid; returns
    how many cells changed. `InputErrors` naming each bad cell, `EditConflict`: nothing
    saved."""
    inputs = mactor_inputs(study)
    after = parse_positions(len(inputs.actors), len(inputs.objectives), cells)
    return _grid_save(
        study=study,
        actor=actor,
        matrix="positions",
        before=inputs.positions,
        after=after,
        expected_version=expected_version,
    )


# Options --------------------------------------------------------------------------------------


def _threshold(text: str) -> float | None:
    text = (
        text.strip().replace(",", ".").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    )
    if text == "":
        return 0.0
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


@transaction.atomic
def mactor_options_save(
    *,
    study: Study,
    actor: User,
    balance_reading: str,
    graph_threshold: str,
    expected_version: int,
) -> list[str]:
    """Save the run's options: the reading of the balance of power (`printed`, Godet's
    formula as printed, or `diagonal_excluded`) and the weight from which the convergence and
    divergence graphs draw a link (a number ≥ 0, « 2,5 » or « 2.5 »). Returns the names of
    what changed; `InputErrors` naming the field: nothing saved."""
    errors = []
    if balance_reading not in BALANCE_READINGS:
        errors.append(_("Lecture du rapport de force\u00a0: choisissez l’une des deux lectures."))
    threshold = _threshold(graph_threshold)
    if threshold is None:
        errors.append(
            _("Seuil des graphes\u00a0: un nombre positif ou nul est attendu (par exemple 2,5).")
        )
    if errors:
        raise InputErrors(errors)
    assert threshold is not None
    value: int | float = int(threshold) if threshold.is_integer() else threshold
    inputs = mactor_inputs(study)
    changed = [
        name
        for name, old, new in (
            ("balance_reading", inputs.balance_reading, balance_reading),
            ("graph_threshold", inputs.graph_threshold, float(value)),
        )
        if old != new
    ]
    study.inputs = {**study.inputs, "balance_reading": balance_reading, "graph_threshold": value}
    study._history_user = actor  # type: ignore[attr-defined]
    save_versioned(study, expected_version=expected_version, fields=["inputs"])
    audit_event_create(
        action="study.mactor_options_changed",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"fields": changed},
    )
    return changed
