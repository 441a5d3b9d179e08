"""The demo's SMIC-Prob-Expert and Multipol studies, built through the services as a
consultant would: inputs, a saved run and (SMIC) a named scenario. Everything in them is
illustrative: hypotheses, probabilities, actions and notes are invented for the example,
not figures of any real territory. Idempotent on the study's title."""

from __future__ import annotations

from fabriques.accounts.models import User
from fabriques.programme.models import Fabrique
from fabriques.studies import services
from fabriques.studies.models import Method, Scenario, Study

SMIC_TITLE = "Probabilités des scénarios de mobilité et de santé (exemple)"
MULTIPOL_TITLE = "Évaluation des actions de mobilité (exemple)"
ILLUSTRATIVE = (
    "Étude de démonstration : les hypothèses, les probabilités et les notes sont "
    "inventées pour l’exemple, ce ne sont pas des données d’un territoire."
)

SMIC_HYPOTHESES = [
    ("Réouverture de la halte ferroviaire d’ici 2035", "0,4"),
    ("Installation d’une maison de santé pluriprofessionnelle", "0,6"),
    ("Ouverture d’un tiers-lieu avec espace de télétravail", "0,7"),
    ("Arrivée de jeunes ménages sur le territoire", "0,5"),
]
# P(i | j): hypothesis in row if the one in column happens (empty: not given).
SMIC_P_IF = {
    (3, 0): "0,7",
    (3, 1): "0,65",
    (3, 2): "0,6",
    (1, 3): "0,75",
    (2, 3): "0,8",
    (0, 3): "0,5",
}
# P(i | non j): hypothesis in row if the one in column does not happen.
SMIC_P_IF_NOT = {
    (3, 0): "0,4",
    (3, 1): "0,3",
    (1, 3): "0,45",
    (2, 3): "0,6",
}


def demo_smic(*, fabrique: Fabrique, consultant: User) -> Study:
    """A SMIC study of four hypotheses with a run and its most probable scenario saved."""
    existing = Study.objects.filter(fabrique=fabrique, title=SMIC_TITLE).first()
    if existing is not None:
        return existing
    study = services.study_create(
        fabrique=fabrique,
        actor=consultant,
        method=Method.SMIC,
        title=SMIC_TITLE,
        purpose=ILLUSTRATIVE,
    )
    services.smic_hypotheses_save(
        study=study,
        actor=consultant,
        rows=[(None, name, p) for name, p in SMIC_HYPOTHESES],
        options={"objective": "linear", "intervals": "all", "elasticities": "on"},
        expected_version=study.lock_version,
    )
    for matrix, cells in (("p_if", SMIC_P_IF), ("p_if_not", SMIC_P_IF_NOT)):
        services.smic_conditionals_save(
            study=study,
            actor=consultant,
            matrix=matrix,
            cells=cells,
            expected_version=study.lock_version,
        )
    run = services.study_run(study=study, actor=consultant)
    best = max(run.output["scenarios"], key=lambda s: s["probability"])
    if not Scenario.objects.filter(study=study).exists():
        services.smic_scenario_save(
            study=study,
            run=run,
            actor=consultant,
            bits=best["bits"],
            name="Le scénario le plus probable",
            narrative=(
                "Scénario le plus probable selon les estimations (fictives) du groupe : "
                "à mettre en récit en atelier."
            ),
        )
    return study


MULTIPOL_ACTIONS = [
    "Transport à la demande",
    "Plateforme de covoiturage",
    "Location de vélos à assistance électrique",
    "Navette vers la gare",
]
MULTIPOL_CRITERIA = ["Coût pour la collectivité", "Publics touchés", "Effet sur les émissions"]
# Notes from 0 to 20 (a high note is good on every criterion, cost included).
MULTIPOL_SCORES = [
    ["9", "14", "10"],
    ["17", "10", "12"],
    ["13", "8", "15"],
    ["7", "15", "13"],
]
MULTIPOL_POLICIES = [
    ("Sobriété budgétaire", ["3", "1", "1"], "0,3"),
    ("Inclusion", ["1", "3", "1"], "0,5"),
    ("Transition écologique", ["1", "1", "3"], "0,2"),
]


def demo_multipol(*, fabrique: Fabrique, consultant: User) -> Study:
    """A Multipol study of four actions, three criteria and three policies with a run."""
    existing = Study.objects.filter(fabrique=fabrique, title=MULTIPOL_TITLE).first()
    if existing is not None:
        return existing
    study = services.study_create(
        fabrique=fabrique,
        actor=consultant,
        method=Method.MULTIPOL,
        title=MULTIPOL_TITLE,
        purpose=ILLUSTRATIVE,
    )
    services.multipol_lists_save(
        study=study,
        actor=consultant,
        actions=[(None, name) for name in MULTIPOL_ACTIONS],
        criteria=[(None, name) for name in MULTIPOL_CRITERIA],
        expected_version=study.lock_version,
    )
    services.multipol_scores_save(
        study=study,
        actor=consultant,
        cells={
            (i, j): value for i, row in enumerate(MULTIPOL_SCORES) for j, value in enumerate(row)
        },
        expected_version=study.lock_version,
    )
    services.multipol_policies_save(
        study=study,
        actor=consultant,
        rows=MULTIPOL_POLICIES,
        sensitivity="0,2",
        expected_version=study.lock_version,
    )
    services.study_run(study=study, actor=consultant)
    return study
