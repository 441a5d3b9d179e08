"""Every write of the foresight studio: studies, their MICMAC inputs, imports and runs.

Inputs are saved under optimistic concurrency: the form carries the `lock_version` it was read
at and the save happens only if the row is still at that version (checked under
`select_for_update`), bumping it; otherwise `EditConflict` and nothing is written. Runs go
through `foresight.<method>` (no second implementation) and freeze the library's input and
output document.
"""

from __future__ import annotations

import copy
import importlib
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import foresight
from fabriques.accounts.models import User
from fabriques.core.services import audit_event_create
from fabriques.programme.models import Fabrique, FabriqueStatus
from fabriques.territories.models import Participation
from fabriques.workshops.models import Workshop
from foresight import ForesightError, InputError

from .. import tables
from ..models import CellEntry, Method, Study, StudyRun, StudyStatus

MAX_VARIABLES = 100
MAX_NAME_LENGTH = 200
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


# Each method's input document as a new study starts it (the library's own shape).
EMPTY_INPUTS: dict[str, dict[str, Any]] = {
    Method.MICMAC: {"variables": [], "matrix": []},
    Method.MORPHO: {"components": [], "exclusions": []},
    Method.CIB: {"descriptors": [], "matrix": []},
    Method.MACTOR: {
        "actors": [],
        "objectives": [],
        "mid": [],
        "positions": [],
        "balance_reading": "printed",
        "graph_threshold": 0,
    },
    Method.REGNIER: {"statements": [], "votes": [], "sort": "consensus"},
    Method.DELPHI: {"questions": [], "consensus": {"rule": "relative_iqr_at_most", "value": 0.25}},
    Method.SMIC: {"hypotheses": [], "p": [], "p_if": [], "p_if_not": []},
    Method.MULTIPOL: {"actions": [], "criteria": [], "scores": [], "policies": []},
}


def empty_inputs(method: str) -> dict[str, Any]:
    return copy.deepcopy(EMPTY_INPUTS.get(method, {}))


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


def save_versioned(study: Study, *, expected_version: int, fields: Sequence[str]) -> None:
    """Write `fields` of `study` only if the row is still at `expected_version`; bump it."""
    fresh = Study.objects.select_for_update().only("lock_version").get(pk=study.pk)
    if fresh.lock_version != expected_version:
        raise EditConflict(lock_version=fresh.lock_version)
    study.lock_version = expected_version + 1
    study.full_clean()
    # save() (not a bare UPDATE) so that simple-history records who changed what.
    study.save(update_fields=[*fields, "lock_version", "updated_at"])


def cells_record(
    *, study: Study, matrix: str, cells: Iterable[tuple[int, int]], actor: User
) -> int:
    """Record `actor` as the one who filled each of `cells` (0-based row, column) of the
    study's `matrix` (« qui a rempli quoi »): one row per cell, rewritten. Call it with the
    cells a save changed, inside the save's transaction."""
    now = timezone.now()
    entries = [
        CellEntry(
            study=study, matrix=matrix, row=row, column=column, filled_by=actor, filled_at=now
        )
        for row, column in cells
    ]
    if entries:
        CellEntry.objects.bulk_create(
            entries,
            update_conflicts=True,
            unique_fields=["study", "matrix", "row", "column"],
            update_fields=["filled_by", "filled_at"],
            batch_size=500,
        )
    return len(entries)


def cells_remap(
    *, study: Study, matrix: str, rows: Mapping[int, int], columns: Mapping[int, int]
) -> None:
    """Follow a change of the matrix's rows or columns (renamed, removed, reordered): `rows`
    and `columns` map each kept old position to its new one; the other cells' entries go."""
    entries = list(CellEntry.objects.filter(study=study, matrix=matrix))
    kept = [
        CellEntry(
            study=study,
            matrix=matrix,
            row=rows[e.row],
            column=columns[e.column],
            filled_by_id=e.filled_by_id,
            filled_at=e.filled_at,
        )
        for e in entries
        if e.row in rows and e.column in columns
    ]
    CellEntry.objects.filter(study=study, matrix=matrix).delete()
    CellEntry.objects.bulk_create(kept, batch_size=500)


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
    save_versioned(study, expected_version=expected_version, fields=changed)
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
    save_versioned(study, expected_version=expected_version, fields=["inputs"])
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


def solver_for(method: str) -> Any:
    """The `foresight` module that parses and solves a method's input document."""
    if method not in Method.values:
        return None
    return importlib.import_module(f"foresight.{method}")


def _input_message(error: InputError) -> str:
    if error.field == "components" and "at least" in error.message:
        return _("Ajoutez au moins une composante et ses hypothèses avant de lancer le calcul.")
    if error.field in ("variables", "matrix") and "at least" in error.message:
        return _("Ajoutez au moins une variable avant de lancer le calcul.")
    if error.field in ("actors", "objectives") and "at least" in error.message:
        return _("Ajoutez au moins deux acteurs et un objectif avant de lancer le calcul.")
    return _(
        "Les données d’entrée sont refusées par la bibliothèque (%(field)s\u00a0: %(message)s)."
    ) % {
        "field": error.field,
        "message": error.message,
    }


def run_compute(method: str, document: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    """The library's output for `document` and how long it took (ms): `ValidationError` in
    French when the library refuses the inputs or fails."""
    solver = solver_for(method)
    if solver is None:
        raise ValidationError(_("Le calcul de cette méthode n’est pas encore proposé."))
    started = time.perf_counter()
    try:
        result = solver.solve(solver.parse(dict(document))).to_dict()
    except InputError as error:
        raise ValidationError(_input_message(error)) from None
    except ForesightError as error:
        raise ValidationError(
            _("Le calcul a échoué\u00a0: %(message)s") % {"message": str(error)}
        ) from None
    return result, round((time.perf_counter() - started) * 1000)


def run_save(
    *,
    study: Study,
    actor: User | None,
    document: Mapping[str, Any],
    output: dict[str, Any],
    duration_ms: int,
    audit: Mapping[str, Any] | None = None,
) -> StudyRun:
    """Freeze one computation: its input and output documents, the library's version, who
    ran it and how long it took; audited as « study.run » (with `audit` added to its data)."""
    run = StudyRun(
        study=study,
        input=dict(document),
        output=output,
        foresight_version=foresight.__version__,
        run_by=actor,
        duration_ms=duration_ms,
    )
    run.full_clean()
    run.save()
    audit_event_create(
        action="study.run",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"run": run.pk, "duration_ms": duration_ms, **(audit or {})},
    )
    return run


@transaction.atomic
def study_run(*, study: Study, actor: User) -> StudyRun:
    """Compute the study with `foresight.<method>` and save the run (input and output
    documents, library version, duration). `ValidationError` when the inputs are refused."""
    document = dict(study.inputs)
    if study.method == Method.MICMAC and not document.get("variables"):
        raise ValidationError(_("Ajoutez au moins une variable avant de lancer le calcul."))
    output, duration = run_compute(study.method, document)
    return run_save(
        study=study, actor=actor, document=document, output=output, duration_ms=duration
    )
