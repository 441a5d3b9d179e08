"""Canaries in the foresight studies: each side's territory has a draft study whose title,
purpose and variable names (in its inputs and in its run's input and output) only the people
who see it may read (the Fabrique's team, the territory's referents and its group's members), and each Fabrique a
collective draft study that its referents do not see either. Planted with the ORM, outside the
services: no audit event or e-mail carries them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import foresight
from fabriques.studies.models import Method, Study, StudyRun
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
    StudyRun.objects.create(
        study=study,
        input=document,
        output=micmac.solve(micmac.parse(document)).to_dict(),
        foresight_version=foresight.__version__,
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
    plant_votes(world, side, team | {"applicant"})


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
    "studies:cell": _studies,
    "studies:presentation": lambda w: _studies(w, matrix="matrix"),
    "studies:public": _studies,
    "studies:export": lambda w: _studies(w, fmt="csv"),
    "studies:run_detail": _runs,
    "studies:run_json": _runs,
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
