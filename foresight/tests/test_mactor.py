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
    assert result.balance_reading == "printed"
    # Reading A (printed): Mi and Di with the diagonal, MIDIii subtracted once in the numerator.
    assert result.influence == [7, 7, 3]
    assert result.dependence == [3, 6, 8]
    # r = (6/17·7/10, 5/17·7/13, 2/17·3/11) = (6006, 3850, 780)/24310, normalised to sum 3.
    assert result.balance_of_power == pytest.approx([18018 / 10636, 11550 / 10636, 2340 / 10636])


def test_balance_of_power_diagonal_excluded_reading() -> None:
    result = mactor.solve(mactor.parse({**DOC, "balance_reading": "diagonal_excluded"}))
    assert result.influence == [6, 5, 2]
    assert result.dependence == [2, 4, 7]
    # r = (6/13·6/8, 5/13·5/9, 2/13·2/9) = (81, 50, 8)/234: nothing subtracted again.
    assert result.balance_of_power == pytest.approx([243 / 139, 150 / 139, 24 / 139])


DOMINANT = {
    "actors": ["A", "B", "C", "D"],
    "objectives": ["O"],
    "mid": [[0, 4, 4, 0], [4, 0, 0, 0], [4, 0, 0, 0], [0, 1, 1, 0]],
    "positions": [[1], [1], [-1], [0]],
}


def test_dominant_actor_is_not_erased_by_its_own_feedback() -> None:
    # The old computation removed A's feedback twice: r*(A) = 0 and r*(D) = 2.06.
    result = mactor.solve(mactor.parse(DOMINANT))
    # MIDI rows: A [8,4,4,0], B and C [4,4,4,0], D [2,1,1,0].
    assert result.midi == [[8, 4, 4, 0], [4, 4, 4, 0], [4, 4, 4, 0], [2, 1, 1, 0]]
    assert (result.influence, result.dependence) == ([16, 12, 12, 4], [18, 13, 13, 0])
    # r = (8/44·16/34, 8/44·12/25, idem, 4/44·4/4) = (400, 408, 408, 425)/4675.
    expected = [1600 / 1641, 1632 / 1641, 1632 / 1641, 1700 / 1641]
    assert result.balance_of_power == pytest.approx(expected)
    assert min(result.balance_of_power) > 0.9
    b = mactor.solve(mactor.parse({**DOMINANT, "balance_reading": "diagonal_excluded"}))
    # r·28 = (8·8/18, 8·8/17, idem, 4·4/4) → r* = (544, 576, 576, 612)/577.
    assert b.balance_of_power == pytest.approx([544 / 577, 576 / 577, 576 / 577, 612 / 577])


def test_degenerate_balance_of_power() -> None:
    isolated = {
        "actors": ["A", "B", "C"],
        "objectives": ["O"],
        "mid": [[0, 1, 0], [1, 0, 0], [0, 0, 0]],
        "positions": [[1], [1], [1]],
    }
    for reading in mactor.READINGS:
        result = mactor.solve(mactor.parse({**isolated, "balance_reading": reading}))
        # C has Mi + Di = 0: it weighs nothing; A and B share the total n = 3.
        assert result.balance_of_power == pytest.approx([1.5, 1.5, 0.0])
        zero = {**isolated, "mid": [[0] * 3 for _ in range(3)]}
        result = mactor.solve(mactor.parse({**zero, "balance_reading": reading}))
        assert result.balance_of_power == [1.0, 1.0, 1.0]
        assert result.influence == [0, 0, 0] and result.net_influence == [0, 0, 0]


def test_hand_computed_extras() -> None:
    result = mactor.solve(mactor.parse(DOC))
    assert result.net_balance == [[0, 2, 2], [-2, 0, 3], [-2, -3, 0]]
    assert result.net_influence == [4, 1, -5]
    # Plane without the diagonal: influence (6, 5, 2), dependence (2, 4, 7), means 13/3.
    assert [(p.influence, p.dependence, p.quadrant) for p in result.plane] == [
        (6, 2, "dominant"),
        (5, 4, "dominant"),
        (2, 7, "dominated"),
    ]
    second = result.orders[1]
    assert second.actor_mobilisation == [3, 3, 5]
    assert second.actor_distance[0][1] == pytest.approx(2**0.5)  # (2,-1) to (3,0)
    assert second.objective_distance[0][1] == pytest.approx(43**0.5)  # (2,3,-4) to (-1,0,1)
    assert [(e.a, e.b, e.weight) for e in second.convergence_edges] == [(0, 1, 2.5)]
    assert [(e.a, e.b, e.weight) for e in second.divergence_edges] == [(0, 2, 4.0), (1, 2, 3.5)]
    strong = mactor.solve(mactor.parse({**DOC, "graph_threshold": 3.8})).orders[1]
    assert [(e.a, e.b) for e in strong.divergence_edges] == [(0, 2)]
    assert strong.convergence_edges == []


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
        assert ob.actor_mobilisation == pytest.approx([oa.actor_mobilisation[p] for p in perm])
        assert [x for row in ob.actor_distance for x in row] == pytest.approx(
            [oa.actor_distance[perm[i]][perm[j]] for i in range(n) for j in range(n)]
        )
    assert b.net_influence == [a.net_influence[p] for p in perm]
    assert [x.quadrant for x in b.plane] == [a.plane[p].quadrant for p in perm]


@settings(max_examples=60, deadline=None)
@given(documents(), st.sampled_from(mactor.READINGS))
def test_invariants_of_both_readings(doc: MactorDoc, reading: mactor.Reading) -> None:
    result = mactor.solve(mactor.parse({**doc, "balance_reading": reading}))
    n = len(doc["actors"])
    assert sum(result.balance_of_power) == pytest.approx(n)
    assert all(r >= 0 for r in result.balance_of_power)
    net = result.net_balance
    assert all(net[i][j] == -net[j][i] for i in range(n) for j in range(n))
    assert sum(result.net_influence) == 0
    for order in result.orders:
        d = order.actor_distance
        assert all(d[i][j] == d[j][i] and d[i][i] == 0 for i in range(n) for j in range(n))
        for edge in order.convergence_edges:
            assert edge.a < edge.b and edge.weight == order.convergence[edge.a][edge.b]
