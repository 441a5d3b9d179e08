"""What a run offers to retain (« Retenir »): pure functions over a run's output and the
study's saved scenarios, one per method, no query of their own.

- MICMAC: the key variables. The rule (said on the page): the variables of the indirect
  plane's « relay » quadrant (influence and dependence both above their means: Godet's key
  variables, the stakes of the system); when that quadrant is empty, the `TOP_INFLUENT`
  first by indirect influence.
- MACTOR: the strategic issues, i.e. the objectives, ordered by their mobilisation at the
  highest order computed (3MAO: positions weighted by the balance of power), with how many
  are for and against (an objective with both is contested).
- Régnier: every statement answered, in the library's order, marked consensus or dissensus.
- Morphological analysis, CIB, SMIC: the study's saved scenarios (`Scenario`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Method, RetainedKind

TOP_INFLUENT = 5
SCENARIO_METHODS = (Method.MORPHO, Method.CIB, Method.SMIC)


@dataclass(frozen=True)
class Candidate:
    kind: str
    key: str  # the result's name in the run (variable, objective, statement) or scenario's
    label: str
    detail: str = ""  # why it is offered: its figures
    scenario_id: int | None = None


@dataclass(frozen=True)
class Candidates:
    kind: str
    rule: str  # how the candidates were chosen, as the page says it
    items: list[Candidate] = field(default_factory=list)


def _number(value: Any, digits: int = 1) -> str:
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    try:
        return number_format(round(float(value), digits), digits, force_grouping=True)
    except (TypeError, ValueError):
        return str(value)


def micmac_candidates(output: Mapping[str, Any]) -> Candidates:
    variables = list(output.get("variables") or [])
    plane = output.get("indirect") or output.get("direct") or {}
    quadrants = list(plane.get("quadrant") or [])
    influence = list(plane.get("influence_share") or plane.get("influence") or [])
    dependence = list(plane.get("dependence_share") or plane.get("dependence") or [])
    ranks = list(plane.get("influence_rank") or [])
    chosen = [i for i, quadrant in enumerate(quadrants) if quadrant == "relay"]
    rule = _(
        "Variables du quadrant des variables relais du plan indirect (influence et dépendance "
        "au-dessus de leur moyenne)\u00a0: les variables clés de Godet."
    )
    if not chosen and ranks:
        chosen = sorted(
            (i for i, rank in enumerate(ranks) if rank <= TOP_INFLUENT), key=lambda i: ranks[i]
        )
        rule = _(
            "Aucune variable dans le quadrant des variables relais du plan indirect\u00a0: les "
            "%(count)s premières variables par influence indirecte."
        ) % {"count": TOP_INFLUENT}
    else:
        chosen.sort(key=lambda i: ranks[i] if i < len(ranks) else i)
    items = []
    for i in chosen:
        if i >= len(variables):
            continue
        detail = ""
        if i < len(influence) and i < len(dependence):
            detail = _("influence %(influence)s ‰, dépendance %(dependence)s ‰") % {
                "influence": _number(influence[i]),
                "dependence": _number(dependence[i]),
            }
        items.append(Candidate(RetainedKind.VARIABLE, str(variables[i]), str(variables[i]), detail))
    return Candidates(RetainedKind.VARIABLE, rule, items)


def mactor_candidates(output: Mapping[str, Any]) -> Candidates:
    objectives = list(output.get("objectives") or [])
    orders = list(output.get("orders") or [])
    order = max(orders, key=lambda o: o.get("order", 0)) if orders else {}
    mobilisation = list(order.get("mobilisation") or [])
    for_ = list(order.get("objective_for") or [])
    against = list(order.get("objective_against") or [])
    positions = sorted(
        range(len(objectives)),
        key=lambda i: -float(mobilisation[i]) if i < len(mobilisation) else 0.0,
    )
    items = []
    for i in positions:
        name = str(objectives[i])
        detail = ""
        if i < len(mobilisation) and i < len(for_) and i < len(against):
            detail = _("mobilisation %(total)s (pour %(for)s, contre %(against)s)") % {
                "total": _number(mobilisation[i]),
                "for": _number(for_[i]),
                "against": _number(against[i]),
            }
            if float(for_[i]) > 0 and float(against[i]) > 0:
                detail += " — " + _("objectif disputé")
        items.append(Candidate(RetainedKind.ISSUE, name, name, detail))
    rule = _(
        "Les objectifs, du plus mobilisateur au moins mobilisateur (mobilisation de l’ordre "
        "%(order)s\u00a0: positions pondérées par le rapport de force quand il vaut 3)."
    ) % {"order": order.get("order", "—")}
    return Candidates(RetainedKind.ISSUE, rule, items)


def regnier_candidates(output: Mapping[str, Any]) -> Candidates:
    items = []
    for statement in output.get("statements") or []:
        if not statement.get("answered"):
            continue
        name = str(statement.get("name", ""))
        if statement.get("dissensus"):
            detail = _("dissensus (dispersion %(value)s)") % {
                "value": _number(statement.get("dispersion"), 2)
            }
        else:
            detail = _("consensus (moyenne %(mean)s, %(share)s %% favorables)") % {
                "mean": _number(statement.get("mean"), 2),
                "share": _number(100 * float(statement.get("favourable") or 0), 0),
            }
        items.append(Candidate(RetainedKind.STATEMENT, name, name, detail))
    rule = _(
        "Les énoncés votés, dans l’ordre de l’abaque\u00a0: les consensus d’abord, puis les "
        "dissensus (dispersion au-dessus du seuil)."
    )
    return Candidates(RetainedKind.STATEMENT, rule, items)


def scenario_candidates(scenarios: Iterable[Any]) -> Candidates:
    items = [
        Candidate(
            RetainedKind.SCENARIO,
            scenario.name,
            scenario.name,
            " ; ".join(f"{k}\u00a0: {v}" for k, v in (scenario.configuration or {}).items()),
            scenario_id=scenario.pk,
        )
        for scenario in scenarios
    ]
    rule = _("Les scénarios enregistrés de l’étude, avec leur configuration.")
    return Candidates(RetainedKind.SCENARIO, rule, items)


OUTPUT_CANDIDATES: dict[str, Callable[[Mapping[str, Any]], Candidates]] = {
    Method.MICMAC: micmac_candidates,
    Method.MACTOR: mactor_candidates,
    Method.REGNIER: regnier_candidates,
}

# What the « Retenir » section is called for each kind (page headings).
KIND_HEADINGS = {
    RetainedKind.VARIABLE: gettext_lazy("Variables clés"),
    RetainedKind.ISSUE: gettext_lazy("Enjeux stratégiques des acteurs"),
    RetainedKind.SCENARIO: gettext_lazy("Scénarios retenus"),
    RetainedKind.STATEMENT: gettext_lazy("Énoncés de consensus ou de dissensus"),
}


def candidates_for(
    method: str, output: Mapping[str, Any] | None, scenarios: Iterable[Any] = ()
) -> list[Candidates]:
    """The candidates of a study of `method`: from the run's output, and its scenarios."""
    found = []
    extract = OUTPUT_CANDIDATES.get(method)
    if extract is not None and output:
        found.append(extract(output))
    if method in SCENARIO_METHODS:
        found.append(scenario_candidates(scenarios))
    return found


def find_candidate(groups: Iterable[Candidates], kind: str, key: str) -> Candidate | None:
    for group in groups:
        for item in group.items:
            if item.kind == kind and item.key == key:
                return item
    return None
