"""MICMAC additions of issue 13: bounded vectors, fixed iterations, shares, links, experts."""

import random

import pytest

from foresight import InputError, micmac
from foresight.tests.test_micmac import run

HAND = [[0, 2, 1], [0, 0, 3], [1, 0, 0]]


def bipartite(n: int, seed: int) -> list[list[int]]:
    """Influences only between two halves: even and odd powers rank differently for ever."""
    rnd = random.Random(seed)
    half = n // 2
    return [
        [
            rnd.randint(1, 3) if (i < half) != (j < half) and rnd.random() < 0.4 else 0
            for j in range(n)
        ]
        for i in range(n)
    ]


def exact_ranks(values: list[int]) -> list[int]:
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    ranks = [0] * len(values)
    for rank, i in enumerate(order, start=1):
        ranks[i] = rank
    return ranks


def test_long_runs_keep_leading_bits_and_the_exact_rankings() -> None:
    matrix = bipartite(40, 3)
    result = run(matrix, max_power=150)
    plane = result.indirect
    assert (plane.status, plane.power, plane.exact) == ("oscillating", 150, False)
    infl, dep = micmac.power_sums(matrix, 150)  # exact, unbounded
    assert max(infl).bit_length() > micmac.WINDOW_BITS
    assert plane.influence_rank == exact_ranks(infl)
    assert plane.dependence_rank == exact_ranks(dep)
    for approx, true in zip(plane.influence, infl, strict=True):
        assert abs(approx - true) <= true >> 300
    # A short run stays exact.
    assert run(matrix, max_power=20).indirect.exact


def test_fixed_iterations_report_that_power() -> None:
    result = run(HAND, iterations=4)
    assert (result.indirect.power, result.indirect.status) == (4, "fixed")
    assert result.indirect.influence == [25, 21, 9]  # row sums of M⁴
    two = run(HAND, iterations=2).indirect  # M² = [[1,0,6],[3,0,0],[0,2,1]]
    assert (two.influence, two.dependence) == ([7, 3, 3], [4, 2, 7])
    nil = run([[0, 1], [0, 0]], iterations=3).indirect  # M² = 0 already
    assert (nil.influence, nil.status) == ([0, 0], "fixed")
    with pytest.raises(InputError, match="iterations: give either"):
        run(HAND, iterations=4, max_power=10)


def test_shares_fill_rate_and_displacement() -> None:
    result = run(HAND)
    assert result.direct.influence_share == pytest.approx([3000 / 7, 3000 / 7, 1000 / 7])
    assert result.indirect.dependence_share == pytest.approx([10000 / 55, 14000 / 55, 31000 / 55])
    assert result.fill_rate == pytest.approx(4 / 6)
    first = result.displacement[0]
    assert (first.variable, first.influence_direct_rank, first.influence_indirect_rank) == (
        "V0",
        1,
        1,
    )
    # Direct influence (2, 0, 3): C first. M² = [[0,3,0],[0,0,0],[0,0,0]] and M³ = 0, so the
    # indirect plane is M² (nilpotent): A first, B and C tie at 0 (input order): C falls to 3.
    moved = run([[0, 1, 1], [0, 0, 0], [0, 3, 0]])
    assert moved.indirect.status == "nilpotent" and moved.indirect.influence == [3, 0, 0]
    shift = moved.displacement[2]
    assert (shift.influence_direct_rank, shift.influence_indirect_rank) == (1, 3)


def test_indirect_matrix_and_strongest_links() -> None:
    result = run(HAND, indirect_matrix=True, link_threshold=200)
    # M⁴ = [[1,12,12],[3,0,18],[6,2,1]], total 55.
    expected = [[1, 12, 12], [3, 0, 18], [6, 2, 1]]
    assert result.indirect_matrix is not None
    for row, exp in zip(result.indirect_matrix, expected, strict=True):
        assert row == pytest.approx([1000 * x / 55 for x in exp])
    assert result.direct_links is not None and result.indirect_links is not None
    assert [(x.source, x.target) for x in result.direct_links] == [(1, 2), (0, 1)]
    assert result.direct_links[0].share == pytest.approx(3000 / 7)
    assert [(x.source, x.target) for x in result.indirect_links] == [(1, 2), (0, 1), (0, 2)]
    plain = run(HAND)
    assert plain.indirect_matrix is None and plain.direct_links is None


def test_experts_matrices_combined() -> None:
    names = ["A", "B"]
    mean = micmac.parse({"variables": names, "matrices": [[[0, 1], [2, 0]], [[0, 2], [3, 0]]]})
    assert mean.matrix == ((0, 2), (3, 0))  # 1.5 and 2.5 round half up
    three = [[[0, 0], ["P", 0]], [[0, 3], ["P", 0]], [[0, 1], [2, 0]]]
    med = micmac.parse({"variables": names, "matrices": three, "combine": "median"})
    assert med.matrix == ((0, 1), (None, 0))  # median of 0, 3, 1; two P of three
    avg = micmac.parse({"variables": names, "matrices": three})
    assert avg.matrix == ((0, 1), (None, 0))  # 4/3 rounds to 1
    result = micmac.solve(med)
    assert result.combined_matrix == [[0, 1], ["P", 0]]
    assert run(HAND).combined_matrix is None


def test_window_boundary_is_exact_when_nothing_is_cut() -> None:
    # Powers of two: the cut limbs are all zero, so the values stay exact.
    result = run([[0, 2], [2, 0]], iterations=400)
    assert result.indirect.exact
    assert result.indirect.influence == [2**400, 2**400]


def test_truncated_ranks_keep_true_ties_and_equal_the_exact_ranks() -> None:
    rnd = random.Random(11)
    for _ in range(5):
        n = 12
        m = [[0 if i == j else rnd.randint(0, 3) for j in range(n)] for i in range(n)]
        # Variable 1 copies variable 0 (same row, same column): exact ties at every power.
        m[1] = [m[0][j] if j > 1 else 0 for j in range(n)]
        m[1][0] = m[0][1]
        for i in range(2, n):
            m[i][1] = m[i][0]
        result = run(m, iterations=250).indirect
        infl, dep = micmac.power_sums(m, 250)
        assert not result.exact and infl[0] == infl[1] and dep[0] == dep[1]
        assert result.influence_rank == exact_ranks(infl)
        assert result.dependence_rank == exact_ranks(dep)
