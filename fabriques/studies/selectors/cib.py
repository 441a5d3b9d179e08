"""Reads of the CIB screens: the impact grid, the study page's summary, a run's consistent
scenarios (with what the library says when its list is not complete) and the queued runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fabriques.core.text import quote

from ..models import QueuedRun, Study, StudyRun
from ..services.cib import cib_inputs
from ._base import Grid, build_grid

# Scenarios shown on a run's page (and the public page); all of them page by page elsewhere.
SCENARIOS_SHOWN = 50
SCENARIOS_PER_PAGE = 50


def _number(value: int) -> str:
    """An integer with the French thousands separator (narrow no-break space)."""
    return f"{value:,}".replace(",", "\u202f")


def cib_grid(study: Study, posted: dict[tuple[int, int], str] | None = None) -> Grid:
    """The impact grid: every variant against every variant, grouped by descriptor, each
    cell labelled « Impact de A : a1 sur B : b2 » with who filled it (one query). A
    descriptor's own block (self-impacts) is shaded but editable: the library counts it."""
    descriptors, matrix = cib_inputs(study)
    names = [f"{d['name']}\u00a0: {v}" for d in descriptors for v in d["variants"]]
    return build_grid(
        study,
        matrix="matrix",
        caption=_(
            "Impact de la variante en ligne sur la variante en colonne, de −3 à +3 "
            "(%(descriptors)s descripteurs, %(variants)s variantes)"
        )
        % {"descriptors": len(descriptors), "variants": len(names)},
        rows=names,
        columns=names,
        values=matrix,
        posted=posted,
        label=lambda source, target: (
            _("Impact de %(source)s sur %(target)s") % {"source": source, "target": target}
        ),
        pattern="[+\\-−]?[0-3]?",
        maxlength=2,
        diagonal=False,
        inputmode="text",
        groups=[(d["name"], len(d["variants"])) for d in descriptors],
    )


def cib_inputs_summary(study: Study) -> dict[str, Any]:
    """The study page's inputs section: the descriptors with their variants and how much of
    the grid is filled (no query)."""
    descriptors, matrix = cib_inputs(study)
    n = len(matrix)
    return {
        "descriptors": descriptors,
        "variant_count": n,
        "filled": sum(1 for row in matrix for value in row if value),
        "cells": n * n,
    }


@dataclass(frozen=True)
class ScenarioRow:
    index: int  # position in the run's list (0-based), used to save it
    rank: int  # 1-based
    variants: list[str]
    inconsistency: int
    total_impact_score: int


def _rows(scenarios: list[dict[str, Any]], start: int) -> list[ScenarioRow]:
    return [
        ScenarioRow(
            index=start + k,
            rank=start + k + 1,
            variants=[str(v) for v in s["variants"]],
            inconsistency=int(s["inconsistency"]),
            total_impact_score=int(s["total_impact_score"]),
        )
        for k, s in enumerate(scenarios)
    ]


def cib_notes(run: StudyRun) -> list[str]:
    """What the library says about the completeness of the run's list, in French: the time
    budget cut the search (its `exhaustive: false`, on which descriptors), or the list is capped
    while the count stays exact; and the weak consistency asked for."""
    output = run.output
    listed = len(output.get("scenarios", []))
    notes = []
    if not output.get("exhaustive", True):
        cut = [
            ", ".join(quote(name) for name in island["descriptors"])
            for island in output.get("islands", [])
            if island.get("scenario_count") is None
        ]
        notes.append(
            _(
                "La recherche exacte a dépassé le temps imparti (%(budget)s\u00a0s) sur les "
                "descripteurs %(names)s\u00a0: la liste donne les scénarios cohérents trouvés "
                "(au moins %(lower)s au total), pas forcément tous. Chacun d’eux est bien "
                "cohérent\u00a0; réduisez le modèle ou augmentez le temps de calcul pour une "
                "liste complète."
            )
            % {
                "budget": run.input.get("time_budget_s", 10),
                "names": " ; ".join(cut) or "—",
                "lower": _number(int(output.get("scenario_count_lower_bound") or listed)),
            }
        )
    elif (output.get("scenario_count") or 0) > listed:
        notes.append(
            _(
                "%(count)s scénarios sont cohérents\u00a0: seuls les %(listed)s premiers, par "
                "impact total décroissant, sont calculés et listés. Le nombre est exact."
            )
            % {"count": _number(int(output["scenario_count"])), "listed": _number(listed)}
        )
    tolerance = int(run.input.get("max_inconsistency", 0) or 0)
    if tolerance:
        notes.append(
            ngettext(
                "Cohérence faible\u00a0: un écart d’au plus %(k)s point est toléré.",
                "Cohérence faible\u00a0: un écart d’au plus %(k)s points est toléré.",
                tolerance,
            )
            % {"k": tolerance}
        )
    return notes


def cib_results(run: StudyRun) -> dict[str, Any]:
    """A run's results page: the descriptors, the first scenarios (`SCENARIOS_SHOWN`), the
    counts and the notes (no query)."""
    output = run.output
    scenarios = list(output.get("scenarios", []))
    return {
        "cib_descriptors": [str(d["name"]) for d in run.input.get("descriptors", [])],
        "cib_rows": _rows(scenarios[:SCENARIOS_SHOWN], 0),
        "cib_listed": len(scenarios),
        "cib_more": len(scenarios) > SCENARIOS_SHOWN,
        "cib_space": _number(int(output.get("scenario_space", 0))),
        "cib_count": (
            _number(int(output["scenario_count"]))
            if output.get("scenario_count") is not None
            else None
        ),
        "cib_lower": _number(int(output.get("scenario_count_lower_bound") or 0)),
        "cib_exhaustive": bool(output.get("exhaustive", True)),
        "cib_notes": cib_notes(run),
    }


def cib_scenarios_page(run: StudyRun, page: Any = 1) -> tuple[Page[Any], list[ScenarioRow]]:
    """Every scenario the run listed, page by page (no query)."""
    scenarios = list(run.output.get("scenarios", []))
    found = Paginator(scenarios, SCENARIOS_PER_PAGE).get_page(page)
    return found, _rows(list(found.object_list), found.start_index() - 1 if scenarios else 0)


def cib_run_scenario(run: StudyRun, index: int) -> dict[str, str] | None:
    """The run's scenario `index` as {descriptor: variant}, in the descriptors' order; None
    when there is no such scenario."""
    scenarios = run.output.get("scenarios", [])
    if not 0 <= index < len(scenarios):
        return None
    names = [str(d["name"]) for d in run.input.get("descriptors", [])]
    return dict(zip(names, (str(v) for v in scenarios[index]["variants"]), strict=True))


def cib_queued_run(study: Study, pk: int) -> QueuedRun | None:
    """The study's queued run `pk` (one query), None when it is not this study's."""
    return QueuedRun.objects.filter(study=study, pk=pk).first()


def study_scenarios(study: Study) -> list[Any]:
    """The study's named scenarios, by name (one query)."""
    return list(study.scenarios.order_by("name", "pk"))
