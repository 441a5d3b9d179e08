"""What each method shows on the study's pages: the inputs section of the study page, the
results of a run (workspace and public page), and the figures the report prints.

One entry per method in `SCREENS`; a method without its own screens gets `GENERIC` (import
and export of the inputs' tables, the run's output as tables). The context functions take the
study or the run and return what the template needs; they do not query the database beyond the
objects given (the run's study is already loaded).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from . import selectors, services
from .models import Study, StudyRun


@dataclass(frozen=True)
class InputLink:
    url_name: str  # takes the study's pk
    label: Any


@dataclass(frozen=True)
class MethodScreens:
    # The study page's « Données d'entrée » section and its context.
    inputs_template: str
    inputs_context: Callable[[Study], dict[str, Any]]
    # A run's results (workspace and public pages; `show_people` says whether names appear).
    results_template: str
    results_context: Callable[[StudyRun], dict[str, Any]]
    # The pages that edit the inputs, linked from the study page for those who write.
    input_links: tuple[InputLink, ...] = field(default=())
    # The study page's « Lancer le calcul » posts here (takes the study's pk).
    run_url_name: str = "studies:run"


def _generic_inputs(study: Study) -> dict[str, Any]:
    return {
        "input_sizes": [
            (name, len(value)) for name, value in study.inputs.items() if isinstance(value, list)
        ]
    }


def _generic_results(run: StudyRun) -> dict[str, Any]:
    return {"output_items": sorted(run.output.items())}


GENERIC = MethodScreens(
    inputs_template="studies/methods/generic_inputs.html",
    inputs_context=_generic_inputs,
    results_template="studies/methods/generic_results.html",
    results_context=_generic_results,
)


def _micmac_results(run: StudyRun) -> dict[str, Any]:
    return {"figures": selectors.micmac_figures(run)}


SCREENS: dict[str, MethodScreens] = {
    "mactor": MethodScreens(
        inputs_template="studies/methods/mactor_inputs.html",
        inputs_context=lambda study: selectors.mactor_inputs_summary(study),
        results_template="studies/methods/mactor_results.html",
        results_context=lambda run: selectors.mactor_results(run),
        input_links=(
            InputLink("studies:mactor_actors", _("Acteurs")),
            InputLink("studies:mactor_objectives", _("Objectifs")),
            InputLink("studies:mactor_mid", _("Influences entre acteurs (MID)")),
            InputLink("studies:mactor_positions", _("Positions sur les objectifs (MAO)")),
            InputLink("studies:mactor_options", _("Réglages du calcul")),
        ),
    ),
    "micmac": MethodScreens(
        inputs_template="studies/methods/micmac_inputs.html",
        inputs_context=lambda study: selectors.micmac_inputs_summary(study),
        results_template="studies/methods/micmac_results.html",
        results_context=_micmac_results,
        input_links=(
            InputLink("studies:variables", _("Variables")),
            InputLink("studies:matrix", _("Matrice des influences")),
        ),
    ),
    # Cross-impact balances: a large model's run goes through the task queue (cib_run).
    "cib": MethodScreens(
        inputs_template="studies/methods/cib_inputs.html",
        inputs_context=lambda study: selectors.cib_inputs_summary(study),
        results_template="studies/methods/cib_results.html",
        results_context=lambda run: selectors.cib_results(run),
        input_links=(
            InputLink("studies:cib_descriptors", _("Descripteurs et variantes")),
            InputLink("studies:cib_matrix", _("Matrice des impacts croisés")),
            InputLink("studies:cib_import", _("Importer un modèle ScenarioWizard")),
        ),
        run_url_name="studies:cib_run",
    ),
    "morpho": MethodScreens(
        inputs_template="studies/methods/morpho_inputs.html",
        inputs_context=lambda study: selectors.morpho_inputs_summary(study),
        results_template="studies/methods/morpho_results.html",
        results_context=lambda run: selectors.morpho_results(run),
        input_links=(
            InputLink("studies:morpho_components", _("Composantes et hypothèses")),
            InputLink("studies:morpho_exclusions", _("Exclusions")),
            InputLink("studies:morpho_live", _("Exploration en direct")),
        ),
    ),
    "smic": MethodScreens(
        inputs_template="studies/methods/smic_inputs.html",
        inputs_context=lambda study: selectors.smic_inputs_summary(study),
        results_template="studies/methods/smic_results.html",
        results_context=lambda run: selectors.smic_results(run),
        input_links=(
            InputLink("studies:smic_hypotheses", _("Hypothèses et options")),
            InputLink("studies:smic_p_if", _("Probabilités P(i | j)")),
            InputLink("studies:smic_p_if_not", _("Probabilités P(i | non j)")),
        ),
    ),
    "multipol": MethodScreens(
        inputs_template="studies/methods/multipol_inputs.html",
        inputs_context=lambda study: selectors.multipol_inputs_summary(study),
        results_template="studies/methods/multipol_results.html",
        results_context=lambda run: selectors.multipol_results(run),
        input_links=(
            InputLink("studies:multipol_lists", _("Actions et critères")),
            InputLink("studies:multipol_scores", _("Notes")),
            InputLink("studies:multipol_policies", _("Politiques")),
        ),
    ),
}


def _regnier_inputs(study: Study) -> dict[str, Any]:
    return {
        "statements": selectors.item_names(study),
        "sort": study.inputs.get("sort", "consensus"),
        **selectors.vote_summary(study),
    }


def _regnier_results(run: StudyRun) -> dict[str, Any]:
    return {"abacus": selectors.regnier_figures(run)}


def _delphi_inputs(study: Study) -> dict[str, Any]:
    return {"questions": services.delphi_questions(study), **selectors.vote_summary(study)}


def _delphi_results(run: StudyRun) -> dict[str, Any]:
    return {
        "figures": selectors.delphi_figures(run),
        "convergence": selectors.delphi_convergence(run),
    }


SCREENS["regnier"] = MethodScreens(
    inputs_template="studies/methods/regnier_inputs.html",
    inputs_context=_regnier_inputs,
    results_template="studies/methods/regnier_results.html",
    results_context=_regnier_results,
    input_links=(
        InputLink("studies:statements", _("Affirmations")),
        InputLink("studies:votes", _("Votes en séance")),
    ),
)
SCREENS["delphi"] = MethodScreens(
    inputs_template="studies/methods/delphi_inputs.html",
    inputs_context=_delphi_inputs,
    results_template="studies/methods/delphi_results.html",
    results_context=_delphi_results,
    input_links=(
        InputLink("studies:questions", _("Questions")),
        InputLink("studies:votes", _("Tours de réponses")),
    ),
)


def screens_for(method: str) -> MethodScreens:
    return SCREENS.get(method, GENERIC)
