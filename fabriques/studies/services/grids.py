"""Matrix grids saved cell by cell, as the group fills them (MICMAC, MACTOR's MID and MAO,
CIB): each method describes its grids with a `GridSpec`; `matrix_cell_save` writes one cell
if it still holds the value the person read (otherwise `CellConflict`, nothing written), bumps
the study's `lock_version` and records who filled it.

Cell by cell and not whole-form optimistic concurrency: two consultants filling different
cells of one matrix do not get in each other's way, and neither can overwrite a cell the
other changed since they read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.core.services import audit_event_create

from ..models import Study
from ._base import CellError, InputErrors, cells_record
from .cib import cib_inputs, cib_labels, cib_refused, cib_value
from .mactor import mactor_inputs, mid_refused, mid_value, position_refused, position_value
from .micmac import CELL_VALUES, micmac_inputs
from .multipol import multipol_inputs, multipol_scores_read, parse_score, score_refused
from .smic import (
    format_decimal,
    parse_probability,
    probability_refused,
    smic_grid_read,
    smic_inputs,
)


@dataclass(frozen=True)
class GridSpec:
    # The grid's name: CellEntry.matrix, and the key of the matrix in the inputs document.
    matrix: str
    # The matrix as the inputs hold it now (rows × columns, filled with 0 where short).
    read: Callable[[Study], list[list[Any]]]
    # The posted text of one cell as the document's value; None when it is refused.
    parse: Callable[[str], Any]
    # Why a refused value is refused (French, names the allowed values).
    refused: Callable[[], str]
    # The diagonal is fixed at 0 (square matrices of one list against itself).
    diagonal: bool = True
    # The rows' and the columns' names (presentation mode, conflict page).
    labels: Callable[[Study], tuple[list[str], list[str]]] | None = None
    # What the grid's title says (« Matrice des influences directes »).
    title: Callable[[], str] | None = None
    # An empty cell is null (« not given », SMIC's conditional probabilities), not refused.
    nullable: bool = False
    # A stored value as a cell shows it (presentation mode, conflict page): SMIC's and
    # Multipol's decimal comma, empty for a probability not given.
    show: Callable[[Any], str] = str


def _micmac_parse(text: str) -> Any:
    return CELL_VALUES.get(text.strip().upper())


GRID_SPECS: dict[tuple[str, str], GridSpec] = {
    ("micmac", "matrix"): GridSpec(
        matrix="matrix",
        read=lambda study: micmac_inputs(study)[1],
        parse=_micmac_parse,
        refused=lambda: _(
            "la valeur doit être comprise entre 0 et 3 (ou P, influence potentielle)"
        ),
        labels=lambda study: (micmac_inputs(study)[0], micmac_inputs(study)[0]),
        title=lambda: _("Matrice des influences directes"),
    ),
    # MACTOR: the actors' direct influences on each other (0–4) and their positions on the
    # objectives (the MAO, `positions` in the document, −4…+4, no diagonal).
    ("mactor", "mid"): GridSpec(
        matrix="mid",
        read=lambda study: [list(row) for row in mactor_inputs(study).mid],
        parse=mid_value,
        refused=mid_refused,
        labels=lambda study: (mactor_inputs(study).actors, mactor_inputs(study).actors),
        title=lambda: _("Influences directes entre acteurs (MID)"),
    ),
    ("mactor", "positions"): GridSpec(
        matrix="positions",
        read=lambda study: [list(row) for row in mactor_inputs(study).positions],
        parse=position_value,
        refused=position_refused,
        diagonal=False,
        labels=lambda study: (mactor_inputs(study).actors, mactor_inputs(study).objectives),
        title=lambda: _("Positions des acteurs sur les objectifs (MAO)"),
    ),
    # CIB: every cell is editable, self-impacts (a descriptor's own block) included, as the
    # library counts them (foresight/README.md, "cib").
    ("cib", "matrix"): GridSpec(
        matrix="matrix",
        read=lambda study: cib_inputs(study)[1],
        parse=cib_value,
        refused=cib_refused,
        diagonal=False,
        labels=lambda study: (cib_labels(study), cib_labels(study)),
        title=lambda: _("Matrice des impacts croisés"),
    ),
    ("smic", "p_if"): GridSpec(
        matrix="p_if",
        read=lambda study: smic_grid_read(study, "p_if"),
        parse=parse_probability,
        refused=probability_refused,
        nullable=True,
        labels=lambda study: (smic_inputs(study)[0], smic_inputs(study)[0]),
        title=lambda: _("Probabilités P(i | j)"),
        show=format_decimal,
    ),
    ("smic", "p_if_not"): GridSpec(
        matrix="p_if_not",
        read=lambda study: smic_grid_read(study, "p_if_not"),
        parse=parse_probability,
        refused=probability_refused,
        nullable=True,
        labels=lambda study: (smic_inputs(study)[0], smic_inputs(study)[0]),
        title=lambda: _("Probabilités P(i | non j)"),
        show=format_decimal,
    ),
    ("multipol", "scores"): GridSpec(
        matrix="scores",
        read=multipol_scores_read,
        parse=parse_score,
        refused=score_refused,
        diagonal=False,
        labels=lambda study: (multipol_inputs(study)[0], multipol_inputs(study)[1]),
        title=lambda: _("Notes des actions"),
        show=format_decimal,
    ),
}


class CellConflict(Exception):
    """The cell changed since it was read: nothing was written; `value` is what it holds."""

    def __init__(self, value: Any) -> None:
        self.value = value
        super().__init__(f"cell now holds {value!r}")


@transaction.atomic
def matrix_cell_save(
    *,
    study: Study,
    actor: User,
    matrix: str,
    row: int,
    column: int,
    expected: str,
    value: str,
) -> tuple[Any, int]:
    """Write one cell; returns (the stored value, the new lock_version). `InputErrors` naming
    the cell (« ligne 3, colonne 7 : … ») for a refused value or a cell outside the grid,
    `CellConflict` when the cell no longer holds `expected`."""
    spec = GRID_SPECS.get((study.method, matrix))
    if spec is None:
        raise InputErrors([_("Cette étude n’a pas de matrice de ce nom.")])
    fresh = Study.objects.select_for_update().get(pk=study.pk)
    cells = spec.read(fresh)
    where = CellError(row + 1, column + 1, "")
    if not (0 <= row < len(cells) and 0 <= column < len(cells[row])):
        raise InputErrors([str(CellError(row + 1, column + 1, _("hors de la matrice")))])
    if spec.diagonal and row == column:
        raise InputErrors([str(CellError(where.row, where.column, _("la diagonale vaut 0")))])
    parsed = spec.parse(value)
    if parsed is None and not (spec.nullable and not value.strip()):
        raise InputErrors([str(CellError(where.row, where.column, spec.refused()))])
    current = cells[row][column]
    if spec.parse(expected) != current:
        raise CellConflict(current)
    if parsed == current:
        return current, fresh.lock_version
    cells[row][column] = parsed
    fresh.inputs = {**fresh.inputs, spec.matrix: cells}
    fresh.lock_version += 1
    fresh._history_user = actor  # type: ignore[attr-defined]
    fresh.save(update_fields=["inputs", "lock_version", "updated_at"])
    cells_record(study=fresh, matrix=spec.matrix, cells=[(row, column)], actor=actor)
    audit_event_create(
        action="study.cell_changed",
        obj=fresh,
        actor=actor,
        summary=fresh.title,
        data={"matrix": spec.matrix, "row": row + 1, "column": column + 1},
    )
    study.inputs, study.lock_version = fresh.inputs, fresh.lock_version
    return parsed, fresh.lock_version
