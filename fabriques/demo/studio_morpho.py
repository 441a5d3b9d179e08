"""The demo world's morphological analysis: the territorial transition of a Fabrique in six
components, a few exclusions, a saved run and a named scenario — built by the provider's
consultant through the studio's services. Illustrative content, not a real study."""

from __future__ import annotations

from django.db import transaction

from fabriques.accounts.models import User
from fabriques.programme.models import Fabrique
from fabriques.studies.models import Method, Study
from fabriques.studies.services import (
    ComponentEdit,
    morpho_components_save,
    morpho_exclusions_save,
    morpho_scenario_save,
    study_create,
    study_run,
)

DEMO_MORPHO_TITLE = "Analyse morphologique — la transition du territoire en 2040"
DEMO_MORPHO_PURPOSE = (
    "Quelles configurations de l’énergie, des mobilités, de l’habitat, de l’alimentation, de "
    "l’emploi et de la gouvernance tiennent ensemble d’ici 2040\u00a0? Espace morphologique "
    "construit en atelier (étude de démonstration, contenu illustratif)."
)
DEMO_MORPHO_COMPONENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Énergie",
        (
            "Dépendance aux énergies fossiles",
            "Mix en transition",
            "Autonomie renouvelable partagée",
        ),
    ),
    (
        "Mobilités",
        (
            "Tout-voiture",
            "Covoiturage et transport à la demande",
            "Réseau de cars et vélo",
            "Proximité : moins de déplacements",
        ),
    ),
    (
        "Habitat",
        (
            "Périurbanisation diffuse",
            "Rénovation des centres-bourgs",
            "Densification autour des gares",
        ),
    ),
    (
        "Alimentation",
        ("Agriculture d’export", "Circuits courts", "Projet alimentaire territorial"),
    ),
    (
        "Emploi",
        (
            "Économie présentielle fragile",
            "Industrie relocalisée",
            "Économie de la transition",
        ),
    ),
    (
        "Gouvernance",
        (
            "Communes isolées",
            "Coopération intercommunale",
            "Gouvernance citoyenne élargie",
            "Contractualisation avec la région",
        ),
    ),
)
# Pairs of (component, hypothesis) positions that the workshop judged incompatible.
DEMO_MORPHO_EXCLUSIONS: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = (
    ((1, 2), (2, 0)),  # a network of coaches and bikes does not serve a diffuse sprawl
    ((1, 3), (2, 0)),  # nor does proximity
    ((0, 2), (5, 0)),  # shared renewable autonomy needs the communes to work together
    ((3, 2), (5, 0)),  # so does a territorial food project
    ((0, 0), (4, 2)),  # a transition economy does not live on fossil dependence
)
DEMO_MORPHO_SCENARIO = "Bourgs en transition"
DEMO_MORPHO_NARRATIVE = (
    "Les centres-bourgs rénovés retrouvent des habitants, desservis par un réseau de cars et "
    "des itinéraires cyclables\u00a0; les communautés de communes coopèrent pour produire une "
    "part croissante de leur énergie et faire vivre les circuits courts. Récit illustratif."
)
# Énergie: mix en transition, Mobilités: cars et vélo, Habitat: centres-bourgs, Alimentation:
# circuits courts, Emploi: économie de la transition, Gouvernance: coopération.
DEMO_MORPHO_CHOICES = {0: 1, 1: 2, 2: 1, 3: 1, 4: 2, 5: 1}


def demo_morpho(*, fabrique: Fabrique, consultant: User) -> Study:
    """The Fabrique's morphological analysis, entered, run, and with its named scenario
    (idempotent on its title)."""
    study = Study.objects.filter(fabrique=fabrique, title=DEMO_MORPHO_TITLE).first()
    if study is not None:
        return study
    with transaction.atomic():
        study = study_create(
            fabrique=fabrique,
            actor=consultant,
            method=Method.MORPHO,
            title=DEMO_MORPHO_TITLE,
            purpose=DEMO_MORPHO_PURPOSE,
        )
        morpho_components_save(
            study=study,
            actor=consultant,
            components=[
                ComponentEdit(None, name, [(None, h) for h in hypotheses])
                for name, hypotheses in DEMO_MORPHO_COMPONENTS
            ],
            expected_version=study.lock_version,
        )
        morpho_exclusions_save(
            study=study,
            actor=consultant,
            added=[(f"{a}-{ha}", f"{b}-{hb}") for (a, ha), (b, hb) in DEMO_MORPHO_EXCLUSIONS],
            removed=(),
            expected_version=study.lock_version,
        )
        run = study_run(study=study, actor=consultant)
        morpho_scenario_save(
            study=study,
            actor=consultant,
            name=DEMO_MORPHO_SCENARIO,
            narrative=DEMO_MORPHO_NARRATIVE,
            choices=DEMO_MORPHO_CHOICES,
            expected_version=study.lock_version,
            run=run,
        )
    return study
