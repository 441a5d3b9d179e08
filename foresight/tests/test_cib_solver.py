"""The CIB solver's budgets, islands, intervention, explanations and matrix check (issue 13)."""

import itertools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foresight import InputError, _cib_search, cib

from .test_cib import HAND


def doc_of(sizes: list[int], m: np.ndarray, **extra: Any) -> dict[str, Any]:
    return {
        "descriptors": [
            {"name": f"D{d}", "variants": [f"v{d}.{c}" for c in range(k)]}
            for d, k in enumerate(sizes)
        ],
        "matrix": m.tolist(),
        **extra,
    }


def brute(
    sizes: list[int], m: np.ndarray, k: int, fixed: dict[int, int]
) -> list[tuple[list[int], int, int]]:
    """Every scenario (fixed descriptors imposed and not checked), in output order."""
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    out = []
    ranges = [[fixed[d]] if d in fixed else range(s) for d, s in enumerate(sizes)]
    for scenario in itertools.product(*ranges):
        balance = m[[offsets[d] + c for d, c in enumerate(scenario)]].sum(axis=0)
        incons, tis = 0, 0
        for d, c in enumerate(scenario):
            block = balance[offsets[d] : offsets[d + 1]]
            if d not in fixed:
                incons = max(incons, int(block.max() - block[c]))
            tis += int(block[c])
        if incons <= k:
            out.append((list(scenario), incons, tis))
    return sorted(out, key=lambda s: (-s[2], s[0]))


@st.composite
def sparse_models(draw: st.DrawFn) -> tuple[list[int], np.ndarray, int, dict[int, int]]:
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=6))
    n, d_count = sum(sizes), len(sizes)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    values = draw(st.lists(st.integers(-2, 2), min_size=n * n, max_size=n * n))
    m = np.array(values, dtype=np.int64).reshape(n, n)
    # Zero most blocks so that the model splits into islands; keep some self-impacts.
    for a in range(d_count):
        for b in range(d_count):
            if draw(st.integers(0, 2)) > 0:
                m[offsets[a] : offsets[a + 1], offsets[b] : offsets[b + 1]] = 0
    fixed = {}
    for d in range(d_count):
        if draw(st.integers(0, 4)) == 0:
            fixed[d] = draw(st.integers(0, sizes[d] - 1))
    return sizes, m, draw(st.integers(0, 2)), fixed


@settings(max_examples=80, deadline=None)
@given(sparse_models(), st.integers(1, 12))
def test_solve_equals_brute_force_islands_fixed_and_cut(
    model: tuple[list[int], np.ndarray, int, dict[int, int]], keep: int
) -> None:
    sizes, m, k, fixed = model
    names = {f"D{d}": f"v{d}.{c}" for d, c in fixed.items()}
    expected = brute(sizes, m, k, fixed)
    doc = doc_of(sizes, m, max_inconsistency=k, fixed=names)
    full = cib.solve(cib.parse(doc))
    assert full.exhaustive and full.scenario_count == len(expected)
    got = [
        ([int(v.split(".")[1]) for v in s.variants], s.inconsistency, s.total_impact_score)
        for s in full.scenarios
    ]
    assert got == expected
    # Cut by the scenario budget: the count stays exact, the listing is the head of the order.
    cut = cib.solve(cib.parse({**doc, "max_scenarios_built": keep}))
    assert cut.scenario_count == len(expected)
    assert [s.variants for s in cut.scenarios] == [s.variants for s in full.scenarios[:keep]]
    assert (cut.reason is not None) == (len(expected) > keep)
    assert math.prod(i.scenario_count or 0 for i in full.islands) == (
        len(expected) if full.islands else 1
    )


def unfilled(n: int) -> dict[str, Any]:
    return doc_of([3] * n, np.zeros((3 * n, 3 * n), np.int64))


def test_unfilled_matrix_counts_without_building() -> None:
    result = cib.solve(cib.parse(unfilled(13)))
    assert result.exhaustive
    assert result.scenario_count == 3**13 == result.scenario_space
    assert result.scenario_count_lower_bound == 3**13
    assert len(result.islands) == 13
    assert len(result.scenarios) == 10_000
    assert result.reason is not None and "max_scenarios_built" in result.reason
    # Every score is 0: the order is the variant positions, the last descriptor turning fastest.
    assert result.scenarios[0].variants == [f"v{d}.0" for d in range(13)]
    assert result.scenarios[1].variants[-1] == "v12.1"
    assert result.scenarios[3].variants[-2:] == ["v11.1", "v12.0"]
    limited = cib.solve(cib.parse({**unfilled(20), "limit": 5}))
    assert limited.scenario_count == 3**20
    assert len(limited.scenarios) == 5
    assert limited.reason is None


def test_intervention_fixed_descriptor_is_not_checked() -> None:
    # HAND with A fixed to a1: B must be consistent given a1 (b1 balance 2, b2 −2) → (a1, b1).
    fixed_a1 = cib.solve(cib.parse({**HAND, "fixed": {"A": "a1"}}))
    assert [s.variants for s in fixed_a1.scenarios] == [["a1", "b1"]]
    # B fixed to b2: A's balances a1 −3, a2 +3 → a2; (a2, b2) is also consistent for B.
    fixed_b2 = cib.solve(cib.parse({**HAND, "fixed": {"B": "b2"}}))
    assert [s.variants for s in fixed_b2.scenarios] == [["a2", "b2"]]
    # A self-impact making A inconsistent under a2: fixing A keeps (a2, b2) (A unchecked).
    matrix = [[0, 0, 2, -2], [7, 0, -1, 1], [1, -1, 0, 0], [-3, 3, 0, 0]]
    free = cib.solve(cib.parse({**HAND, "matrix": matrix}))
    assert [s.variants for s in free.scenarios] == [["a1", "b1"]]
    forced = cib.solve(cib.parse({**HAND, "matrix": matrix, "fixed": {"A": "a2"}}))
    assert [(s.variants, s.inconsistency) for s in forced.scenarios] == [(["a2", "b2"], 0)]
    assert forced.scenario_space == 4


def test_balances_explain_each_scenario() -> None:
    result = cib.solve(cib.parse({**HAND, "with_balances": True}))
    first = result.to_dict()["scenarios"][0]
    assert first["variants"] == ["a2", "b2"]
    assert first["balances"] == {"A": {"a1": -3, "a2": 3}, "B": {"b1": -1, "b2": 1}}
    assert "balances" not in cib.solve(cib.parse(HAND)).to_dict()["scenarios"][0]


def test_matrix_check_and_standardize() -> None:
    doc = {
        "descriptors": [
            {"name": "A", "variants": ["a1", "a2"]},
            {"name": "B", "variants": ["b1", "b2"]},
            {"name": "C", "variants": ["c1", "c2"]},
        ],
        "matrix": [
            [0, 0, 3, 1, 0, 0],
            [0, 0, -2, 2, 0, 0],
            [-1, 1, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 0],
        ],
    }
    check = cib.solve(cib.parse(doc)).matrix_check
    assert check["empty_rows"] == {"B": ["b2"], "C": ["c1", "c2"]}
    assert check["empty_columns"] == {"C": ["c1", "c2"]}
    # a1 → b1 is +3 while b1 → a1 is −1: opposite signs; a2 → b1 −2 and b1 → a2 +1 too.
    assert check["opposite_judgements"] == [
        {"a": ["A", "a1"], "b": ["B", "b1"], "a_on_b": 3, "b_on_a": -1},
        {"a": ["A", "a2"], "b": ["B", "b1"], "a_on_b": -2, "b_on_a": 1},
    ]
    # Group a1 → B sums to 4 (mean 2, integral), a2 → B to 0, b1 → A to 0.
    assert check["unstandardized_groups"] == [{"row": ["A", "a1"], "onto": "B", "sum": 4}]
    plain = cib.solve(cib.parse(doc))
    std = cib.solve(cib.parse({**doc, "standardize": True}))
    assert std.matrix_check["standardized"] is True
    # Standardising moves total impact scores, never consistency.
    assert sorted(s.variants for s in std.scenarios) == sorted(s.variants for s in plain.scenarios)
    odd = np.array(doc["matrix"])
    odd[0][3] = 2
    with pytest.raises(InputError) as err:
        cib.parse({**doc, "matrix": odd.tolist(), "standardize": True})
    assert err.value.field == "standardize"
    assert "matrix[0][2..3]" in err.value.message


def test_budget_exceeded_falls_back_to_succession(monkeypatch: pytest.MonkeyPatch) -> None:
    # A clock that jumps one second per reading: the exact search is out of time at once.
    ticks = itertools.count()
    monkeypatch.setattr(_cib_search, "_clock", lambda: float(next(ticks)))
    rng = np.random.default_rng(3)
    sizes = [3] * 6
    m = rng.integers(-3, 4, (18, 18))
    result = cib.solve(cib.parse(doc_of(sizes, m, time_budget_s=0.5, monte_carlo_starts=300)))
    assert not result.exhaustive
    assert result.scenario_count is None
    assert result.reason is not None and "time budget" in result.reason
    assert result.monte_carlo is not None and result.monte_carlo["rule"] == "global"
    assert result.monte_carlo["starts"] == 256  # one batch at least, then the clock is past
    expected = {tuple(s[0]) for s in brute(sizes, m, 0, {})}
    got = {tuple(int(v.split(".")[1]) for v in s.variants) for s in result.scenarios}
    # Fixed points of succession are consistent scenarios: a subset of the exact answer.
    assert got <= expected and got
    for s in result.scenarios:
        assert s.inconsistency == 0
    assert result.scenario_count_lower_bound == len(got)


def test_budget_keeps_what_the_exact_search_had_found(monkeypatch: pytest.MonkeyPatch) -> None:
    # The clock stands still, then jumps past the deadline at its last reading by the exact
    # search: it has listed some of the 7,776 consistent scenarios of this connected model.
    sizes = [3, 2] * 5
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    m = np.ones((int(offsets[-1]),) * 2, np.int64)
    for d in range(len(sizes)):
        m[offsets[d] : offsets[d + 1], offsets[d] : offsets[d + 1]] = 0
    data = cib.parse(doc_of(sizes, m, monte_carlo_starts=50))
    readings = itertools.count()
    monkeypatch.setattr(_cib_search, "_clock", lambda: float(next(readings) * 0))
    assert cib.solve(data).exhaustive
    last = next(readings) - 1
    ticks = itertools.count()
    monkeypatch.setattr(_cib_search, "_clock", lambda: 0.0 if next(ticks) < last else 100.0)
    result = cib.solve(data)
    assert not result.exhaustive and result.scenario_count is None
    assert result.islands[0].scenario_count is None
    assert 50 < result.scenario_count_lower_bound < 7776
    assert len(result.scenarios) <= result.scenario_count_lower_bound
    positions = [[int(v.split(".")[1]) for v in s.variants] for s in result.scenarios]
    assert len({tuple(p) for p in positions}) == len(positions)
    assert all(cib.inconsistency(data, p) == 0 for p in positions)


def test_succession_step_hand_computed() -> None:
    model = cib.parse(HAND)
    sizes, m = [2, 2], np.array(model.matrix)
    # From (a1, b2): A's balances (−3, 3) → a2; B's (2, −2) → b1.
    assert cib.succession_step(sizes, m, [[0, 1]]).tolist() == [[1, 0]]
    # Consistent scenarios are fixed points.
    assert cib.succession_step(sizes, m, [[1, 1], [0, 0]]).tolist() == [[1, 1], [0, 0]]
    # Ties (the literature leaves them open): the current variant stays when among the best, so
    # with an unfilled matrix every scenario is a fixed point; otherwise the first best wins.
    assert cib.succession_step([3, 2], np.zeros((5, 5)), [[2, 1], [0, 0]]).tolist() == [
        [2, 1],
        [0, 0],
    ]
    tie = np.zeros((5, 5))
    tie[3, 1] = tie[3, 2] = 1  # b1 → a2 and a3 +1: from a1, A moves to a2, the first best
    assert cib.succession_step([3, 2], tie, [[0, 0], [2, 0]]).tolist() == [[1, 0], [2, 0]]


def test_islands_split_on_blocks_both_ways() -> None:
    m = np.zeros((6, 6), np.int64)
    m[0, 2] = 1  # A → B
    m[5, 4] = 1  # C self-impact: joins nothing
    assert cib.islands([2, 2, 2], m) == [[0, 1], [2]]
    assert cib.islands([2, 2, 2], m.T) == [[0, 1], [2]]


def test_connected_model_with_many_scenarios_keeps_the_first_in_order() -> None:
    # Every variant row gives +1 to every variant of every other descriptor: one island, all
    # 3⁵·2⁵ = 7,776 scenarios consistent with the same score. The search trims what it keeps
    # as it goes (mixed sizes: it works on a permuted model); the count stays exact and the
    # listing is the first scenarios in variant-position order.
    sizes = [3, 2] * 5
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    n = int(offsets[-1])
    m = np.ones((n, n), np.int64)
    for d in range(len(sizes)):
        m[offsets[d] : offsets[d + 1], offsets[d] : offsets[d + 1]] = 0
    result = cib.solve(cib.parse(doc_of(sizes, m, max_scenarios_built=10)))
    assert len(result.islands) == 1
    assert result.scenario_count == 7776
    expected = list(itertools.islice(itertools.product(*[range(k) for k in sizes]), 10))
    got = [tuple(int(v.split(".")[1]) for v in s.variants) for s in result.scenarios]
    assert got == expected
    assert {s.total_impact_score for s in result.scenarios} == {10 * 9}


@pytest.mark.parametrize("scale", [1, 100, 10**5, 10**8])
@pytest.mark.parametrize("k", [0, 1, 10**6])
def test_every_integer_width_equals_brute_force(scale: int, k: int) -> None:
    # The search holds values in int8, int16, int32 or int64 depending on the matrix range.
    rng = np.random.default_rng(scale)
    sizes = [3, 2, 4, 3]
    m = rng.integers(-3, 4, (12, 12)) * scale
    m[0, 5] = 3 * scale
    expected = brute(sizes, m, k * scale, {})
    result = cib.solve(cib.parse(doc_of(sizes, m, max_inconsistency=k * scale)))
    got = [
        ([int(v.split(".")[1]) for v in s.variants], s.inconsistency, s.total_impact_score)
        for s in result.scenarios
    ]
    assert got == expected


def test_succession_fallback_respects_the_intervention(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = itertools.count()
    monkeypatch.setattr(_cib_search, "_clock", lambda: float(next(ticks)))
    rng = np.random.default_rng(5)
    sizes = [3] * 6
    m = rng.integers(-3, 4, (18, 18))
    fixed = {2: 1}
    doc = doc_of(sizes, m, fixed={"D2": "v2.1"}, monte_carlo_starts=100, time_budget_s=0.5)
    data = cib.parse(doc)
    result = cib.solve(data)
    assert not result.exhaustive
    expected = {tuple(s[0]): s[2] for s in brute(sizes, m, 0, fixed)}
    assert result.scenarios and len(expected) == 2
    for s in result.scenarios:
        positions = tuple(int(v.split(".")[1]) for v in s.variants)
        assert positions[2] == 1
        assert expected[positions] == s.total_impact_score
        assert cib.inconsistency(data, positions, fixed=[2]) == 0
