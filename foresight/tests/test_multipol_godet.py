"""Multipol, issue 13: expected scores under scenario probabilities, rank reversals."""

from typing import Any

import pytest

from foresight import InputError, multipol

DOC: dict[str, Any] = {
    "actions": ["A1", "A2"],
    "criteria": ["cost", "impact"],
    "scores": [[10, 4], [6, 8]],
    "policies": [
        {"name": "thrift", "weights": [3, 1], "probability": 0.25},
        {"name": "ambition", "weights": [1, 3], "probability": 0.75},
    ],
}


def test_expected_score_weights_policies_by_probability() -> None:
    result = multipol.solve(multipol.parse(DOC))
    a1, a2 = result.actions
    # A1: 0.25·8.5 + 0.75·5.5 = 6.25; A2: 0.25·6.5 + 0.75·7.5 = 7.25.
    assert (a1.expected, a2.expected) == (6.25, 7.25)
    assert (a1.expected_rank, a2.expected_rank) == (2, 1)
    assert result.expected_ranking == ["A2", "A1"]
    assert result.ranking == ["A1", "A2"]  # equal means (7): input order
    plain = {
        **DOC,
        "policies": [{k: v for k, v in p.items() if k != "probability"} for p in DOC["policies"]],
    }
    result = multipol.solve(multipol.parse(plain))
    assert result.expected_ranking is None and result.actions[0].expected is None


def test_rank_reversals_under_weight_perturbation() -> None:
    result = multipol.solve(multipol.parse({**DOC, "sensitivity": 0.6}))
    assert result.sensitivity is not None
    # thrift (0.75, 0.25): cost −0.6 → (0.375, 0.625): A1 6.25 < A2 7.25; impact +0.6 →
    # (0.46875, 0.53125): A1 6.8125 < A2 7.0625. ambition (0.25, 0.75): cost +0.6 →
    # (0.53125, 0.46875): A1 7.1875 > A2 6.9375; impact −0.6 → (0.625, 0.375): 7.75 > 6.75.
    found = [(p.policy, p.criterion, p.delta, p.reversals) for p in result.sensitivity]
    assert found == [
        ("thrift", "cost", -0.6, [["A1", "A2"]]),
        ("thrift", "impact", 0.6, [["A1", "A2"]]),
        ("ambition", "cost", 0.6, [["A2", "A1"]]),
        ("ambition", "impact", -0.6, [["A2", "A1"]]),
    ]
    assert result.sensitivity[0].weights == pytest.approx([0.375, 0.625])
    assert result.sensitivity[0].ranking == ["A2", "A1"]
    # At δ = 0.3 no ranking moves (both policies keep their order).
    assert multipol.solve(multipol.parse({**DOC, "sensitivity": 0.3})).sensitivity == []
    assert multipol.solve(multipol.parse(DOC)).sensitivity is None


def test_reversals_against_brute_force_on_three_actions() -> None:
    doc = {
        "actions": ["X", "Y", "Z"],
        "criteria": ["a", "b", "c"],
        "scores": [[9, 1, 5], [5, 5, 5], [1, 9, 5]],
        "policies": [{"name": "p", "weights": [1, 1, 1]}],
        "sensitivity": 0.2,
    }
    result = multipol.solve(multipol.parse(doc))
    assert result.sensitivity is not None
    # Equal weights: all three score 5, ranks by input order X, Y, Z. a + 0.2 favours X (no
    # change); a − 0.2 puts Z > Y > X; b + 0.2 the same; b − 0.2 X first (no change); c ± 0.2
    # leaves all three tied (no change).
    assert [(p.criterion, p.delta) for p in result.sensitivity] == [("a", -0.2), ("b", 0.2)]
    for p in result.sensitivity:
        assert p.ranking == ["Z", "Y", "X"]
        assert p.reversals == [["X", "Y"], ["X", "Z"], ["Y", "Z"]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sensitivity": 0}, "sensitivity: expected a perturbation above 0"),
        ({"sensitivity": 1.5}, "sensitivity: value 1.5 out of scale 0..1"),
        (
            {"policies": [DOC["policies"][0], {"name": "b", "weights": [1, 1]}]},
            "policies[1].probability: missing",
        ),
        (
            {"policies": [DOC["policies"][0], {**DOC["policies"][1], "probability": 0.5}]},
            "policies: probabilities must sum to 1, got 0.75",
        ),
        (
            {"policies": [{**DOC["policies"][0], "probability": -1}]},
            "policies[0].probability: value -1 out of scale 0..1",
        ),
    ],
)
def test_bad_new_fields(change: dict[str, object], message: str) -> None:
    with pytest.raises(InputError) as error:
        multipol.parse({**DOC, **change})
    assert str(error.value).startswith(message)
