"""Canaries in the foresight studies: each side's territory has a draft study whose title,
purpose and variable names (in its inputs and in its run's input and output) only the people
who see it may read (the Fabrique's team, the territory's referents and its group's members), and each Fabrique a
collective draft study that its referents do not see either. Planted with the ORM, outside the
services: no audit event or e-mail carries them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import foresight
from fabriques.studies.models import (
    Method,
    QueuedRun,
    RetainedKind,
    RetainedResult,
    Scenario,
    Study,
    StudyRun,
)
from foresight import cib, mactor, micmac, morpho, multipol, smic

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


def _mactor_study(world: Any, side: str, seen_by: frozenset[str], participation: Any) -> Study:
    """mactor: a territory's actors' strategies study whose actor and objective names are
    canaries (in its inputs and in its run)."""
    document = {
        "actors": [world.plant("mactor-actor", side, seen_by), "Région"],
        "objectives": [world.plant("mactor-objective", side, seen_by)],
        "mid": [[0, 2], [1, 0]],
        "positions": [[3], [-2]],
    }
    study = Study.objects.create(
        fabrique=world.fabrique(side),
        participation=participation,
        method=Method.MACTOR,
        title=world.plant("mactor-title", side, seen_by),
        inputs=document,
    )
    StudyRun.objects.create(
        study=study,
        input=document,
        output=mactor.solve(mactor.parse(document)).to_dict(),
        foresight_version=foresight.__version__,
    )
    return study


def _cib_study(world: Any, side: str, seen_by: frozenset[str], participation: Any) -> Study:
    """cib: a territory's cross-impact balances study whose descriptor and scenario are
    canaries, with a run, a kept scenario and a run waiting in the queue."""
    descriptor = world.plant("cib-descriptor", side, seen_by)
    document = {
        "descriptors": [
            {"name": descriptor, "variants": ["Haut", "Bas"]},
            {"name": "Population", "variants": ["Hausse", "Baisse"]},
        ],
        "matrix": [[0, 0, 2, -2], [0, 0, -1, 1], [1, -1, 0, 0], [-3, 3, 0, 0]],
    }
    study = Study.objects.create(
        fabrique=world.fabrique(side),
        participation=participation,
        method=Method.CIB,
        title=world.plant("cib-study-title", side, seen_by),
        inputs=document,
    )
    run = StudyRun.objects.create(
        study=study,
        input=document,
        output=cib.solve(cib.parse(document)).to_dict(),
        foresight_version=foresight.__version__,
    )
    Scenario.objects.create(
        study=study,
        run=run,
        name=world.plant("cib-scenario", side, seen_by),
        narrative=world.plant("cib-narrative", side, seen_by),
        configuration={descriptor: "Haut", "Population": "Hausse"},
    )
    QueuedRun.objects.create(study=study, input=document, estimate=4)
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
    world.studies.append(_cib_study(world, side, team | {"applicant"}, territory))
    world.studies.append(_mactor_study(world, side, team | {"applicant"}, territory))
    # morpho: a morphological analysis of the territory, with a component, a hypothesis and a
    # scenario (name and narrative) planted.
    world.studies.append(_morpho_study(world, side, team | {"applicant"}, territory))
    plant_votes(world, side, team | {"applicant"})
    _plant_smic_multipol(world, side, team | {"applicant"})


def _morpho_study(world: Any, side: str, seen_by: frozenset[str], participation: Any) -> Study:
    component = world.plant("morpho-component", side, seen_by)
    hypothesis = world.plant("morpho-hypothesis", side, seen_by)
    document = {
        "components": [
            {"name": component, "hypotheses": [hypothesis, "Sobriété"]},
            {"name": "Mobilités", "hypotheses": ["Voiture", "Vélo"]},
        ],
        "exclusions": [[[component, hypothesis], ["Mobilités", "Vélo"]]],
    }
    study = Study.objects.create(
        fabrique=world.fabrique(side),
        participation=participation,
        method=Method.MORPHO,
        title=world.plant("morpho-title", side, seen_by),
        inputs=document,
    )
    run = StudyRun.objects.create(
        study=study,
        input=document,
        output=morpho.solve(morpho.parse(document)).to_dict(),
        foresight_version=foresight.__version__,
    )
    Scenario.objects.create(
        study=study,
        run=run,
        name=world.plant("morpho-scenario", side, seen_by),
        narrative=world.plant("morpho-narrative", side, seen_by),
        configuration={component: hypothesis, "Mobilités": "Voiture"},
    )
    return study


def _studies(world: Any, **extra: Any) -> list[Kwargs]:
    return [{"pk": study.pk, **extra} for study in world.studies]


def _runs(world: Any) -> list[Kwargs]:
    return [{"pk": study.pk, "run": run.pk} for study in world.studies for run in study.runs.all()]


def _scenarios(world: Any) -> list[Kwargs]:
    return [
        {"pk": study.pk, "scenario": scenario.pk}
        for study in world.studies
        for scenario in study.scenarios.all()
    ]


STUDY_KWARGS: dict[str, Callable[[Any], list[Kwargs]]] = {
    "studies:detail": _studies,
    "studies:edit": _studies,
    "studies:variables": _studies,
    "studies:matrix": _studies,
    "studies:import": _studies,
    "studies:run": _studies,
    "studies:cell": _studies,
    "studies:presentation": lambda w: _studies(w, matrix="matrix"),
    "studies:public": _studies,
    "studies:export": lambda w: _studies(w, fmt="csv"),
    "studies:run_detail": _runs,
    # cib
    "studies:cib_descriptors": _studies,
    "studies:cib_matrix": _studies,
    "studies:cib_import": _studies,
    "studies:cib_run": _studies,
    "studies:cib_pending": lambda w: [
        {"pk": study.pk, "queued": queued.pk}
        for study in w.studies
        for queued in study.queued_runs.all()
    ],
    "studies:cib_scenarios": _runs,
    "studies:cib_scenario_create": lambda w: [{**kwargs, "index": 0} for kwargs in _runs(w)],
    "studies:run_json": _runs,
    # mactor
    "studies:mactor_actors": _studies,
    "studies:mactor_objectives": _studies,
    "studies:mactor_mid": _studies,
    "studies:mactor_positions": _studies,
    "studies:mactor_options": _studies,
    # morpho
    "studies:morpho_components": _studies,
    "studies:morpho_exclusions": _studies,
    "studies:morpho_live": _studies,
    "studies:morpho_scenario_save": _studies,
    "studies:morpho_scenario_delete": _scenarios,  # smicmp: the SMIC and Multipol screens, tried on every study (404 on another method's).
    "studies:smic_hypotheses": _studies,
    "studies:smic_p_if": _studies,
    "studies:smic_p_if_not": _studies,
    "studies:smic_scenario": _runs,
    "studies:multipol_lists": _studies,
    "studies:multipol_scores": _studies,
    "studies:multipol_policies": _studies,
    # retained
    "studies:retained_add": _studies,
    "studies:retained_remove": lambda w: [
        {"pk": r.study_id, "retained": r.pk} for s in w.studies for r in s.retained.all()
    ],
    "studies:report": lambda w: _studies(w, fmt="odt"),
    "studies:public_report": lambda w: _studies(w, fmt="odt"),
    "studies:run_csv": _runs,
}


# votes (issue 14, votes on phones): per side, a territory's Régnier study whose title and
# statements its readers see, with an open nominative vote whose voter's name only the study's
# writers see (the facilitator's grid), and a closed vote. The public vote page shows neither
# the study nor the names: a newcomer gets the join form, a closed vote's address is gone.
def plant_votes(world: Any, side: str, readers: frozenset[str]) -> None:
    from fabriques.studies.models import Ballot, TokenMode, Voter, VoteSession, VoteStatus

    writers = frozenset({"admin", f"pilot_{side}", f"provider_{side}"})
    statements = [world.plant("vote-statement", side, readers), "Deuxième affirmation"]
    study = Study.objects.create(
        fabrique=world.fabrique(side),
        participation=getattr(world.personas, f"participation_{side}"),
        method=Method.REGNIER,
        title=world.plant("vote-study-title", side, readers),
        inputs={"statements": statements, "votes": [], "sort": "consensus"},
    )
    labels = [{"name": name} for name in statements]
    open_vote = VoteSession.objects.create(
        study=study,
        code=f"OPEN{side.upper()}Z",
        token_mode=TokenMode.NAMED,
        items=[0, 1],
        item_labels=labels,
    )
    voter = Voter.objects.create(
        session=open_vote,
        token_hash=f"{side}-open".ljust(64, "0"),
        name=world.plant("voter-name", side, writers),
    )
    Ballot.objects.bulk_create(
        [
            Ballot(session=open_vote, voter=voter, item=0, value="dark_green"),
            Ballot(session=open_vote, voter=voter, item=1, value="orange"),
        ]
    )
    VoteSession.objects.create(
        study=study,
        code=f"SHUT{side.upper()}Z",
        token_mode=TokenMode.ANONYMOUS,
        items=[0],
        item_labels=labels[:1],
        status=VoteStatus.CLOSED,
    )
    world.votes = [*getattr(world, "votes", []), open_vote]
    world.studies.append(study)


def _votes(world: Any) -> list[Kwargs]:
    return [{"pk": v.study_id, "vote": v.pk} for v in getattr(world, "votes", [])]


def _codes(world: Any) -> list[Kwargs]:
    from fabriques.studies.models import VoteSession

    codes = VoteSession.objects.filter(study__in=world.studies).values_list("code", flat=True)
    return [{"code": code} for code in codes]


STUDY_KWARGS.update(
    {
        "studies:statements": _studies,
        "studies:questions": _studies,
        "studies:votes": _studies,
        "studies:vote_detail": _votes,
        "studies:vote_live": _votes,
        "studies:vote_close": _votes,
        "studies:vote_page": _codes,
    }
)
