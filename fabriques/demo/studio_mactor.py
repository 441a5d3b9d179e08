"""The demo's actors' strategies study (MACTOR): six actors of a territory's ecological
transition and five objectives, entered through the studio's services (actors, objectives,
MID, MAO, options) by the provider's consultant, with a saved run.

Illustrative content: the actors, objectives and scores are made up for the demonstration and
describe no real territory."""

from __future__ import annotations

from django.db import transaction

from fabriques.accounts.models import User
from fabriques.programme.models import Fabrique
from fabriques.studies.models import Method, Study
from fabriques.studies.services import (
    mactor_list_save,
    mactor_mid_save,
    mactor_options_save,
    mactor_positions_save,
    study_create,
    study_run,
)

DEMO_MACTOR_TITLE = "Jeu des acteurs de la transition écologique (exemple)"
DEMO_MACTOR_PURPOSE = (
    "Exemple illustratif\u00a0: qui peut peser sur la transition écologique du territoire, "
    "sur quels objectifs les acteurs convergent ou s’opposent. Les acteurs, objectifs et "
    "notes sont inventés pour la démonstration."
)
DEMO_MACTOR_ACTORS = (
    "Intercommunalité",
    "Communes rurales",
    "Région",
    "Chambre d’agriculture",
    "Entreprises du bâtiment",
    "Associations environnementales",
)
DEMO_MACTOR_OBJECTIVES = (
    "Rénover les logements anciens",
    "Réduire l’artificialisation des sols",
    "Développer les énergies renouvelables locales",
    "Relocaliser l’alimentation",
    "Maintenir les services en zone rurale",
)
# Direct influence of the row actor on the column actor: 0 none, 1 its procedures, 2 its
# projects, 3 its missions, 4 its existence.
DEMO_MACTOR_MID = (
    (0, 3, 1, 2, 2, 2),
    (2, 0, 0, 1, 1, 1),
    (3, 2, 0, 2, 2, 2),
    (2, 2, 1, 0, 0, 1),
    (1, 1, 0, 0, 0, 0),
    (1, 1, 1, 1, 1, 0),
)
# Position of the row actor on the column objective, −4 (opposed) to 4 (in favour).
DEMO_MACTOR_POSITIONS = (
    (3, 2, 3, 2, 2),
    (2, -2, 1, 2, 4),
    (3, 3, 3, 2, 1),
    (0, -3, 1, 3, 1),
    (4, -2, 2, 0, 0),
    (3, 4, 3, 3, 1),
)


def demo_mactor(*, fabrique: Fabrique, consultant: User) -> Study:
    """The Fabrique's actors' strategies study, built once (found again by its title)."""
    study = Study.objects.filter(fabrique=fabrique, title=DEMO_MACTOR_TITLE).first()
    if study is not None:
        return study
    with transaction.atomic():
        study = study_create(
            fabrique=fabrique,
            actor=consultant,
            method=Method.MACTOR,
            title=DEMO_MACTOR_TITLE,
            purpose=DEMO_MACTOR_PURPOSE,
        )
        for kind, names in (
            ("actors", DEMO_MACTOR_ACTORS),
            ("objectives", DEMO_MACTOR_OBJECTIVES),
        ):
            mactor_list_save(
                study=study,
                actor=consultant,
                kind=kind,
                kept=[],
                added=list(names),
                expected_version=study.lock_version,
            )
        for save, matrix in (
            (mactor_mid_save, DEMO_MACTOR_MID),
            (mactor_positions_save, DEMO_MACTOR_POSITIONS),
        ):
            save(
                study=study,
                actor=consultant,
                cells={
                    (i, j): str(value)
                    for i, row in enumerate(matrix)
                    for j, value in enumerate(row)
                },
                expected_version=study.lock_version,
            )
        mactor_options_save(
            study=study,
            actor=consultant,
            balance_reading="printed",
            graph_threshold="2,5",
            expected_version=study.lock_version,
        )
        study_run(study=study, actor=consultant)
    return study
