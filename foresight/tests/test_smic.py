from typing import TypedDict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from foresight import smic


class SmicDoc(TypedDict):
    hypotheses: list[str]
    p: list[float]
    p_if: list[list[float | None]]
    p_if_not: list[list[float | None]]


def consistent_input(pi: NDArray[np.float64]) -> SmicDoc:
    n = int(np.log2(len(pi)))
    occ = smic._occurs(n)
    m = occ @ pi
    p_if = [
        [None if i == j else float((occ[i] * occ[j]) @ pi / m[j]) for j in range(n)]
        for i in range(n)
    ]
    p_if_not = [
        [None if i == j else float((occ[i] * (1 - occ[j])) @ pi / (1 - m[j])) for j in range(n)]
        for i in range(n)
    ]
    return {
        "hypotheses": [f"H{i}" for i in range(n)],
        "p": [float(x) for x in m],
        "p_if": p_if,
        "p_if_not": p_if_not,
    }


def test_independent_hypotheses_hand_computed() -> None:
    # Independent: P(A)=0.6, P(B)=0.5 → scenarios 0.3, 0.3, 0.2, 0.2, unique for two hypotheses.
    doc = {
        "hypotheses": ["A", "B"],
        "p": [0.6, 0.5],
        "p_if": [[None, 0.6], [0.5, None]],
        "p_if_not": [[None, 0.6], [0.5, None]],
    }
    result = smic.solve(smic.parse(doc))
    probs = {s.bits: s.probability for s in result.scenarios}
    assert probs == pytest.approx({"11": 0.3, "10": 0.3, "01": 0.2, "00": 0.2})
    assert result.determined
    assert result.residual == pytest.approx(0, abs=1e-20)
    assert result.p_if[0][1] == pytest.approx(0.6)


def test_inconsistent_experts_are_corrected_and_the_residual_says_so() -> None:
    # P(A|B)·P(B) = 0.45 would exceed P(A) = 0.3: no distribution satisfies the experts.
    doc = {
        "hypotheses": ["A", "B"],
        "p": [0.3, 0.5],
        "p_if": [[None, 0.9], [0.5, None]],
        "p_if_not": [[None, 0.1], [0.5, None]],
    }
    result = smic.solve(smic.parse(doc))
    assert sum(s.probability for s in result.scenarios) == pytest.approx(1)
    assert result.residual > 1e-4
    assert result.max_deviation > 0.01
    p_a_if_b = result.p_if[0][1]
    assert p_a_if_b is not None
    assert p_a_if_b * result.p[1] <= result.p[0] + 1e-12


def test_three_hypotheses_are_not_determined_by_pairs() -> None:
    pi = np.array([0.1, 0.15, 0.05, 0.2, 0.1, 0.1, 0.25, 0.05])
    result = smic.solve(smic.parse(consistent_input(pi)))
    assert not result.determined
    assert any(s.interval and s.interval[1] - s.interval[0] > 0.01 for s in result.scenarios)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_consistent_inputs_are_reproduced_exactly(n: int, seed: int) -> None:
    pi = np.random.default_rng(seed).dirichlet(np.ones(1 << n))
    doc = consistent_input(pi)
    result = smic.solve(smic.parse(doc))
    assert sum(s.probability for s in result.scenarios) == pytest.approx(1, abs=1e-12)
    assert result.p == pytest.approx(doc["p"], abs=1e-9)
    assert result.max_deviation < 1e-8
    for s in result.scenarios:
        assert s.interval is not None
        assert s.interval[0] - 1e-7 <= s.probability <= s.interval[1] + 1e-7
    if n <= 2:
        # Two hypotheses: marginals and the pair fix the four scenarios, hence the input.
        by_bits = {s.bits: s.probability for s in result.scenarios}
        for index in range(1 << n):
            bits = "".join(str((index >> i) & 1) for i in range(n))
            assert by_bits[bits] == pytest.approx(pi[index], abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 3), st.data())
def test_any_input_gives_a_distribution(n: int, data: st.DataObject) -> None:
    prob = st.floats(0, 1)
    doc = {
        "hypotheses": [f"H{i}" for i in range(n)],
        "p": [data.draw(prob) for _ in range(n)],
        "p_if": [[None if i == j else data.draw(prob) for j in range(n)] for i in range(n)],
        "p_if_not": [[None if i == j else data.draw(prob) for j in range(n)] for i in range(n)],
    }
    result = smic.solve(smic.parse(doc))
    probs = [s.probability for s in result.scenarios]
    assert min(probs) >= 0
    assert sum(probs) == pytest.approx(1, abs=1e-9)
