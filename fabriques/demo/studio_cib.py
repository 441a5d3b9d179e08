"""The demo's cross-impact balances study: five descriptors of a territory in 2040, three
variants each, the impact grid, a saved run and one scenario kept with its narrative.

Illustrative content: the judgements are invented for the demonstration, not the result of a
workshop nor of any official source. Built through the services, idempotent on the title.
"""

from __future__ import annotations

from fabriques.accounts.models import User
from fabriques.programme.models import Fabrique
from fabriques.studies import selectors, services
from fabriques.studies.models import Method, Scenario, Study, StudyRun

TITLE = "Le territoire en 2040\u00a0: scénarios par balances d’impacts croisés (exemple)"
PURPOSE = (
    "Exemple illustratif\u00a0: quels futurs cohérents pour l’économie, la population, les "
    "mobilités, les services publics et la coopération intercommunale\u00a0? Les jugements "
    "sont inventés pour la démonstration."
)
DESCRIPTORS = [
    ("Économie locale", ["Dynamique", "Stable", "En repli"]),
    ("Population", ["En croissance", "Stable", "En déclin"]),
    ("Mobilités", ["Offre renforcée", "Offre actuelle", "Offre réduite"]),
    ("Services publics", ["Renforcés", "Maintenus", "Concentrés dans la ville-centre"]),
    ("Coopération intercommunale", ["Forte", "Modérée", "Faible"]),
]
# How strongly the row descriptor pulls the column descriptor towards the variant of the same
# rank (+s), away from the opposite one (−s), 0 for the neighbouring one.
PULL = [
    [0, 2, 1, 1, 1],
    [2, 0, 1, 2, 0],
    [1, 2, 0, 0, 0],
    [1, 2, 0, 0, 1],
    [1, 0, 2, 2, 0],
]
# Judgements that depart from the rule: (row variant, column variant) → impact.
SPECIFIC = {
    (0, 3): 3,  # a dynamic economy strongly draws new residents
    (7, 4): 1,  # the current transport offer keeps the population stable
    (5, 11): 3,  # a declining population pushes services towards the main town
}
SCENARIO_NAME = "Le territoire qui se renforce"
SCENARIO_NARRATIVE = (
    "Exemple de récit\u00a0: l’économie locale attire de nouveaux habitants, l’intercommunalité "
    "coopère pour renforcer l’offre de mobilité et les services publics de proximité."
)


def _matrix() -> list[list[int]]:
    size = sum(len(variants) for _name, variants in DESCRIPTORS)
    matrix = [[0] * size for _ in range(size)]
    for x in range(len(DESCRIPTORS)):
        for a in range(3):
            for y in range(len(DESCRIPTORS)):
                for b in range(3):
                    pull = PULL[x][y]
                    matrix[3 * x + a][3 * y + b] = (
                        pull if a == b else (-pull if abs(a - b) == 2 else 0)
                    )
    for (row, column), value in SPECIFIC.items():
        matrix[row][column] = value
    return matrix


def demo_cib(*, fabrique: Fabrique, consultant: User) -> Study:
    """The Fabrique's illustrative CIB study (created once; found again by its title)."""
    study = Study.objects.filter(fabrique=fabrique, method=Method.CIB, title=TITLE).first()
    if study is None:
        study = services.study_create(
            fabrique=fabrique,
            actor=consultant,
            method=Method.CIB,
            title=TITLE,
            purpose=PURPOSE,
        )
    if not study.inputs.get("descriptors"):
        services.cib_descriptors_save(
            study=study,
            actor=consultant,
            descriptors=[
                services.DescriptorEdit(None, name, tuple((None, v) for v in variants))
                for name, variants in DESCRIPTORS
            ],
            expected_version=study.lock_version,
        )
        services.cib_matrix_save(
            study=study,
            actor=consultant,
            cells={
                (i, j): str(value) for i, row in enumerate(_matrix()) for j, value in enumerate(row)
            },
            expected_version=study.lock_version,
        )
    run = StudyRun.objects.filter(study=study).order_by("-run_at", "-pk").first()
    if run is None:
        started = services.cib_run_start(study=study, actor=consultant)
        assert isinstance(started, StudyRun)  # 3⁵ scenarios: computed at once
        run = started
    if not Scenario.objects.filter(study=study, name=SCENARIO_NAME).exists():
        configuration = selectors.cib_run_scenario(run, 0)
        if configuration is not None:
            services.scenario_create(
                study=study,
                actor=consultant,
                name=SCENARIO_NAME,
                narrative=SCENARIO_NARRATIVE,
                configuration=configuration,
                run=run,
            )
    return study
