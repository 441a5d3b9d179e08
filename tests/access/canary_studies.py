"""Canaries in the foresight studies: each side's territory has a draft study whose title,
purpose and variable names (in its inputs and in its run's input and output) only the people
who see it may read (the Fabrique's team, the territory's referents and its group's members), and each Fabrique a
collective draft study that its referents do not see either. Planted with the ORM, outside the
services: no audit event or e-mail carries them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import foresight
from fabriques.studies.models import Method, Scenario, Study, StudyRun
from foresight import micmac, multipol, smic

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
    StudyRun.objects.create(
        study=study,
        input=document,
        output=micmac.solve(micmac.parse(document)).to_dict(),
        foresight_version=foresight.__version__,
    )
    return study


def _with_run(world: Any, side: str, method: str, document: dict[str, Any], seen_by: Any) -> Study:
    """A territory's study of `method` (smicmp: SMIC and Multipol) with a run of `document`."""
    study = Study.objects.create(
        fabrique=world.fabrique(side),
        participation=getattr(world.personas, f"participation_{side}"),
        method=method,
        title=world.plant(f"{method}-study-title", side, seen_by),
        inputs=document,
    )
    solver = smic if method == Method.SMIC else multipol
    StudyRun.objects.create(
        study=study,
        input=document,
        output=solver.solve(solver.parse(document)).to_dict(),  # type: ignore[attr-defined]
        foresight_version=foresight.__version__,
    )
    return study


def _plant_smic_multipol(world: Any, side: str, seen_by: frozenset[str]) -> None:
    hypothesis = world.plant("smic-hypothesis", side, seen_by)
    document: dict[str, Any] = {
        "hypotheses": [hypothesis, "Mobilités"],
        "p": [0.6, 0.5],
        "p_if": [[None, 0.8], [None, None]],
        "p_if_not": [[None, None], [None, None]],
    }
    study = _with_run(world, side, Method.SMIC, document, seen_by)
    Scenario.objects.create(
        study=study,
        run=study.runs.first(),
        name=world.plant("smic-scenario", side, seen_by),
        configuration={hypothesis: True, "Mobilités": False},
    )
    world.studies.append(study)
    action = world.plant("multipol-action", side, seen_by)
    document = {
        "actions": [action, "Tiers-lieu"],
        "criteria": ["Coût", "Impact"],
        "scores": [[10, 4], [6, 8]],
        "policies": [{"name": "Sobriété", "weights": [3, 1]}],
    }
    world.studies.append(_with_run(world, side, Method.MULTIPOL, document, seen_by))


def plant_studies(world: Any, side: str, team: frozenset[str]) -> None:
    personas = world.personas
    referents = {f"elected_{side}", "technical_a"} if side == "a" else {f"elected_{side}"}
    # The applicant persona is a current member of each side's group (canary.py): a
    # territory's study is theirs to read too, not the Fabrique's collective one.
    territory = getattr(personas, f"participation_{side}")
    world.studies.append(_study(world, side, team | {"applicant"}, territory))
    world.studies.append(_study(world, side, team - referents, None))
    _plant_smic_multipol(world, side, team | {"applicant"})


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
    # smicmp: the SMIC and Multipol screens, tried on every study (404 on another method's).
    "studies:smic_hypotheses": _studies,
    "studies:smic_p_if": _studies,
    "studies:smic_p_if_not": _studies,
    "studies:smic_scenario": _runs,
    "studies:multipol_lists": _studies,
    "studies:multipol_scores": _studies,
    "studies:multipol_policies": _studies,
}
