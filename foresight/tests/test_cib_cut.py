"""The analyses that call the budgeted CIB solver say when its answer was cut.

An all-zero 20 × 3 matrix makes every one of the 3²⁰ scenarios consistent: the solver counts
them exactly (20 one-descriptor islands) but lists only the first ``max_scenarios_built``
(10 000), which every analysis must say instead of presenting the list as complete.
"""

import pytest

from foresight import cib, cib_tools, scenariowizard
from foresight.tests.cli_helpers import Cli
from foresight.tests.test_cib import HAND

ZERO20 = {
    "descriptors": [{"name": f"D{d}", "variants": ["a", "b", "c"]} for d in range(20)],
    "matrix": [[0] * 60 for _ in range(60)],
}
ALL = 3**20
LISTED = 10_000


def test_ensemble_of_unfilled_matrices_says_its_lists_were_cut() -> None:
    data = cib_tools.parse_model(ZERO20)
    result = cib_tools.ensemble(data.descriptors, [data.matrix, data.matrix], limit=3)
    assert result.exhaustive is False
    assert result.reason is not None
    assert result.reason.startswith("an expert's scenario list was cut")
    assert f"expert 1: {ALL} consistent scenarios: only the first {LISTED}" in result.reason
    # The union of the two (identical) lists, not the 3^20 consistent scenarios.
    assert result.scenario_count == LISTED
    assert result.sum_scenario_count == ALL
    assert len(result.scenarios) == len(result.sum_scenarios) == 3


def test_ensemble_complete_when_nothing_is_cut() -> None:
    data = cib_tools.parse_model(HAND)
    result = cib_tools.ensemble(data.descriptors, [data.matrix])
    assert (result.exhaustive, result.reason) == (True, None)


def test_diverse_among_a_cut_list_says_so() -> None:
    result = cib_tools.diverse(cib_tools.parse_model(ZERO20), 2)
    assert (result.candidates, result.exhaustive) == (LISTED, False)
    assert result.reason == (
        f"{ALL} consistent scenarios: only the first {LISTED} are listed"
        " (max_scenarios_built); the count is exact"
    )
    # Below the solver's listing cap, max_candidates is the cut and is named.
    capped = cib_tools.diverse(cib_tools.parse_model(HAND), 1, max_candidates=1)
    assert capped.exhaustive is False
    assert capped.reason == (
        "2 consistent scenarios: the selection is made among the first 1 by total impact score"
        " (max_candidates)"
    )
    full = cib_tools.diverse(cib_tools.parse_model(HAND), 1)
    assert (full.exhaustive, full.reason) == (True, None)


def test_intervention_passes_the_solver_cut_through() -> None:
    result = cib_tools.intervention(cib_tools.parse_model(ZERO20), {0: 2})
    assert (result.scenario_count, len(result.scenarios)) == (3**19, LISTED)
    assert result.exhaustive is True  # the count is exact ...
    assert (
        result.reason is not None and f"only the first {LISTED}" in result.reason
    )  # ... not the list


def test_intervention_out_of_time_is_not_exhaustive(monkeypatch: pytest.MonkeyPatch) -> None:
    # A clock that jumps past every deadline: the solver falls back on Monte Carlo.
    from foresight import _cib_search

    ticks = iter(range(0, 10**6, 100))
    monkeypatch.setattr(_cib_search, "_clock", lambda: float(next(ticks)))
    result = cib_tools.intervention(cib_tools.parse_model(HAND), {0: 0})
    assert result.exhaustive is False and result.scenario_count is None
    assert result.reason is not None and "time budget" in result.reason


def test_scenariowizard_export_with_solve_states_the_cut(cli: Cli) -> None:
    doc = {"action": "export", "model": ZERO20, "solve": True}
    payload = cli.ok("scenariowizard", doc)
    assert payload["scenario_count"] == ALL
    assert payload["exhaustive"] is True
    assert f"only the first {LISTED} are listed" in payload["reason"]
    solutions = scenariowizard.read_solutions(payload["sl"])
    assert len(solutions.solutions) == LISTED


def test_scenariowizard_export_complete() -> None:
    request = scenariowizard.parse({"action": "export", "model": HAND, "solve": True})
    payload = scenariowizard.solve(request).to_dict()
    assert payload["scenario_count"] == cib.solve(cib.parse(HAND)).scenario_count
    assert (payload["exhaustive"], payload["reason"]) == (True, None)
