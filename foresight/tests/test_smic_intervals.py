"""Intervals from the equations actually given, checked by hand and against cold linprog."""

import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy.optimize import linprog

from foresight import smic, smic_lp
from foresight.tests.test_smic import consistent_input

NONE2 = [[None, None], [None, None]]


def brute_intervals(
    a_eq: NDArray[np.float64], b_eq: NDArray[np.float64]
) -> list[tuple[float, float]]:
    """One cold linprog per bound over {π ≥ 0 : a_eq π = b_eq}, no row reduction."""
    out = []
    for s in range(a_eq.shape[1]):
        cost = np.zeros(a_eq.shape[1])
        cost[s] = 1
        lo = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        hi = linprog(-cost, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert lo.status == 0 and hi.status == 0
        out.append((float(lo.fun), float(-hi.fun)))
    return out


def by_bits(result: smic.SmicResult) -> dict[str, list[float] | None]:
    return {s.bits: s.interval for s in result.scenarios}


def test_marginals_only_give_the_frechet_bounds() -> None:
    # P(A) = 0.6, P(B) = 0.5, nothing else: P(A∧B) ∈ [max(0, 0.6 + 0.5 − 1), min(0.6, 0.5)]
    # = [0.1, 0.5]; then A∧¬B = 0.6 − P(A∧B) ∈ [0.1, 0.5], ¬A∧B = 0.5 − P(A∧B) ∈ [0, 0.4],
    # ¬A∧¬B = 1 − 0.6 − 0.5 + P(A∧B) ∈ [0, 0.4]. The old code answered [0.5, 0.5]-style points.
    doc = {"hypotheses": ["A", "B"], "p": [0.6, 0.5], "p_if": NONE2, "p_if_not": NONE2}
    result = smic.solve(smic.parse(doc))
    expected = {"11": [0.1, 0.5], "10": [0.1, 0.5], "01": [0.0, 0.4], "00": [0.0, 0.4]}
    for bits, interval in by_bits(result).items():
        assert interval == pytest.approx(expected[bits], abs=1e-9)
    assert result.determined is False
    assert result.residual == pytest.approx(0, abs=1e-20)


def test_one_half_each_without_conditionals_is_wide_open() -> None:
    doc = {"hypotheses": ["A", "B"], "p": [0.5, 0.5], "p_if": NONE2, "p_if_not": NONE2}
    intervals = by_bits(smic.solve(smic.parse(doc)))
    for interval in intervals.values():
        assert interval == pytest.approx([0.0, 0.5], abs=1e-9)


def test_one_conditional_determines_two_hypotheses() -> None:
    # P(A|B) = 0.8 with P(B) = 0.5 fixes P(A∧B) = 0.4, hence all four cells.
    doc = {
        "hypotheses": ["A", "B"],
        "p": [0.6, 0.5],
        "p_if": [[None, 0.8], [None, None]],
        "p_if_not": NONE2,
    }
    result = smic.solve(smic.parse(doc))
    expected = {"11": 0.4, "10": 0.2, "01": 0.1, "00": 0.3}
    for s in result.scenarios:
        assert s.interval == pytest.approx([expected[s.bits]] * 2, abs=1e-9)
    assert result.determined is True


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_full_consistent_input_gives_the_old_pair_intervals(seed: int) -> None:
    # With every conditional given, the given equations fix every marginal and pair: the
    # intervals are those the former code computed from the fitted marginals and pairs.
    n = 3
    pi = np.random.default_rng(seed).dirichlet(np.ones(1 << n))
    result = smic.solve(smic.parse(consistent_input(pi)))
    mon = smic._monomials(n)
    expected = brute_intervals(mon, mon @ pi)
    got = {s.bits: s.interval for s in result.scenarios}
    for index, (lo, hi) in enumerate(expected):
        assert got[smic._bits(index, n)] == pytest.approx([lo, hi], abs=1e-7)


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_partial_consistent_input_matches_brute_force_on_the_given_equations(seed: int) -> None:
    n = 3
    rng = np.random.default_rng(seed)
    pi = rng.dirichlet(np.ones(1 << n))
    doc = consistent_input(pi)
    for key in ("p_if", "p_if_not"):
        doc[key] = [[v if rng.random() < 0.4 else None for v in row] for row in doc[key]]
    data = smic.parse(doc)
    result = smic.solve(data)
    a_eq = np.vstack([np.ones((1, 1 << n)), smic.equations(data)])
    b_eq = np.zeros(len(a_eq))
    b_eq[0] = 1
    expected = brute_intervals(a_eq, b_eq)
    got = by_bits(result)
    for index, (lo, hi) in enumerate(expected):
        assert got[smic._bits(index, n)] == pytest.approx([lo, hi], abs=1e-7)


def test_inconsistent_input_bounds_the_equally_good_fits() -> None:
    # P(A|B)·P(B) = 0.45 > P(A) = 0.3: the residual is positive; the interval is taken over the
    # distributions with the same residual on every given equation (all least-squares optima).
    doc = {
        "hypotheses": ["A", "B", "C"],
        "p": [0.3, 0.5, 0.4],
        "p_if": [[None, 0.9, None], [0.5, None, None], [None, None, None]],
        "p_if_not": [[None, 0.1, None], [0.5, None, None], [None, None, None]],
    }
    data = smic.parse(doc)
    result = smic.solve(data)
    assert result.residual > 1e-4
    c = smic.equations(data)
    pi = np.zeros(8)
    for s in result.scenarios:
        pi[int(s.bits[::-1], 2)] = s.probability
    a_eq = np.vstack([np.ones((1, 8)), c])
    expected = brute_intervals(a_eq, a_eq @ pi)
    got = by_bits(result)
    for index, (lo, hi) in enumerate(expected):
        assert got[smic._bits(index, 3)] == pytest.approx([lo, hi], abs=1e-7)
    # C is given nothing but its marginal: its scenarios stay wide open.
    assert result.determined is False


def test_only_the_top_intervals_when_asked() -> None:
    pi = np.random.default_rng(3).dirichlet(np.ones(16))
    doc = {**consistent_input(pi), "intervals": 3}
    result = smic.solve(smic.parse(doc))
    assert [s.interval is not None for s in result.scenarios] == [True] * 3 + [False] * 13
    assert result.determined is None
    full = smic.solve(smic.parse(consistent_input(pi)))
    for mine, reference in zip(result.scenarios[:3], full.scenarios[:3], strict=True):
        assert mine.interval == pytest.approx(reference.interval, abs=1e-9)
    none = smic.solve(smic.parse({**consistent_input(pi), "intervals": "none"}))
    assert none.linear_programmes == 0
    assert all(s.interval is None for s in none.scenarios)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_warm_bounds_equal_cold_linprog(seed: int) -> None:
    rng = np.random.default_rng(seed)
    mon = smic._monomials(4)
    pi = rng.dirichlet(np.ones(16))
    a = mon[: 1 + 4 + 3]  # a partial moment system
    warm, _ = smic_lp.bounds(a, a @ pi, pi, list(range(16)))
    cold, _ = smic_lp.bounds(a, a @ pi, pi, list(range(16)), warm=False)
    for s in range(16):
        assert warm[s] == pytest.approx(cold[s], abs=1e-8)


def test_row_basis_keeps_the_row_space() -> None:
    k = np.array([[1.0, 2, 0], [2, 4, 0], [0, 0, 0], [1, 0, 1]])
    basis = smic._row_basis(k)
    assert basis.shape == (2, 3)
    assert np.linalg.matrix_rank(np.vstack([basis, k])) == 2


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 3), st.sampled_from(smic.OBJECTIVES), st.data())
def test_any_partial_input_gives_intervals_around_the_fit(
    n: int, objective: str, data: st.DataObject
) -> None:
    cell = st.one_of(st.none(), st.floats(0, 1), st.sampled_from([0.0, 1.0]))
    doc = {
        "hypotheses": [f"H{i}" for i in range(n)],
        "p": [data.draw(st.floats(0, 1)) for _ in range(n)],
        "p_if": [[None if i == j else data.draw(cell) for j in range(n)] for i in range(n)],
        "p_if_not": [[None if i == j else data.draw(cell) for j in range(n)] for i in range(n)],
        "objective": objective,
    }
    result = smic.solve(smic.parse(doc))
    assert sum(s.probability for s in result.scenarios) == pytest.approx(1, abs=1e-9)
    for s in result.scenarios:
        assert s.interval is not None
        lo, hi = s.interval
        assert 0 <= lo <= s.probability <= hi <= 1


def test_a_failed_warm_solve_falls_back_to_a_cold_one() -> None:
    if not smic_lp._WARM:
        pytest.skip("scipy without its HiGHS bindings: every solve is cold already")
    mon = smic._monomials(2)
    pi = np.array([0.1, 0.2, 0.3, 0.4])
    warm = smic_lp._Warm(mon, mon @ pi)

    class Failing:
        def __init__(self, inner: object) -> None:
            self.inner = inner

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

        def getModelStatus(self) -> object:  # HiGHS spells it so
            core = importlib.import_module("scipy.optimize._highspy._core")
            return core.HighsModelStatus.kSolveError

    warm.highs = Failing(warm.highs)
    x = warm.solve(3, maximise=True)
    assert x == pytest.approx(pi)  # two hypotheses, full moments: the only distribution
