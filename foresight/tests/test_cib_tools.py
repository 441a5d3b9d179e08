import itertools
import random

import numpy as np
import pytest

from foresight import InputError, cib, cib_succession, cib_tools
from foresight.cib import CibInput, Descriptor
from foresight.cib_tools import diverse, ensemble, parse_model, succession
from foresight.tests.test_cib import HAND

# HAND (see test_cib): (a2,b2) and (a1,b1) are consistent; global succession sends (a1,b2) to
# (a2,b1) and back: A's balances from b2 are a1 −3, a2 +3, B's from a1 are b1 +2, b2 −2, and from
# (a2,b1) A gets a1 +1, a2 −1, B gets b1 −1, b2 +1.


def names(result: object) -> list[tuple[str, int, list[list[str]], int]]:
    return [
        (a.kind, a.period, a.scenarios, a.basin)
        for a in result.attractors  # type: ignore[attr-defined]
    ]


def test_global_succession_hand_computed() -> None:
    result = succession(parse_model(HAND), "global")
    assert (result.starts, result.exhaustive, result.unresolved) == (4, True, 0)
    assert not result.budget_exhausted
    assert names(result) == [
        ("cycle", 2, [["a1", "b2"], ["a2", "b1"]], 2),
        ("fixed_point", 1, [["a1", "b1"]], 1),
        ("fixed_point", 1, [["a2", "b2"]], 1),
    ]
    assert [a.share for a in result.attractors] == [0.5, 0.25, 0.25]
    single = succession(parse_model(HAND), "global", start=(0, 1))
    assert single.path == [["a1", "b2"], ["a2", "b1"]]
    assert names(single) == [("cycle", 2, [["a1", "b2"], ["a2", "b1"]], 1)]


def test_adjacent_succession_switches_the_most_inconsistent_first() -> None:
    # From (a1,b2) A misses by 6 and B by 4: A switches → (a2,b2). From (a2,b1) both miss by 2:
    # the tie goes to A (input order) → (a1,b1).
    result = succession(parse_model(HAND), "adjacent")
    assert names(result) == [
        ("fixed_point", 1, [["a1", "b1"]], 2),
        ("fixed_point", 1, [["a2", "b2"]], 2),
    ]
    path = succession(parse_model(HAND), "adjacent", start=(1, 0)).path
    assert path == [["a2", "b1"], ["a1", "b1"]]


STEPS = {
    "descriptors": [
        {"name": "A", "variants": ["a1", "a2", "a3"]},
        {"name": "B", "variants": ["b1"]},
    ],
    # b1 pushes A to a3; A has no impact.
    "matrix": [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 2, 0]],
}


def test_incremental_succession_moves_one_step() -> None:
    data = parse_model(STEPS)
    assert succession(data, "incremental", start=(0, 0)).path == [
        ["a1", "b1"],
        ["a2", "b1"],
        ["a3", "b1"],
    ]
    assert succession(data, "global", start=(0, 0)).path == [["a1", "b1"], ["a3", "b1"]]
    result = succession(data, "incremental")
    assert names(result) == [("fixed_point", 1, [["a3", "b1"]], 3)]


def test_max_steps_leaves_runs_unresolved() -> None:
    result = succession(parse_model(HAND), "global", max_steps=1)
    # Fixed points are recognised in one step; the two cycle starts are not.
    assert result.unresolved == 2
    assert [a.basin for a in result.attractors] == [1, 1]


def random_model(rng: random.Random, self_impacts: bool) -> CibInput:
    sizes = [rng.randint(1, 3) for _ in range(rng.randint(2, 4))]
    descriptors = tuple(
        Descriptor(f"D{d}", tuple(f"v{d}{v}" for v in range(k))) for d, k in enumerate(sizes)
    )
    owner = [d for d, k in enumerate(sizes) for _ in range(k)]
    n = len(owner)
    matrix = tuple(
        tuple(
            0 if owner[i] == owner[j] and not self_impacts else rng.randint(-3, 3) for j in range(n)
        )
        for i in range(n)
    )
    return CibInput(descriptors, matrix)


def brute_force(data: CibInput) -> dict[tuple[int, ...], tuple[int, int]]:
    model = cib_tools.CibModel(data)
    return {
        s: model.evaluate(s)
        for s in itertools.product(*(range(len(d.variants)) for d in data.descriptors))
    }


@pytest.mark.parametrize("rule", cib_tools.RULES)
def test_fixed_points_are_exactly_the_consistent_scenarios(rule: str) -> None:
    rng = random.Random(13)
    for trial in range(40):
        data = random_model(rng, self_impacts=trial % 2 == 1)
        result = succession(data, rule)
        all_scenarios = brute_force(data)
        consistent = {s for s, (inc, _) in all_scenarios.items() if inc == 0}
        model = cib_tools.CibModel(data)
        fixed = {
            model.positions(a.scenarios[0], "s")
            for a in result.attractors
            if a.kind == "fixed_point"
        }
        assert fixed == consistent
        for a in result.attractors:
            if a.kind == "cycle":
                assert a.period >= 2
                assert all(all_scenarios[model.positions(s, "s")][0] > 0 for s in a.scenarios)
        assert sum(a.basin for a in result.attractors) + result.unresolved == result.starts
        assert result.starts == len(all_scenarios) and result.unresolved == 0


def test_sampled_starts_are_flagged_and_reproducible() -> None:
    rng = random.Random(5)
    data = random_model(rng, self_impacts=False)
    space = len(brute_force(data))
    first = succession(data, "global", max_starts=space - 1, seed=3)
    assert (first.exhaustive, first.starts) == (False, space - 1)
    assert first == succession(data, "global", max_starts=space - 1, seed=3)
    assert sum(a.share for a in first.attractors) == pytest.approx(1)


EXPERT2 = [[0, 0, 2, -2], [0, 0, -1, 1], [-1, 1, 0, 0], [-3, 3, 0, 0]]


def test_ensemble_hand_computed() -> None:
    # Expert 2 turns b1's impact on A around: (a1,b1) then misses by 2 on A and only (a2,b2)
    # stays consistent. Sum matrix rows: a1 [0,0,4,−4], a2 [0,0,−2,2], b1 0, b2 [−6,6,0,0]:
    # (a2,b2) balances 6 + 2 = 8, (a1,b1) 0 + 4 = 4, both consistent.
    data = parse_model(HAND)
    result = ensemble(data.descriptors, [data.matrix, tuple(map(tuple, EXPERT2))])
    assert result.experts == 2 and result.scenario_count == 2
    top, second = result.scenarios
    assert (top.variants, top.consistent_in, top.robustness, top.experts) == (
        ["a2", "b2"],
        2,
        1.0,
        [0, 1],
    )
    assert (top.inconsistency, top.sum_inconsistency, top.sum_total_impact_score) == ([0, 0], 0, 8)
    assert (second.variants, second.consistent_in, second.experts, second.inconsistency) == (
        ["a1", "b1"],
        1,
        [0],
        [0, 2],
    )
    assert [(s.variants, s.total_impact_score) for s in result.sum_scenarios] == [
        (["a2", "b2"], 8),
        (["a1", "b1"], 4),
    ]


def test_ensemble_of_one_matrix_is_the_model_itself() -> None:
    rng = random.Random(2)
    for _ in range(10):
        data = random_model(rng, self_impacts=True)
        result = ensemble(data.descriptors, [data.matrix])
        consistent = {s for s, (inc, _) in brute_force(data).items() if inc == 0}
        assert result.scenario_count == len(consistent) == result.sum_scenario_count
        assert all(s.robustness == 1.0 for s in result.scenarios)


ZERO = {
    "descriptors": [{"name": n, "variants": [f"{n}0", f"{n}1"]} for n in "XYZ"],
    "matrix": [[0] * 6 for _ in range(6)],
}


def test_diverse_greedy_max_min_on_an_unfilled_matrix() -> None:
    # Every scenario is consistent with score 0; the first is 000, the farthest is 111
    # (distance 3); every other one is then at distance 1 from them, and ties go to the
    # earlier scenario in the solver's order (positions ascending): 001, then 010.
    result = diverse(parse_model(ZERO), 4)
    assert (result.candidates, result.exhaustive) == (8, True)
    assert [s.variants for s in result.selected] == [
        ["X0", "Y0", "Z0"],
        ["X1", "Y1", "Z1"],
        ["X0", "Y0", "Z1"],
        ["X0", "Y1", "Z0"],
    ]
    assert [s.min_distance for s in result.selected] == [None, 3, 1, 1]
    assert result.distances == [[0, 3, 1, 1], [3, 0, 2, 2], [1, 2, 0, 2], [1, 2, 2, 0]]


def test_diverse_starts_from_the_highest_score_and_caps() -> None:
    result = diverse(parse_model(HAND), 5)
    assert [s.variants for s in result.selected] == [["a2", "b2"], ["a1", "b1"]]
    assert [s.total_impact_score for s in result.selected] == [4, 3]
    capped = diverse(parse_model(HAND), 5, max_candidates=1)
    assert (capped.candidates, capped.exhaustive, len(capped.selected)) == (1, False, 1)


def test_diverse_second_pick_is_the_farthest_brute_force() -> None:
    rng = random.Random(8)
    for _ in range(20):
        data = random_model(rng, self_impacts=False)
        result = diverse(data, 2)
        if len(result.selected) < 2:
            continue
        model = cib_tools.CibModel(data)
        first = model.positions(result.selected[0].variants, "s")
        consistent = [s for s, (inc, _) in brute_force(data).items() if inc == 0]
        best = max(sum(a != b for a, b in zip(s, first, strict=True)) for s in consistent)
        assert result.selected[1].min_distance == best


def test_parse_model_accepts_self_impacts_and_names_fields() -> None:
    doc = {**HAND, "matrix": [[1, 0, 2, -2], [0, 0, -1, 1], [1, -1, 0, 0], [-3, 3, 0, 0]]}
    assert parse_model(doc).matrix[0][0] == 1
    with pytest.raises(InputError, match=r"matrix\[1\]\[2\]: expected an integer"):
        parse_model({**HAND, "matrix": [[0, 0, 2, -2], [0, 0, "x", 1], [1, -1, 0, 0], [0] * 4]})


@pytest.mark.parametrize("rule", cib_tools.RULES)
def test_batch_step_equals_single_step(rule: str) -> None:
    rng = random.Random(21)
    for trial in range(20):
        data = random_model(rng, self_impacts=trial % 2 == 0)
        model = cib_tools.CibModel(data)
        states = list(brute_force(data))
        batch = cib_tools.succession_batch(model, np.array(states, dtype=np.int64), rule)
        assert [tuple(r) for r in batch.tolist()] == [
            cib_tools.succession_step(model, s, rule) for s in states
        ]


def reference_attractor(
    model: cib_tools.CibModel, s: tuple[int, ...], rule: str
) -> frozenset[tuple[int, ...]]:
    seen: list[tuple[int, ...]] = []
    while s not in seen:
        seen.append(s)
        s = cib_tools.succession_step(model, s, rule)
    return frozenset(seen[seen.index(s) :])


@pytest.mark.parametrize("rule", cib_tools.RULES)
def test_basins_equal_a_run_from_every_start(rule: str) -> None:
    # Larger models than above, so that the memo and its vectorised look-ups are used.
    rng = random.Random(34)
    for _ in range(3):
        sizes = [3] * 6
        descriptors = tuple(
            Descriptor(f"D{d}", tuple(f"v{d}{v}" for v in range(3))) for d in range(6)
        )
        owner = [d for d in range(6) for _ in range(3)]
        matrix = tuple(
            tuple(0 if owner[i] == owner[j] else rng.randint(-3, 3) for j in range(18))
            for i in range(18)
        )
        data = CibInput(descriptors, matrix)
        model = cib_tools.CibModel(data)
        expected: dict[frozenset[tuple[int, ...]], int] = {}
        for s in itertools.product(*(range(k) for k in sizes)):
            key = reference_attractor(model, s, rule)
            expected[key] = expected.get(key, 0) + 1
        result = succession(data, rule)
        got = {
            frozenset(model.positions(x, "s") for x in a.scenarios): a.basin
            for a in result.attractors
        }
        assert got == expected


def test_huge_space_is_sampled() -> None:
    # 3^40 scenarios: more than int64 codes hold; the sample still runs and is flagged.
    rng = random.Random(1)
    descriptors = tuple(Descriptor(f"D{d}", ("a", "b", "c")) for d in range(40))
    owner = [d for d in range(40) for _ in range(3)]
    matrix = tuple(
        tuple(0 if owner[i] == owner[j] else rng.randint(-1, 1) for j in range(120))
        for i in range(120)
    )
    result = succession(CibInput(descriptors, matrix), "global", max_starts=200, max_steps=50)
    assert (result.exhaustive, result.starts, result.scenario_space) == (False, 200, 3**40)
    assert sum(a.basin for a in result.attractors) + result.unresolved == 200


def test_step_budget_leaves_later_starts_unresolved(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cib_succession, "_STEP_BUDGET", 3)
    result = succession(parse_model(HAND), "global")
    assert result.budget_exhausted
    assert result.unresolved > 0
    assert sum(a.basin for a in result.attractors) + result.unresolved == 4


def test_unfilled_matrix_every_scenario_is_its_own_attractor() -> None:
    # Degenerate case: nothing pushes anywhere, every scenario is consistent and stays put.
    for rule in cib_tools.RULES:
        result = succession(parse_model(ZERO), rule)
        assert len(result.attractors) == 8
        assert {a.kind for a in result.attractors} == {"fixed_point"}
        assert all((a.basin, a.share) == (1, 0.125) for a in result.attractors)
    one = diverse(parse_model(ZERO), 1)
    assert [s.variants for s in one.selected] == [["X0", "Y0", "Z0"]]
    assert one.distances == [[0]]


def test_balances_hand_computed() -> None:
    # (a2,b1): A receives from b1 a1 +1, a2 −1, so a2 misses by 2; B receives from a2 b1 −1,
    # b2 +1, so b1 misses by 2. Contributions are the cells received by the chosen variant.
    result = cib_tools.balances(parse_model(HAND), [(1, 0)])
    (s,) = result.scenarios
    assert (s.variants, s.inconsistency, s.total_impact_score) == (["a2", "b1"], 2, -2)
    a, b = s.descriptors
    assert (a.variant, a.balances, a.best, a.gap, a.contributions) == (
        "a2",
        [1, -1],
        ["a1"],
        2,
        [0, -1],
    )
    assert (b.variant, b.balances, b.best, b.gap, b.contributions) == (
        "b1",
        [-1, 1],
        ["b2"],
        2,
        [-1, 0],
    )


def test_balances_count_self_impacts_and_agree_with_the_solver() -> None:
    rng = random.Random(55)
    for _ in range(15):
        data = random_model(rng, self_impacts=True)
        every = brute_force(data)
        result = cib_tools.balances(data, list(every))
        for s, row in zip(every, result.scenarios, strict=True):
            assert (row.inconsistency, row.total_impact_score) == every[s]
            for d, c in zip(row.descriptors, s, strict=True):
                assert sum(d.contributions) == d.balances[c]
        model = cib_tools.CibModel(data)
        solved = {
            model.positions(x.variants, "s"): (x.inconsistency, x.total_impact_score)
            for x in cib.solve(data).scenarios
        }
        assert solved == {s: v for s, v in every.items() if v[0] == 0}


def test_check_hand_computed() -> None:
    # A judged on B only (a1 → b1 +1, b2 −1; a2 → b1 +2, a non-standard row); C is isolated.
    doc = {
        "descriptors": [{"name": n, "variants": [f"{n.lower()}1", f"{n.lower()}2"]} for n in "ABC"],
        "matrix": [[0] * 6 for _ in range(6)],
    }
    doc["matrix"][0][2:4] = [1, -1]  # type: ignore[index]
    doc["matrix"][1][2] = 2  # type: ignore[index]
    result = cib_tools.check(parse_model(doc))
    assert result.fill_rate == pytest.approx(1 / 6)
    ref = cib_tools.VariantRef
    assert result.empty_rows == [ref("B", "b1"), ref("B", "b2"), ref("C", "c1"), ref("C", "c2")]
    assert result.empty_columns == [
        ref("A", "a1"),
        ref("A", "a2"),
        ref("C", "c1"),
        ref("C", "c2"),
    ]
    assert result.one_way == [cib_tools.Pair("A", "B")]
    assert result.self_impacts == []
    assert result.nonstandard_rows == [cib_tools.NonstandardRow("A", "a2", "B", 2)]
    # a2's row [2, 0] minus its mean 1 gives [1, −1]; everything is whole, factor 1.
    assert result.standardised_factor == 1
    assert result.standardised[:2] == [[0, 0, 1, -1, 0, 0], [0, 0, 1, -1, 0, 0]]
    assert all(not any(row) for row in result.standardised[2:])
    clean = cib_tools.check(parse_model(HAND))
    assert (clean.fill_rate, clean.one_way, clean.nonstandard_rows) == (1.0, [], [])
    assert clean.standardised == [list(row) for row in parse_model(HAND).matrix]


def test_check_reproduces_sei_standardisation() -> None:
    # SEI publishes a model before and after standardisation: the check gives the second
    # from the first (halves appear, so the factor is 2).
    from foresight.scenariowizard import read_scw
    from foresight.tests.test_scenariowizard import text

    before = read_scw(text("CIB_nested_simplified_nonstandard.scw")).to_input()
    after = read_scw(text("CIB_nested_simplified_standardized.scw")).to_input()
    result = cib_tools.check(before)
    assert result.standardised_factor == 2
    assert result.standardised == [list(row) for row in after.matrix]
    assert result.self_impacts == ["WSCEN"]
    again = cib_tools.check(after)
    assert (again.nonstandard_rows, again.standardised_factor) == ([], 1)


def test_standardising_keeps_the_consistent_scenarios() -> None:
    rng = random.Random(89)
    for trial in range(25):
        data = random_model(rng, self_impacts=trial % 2 == 0)
        result = cib_tools.check(data)
        scaled = CibInput(data.descriptors, tuple(tuple(r) for r in result.standardised))
        before, after = brute_force(data), brute_force(scaled)
        for s in before:
            assert after[s][0] == result.standardised_factor * before[s][0]


def test_intervention_hand_computed() -> None:
    # A set to a1: B receives b1 +2, b2 −2 → (a1, b1) only, score 1 + 2 = 3. A set to a2:
    # B receives b1 −1, b2 +1 → (a2, b2), score 3 + 1 = 4. B set to b2: A receives a1 −3,
    # a2 +3 → (a2, b2).
    data = parse_model(HAND)
    one = cib_tools.intervention(data, {0: 0})
    assert (one.fixed, one.scenario_space, one.scenario_count) == ({"A": "a1"}, 2, 1)
    assert [(s.variants, s.inconsistency, s.total_impact_score) for s in one.scenarios] == [
        (["a1", "b1"], 0, 3)
    ]
    assert [s.variants for s in cib_tools.intervention(data, {0: 1}).scenarios] == [["a2", "b2"]]
    assert [s.variants for s in cib_tools.intervention(data, {1: 1}).scenarios] == [["a2", "b2"]]


def test_intervention_equals_brute_force() -> None:
    rng = random.Random(144)
    for trial in range(30):
        data = random_model(rng, self_impacts=trial % 2 == 0)
        model = cib_tools.CibModel(data)
        fixed = {
            d: rng.randrange(len(desc.variants))
            for d, desc in enumerate(data.descriptors)
            if rng.random() < 0.4
        }
        k = trial % 3
        data = CibInput(data.descriptors, data.matrix, max_inconsistency=k)
        expected = {}
        for s in brute_force(data):
            if any(s[d] != c for d, c in fixed.items()):
                continue
            per = model.balances(s)
            gaps = [
                max(b) - b[c] for d, (b, c) in enumerate(zip(per, s, strict=True)) if d not in fixed
            ]
            if max(gaps, default=0) <= k:
                expected[s] = (max(gaps, default=0), sum(b[c] for b, c in zip(per, s, strict=True)))
        result = cib_tools.intervention(data, fixed)
        got = {
            model.positions(x.variants, "s"): (x.inconsistency, x.total_impact_score)
            for x in result.scenarios
        }
        assert got == expected
