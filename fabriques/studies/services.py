"""Every write of the foresight studio: studies, their MICMAC inputs, imports and runs.

Inputs are saved under optimistic concurrency: the form carries the `lock_version` it was read
at and the save happens only if the row is still at that version (checked under
`select_for_update`), bumping it; otherwise `EditConflict` and nothing is written. Runs go
through `foresight.<method>` (no second implementation) and freeze the library's input and
output document.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

import foresight
from fabriques.accounts.models import User
from fabriques.core.services import audit_event_create
from fabriques.core.text import quote
from fabriques.programme.models import Fabrique, FabriqueStatus
from fabriques.territories.models import Participation
from fabriques.workshops.models import Workshop
from foresight import ForesightError, InputError
from foresight import micmac as foresight_micmac

from . import tables
from .models import Method, Study, StudyRun, StudyStatus

MAX_VARIABLES = 100
MAX_NAME_LENGTH = 200
CELL_VALUES: dict[str, int | str] = {"": 0, "0": 0, "1": 1, "2": 2, "3": 3, "P": "P"}
STUDY_FIELDS = ("title", "purpose", "participation", "status")
# The Fabrique's states in which its results are public: its studies may be published then.
RESULTS_PUBLISHED = (FabriqueStatus.PUBLISHED, FabriqueStatus.FOLLOW_UP)


class EditConflict(Exception):
    """Someone saved the study after the form was read: nothing was written."""

    def __init__(self, *, lock_version: int) -> None:
        self.lock_version = lock_version
        super().__init__(f"stale lock_version, now {lock_version}")


@dataclass(frozen=True)
class CellError:
    row: int  # 1-based, as the grid numbers its rows
    column: int
    message: str

    def __str__(self) -> str:
        return _("ligne %(row)s, colonne %(column)s\u00a0: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class InputErrors(Exception):
    """The inputs as posted are refused; every message names its place."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


def empty_inputs(method: str) -> dict[str, Any]:
    if method == Method.MICMAC:
        return {"variables": [], "matrix": []}
    return {}


def _check_meetings(fabrique: Fabrique, meetings: Iterable[Workshop]) -> list[Workshop]:
    chosen = list(meetings)
    for meeting in chosen:
        if meeting.fabrique_id != fabrique.pk:
            raise ValidationError({"meetings": _("Choisissez des rencontres de cette Fabrique.")})
    return chosen


def _check_participation(fabrique: Fabrique, participation: Participation | None) -> None:
    if participation is not None and participation.fabrique_id != fabrique.pk:
        raise ValidationError(
            {"participation": _("Choisissez un territoire accompagné de cette Fabrique.")}
        )


def _save_versioned(study: Study, *, expected_version: int, fields: Sequence[str]) -> None:
    """Write `fields` of `study` only if the row is still at `expected_version`; bump it."""
    fresh = Study.objects.select_for_update().only("lock_version").get(pk=study.pk)
    if fresh.lock_version != expected_version:
        raise EditConflict(lock_version=fresh.lock_version)
    study.lock_version = expected_version + 1
    study.full_clean()
    # save() (not a bare UPDATE) so that simple-history records who changed what.
    study.save(update_fields=[*fields, "lock_version", "updated_at"])


# Studies ---------------------------------------------------------------------------------------


@transaction.atomic
def study_create(
    *,
    fabrique: Fabrique,
    actor: User,
    method: str,
    title: str,
    purpose: str = "",
    participation: Participation | None = None,
    meetings: Iterable[Workshop] = (),
) -> Study:
    _check_participation(fabrique, participation)
    chosen = _check_meetings(fabrique, meetings)
    study = Study(
        fabrique=fabrique,
        participation=participation,
        method=method,
        title=title.strip(),
        purpose=purpose.strip(),
        inputs=empty_inputs(method),
        created_by=actor,
    )
    study.full_clean()
    study._history_user = actor  # type: ignore[attr-defined]
    study.save()
    study.meetings.set(chosen)
    audit_event_create(
        action="study.created",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"method": method, "fabrique": fabrique.pk},
    )
    return study


@transaction.atomic
def study_update(
    *,
    study: Study,
    actor: User,
    data: Mapping[str, Any],
    meetings: Iterable[Workshop],
    expected_version: int,
) -> list[str]:
    """Save the title, purpose, territory, state and meetings; `EditConflict` when someone
    saved in between. Returns the names of what changed."""
    _check_participation(study.fabrique, data.get("participation"))
    chosen = _check_meetings(study.fabrique, meetings)
    changed = [name for name in STUDY_FIELDS if name in data and getattr(study, name) != data[name]]
    if (
        "status" in changed
        and data["status"] == StudyStatus.PUBLISHED
        and study.fabrique.status not in RESULTS_PUBLISHED
    ):
        raise ValidationError(
            {
                "status": _(
                    "Une étude se publie avec les résultats de sa Fabrique, une fois "
                    "celle-ci terminée et publiée."
                )
            }
        )
    for name in changed:
        setattr(study, name, data[name])
    study._history_user = actor  # type: ignore[attr-defined]
    _save_versioned(study, expected_version=expected_version, fields=changed)
    if {m.pk for m in chosen} != set(study.meetings.values_list("pk", flat=True)):
        study.meetings.set(chosen)
        changed.append("meetings")
    if "status" in changed:
        audit_event_create(
            action="study.published" if study.is_published else "study.unpublished",
            obj=study,
            actor=actor,
            summary=study.title,
        )
    if changed:
        audit_event_create(
            action="study.updated",
            obj=study,
            actor=actor,
            summary=study.title,
            data={"fields": changed},
        )
    return changed


# MICMAC inputs ----------------------------------------------------------------------------------


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
    _save_versioned(study, expected_version=expected_version, fields=["inputs"])
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
    changed = sum(
        1 for i, row in enumerate(matrix) for j, value in enumerate(row) if before[i][j] != value
    )
    study.inputs = {**study.inputs, "variables": variables, "matrix": matrix}
    study._history_user = actor  # type: ignore[attr-defined]
    _save_versioned(study, expected_version=expected_version, fields=["inputs"])
    audit_event_create(
        action="study.matrix_changed",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"cells": changed},
    )
    return changed


@transaction.atomic
def study_inputs_import(
    *, study: Study, actor: User, filename: str, content: bytes, expected_version: int
) -> None:
    """Replace the inputs' tables by a CSV or XLSX file's (`studies.tables.read`); the options
    already set are kept. `InputErrors` listing the file's errors: nothing saved."""
    options = {
        key: value
        for key, value in study.inputs.items()
        if key not in tables.TABLE_FIELDS[study.method]
    }
    try:
        doc = tables.read(study.method, filename, content, options=options)
    except tables.TableErrors as error:
        raise InputErrors(error.messages()) from None
    study.inputs = dict(doc)
    study._history_user = actor  # type: ignore[attr-defined]
    _save_versioned(study, expected_version=expected_version, fields=["inputs"])
    audit_event_create(
        action="study.inputs_imported",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"file": filename[:200]},
    )


def study_inputs_export(*, study: Study, fmt: str) -> bytes:
    """The inputs' tables as a CSV or XLSX file (`studies.tables.write`); `InputErrors` when
    the inputs are not complete enough for the method."""
    try:
        return tables.write(study.method, study.inputs, "xlsx" if fmt == "xlsx" else "csv")
    except InputError as error:
        raise InputErrors([_input_message(error)]) from None


# Runs -------------------------------------------------------------------------------------------

SOLVERS = {Method.MICMAC.value: foresight_micmac}


def _input_message(error: InputError) -> str:
    if error.field in ("variables", "matrix") and "at least" in error.message:
        return _("Ajoutez au moins une variable avant de lancer le calcul.")
    return _(
        "Les données d’entrée sont refusées par la bibliothèque (%(field)s\u00a0: %(message)s)."
    ) % {
        "field": error.field,
        "message": error.message,
    }


@transaction.atomic
def study_run(*, study: Study, actor: User) -> StudyRun:
    """Compute the study with `foresight.<method>` and save the run (input and output
    documents, library version, duration). `ValidationError` when the inputs are refused."""
    solver = SOLVERS.get(study.method)
    if solver is None:
        raise ValidationError(_("Le calcul de cette méthode n’est pas encore proposé."))
    document = dict(study.inputs)
    if study.method == Method.MICMAC and not document.get("variables"):
        raise ValidationError(_("Ajoutez au moins une variable avant de lancer le calcul."))
    started = time.perf_counter()
    try:
        result = solver.solve(solver.parse(document)).to_dict()
    except InputError as error:
        raise ValidationError(_input_message(error)) from None
    except ForesightError as error:
        raise ValidationError(
            _("Le calcul a échoué\u00a0: %(message)s") % {"message": str(error)}
        ) from None
    duration = round((time.perf_counter() - started) * 1000)
    run = StudyRun.objects.create(
        study=study,
        input=document,
        output=result,
        foresight_version=foresight.__version__,
        run_by=actor,
        duration_ms=duration,
    )
    audit_event_create(
        action="study.run",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"run": run.pk, "duration_ms": duration},
    )
    return run


__all__ = [
    "EditConflict",
    "InputErrors",
    "StudyStatus",
    "micmac_inputs",
    "micmac_matrix_save",
    "micmac_variables_save",
    "parse_cells",
    "study_create",
    "study_inputs_export",
    "study_inputs_import",
    "study_run",
    "study_update",
]
