"""Cross-impact balances (CIB): the descriptors and their variants, the impact grid, the runs
(computed at once when small, through the task queue when large) and the scenarios kept.

The inputs are the library's own document (foresight/README.md, "cib"): `descriptors` (name,
variants) and a square `matrix` over all variants in descriptor order, rows impacting, columns
impacted. Cells inside a descriptor's own block (self-impacts) are accepted and counted by the
library, so the grid leaves them editable. Judgements are written −3…+3, the scale of the
practitioners and of the CSV/XLSX tables.

Large runs. The exact search's cost grows with the scenario space of each island (groups of
descriptors linked by non-zero impacts, `foresight.cib.islands`); on a model where nearly
every scenario is consistent it examines about a million scenarios a second on the server
(bench: 59,049 in 0.15 s, 531,441 in 0.8 s). `QUEUE_ABOVE` scenarios summed over the islands
(about a quarter of a second at worst) is the limit of a run computed during the request;
past it the run goes to the task queue (`studies.tasks.cib_run_queued`) and the page waits.
The library's own time budget (10 s by default) bounds the queued run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.core.services import audit_event_create
from fabriques.core.text import quote
from foresight import InputError, cib

from ..models import (
    Method,
    QueuedRun,
    QueuedRunStatus,
    Scenario,
    Study,
    StudyRun,
)
from ._base import (
    MAX_NAME_LENGTH,
    CellError,
    InputErrors,
    cells_record,
    cells_remap,
    run_compute,
    run_save,
    save_versioned,
)

CIB_SCALE = 3
# At most this many variants in all: the grid is variants × variants.
MAX_VARIANTS = 120
# Scenarios (summed over the library's islands) above which a run goes to the task queue.
QUEUE_ABOVE = 200_000
# Unicode minus and the dashes a keyboard or a spreadsheet may give for « − ».
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-"})


def cib_value(text: str) -> int | None:
    """A cell as typed (« », « 2 », « +2 », « −3 ») as the document's integer; None when it is
    not an integer of −3…+3. Empty is 0."""
    cleaned = text.strip().translate(_MINUS).replace(" ", "")
    if not cleaned:
        return 0
    try:
        value = int(cleaned)
    except ValueError:
        return None
    return value if -CIB_SCALE <= value <= CIB_SCALE else None


def cib_refused() -> str:
    return _("la valeur doit être un entier compris entre −3 et +3")


def cib_inputs(study: Study) -> tuple[list[dict[str, Any]], list[list[int]]]:
    """The study's descriptors (name, variants) and its square matrix over all variants
    (filled with 0 where the document is short)."""
    descriptors = [
        {"name": str(d.get("name", "")), "variants": [str(v) for v in d.get("variants", [])]}
        for d in study.inputs.get("descriptors", [])
        if isinstance(d, dict)
    ]
    n = sum(len(d["variants"]) for d in descriptors)
    stored = study.inputs.get("matrix", [])
    matrix: list[list[int]] = []
    for i in range(n):
        row = stored[i] if i < len(stored) else []
        matrix.append([row[j] if j < len(row) else 0 for j in range(n)])
    return descriptors, matrix


def cib_labels(study: Study) -> list[str]:
    """Each variant as « Descripteur : variante », in the matrix's order."""
    descriptors, _matrix = cib_inputs(study)
    return [f"{d['name']}\u00a0: {v}" for d in descriptors for v in d["variants"]]


# Descriptors and variants -----------------------------------------------------------------------


@dataclass(frozen=True)
class DescriptorEdit:
    """One descriptor as the editor posts it: its former position (None when new), its name,
    and its variants as (former position in the descriptor or None, name), in order."""

    position: int | None
    name: str
    variants: tuple[tuple[int | None, str], ...]


def _name_error(name: str) -> str | None:
    if not name:
        return _("le nom ne peut pas être vide")
    if len(name) > MAX_NAME_LENGTH:
        return _("%(limit)s caractères au plus") % {"limit": MAX_NAME_LENGTH}
    return None


def _check_descriptors(edits: Sequence[DescriptorEdit]) -> list[str]:
    errors: list[str] = []
    seen: dict[str, int] = {}
    for number, edit in enumerate(edits, start=1):
        where = _("Descripteur %(number)s") % {"number": number}
        problem = _name_error(edit.name)
        if problem:
            errors.append(f"{where}\u00a0: {problem}.")
        elif edit.name in seen:
            errors.append(
                _("%(where)s\u00a0: le descripteur %(name)s existe déjà (descripteur %(first)s).")
                % {"where": where, "name": quote(edit.name), "first": seen[edit.name]}
            )
        else:
            seen[edit.name] = number
        if not edit.variants:
            errors.append(
                _("%(where)s\u00a0: il lui faut au moins une variante.") % {"where": where}
            )
        variants: dict[str, int] = {}
        for k, (_old, variant) in enumerate(edit.variants, start=1):
            at = _("%(where)s, variante %(number)s") % {"where": where, "number": k}
            problem = _name_error(variant)
            if problem:
                errors.append(f"{at}\u00a0: {problem}.")
            elif variant in variants:
                errors.append(
                    _("%(at)s\u00a0: la variante %(name)s existe déjà (variante %(first)s).")
                    % {"at": at, "name": quote(variant), "first": variants[variant]}
                )
            else:
                variants[variant] = k
    total = sum(len(e.variants) for e in edits)
    if total > MAX_VARIANTS:
        errors.append(
            _("%(limit)s variantes au plus en tout (il y en a %(count)s)\u00a0: regroupez-en.")
            % {"limit": MAX_VARIANTS, "count": total}
        )
    return errors


@transaction.atomic
def cib_descriptors_save(
    *,
    study: Study,
    actor: User,
    descriptors: Sequence[DescriptorEdit],
    expected_version: int,
) -> None:
    """Rename, remove, reorder and add descriptors and variants; the matrix keeps the cells of
    the variants kept (and who filled them) and gets 0 for the new ones. `InputErrors` (nothing
    saved) on an empty or duplicate name or a descriptor left without variant; `EditConflict`
    when someone saved in between."""
    edits = [
        DescriptorEdit(
            e.position, e.name.strip(), tuple((old, name.strip()) for old, name in e.variants)
        )
        for e in descriptors
    ]
    errors = _check_descriptors(edits)
    if errors:
        raise InputErrors(errors)
    before, matrix = cib_inputs(study)
    offsets = [0]
    for d in before:
        offsets.append(offsets[-1] + len(d["variants"]))
    # The former flat position of each variant now listed (-1 for a new one).
    old: list[int] = []
    for e in edits:
        was = e.position if e.position is not None and 0 <= e.position < len(before) else -1
        for position, _name in e.variants:
            count = len(before[was]["variants"]) if was >= 0 else 0
            known = position is not None and 0 <= position < count
            old.append(offsets[was] + position if known and position is not None else -1)
    new_matrix = [[0 if oi < 0 or oj < 0 else matrix[oi][oj] for oj in old] for oi in old]
    document = [{"name": e.name, "variants": [name for _p, name in e.variants]} for e in edits]
    study.inputs = {**study.inputs, "descriptors": document, "matrix": new_matrix}
    # An intervention naming a descriptor or variant that is gone would make the run fail.
    fixed = study.inputs.get("fixed")
    if isinstance(fixed, dict):
        names = {d["name"]: d["variants"] for d in document}
        study.inputs["fixed"] = {d: v for d, v in fixed.items() if v in names.get(d, [])}
    study._history_user = actor  # type: ignore[attr-defined]
    save_versioned(study, expected_version=expected_version, fields=["inputs"])
    moved = {o: n for n, o in enumerate(old) if o >= 0}
    cells_remap(study=study, matrix="matrix", rows=moved, columns=moved)
    audit_event_create(
        action="study.descriptors_changed",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"descriptors": len(document), "variants": len(old), "kept_variants": len(moved)},
    )


# The impact grid ---------------------------------------------------------------------------------


def cib_parse_cells(n: int, cells: Mapping[tuple[int, int], str]) -> list[list[int]]:
    """The grid's posted cells (row, column 0-based → text) as a matrix; `InputErrors` naming
    every bad cell (« ligne 3, colonne 7 : … »)."""
    errors: list[str] = []
    matrix: list[list[int]] = []
    for i in range(n):
        row: list[int] = []
        for j in range(n):
            value = cib_value(cells.get((i, j), ""))
            if value is None:
                errors.append(str(CellError(i + 1, j + 1, cib_refused())))
                value = 0
            row.append(value)
        matrix.append(row)
    if errors:
        raise InputErrors(errors)
    return matrix


@transaction.atomic
def cib_matrix_save(
    *,
    study: Study,
    actor: User,
    cells: Mapping[tuple[int, int], str],
    expected_version: int,
) -> int:
    """Save the impact grid as posted; returns how many cells changed. `InputErrors` naming
    each bad cell, `EditConflict` when someone saved in between: nothing saved."""
    descriptors, before = cib_inputs(study)
    matrix = cib_parse_cells(len(before), cells)
    changed_cells = [
        (i, j)
        for i, row in enumerate(matrix)
        for j, value in enumerate(row)
        if before[i][j] != value
    ]
    study.inputs = {**study.inputs, "descriptors": descriptors, "matrix": matrix}
    study._history_user = actor  # type: ignore[attr-defined]
    save_versioned(study, expected_version=expected_version, fields=["inputs"])
    cells_record(study=study, matrix="matrix", cells=changed_cells, actor=actor)
    audit_event_create(
        action="study.impacts_changed",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"cells": len(changed_cells)},
    )
    return len(changed_cells)


# Import of a ScenarioWizard model ------------------------------------------------------------------


@transaction.atomic
def cib_scenariowizard_import(
    *, study: Study, actor: User, filename: str, content: bytes, expected_version: int
) -> None:
    """Replace the descriptors and the matrix by a ScenarioWizard `.scw` model's
    (`foresight.scenariowizard.read_scw`). `InputErrors` naming the line or the cell: nothing
    saved. The judgements must be on the grid's scale, −3…+3."""
    from foresight import scenariowizard

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    try:
        model = scenariowizard.read_scw(text)
    except InputError as error:
        raise InputErrors(
            [
                _("Le fichier ScenarioWizard est refusé (%(where)s)\u00a0: %(message)s.")
                % {"where": error.field, "message": error.message}
            ]
        ) from None
    errors = [
        str(CellError(i + 1, j + 1, cib_refused()))
        for i, row in enumerate(model.matrix)
        for j, value in enumerate(row)
        if not -CIB_SCALE <= value <= CIB_SCALE
    ]
    if errors:
        raise InputErrors(
            [_("Le fichier juge au-delà de l’échelle −3…+3 de la grille."), *errors[:20]]
        )
    document = [{"name": d.name, "variants": list(d.variants)} for d in model.descriptors]
    n = sum(len(d["variants"]) for d in document)
    if n > MAX_VARIANTS:
        raise InputErrors(
            [
                _("%(limit)s variantes au plus en tout (le fichier en a %(count)s).")
                % {"limit": MAX_VARIANTS, "count": n}
            ]
        )
    options = {k: v for k, v in study.inputs.items() if k not in ("descriptors", "matrix", "fixed")}
    study.inputs = {
        **options,
        "descriptors": document,
        "matrix": [list(row) for row in model.matrix],
    }
    study._history_user = actor  # type: ignore[attr-defined]
    save_versioned(study, expected_version=expected_version, fields=["inputs"])
    study.cell_entries.filter(matrix="matrix").delete()
    audit_event_create(
        action="study.inputs_imported",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"file": filename[:200], "format": "scenariowizard"},
    )


# Runs ---------------------------------------------------------------------------------------------


def _document(study: Study) -> dict[str, Any]:
    """The study's document as the library reads it; `ValidationError` (French) when it is
    not ready or refused."""
    descriptors, matrix = cib_inputs(study)
    if not descriptors:
        raise ValidationError(_("Ajoutez au moins un descripteur avant de lancer le calcul."))
    document = {**study.inputs, "descriptors": descriptors, "matrix": matrix}
    try:
        cib.parse(document)
    except InputError as error:
        raise ValidationError(
            _(
                "Les données d’entrée sont refusées par la bibliothèque (%(field)s\u00a0: "
                "%(message)s)."
            )
            % {"field": error.field, "message": error.message}
        ) from None
    return document


def cib_run_estimate(document: Mapping[str, Any]) -> int:
    """How many scenarios the exact search may examine at most: the scenario space of each of
    the library's islands, summed (a model of independent parts is cheap however large its
    whole space)."""
    sizes = [len(d["variants"]) for d in document["descriptors"]]
    if not sizes:
        return 0
    groups = cib.islands(sizes, np.array(document["matrix"], dtype=np.int64))
    return sum(math.prod(sizes[d] for d in group) for group in groups)


def _solve(document: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    return run_compute(Method.CIB, document)


def _save_run(
    study: Study, actor: User | None, document: Mapping[str, Any], output: dict[str, Any], ms: int
) -> StudyRun:
    return run_save(study=study, actor=actor, document=document, output=output, duration_ms=ms)


@transaction.atomic
def cib_run_start(*, study: Study, actor: User) -> StudyRun | QueuedRun:
    """Compute the study now when the estimate is small (returns the saved `StudyRun`),
    otherwise queue it (returns the `QueuedRun` the page waits on; the task gets its id only).
    `ValidationError` when the inputs are refused."""
    if study.method != Method.CIB:
        raise ValidationError(_("Cette étude n’est pas une balance d’impacts croisés."))
    document = _document(study)
    estimate = cib_run_estimate(document)
    if estimate <= QUEUE_ABOVE:
        output, ms = _solve(document)
        return _save_run(study, actor, document, output, ms)
    queued = QueuedRun(
        study=study,
        input=document,
        estimate=estimate,
        requested_by=actor,
        message=_("Le calcul attend son tour dans la file."),
    )
    queued.full_clean()
    queued.save()
    audit_event_create(
        action="study.run_queued",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"queued_run": queued.pk, "estimate": estimate},
    )
    from ..tasks import cib_run_queued

    transaction.on_commit(lambda: cib_run_queued.enqueue(queued.pk))
    return queued


def cib_run_queued_execute(*, pk: int) -> QueuedRun | None:
    """Compute a queued run (the task's body): mark it running with its progress message,
    solve its frozen input, save the run and point to it, or mark it failed with the reason.
    None when the row is gone; a run already started or finished is left as it is."""
    with transaction.atomic():
        queued = QueuedRun.objects.select_for_update().filter(pk=pk).first()
        if queued is None or queued.status != QueuedRunStatus.QUEUED:
            return queued
        queued.status = QueuedRunStatus.RUNNING
        queued.started_at = timezone.now()
        queued.message = _(
            "Recherche des scénarios cohérents parmi %(count)s combinaisons au plus…"
        ) % {"count": f"{queued.estimate:,}".replace(",", "\u202f")}
        queued.save(update_fields=["status", "started_at", "message"])
    try:
        output, ms = _solve(queued.input)
    except ValidationError as error:
        with transaction.atomic():
            queued.status = QueuedRunStatus.FAILED
            queued.finished_at = timezone.now()
            queued.message = " ".join(error.messages)
            queued.save(update_fields=["status", "finished_at", "message"])
        return queued
    with transaction.atomic():
        study = Study.objects.get(pk=queued.study_id)
        actor = queued.requested_by if queued.requested_by_id else None
        run = _save_run(study, actor, queued.input, output, ms)
        queued.run = run
        queued.status = QueuedRunStatus.DONE
        queued.finished_at = timezone.now()
        queued.message = _("Le calcul est enregistré.")
        queued.save(update_fields=["run", "status", "finished_at", "message"])
    return queued


# Scenarios ----------------------------------------------------------------------------------------


@transaction.atomic
def scenario_create(
    *,
    study: Study,
    actor: User,
    name: str,
    narrative: str = "",
    configuration: Mapping[str, str],
    run: StudyRun | None = None,
) -> Scenario:
    """Keep a scenario under a name, with its narrative: `configuration` maps each descriptor
    (or component) to its variant (or hypothesis), in the inputs' order. `ValidationError` on
    an empty or taken name."""
    if run is not None and run.study_id != study.pk:
        raise ValidationError(_("Ce calcul n’est pas celui de cette étude."))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Donnez un nom au scénario.")})
    if Scenario.objects.filter(study=study, name=name).exists():
        raise ValidationError(
            {
                "name": _(
                    "Un scénario de cette étude porte déjà ce nom\u00a0: choisissez-en un autre."
                )
            }
        )
    scenario = Scenario(
        study=study,
        run=run,
        name=name,
        narrative=narrative.strip(),
        configuration=dict(configuration),
        created_by=actor,
    )
    scenario.full_clean()
    scenario.save()
    audit_event_create(
        action="study.scenario_created",
        obj=study,
        actor=actor,
        summary=name,
        data={"scenario": scenario.pk, "run": run.pk if run else None},
    )
    return scenario
