"""The 1975 Duperrin–Godet objective, elasticities and several experts, by hand."""

import numpy as np
import pytest
from scipy.optimize import minimize

from foresight import InputError, smic
from foresight.tests.test_smic import consistent_input

NONE2 = [[None, None], [None, None]]

# P(A) = P(B) = 0.5; P(A|B) = 0.6, P(B|A) = 0.4, P(A|¬B) = 0.4, P(B|¬A) = 0.4.
DG_CASE = {
    "hypotheses": ["A", "B"],
    "p": [0.5, 0.5],
    "p_if": [[None, 0.6], [0.4, None]],
    "p_if_not": [[None, 0.4], [0.4, None]],
}


def probabilities(result: smic.SmicResult) -> dict[str, float]:
    return {s.bits: s.probability for s in result.scenarios}


def test_duperrin_godet_hand_computed() -> None:
    # Terms with the given marginals: P(A∧B) = 0.6·0.5 = 0.3 and 0.4·0.5 = 0.2, P(A∧¬B) = 0.4·0.5
    # = 0.2, P(B∧¬A) = 0.4·0.5 = 0.2. Minimise (0.3 − π11)² + (0.2 − π11)² + (0.2 − π10)² +
    # (0.2 − π01)² with π00 = 1 − the rest ≥ 0: π11 = 0.25, π10 = π01 = 0.2, π00 = 0.35,
    # objective 2·0.05² = 0.005, every term's residual fixed, hence determined.
    result = smic.solve(smic.parse({**DG_CASE, "objective": "duperrin_godet_1975"}))
    assert result.objective == "duperrin_godet_1975"
    assert probabilities(result) == pytest.approx(
        {"11": 0.25, "10": 0.2, "01": 0.2, "00": 0.35}, abs=1e-9
    )
    assert result.residual == pytest.approx(0.005, abs=1e-12)
    assert result.determined is True
    # The default objective corrects the marginals too and lands elsewhere.
    linear = probabilities(smic.solve(smic.parse(DG_CASE)))
    assert linear["00"] != pytest.approx(0.35, abs=1e-3)


def test_duperrin_godet_without_conditionals_says_nothing() -> None:
    # The printed objective has no marginal term: with no conditional it is identically zero,
    # every distribution is optimal and every interval is [0, 1].
    doc = {"hypotheses": ["A", "B"], "p": [0.6, 0.5], "p_if": NONE2, "p_if_not": NONE2}
    result = smic.solve(smic.parse({**doc, "objective": "duperrin_godet_1975"}))
    assert result.residual == 0
    for s in result.scenarios:
        assert s.interval == pytest.approx([0.0, 1.0], abs=1e-9)
    assert result.determined is False


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_both_objectives_reproduce_consistent_input(seed: int) -> None:
    pi = np.random.default_rng(seed).dirichlet(np.ones(4))
    doc = consistent_input(pi)
    for objective in smic.OBJECTIVES:
        result = smic.solve(smic.parse({**doc, "objective": objective}))
        got = probabilities(result)
        for index in range(4):
            assert got[smic._bits(index, 2)] == pytest.approx(pi[index], abs=1e-9)
        assert result.residual == pytest.approx(0, abs=1e-18)


def test_elasticities_one_hypothesis_hand_computed() -> None:
    # π("1") = x, π("0") = 1 − x: derivatives 1 and −1, elasticities 1 and −x/(1 − x).
    doc = {"hypotheses": ["A"], "p": [0.3], "p_if": [[None]], "p_if_not": [[None]]}
    table = smic.solve(smic.parse({**doc, "elasticities": True})).elasticities
    assert table is not None
    assert table.inputs == ["p[0]"]
    assert table.scenarios == ["0", "1"]
    np.testing.assert_allclose(table.derivatives, [[-1.0], [1.0]], atol=1e-6)
    np.testing.assert_allclose(table.elasticities, [[-0.3 / 0.7], [1.0]], atol=1e-6)
    assert table.step == smic.ELASTICITY_STEP


def test_elasticities_one_sided_at_the_bound_and_lists_given_inputs() -> None:
    # P(A|B) = 1 cannot be raised: the difference is taken between 1 and 1 − step, checked here
    # against two separate solves through the public API.
    doc: dict[str, object] = {
        "hypotheses": ["A", "B"],
        "p": [0.5, 0.5],
        "p_if": [[None, 1.0], [None, None]],
        "p_if_not": NONE2,
        "elasticities": True,
    }
    table = smic.solve(smic.parse(doc)).elasticities
    assert table is not None
    assert table.inputs == ["p[0]", "p[1]", "p_if[0][1]"]
    column = [row[2] for row in table.derivatives]
    h = smic.ELASTICITY_STEP
    lowered = {**doc, "p_if": [[None, 1 - h], [None, None]], "elasticities": False}
    at = probabilities(smic.solve(smic.parse({**doc, "elasticities": False})))
    below = probabilities(smic.solve(smic.parse(lowered)))
    expected = [(at[bits] - below[bits]) / h for bits in table.scenarios]
    np.testing.assert_allclose(column, expected, atol=1e-6)
    assert max(abs(v) for v in column) > 0.1


def test_elasticities_are_budgeted() -> None:
    n = smic.MAX_ELASTICITY_HYPOTHESES + 1
    none = [[None] * n for _ in range(n)]
    doc = {
        "hypotheses": [f"H{i}" for i in range(n)],
        "p": [0.5] * n,
        "p_if": none,
        "p_if_not": none,
        "elasticities": True,
    }
    with pytest.raises(InputError, match="at most 8 hypotheses"):
        smic.parse(doc)


def expert(name: str, weight: float, same: float) -> dict[str, object]:
    # P(A) = P(B) = 0.5; same = P(A|B) = P(B|A), 1 − same = P(A|¬B) = P(B|¬A).
    return {
        "name": name,
        "weight": weight,
        "p": [0.5, 0.5],
        "p_if": [[None, same], [same, None]],
        "p_if_not": [[None, 1 - same], [1 - same, None]],
    }


def test_experts_solved_separately_averaged_and_combined() -> None:
    # Expert X: A ⇔ B (π11 = π00 = 0.5); expert Y, three times the weight: A ⇔ ¬B
    # (π10 = π01 = 0.5). Weighted mean of the distributions: π11 = π00 = 0.125,
    # π10 = π01 = 0.375. Combined input: P(A|B) = 0.25·1 + 0.75·0 = 0.25 → the same here.
    doc = {"hypotheses": ["A", "B"], "experts": [expert("X", 1, 1.0), expert("Y", 3, 0.0)]}
    result = smic.solve(smic.parse(doc))
    assert result.experts is not None and result.expert_average is not None
    order = [s.bits for s in result.scenarios]
    x, y = result.experts
    assert (x.name, x.weight, y.name, y.weight) == ("X", 0.25, "Y", 0.75)
    assert dict(zip(order, x.probabilities, strict=True)) == pytest.approx(
        {"11": 0.5, "00": 0.5, "10": 0, "01": 0}, abs=1e-9
    )
    assert dict(zip(order, y.probabilities, strict=True)) == pytest.approx(
        {"11": 0, "00": 0, "10": 0.5, "01": 0.5}, abs=1e-9
    )
    assert dict(zip(order, result.expert_average, strict=True)) == pytest.approx(
        {"11": 0.125, "00": 0.125, "10": 0.375, "01": 0.375}, abs=1e-9
    )
    assert probabilities(result) == pytest.approx(
        {"11": 0.125, "00": 0.125, "10": 0.375, "01": 0.375}, abs=1e-9
    )
    assert result.p_if[0][1] == pytest.approx(0.25)


def test_combined_input_averages_only_the_experts_who_answered() -> None:
    a = expert("X", 1, 0.8)
    b = {**expert("Y", 1, 0.4), "p_if": [[None, None], [0.4, None]]}
    data = smic.parse({"hypotheses": ["A", "B"], "experts": [a, b]})
    assert data.p_if[0][1] == pytest.approx(0.8)  # Y gave nothing there
    assert data.p_if[1][0] == pytest.approx(0.6)
    assert data.p_if_not[0][1] == pytest.approx(0.4)


def test_without_experts_the_fields_are_null() -> None:
    result = smic.solve(smic.parse(DG_CASE)).to_dict()
    assert result["experts"] is None and result["expert_average"] is None
    assert result["elasticities"] is None


def independent(name: str, a: float, b: float) -> dict[str, object]:
    return {
        "name": name,
        "p": [a, b],
        "p_if": [[None, a], [b, None]],
        "p_if_not": [[None, a], [b, None]],
    }


def test_averaging_distributions_differs_from_averaging_inputs() -> None:
    # X: P(A) = 0.2, P(B) = 0.8, independent; Y the other way round. Mean of the distributions:
    # π11 = (0.16 + 0.16)/2 = 0.16, π10 = (0.04 + 0.64)/2 = 0.34, π01 = 0.34, π00 = 0.16.
    # Mean of the inputs: every probability 0.5, independent, so 0.25 each.
    doc = {
        "hypotheses": ["A", "B"],
        "experts": [independent("X", 0.2, 0.8), independent("Y", 0.8, 0.2)],
    }
    result = smic.solve(smic.parse(doc))
    assert result.expert_average is not None
    order = [s.bits for s in result.scenarios]
    assert dict(zip(order, result.expert_average, strict=True)) == pytest.approx(
        {"11": 0.16, "10": 0.34, "01": 0.34, "00": 0.16}, abs=1e-9
    )
    assert probabilities(result) == pytest.approx(
        {"11": 0.25, "10": 0.25, "01": 0.25, "00": 0.25}, abs=1e-9
    )


# The example printed with the 1975 programme (Duperrin & Godet, "SMIC 74"), scenarios numbered
# 1 = 111, 2 = 110, 3 = 101, 4 = 100, 5 = 011, 6 = 010, 7 = 001, 8 = 000 (hypotheses 1, 2, 3):
PRINTED = [
    (0.30, 1, 5),
    (0.15, 3, 7),
    (0.30, 1, 3),
    (0.04, 5, 7),
    (0.24, 1, 5),
    (0.04, 2, 6),
    (0.24, 1, 2),
    (0.24, 5, 6),
    (0.27, 1, 3),
    (0.35, 2, 4),
    (0.35, 1, 2),
    (0.20, 3, 4),
]


def test_the_printed_1975_example() -> None:
    # Each term is P(i|j)·P(j) or P(i|¬j)·P(¬j); any marginals reproduce its constants. With
    # P(1) = 0.5, P(2) = 0.6, P(3) = 0.45: P(3|2) = 0.30/0.6, P(3|¬2) = 0.15/0.4, P(3|1) = 0.30/0.5,
    # P(3|¬1) = 0.04/0.5, P(2|3) = 0.24/0.45, P(2|¬3) = 0.04/0.55, P(2|1) = P(2|¬1) = 0.24/0.5,
    # P(1|3) = 0.27/0.45, P(1|¬3) = 0.35/0.55, P(1|2) = 0.35/0.6, P(1|¬2) = 0.20/0.4.
    p_if = [[None, 0.35 / 0.6, 0.27 / 0.45], [0.24 / 0.5, None, 0.24 / 0.45], [0.6, 0.5, None]]
    p_if_not = [[None, 0.5, 0.35 / 0.55], [0.48, None, 0.04 / 0.55], [0.08, 0.375, None]]
    doc = {
        "hypotheses": ["1", "2", "3"],
        "p": [0.5, 0.6, 0.45],
        "p_if": p_if,
        "p_if_not": p_if_not,
        "objective": "duperrin_godet_1975",
    }
    result = smic.solve(smic.parse(doc))
    # Our bits list hypothesis 1 first, as the printed numbering does.
    number = {"111": 1, "110": 2, "101": 3, "100": 4, "011": 5, "010": 6, "001": 7, "000": 8}
    pi = np.zeros(9)
    for s in result.scenarios:
        pi[number[s.bits]] = s.probability

    def printed(x: np.ndarray) -> float:
        return float(sum((c - x[a] - x[b]) ** 2 for c, a, b in PRINTED))

    assert printed(pi) == pytest.approx(result.residual, abs=1e-12)
    # An independent solver on the printed objective reaches the same minimum.
    best = minimize(
        lambda x: printed(np.concatenate([[0.0], x])),
        np.full(8, 1 / 8),
        method="SLSQP",
        bounds=[(0, 1)] * 8,
        constraints=[{"type": "eq", "fun": lambda x: x.sum() - 1}],
        options={"ftol": 1e-14, "maxiter": 500},
    )
    assert best.success
    assert result.residual == pytest.approx(best.fun, abs=1e-9)
