import random
from collections.abc import Sequence

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from foresight import micmac

SETTINGS = settings(max_examples=60, deadline=None)


def run(matrix: Sequence[Sequence[int | str]], **extra: object) -> micmac.MicmacResult:
    names = [f"V{i}" for i in range(len(matrix))]
    return micmac.solve(micmac.parse({"variables": names, "matrix": matrix, **extra}))


def test_hand_computed_three_variables() -> None:
    # M² = [[1,0,6],[3,0,0],[0,2,1]], M³ = [[6,2,1],[0,6,3],[1,0,6]],
    # M⁴ = [[1,12,12],[3,0,18],[6,2,1]]: dependence ranking changes at 2 and 3, repeats at 4.
    result = run([[0, 2, 1], [0, 0, 3], [1, 0, 0]])
    assert result.direct.influence == [3, 3, 1]
    assert result.direct.dependence == [1, 2, 4]
    assert result.direct.influence_rank == [1, 2, 3]  # A and B tie: input order
    assert result.direct.dependence_rank == [3, 2, 1]
    assert result.direct.quadrant == ["influent", "influent", "dependent"]
    assert (result.indirect.power, result.indirect.status) == (4, "stable")
    assert result.indirect.influence == [25, 21, 9]
    assert result.indirect.dependence == [10, 14, 31]
    assert result.indirect.dependence_rank == [3, 2, 1]


def test_nilpotent_chain_reports_last_nonzero_power() -> None:
    result = run([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    assert (result.indirect.power, result.indirect.status) == (2, "nilpotent")
    assert result.indirect.influence == [1, 0, 0]
    assert result.indirect.dependence == [0, 0, 1]


def test_alternating_ranking_is_oscillating() -> None:
    # Odd powers rank B first, even powers tie (input order: A first).
    result = run([[0, 1], [2, 0]], max_power=12)
    assert (result.indirect.power, result.indirect.status) == (12, "oscillating")
    assert result.indirect.influence == [2**6, 2**6]


def test_potential_influences_count_only_in_potential_planes() -> None:
    result = run([[0, "P", 0], [1, 0, 0], [1, 0, 0]], potential_value=2)
    assert result.direct.influence == [0, 1, 1]
    assert result.potential_direct.influence == [2, 1, 1]
    assert result.potential_direct.dependence == [2, 2, 0]


def test_quadrants_against_the_means() -> None:
    # Influence [6, 1, 4, 4], dependence [3, 4, 5, 3], both means 3.75; D lies within 20 %
    # of both means, C is above both, A only in influence, B only in dependence.
    result = run([[0, 3, 3, 0], [0, 0, 0, 1], [1, 1, 0, 2], [2, 0, 2, 0]])
    assert result.direct.influence == [6, 1, 4, 4]
    assert result.direct.dependence == [3, 4, 5, 3]
    assert result.direct.quadrant == ["influent", "dependent", "relay", "regulating"]
    narrow = run([[0, 3, 3, 0], [0, 0, 0, 1], [1, 1, 0, 2], [2, 0, 2, 0]], regulating_band=0)
    assert narrow.direct.quadrant[3] == "influent"


def test_isolated_variable_is_excluded() -> None:
    result = run([[0, 3, 0], [3, 0, 0], [0, 0, 0]])
    assert result.direct.quadrant == ["relay", "relay", "excluded"]


def test_exact_beyond_int64() -> None:
    rng = np.random.default_rng(7)
    a = rng.integers(0, 4, (25, 25))
    np.fill_diagonal(a, 0)
    power = a.astype(object)
    for k in range(1, 41):
        infl, dep = micmac.power_sums(a.tolist(), k)
        if k in (1, 2, 17, 40):
            assert infl == list(power.sum(axis=1))
            assert dep == list(power.sum(axis=0))
        power = power.dot(a.astype(object))
    assert max(infl) > 2**63


def test_huge_entries_use_python_integers() -> None:
    infl, dep = micmac.power_sums([[0, 2**70], [1, 0]], 3)
    assert infl == [2**140, 2**70]
    assert dep == [2**70, 2**140]


matrices: st.SearchStrategy[list[list[int]]] = st.integers(2, 8).flatmap(
    lambda n: st.lists(
        st.lists(st.integers(0, 3), min_size=n, max_size=n), min_size=n, max_size=n
    ).map(lambda rows: [[0 if i == j else v for j, v in enumerate(r)] for i, r in enumerate(rows)])
)


@SETTINGS
@given(matrices, st.integers(1, 12))
def test_totals_of_influence_equal_totals_of_dependence(
    matrix: list[list[int]], power: int
) -> None:
    infl, dep = micmac.power_sums(matrix, power)
    assert sum(infl) == sum(dep)


@SETTINGS
@given(matrices, st.sampled_from([2, 3]))
def test_scaling_leaves_rankings_unchanged(matrix: list[list[int]], factor: int) -> None:
    binary = [[min(v, 1) for v in row] for row in matrix]
    scaled = [[factor * v for v in row] for row in binary]
    a, b = run(binary), run(scaled)
    for plane in ("direct", "indirect"):
        pa, pb = getattr(a, plane), getattr(b, plane)
        assert (pa.power, pa.status) == (pb.power, pb.status)
        assert pa.influence_rank == pb.influence_rank
        assert pa.dependence_rank == pb.dependence_rank
        assert pa.quadrant == pb.quadrant


@SETTINGS
@given(matrices, st.randoms(use_true_random=False), st.integers(1, 10))
def test_permuting_variables_permutes_sums(
    matrix: list[list[int]], rnd: random.Random, power: int
) -> None:
    n = len(matrix)
    perm = list(range(n))
    rnd.shuffle(perm)
    permuted = [[matrix[perm[i]][perm[j]] for j in range(n)] for i in range(n)]
    infl, dep = micmac.power_sums(matrix, power)
    pinfl, pdep = micmac.power_sums(permuted, power)
    assert pinfl == [infl[perm[i]] for i in range(n)]
    assert pdep == [dep[perm[i]] for i in range(n)]


@SETTINGS
@given(matrices)
def test_ranks_follow_values_then_input_order(matrix: list[list[int]]) -> None:
    result = run(matrix)
    for plane in (result.direct, result.indirect, result.potential_indirect):
        for values, ranks in (
            (plane.influence, plane.influence_rank),
            (plane.dependence, plane.dependence_rank),
        ):
            expected = sorted(range(len(values)), key=lambda i: (-values[i], i))
            assert [ranks[i] for i in expected] == list(range(1, len(values) + 1))
