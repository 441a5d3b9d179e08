"""MACTOR studies for the tests, built through the services (the foresight README's worked
example by default)."""

from __future__ import annotations

from typing import Any

from fabriques.studies import services
from fabriques.studies.models import Method, Study

ACTORS = ["Région", "Intercommunalité", "Associations"]
OBJECTIVES = ["Rénover les logements", "Réduire l’artificialisation"]
MID: list[list[int]] = [[0, 2, 1], [1, 0, 3], [0, 1, 0]]
POSITIONS: list[list[int]] = [[2, -1], [3, 0], [-4, 1]]


def mactor_study(
    *,
    fabrique: Any,
    actor: Any,
    participation: Any = None,
    actors: list[str] | None = None,
    objectives: list[str] | None = None,
    mid: list[list[int]] | None = None,
    positions: list[list[int]] | None = None,
    title: str = "Jeu des acteurs",
) -> Study:
    """A MACTOR study with its actors, objectives, MID and MAO entered through the services
    (lock_version 5 when done)."""
    study = services.study_create(
        fabrique=fabrique,
        actor=actor,
        method=Method.MACTOR,
        title=title,
        participation=participation,
    )
    for kind, names in (
        ("actors", ACTORS if actors is None else actors),
        ("objectives", OBJECTIVES if objectives is None else objectives),
    ):
        services.mactor_list_save(
            study=study,
            actor=actor,
            kind=kind,
            kept=[],
            added=names,
            expected_version=study.lock_version,
        )
    for save, matrix in (
        (services.mactor_mid_save, MID if mid is None else mid),
        (services.mactor_positions_save, POSITIONS if positions is None else positions),
    ):
        save(
            study=study,
            actor=actor,
            cells={(i, j): str(v) for i, row in enumerate(matrix) for j, v in enumerate(row)},
            expected_version=study.lock_version,
        )
    return study
