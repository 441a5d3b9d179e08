"""Canaries in the foresight studies: each side's territory has a draft study whose title,
purpose and variable names (in its inputs and in its run's input and output) only the people
who see it may read (the Fabrique's team, the territory's referents and its group's members), and each Fabrique a
collective draft study that its referents do not see either. Planted with the ORM, outside the
services: no audit event or e-mail carries them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import foresight
from fabriques.studies.models import Method, RetainedKind, RetainedResult, Study, StudyRun
from foresight import micmac

Kwargs = dict[str, Any]


def _study(world: Any, side: str, seen_by: frozenset[str], participation: Any) -> Study:
    kind = "study" if participation is not None else "collective-study"
    variables = [world.plant(f"{kind}-variable", side, seen_by), "Mobilités"]
    matrix = [[0, 2], ["P", 0]]
    study = Study.objects.create(
        fabrique=world.fabrique(side),
        participation=participation,
        method=Method.MICMAC,
        title=world.plant(f"{kind}-title", side, seen_by),
        purpose=world.plant(f"{kind}-purpose", side, seen_by),
        inputs={"variables": variables, "matrix": matrix},
    )
    document = {"variables": variables, "matrix": matrix}
    run = StudyRun.objects.create(
        study=study,
        input=document,
        output=micmac.solve(micmac.parse(document)).to_dict(),
        foresight_version=foresight.__version__,
    )
    # Retained (retained): the canary variable, which the roadmap's « Vision prospective »
    # shows only to those who see the study.
    RetainedResult.objects.create(
        study=study, run=run, kind=RetainedKind.VARIABLE, key=variables[0], label=variables[0]
    )
    return study


def plant_studies(world: Any, side: str, team: frozenset[str]) -> None:
    personas = world.personas
    referents = {f"elected_{side}", "technical_a"} if side == "a" else {f"elected_{side}"}
    # The applicant persona is a current member of each side's group (canary.py): a
    # territory's study is theirs to read too, not the Fabrique's collective one.
    territory = getattr(personas, f"participation_{side}")
    world.studies.append(_study(world, side, team | {"applicant"}, territory))
    world.studies.append(_study(world, side, team - referents, None))


def _studies(world: Any, **extra: Any) -> list[Kwargs]:
    return [{"pk": study.pk, **extra} for study in world.studies]


def _runs(world: Any) -> list[Kwargs]:
    return [{"pk": study.pk, "run": run.pk} for study in world.studies for run in study.runs.all()]


STUDY_KWARGS: dict[str, Callable[[Any], list[Kwargs]]] = {
    "studies:detail": _studies,
    "studies:edit": _studies,
    "studies:variables": _studies,
    "studies:matrix": _studies,
    "studies:import": _studies,
    "studies:run": _studies,
    "studies:public": _studies,
    "studies:export": lambda w: _studies(w, fmt="csv"),
    "studies:run_detail": _runs,
    "studies:run_json": _runs,
    # retained (and the grid's cell route, which had no entry)
    "studies:cell": _studies,
    "studies:retained_add": _studies,
    "studies:retained_remove": lambda w: [
        {"pk": r.study_id, "retained": r.pk} for s in w.studies for r in s.retained.all()
    ],
    "studies:report": lambda w: _studies(w, fmt="odt"),
    "studies:public_report": lambda w: _studies(w, fmt="odt"),
    "studies:run_csv": _runs,
}
