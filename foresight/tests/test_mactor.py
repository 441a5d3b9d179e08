import random
from typing import TypedDict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foresight import mactor


class MactorDoc(TypedDict):
    actors: list[str]
    objectives: list[str]
    mid: list[list[int]]
    positions: list[list[int]]


DOC: MactorDoc = {
    "actors": ["A", "B", "C"],
    "objectives": ["O1", "O2"],
    "mid": [[0, 2, 1], [1, 0, 3], [0, 1, 0]],
    "positions": [[2, -1], [3, 0], [-4, 1]],
}


def test_hand_computed_balance_of_power() -> None:
    result = mactor.solve(mactor.parse(DOC))
    # MIDIij = MIDij + Σk min(MIDik, MIDkj), e.g. MIDI01 = 2 + min(1, 1), MIDI11 = min(1,2) + min(3,1).
    assert result.midi == [[1, 3, 3], [1, 2, 4], [1, 1, 1]]
    assert result.influence == [6, 5, 2]
    assert result.dependence == [2, 4, 7]
    # r = (5/13·6/8, 3/13·5/9, 1/13·2/9) = (33.75, 15, 2)/117, normalised to sum 3.
    assert result.balance_of_power == pytest.approx([101.25 / 50.75, 45 / 50.75, 6 / 50.75])


def test_hand_computed_convergences_and_mobilisation() -> None:
    result = mactor.solve(mactor.parse(DOC))
    first, second, third = result.orders
    assert first.mao == [[1, -1], [1, 0], [-1, 1]]
    assert first.convergence == [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    assert first.divergence == [[0, 0, 2], [0, 0, 1], [2, 1, 0]]
    assert second.convergence[0][1] == 2.5
    assert second.divergence[0][2] == 4.0  # (2+4)/2 + (1+1)/2
    assert second.divergence[1][2] == 3.5
    assert second.objective_for == [5, 1]
    assert second.objective_against == [4, 1]
    assert second.mobilisation == [9, 2]
    r = result.balance_of_power
    assert third.mao[2] == pytest.approx([-4 * r[2], 1 * r[2]])


def test_ambivalence_is_one_when_convergence_equals_divergence() -> None:
    doc = {
        "actors": ["A", "B"],
        "objectives": ["O1", "O2"],
        "mid": [[0, 1], [1, 0]],
        "positions": [[1, 1], [1, -1]],
    }
    result = mactor.solve(mactor.parse(doc))
    assert result.orders[0].ambivalence == [1.0, 1.0]
    doc["positions"] = [[1, 1], [1, 1]]
    assert mactor.solve(mactor.parse(doc)).orders[0].ambivalence == [0.0, 0.0]


@st.composite
def documents(draw: st.DrawFn) -> MactorDoc:
    n = draw(st.integers(2, 6))
    m = draw(st.integers(1, 4))
    mid = [[0 if i == j else draw(st.integers(0, 4)) for j in range(n)] for i in range(n)]
    positions = [[draw(st.integers(-4, 4)) for _ in range(m)] for _ in range(n)]
    return {
        "actors": [f"A{i}" for i in range(n)],
        "objectives": [f"O{j}" for j in range(m)],
        "mid": mid,
        "positions": positions,
    }


@settings(max_examples=60, deadline=None)
@given(documents(), st.randoms(use_true_random=False))
def test_permuting_actors_permutes_results(doc: MactorDoc, rnd: random.Random) -> None:
    n = len(doc["actors"])
    perm = list(range(n))
    rnd.shuffle(perm)
    permuted = {
        "actors": [doc["actors"][p] for p in perm],
        "objectives": doc["objectives"],
        "mid": [[doc["mid"][perm[i]][perm[j]] for j in range(n)] for i in range(n)],
        "positions": [doc["positions"][p] for p in perm],
    }
    a = mactor.solve(mactor.parse(doc))
    b = mactor.solve(mactor.parse(permuted))
    assert b.midi == [[a.midi[perm[i]][perm[j]] for j in range(n)] for i in range(n)]
    assert b.balance_of_power == pytest.approx([a.balance_of_power[p] for p in perm])
    assert sum(a.balance_of_power) == pytest.approx(n)
    for oa, ob in zip(a.orders, b.orders, strict=True):
        assert ob.mobilisation == pytest.approx(oa.mobilisation)
        expected = [oa.convergence[perm[i]][perm[j]] for i in range(n) for j in range(n)]
        assert [x for row in ob.convergence for x in row] == pytest.approx(expected)
