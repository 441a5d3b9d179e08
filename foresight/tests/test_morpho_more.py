"""Richer constraints, weighted criteria, infeasible fields, proximity and diversity."""

import itertools
import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from foresight import morpho, morpho_engine
from foresight.tests.test_morpho import HAND

SETTINGS = settings(max_examples=60, deadline=None)
Clause = tuple[tuple[int, int], ...]


def run(**extra: object) -> morpho.MorphoResult:
    return morpho.solve(morpho.parse({**HAND, **extra}))


def names(result: morpho.MorphoResult) -> list[list[str]]:
    return [c.hypotheses for c in result.configurations]


# -- hand-computed cases on the field of test_morpho (4 consistent configurations) ----------
# x1,y2,z1 · x2,y1,z1 · x2,y1,z2 · x2,y2,z1


def test_exclusion_of_three_hypotheses() -> None:
    result = run(
        exclusions=[*HAND["exclusions"], [["X", "x2"], ["Y", "y1"], ["Z", "z2"]]], mode="enumerate"
    )
    assert names(result) == [["x1", "y2", "z1"], ["x2", "y1", "z1"], ["x2", "y2", "z1"]]
    assert result.count == 3


def test_obligations() -> None:
    assert names(run(obligations=[[["Z", "z2"]]], mode="enumerate")) == [["x2", "y1", "z2"]]
    either = run(obligations=[[["X", "x1"], ["Z", "z2"]]], mode="enumerate")
    assert names(either) == [["x1", "y2", "z1"], ["x2", "y1", "z2"]]


def test_implications() -> None:
    result = run(implications=[{"if": ["X", "x2"], "then": [["Z", "z2"]]}], mode="enumerate")
    assert names(result) == [["x1", "y2", "z1"], ["x2", "y1", "z2"]]
    one_of = run(
        implications=[{"if": ["Z", "z1"], "then": [["X", "x1"], ["Y", "y1"]]}], mode="enumerate"
    )
    assert names(one_of) == [["x1", "y2", "z1"], ["x2", "y1", "z1"], ["x2", "y1", "z2"]]


def test_infeasible_field_names_a_minimal_conflict() -> None:
    result = run(obligations=[[["Y", "y3"]]])
    assert result.count == 0
    assert (result.conflict, result.conflict_minimal) == (["exclusions[1]", "obligations[0]"], True)
    chained = run(
        obligations=[[["X", "x1"]]], implications=[{"if": ["X", "x1"], "then": [["Y", "y1"]]}]
    )
    assert chained.conflict == ["exclusions[0]", "obligations[0]", "implications[0]"]
    assert run().conflict is None


def test_weighted_criteria_rank_configurations() -> None:
    criteria = [
        {"name": "cost", "weight": 2, "scores": {"X": {"x1": 1}}},
        {"name": "appeal", "scores": {"Y": {"y1": 3}, "Z": {"z2": 1}}},
    ]
    result = run(mode="enumerate", criteria=criteria, limit=3)
    assert [(c.hypotheses, c.score, c.criteria) for c in result.configurations] == [
        (["x2", "y1", "z2"], 4.0, {"cost": 0.0, "appeal": 4.0}),
        (["x2", "y1", "z1"], 3.0, {"cost": 0.0, "appeal": 3.0}),
        (["x1", "y2", "z1"], 2.0, {"cost": 1.0, "appeal": 0.0}),
    ]
    assert result.truncated


def test_nearest_configurations_to_a_reference() -> None:
    ref = {"X": "x1", "Y": "y1", "Z": "z2"}  # itself inconsistent
    result = run(mode="nearest", reference=ref, limit=1)
    assert [(c.hypotheses, c.distance) for c in result.configurations] == [
        (["x2", "y1", "z2"], 1.0)
    ]
    weighted = run(mode="nearest", reference=ref, distance_weights={"X": 5}, limit=4)
    assert [(c.hypotheses, c.distance) for c in weighted.configurations] == [
        (["x1", "y2", "z1"], 2.0),
        (["x2", "y1", "z2"], 5.0),
        (["x2", "y1", "z1"], 6.0),
        (["x2", "y2", "z1"], 7.0),
    ]
    partial = run(mode="nearest", reference={"Y": "y2"}, limit=2)
    assert sorted(names(partial)) == [["x1", "y2", "z1"], ["x2", "y2", "z1"]]
    assert [c.distance for c in partial.configurations] == [0.0, 0.0]


def test_diverse_selection_is_greedy_max_min() -> None:
    result = run(mode="diverse", limit=3)
    assert [(c.hypotheses, c.distance) for c in result.configurations] == [
        (["x1", "y2", "z1"], None),
        (["x2", "y1", "z2"], 3.0),
        (["x2", "y1", "z1"], 1.0),
    ]
    assert morpho.distance([0, 1, 0], [1, 1, 1], [2.0, 1.0, 0.5]) == 2.5


def test_budget_past_which_the_count_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(morpho_engine, "DEFAULT_MAX_STATES", 1)
    result = run(mode="enumerate", limit=2)
    assert result.count is None
    assert result.notes and "too hard" in result.notes[0]
    # Enumeration does not need the count: it still lists, and says more may exist.
    assert names(result) == [["x1", "y2", "z1"], ["x2", "y1", "z1"]]
    assert result.truncated
    monkeypatch.setattr(morpho_engine, "DEFAULT_MAX_NODES", 3)  # ranking: 3 // 4 = 0 nodes
    stopped = run(mode="enumerate")
    assert stopped.truncated
    assert any("enumeration stopped" in n for n in stopped.notes)
    monkeypatch.setattr(morpho_engine, "DEFAULT_MAX_STATES", 1000)
    ranked = run(mode="enumerate", preferences={"X": {"x1": 1}})
    assert ranked.configurations == []
    assert any("enumerate not computed" in n and "nodes" in n for n in ranked.notes)


def test_memory_budget_leaves_the_count_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(morpho_engine, "DEFAULT_MAX_BYTES", 10)
    result = run(mode="sample", limit=50)
    assert result.count is None
    assert result.groups[0].count is None
    assert "MB needed" in result.notes[0]
    # Sampling falls back to randomised search: consistent draws, flagged as not uniform.
    assert "NOT uniform" in result.notes[1]
    valid = [
        ["x1", "y2", "z1"],
        ["x2", "y1", "z1"],
        ["x2", "y1", "z2"],
        ["x2", "y2", "z1"],
    ]
    assert len(result.configurations) == 50
    assert all(c.hypotheses in valid for c in result.configurations)
    assert len({tuple(c.hypotheses) for c in result.configurations}) > 1
    spread = run(mode="diverse", limit=2, pool=30)
    first, second = (c.hypotheses for c in spread.configurations)
    farthest = max(sum(a != b for a, b in zip(first, v, strict=True)) for v in valid)
    assert second in valid
    assert [c.distance for c in spread.configurations] == [None, float(farthest)]
    assert "randomised search (NOT uniform)" in spread.notes[1]
    hopeless = run(mode="sample", obligations=[[["Y", "y3"]]])
    assert hopeless.configurations == []


def test_sampling_stops_at_its_time_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(morpho, "SAMPLE_SECONDS", -1.0)
    result = run(mode="sample", limit=500)
    assert len(result.configurations) == 99
    assert result.notes == ["sampling stopped after 99 draws (-1 s budget)"]


def test_hash_collisions_fall_back_to_exact_sorting(monkeypatch: pytest.MonkeyPatch) -> None:
    # With a zero multiplier every state hashes alike: the engine must notice and sort bytes.
    monkeypatch.setattr(morpho_engine, "_MIX", np.uint64(0))
    sizes = [3, 3, 3, 2]
    exclusions = [((0, 0), (1, 0)), ((1, 1), (2, 2)), ((0, 2), (2, 1), (3, 0))]
    expected = brute_force(sizes, exclusions, [])
    assert (
        morpho.Space(sizes, exclusions).count() == len(expected) == 39
    )  # 54 - 6 - 6 - 3, disjoint


# -- uniform sampling --------------------------------------------------------------------------


def test_sampling_is_uniform_chi_square() -> None:
    # A field where the programme merges states (interchangeable hypotheses), so sampling
    # must map canonical hypotheses back to real ones without bias.
    sizes = [4, 4, 3, 4]
    exclusions = [
        ((0, 0), (1, 0)),
        ((1, 1), (2, 0)),
        ((2, 1), (3, 3)),
        ((0, 1), (2, 2), (3, 0)),
        ((0, 3), (3, 1)),
    ]
    space = morpho.Space(sizes, exclusions)
    valid = brute_force(sizes, [], [(0, e) for e in exclusions_as_clauses(sizes, exclusions)])
    assert space.count() == len(valid)
    per_cell = 20
    rng = random.Random(12345)
    draws = Counter(tuple(space.sample(rng)) for _ in range(per_cell * len(valid)))
    assert set(draws) <= {tuple(v) for v in valid}
    observed = [draws[tuple(v)] for v in valid]
    statistic, _ = stats.chisquare(observed)
    # Deterministic seed; the bound is the 1e-6 upper quantile, so a biased sampler (one
    # configuration twice as likely) fails and a fair one never does for this seed.
    assert statistic < stats.chi2.ppf(1 - 1e-6, len(valid) - 1)


def exclusions_as_clauses(sizes: list[int], exclusions: list[Clause]) -> list[Clause]:
    return [tuple((c, ((1 << sizes[c]) - 1) & ~(1 << h)) for c, h in e) for e in exclusions]


# -- brute force over every constraint kind ------------------------------------------------------


def brute_force(
    sizes: list[int], exclusions: list[Clause], clauses: list[tuple[int, Clause]]
) -> list[list[int]]:
    def holds(conf: tuple[int, ...]) -> bool:
        if any(all(conf[c] == h for c, h in e) for e in exclusions):
            return False
        return all(any(mask >> conf[c] & 1 for c, mask in cl) for _, cl in clauses)

    return [list(c) for c in itertools.product(*[range(k) for k in sizes]) if holds(c)]


@st.composite
def fields(draw: st.DrawFn) -> tuple[list[int], list[Clause], list[tuple[int, Clause]]]:
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=6))
    m = len(sizes)

    def element(c: int) -> st.SearchStrategy[tuple[int, int]]:
        return st.tuples(st.just(c), st.integers(0, sizes[c] - 1))

    exclusions = draw(
        st.lists(
            st.lists(st.integers(0, m - 1), min_size=1, max_size=min(m, 4), unique=True).flatmap(
                lambda cs: st.tuples(*[element(c) for c in cs])
            ),
            max_size=10,
        )
    )
    any_element = st.integers(0, m - 1).flatmap(element)
    clauses: list[tuple[int, Clause]] = []
    for ob in draw(
        st.lists(st.lists(any_element, min_size=1, max_size=3, unique=True), max_size=2)
    ):
        clauses.append((0, tuple((c, 1 << h) for c, h in ob)))
    if m >= 2:
        for _ in range(draw(st.integers(0, 3))):
            a = draw(any_element)
            others = [c for c in range(m) if c != a[0]]
            then = draw(st.lists(st.sampled_from(others).flatmap(element), min_size=1, max_size=2))
            premise = (a[0], ((1 << sizes[a[0]]) - 1) & ~(1 << a[1]))
            clause = (premise, *((c, 1 << h) for c, h in then))
            clauses.append((1, clause))
    return sizes, [tuple(e) for e in exclusions], clauses


@SETTINGS
@given(fields(), st.integers(0, 2**32))
def test_every_constraint_kind_equals_brute_force(
    field: tuple[list[int], list[Clause], list[tuple[int, Clause]]], seed: int
) -> None:
    sizes, exclusions, clauses = field
    expected = brute_force(sizes, exclusions, clauses)
    space = morpho.Space(sizes, exclusions, [cl for _, cl in clauses])
    assert space.count() == len(expected)
    assert list(space.enumerate()) == expected
    if expected:
        rng = random.Random(seed)
        assert all(space.sample(rng) in expected for _ in range(4))
        scores = [[float((seed >> (c + h)) % 3) for h in range(k)] for c, k in enumerate(sizes)]
        best = space.best(scores, 3)
        top = sorted((sum(scores[c][h] for c, h in enumerate(x)) for x in expected), reverse=True)
        assert [s for s, _ in best] == top[:3]
        assert all(x in expected for _, x in best)


@SETTINGS
@given(fields())
def test_conflict_is_unsatisfiable_and_minimal(
    field: tuple[list[int], list[Clause], list[tuple[int, Clause]]],
) -> None:
    sizes, exclusions, clauses = field
    components = [
        {"name": f"C{c}", "hypotheses": [f"h{h}" for h in range(k)]} for c, k in enumerate(sizes)
    ]
    obligations = [
        [[f"C{c}", f"h{h}"] for c, mask in cl for h in range(sizes[c]) if mask >> h & 1]
        for kind, cl in clauses
        if kind == 0
    ]
    doc = {
        "components": components,
        "exclusions": [[[f"C{c}", f"h{h}"] for c, h in e] for e in exclusions],
        "obligations": obligations,
    }
    data = morpho.parse(doc)
    result = morpho.solve(data)
    if result.count:
        assert result.conflict is None
        return
    assert result.conflict_minimal
    assert result.conflict is not None
    by_field = {c.field: c.clause for c in data.constraints()}
    kept = [by_field[f] for f in result.conflict]
    assert not brute_force(sizes, [], [(0, cl) for cl in kept])
    for i in range(len(kept)):
        assert brute_force(sizes, [], [(0, cl) for cl in kept[:i] + kept[i + 1 :]])


@SETTINGS
@given(fields(), st.integers(1, 4), st.data())
def test_nearest_equals_brute_force(
    field: tuple[list[int], list[Clause], list[tuple[int, Clause]]], k: int, data: st.DataObject
) -> None:
    sizes, exclusions, clauses = field
    expected = brute_force(sizes, exclusions, clauses)
    ref = [data.draw(st.integers(0, s - 1)) for s in sizes]
    space = morpho.Space(sizes, exclusions, [cl for _, cl in clauses])
    penalty = [[0.0 if h == ref[c] else -1.0 for h in range(s)] for c, s in enumerate(sizes)]
    got = [-s for s, _ in space.best(penalty, k)]
    assert got == sorted(morpho.distance(x, ref) for x in expected)[:k]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 2), min_size=4, max_size=4), min_size=1, max_size=12),
    st.integers(1, 6),
    st.lists(st.floats(0, 3), min_size=4, max_size=4),
)
def test_diverse_keeps_the_greedy_max_min_invariant(
    pool: list[list[int]], k: int, weights: list[float]
) -> None:
    picked = morpho.diverse(pool, k, weights)
    chosen = [pool[picked[0][0]]]
    assert picked[0] == (0, None)
    for i, dist in picked[1:]:
        # Each pick is a farthest remaining configuration from those chosen before it.
        def gap(x: list[int]) -> float:
            return min(morpho.distance(x, c, weights) for c in chosen)

        others = [j for j in range(len(pool)) if j not in {p for p, _ in picked[: len(chosen)]}]
        assert dist == pytest.approx(gap(pool[i]))
        assert gap(pool[i]) == pytest.approx(max(gap(pool[j]) for j in others))
        chosen.append(pool[i])
    assert len(picked) == min(k, len(pool))
