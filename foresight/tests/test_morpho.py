import itertools
import random
from collections import Counter
from typing import TypedDict

from hypothesis import given, settings
from hypothesis import strategies as st

from foresight import morpho

SETTINGS = settings(max_examples=80, deadline=None)


class ComponentDoc(TypedDict):
    name: str
    hypotheses: list[str]


class MorphoDoc(TypedDict):
    components: list[ComponentDoc]
    exclusions: list[list[list[str]]]


HAND: MorphoDoc = {
    "components": [
        {"name": "X", "hypotheses": ["x1", "x2"]},
        {"name": "Y", "hypotheses": ["y1", "y2", "y3"]},
        {"name": "Z", "hypotheses": ["z1", "z2"]},
    ],
    "exclusions": [[["X", "x1"], ["Y", "y1"]], [["Y", "y3"]], [["Y", "y2"], ["Z", "z2"]]],
}


def run(**extra: object) -> morpho.MorphoResult:
    return morpho.solve(morpho.parse({**HAND, **extra}))


def test_hand_computed_count_and_enumeration() -> None:
    result = run(mode="enumerate")
    assert (result.space, result.count) == (12, 4)
    assert [c.hypotheses for c in result.configurations] == [
        ["x1", "y2", "z1"],
        ["x2", "y1", "z1"],
        ["x2", "y1", "z2"],
        ["x2", "y2", "z1"],
    ]
    assert not result.truncated


def test_independent_component_multiplies_the_count() -> None:
    doc = {**HAND, "components": [*HAND["components"], {"name": "W", "hypotheses": ["w1", "w2"]}]}
    result = morpho.solve(morpho.parse(doc))
    assert result.count == 8
    assert sorted((g.components, g.count) for g in result.groups) == [
        (["W"], 2),
        (["X", "Y", "Z"], 4),
    ]


def test_enumerate_limit_truncates() -> None:
    result = run(mode="enumerate", limit=3)
    assert len(result.configurations) == 3
    assert result.truncated


def test_preferences_rank_the_best_configurations() -> None:
    prefs = {"Y": {"y2": 5}, "Z": {"z2": 2}, "X": {"x1": 1}}
    result = run(mode="enumerate", limit=2, preferences=prefs)
    # x1,y2,z1 = 6; x2,y2,z1 = 5; x2,y1,z2 = 2; x2,y1,z1 = 0.
    assert [(c.hypotheses, c.score) for c in result.configurations] == [
        (["x1", "y2", "z1"], 6.0),
        (["x2", "y2", "z1"], 5.0),
    ]


def test_sample_is_uniform_and_reproducible() -> None:
    a = run(mode="sample", limit=2000, seed=4)
    b = run(mode="sample", limit=2000, seed=4)
    assert a.configurations == b.configurations
    counts = Counter(tuple(c.hypotheses) for c in a.configurations)
    assert len(counts) == 4
    # Each of the 4 configurations expects 500 draws; 400..600 is > 6 standard deviations wide.
    assert all(400 <= n <= 600 for n in counts.values()), counts


def test_everything_excluded_counts_zero() -> None:
    result = run(exclusions=[[["Z", "z1"]], [["Z", "z2"]]], mode="sample")
    assert result.count == 0
    assert result.configurations == []


Exclusions = tuple[tuple[tuple[int, int], ...], ...]


@st.composite
def spaces(draw: st.DrawFn) -> tuple[list[int], Exclusions]:
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=6))
    m = len(sizes)
    element = st.integers(0, m - 1).flatmap(
        lambda c: st.tuples(st.just(c), st.integers(0, sizes[c] - 1))
    )
    singles = draw(st.lists(element.map(lambda e: (e,)), max_size=3))
    pairs: list[tuple[tuple[int, int], ...]] = []
    if m >= 2:
        pairs = draw(
            st.lists(st.tuples(element, element).filter(lambda p: p[0][0] != p[1][0]), max_size=14)
        )
    return sizes, tuple(singles + pairs)


def brute_force(sizes: list[int], exclusions: Exclusions) -> list[list[int]]:
    return [
        list(conf)
        for conf in itertools.product(*[range(k) for k in sizes])
        if not any(all(conf[c] == h for c, h in excl) for excl in exclusions)
    ]


@SETTINGS
@given(spaces())
def test_count_and_enumeration_equal_brute_force(space: tuple[list[int], Exclusions]) -> None:
    sizes, exclusions = space
    engine = morpho.Space(sizes, exclusions)
    expected = brute_force(sizes, exclusions)
    assert engine.count() == len(expected)
    assert list(engine.enumerate()) == expected


@SETTINGS
@given(spaces(), st.integers(0, 2**32))
def test_samples_are_consistent(space: tuple[list[int], Exclusions], seed: int) -> None:
    sizes, exclusions = space
    engine = morpho.Space(sizes, exclusions)
    valid = brute_force(sizes, exclusions)
    if valid:
        rng = random.Random(seed)
        for _ in range(5):
            assert engine.sample(rng) in valid


@SETTINGS
@given(spaces(), st.integers(1, 5), st.randoms(use_true_random=False))
def test_best_equals_sorted_brute_force(
    space: tuple[list[int], Exclusions], k: int, rnd: random.Random
) -> None:
    sizes, exclusions = space
    scores = tuple(tuple(float(rnd.randint(0, 4)) for _ in range(s)) for s in sizes)
    ranked = sorted(
        (
            (sum(scores[c][h] for c, h in enumerate(conf)), conf)
            for conf in brute_force(sizes, exclusions)
        ),
        key=lambda e: (-e[0], e[1]),
    )
    got = morpho.Space(sizes, exclusions).best(scores, k)
    # Same scores in the same order; ties may be broken differently (the engine's order), so
    # the configurations strictly above the last score kept must be exactly the same.
    assert [s for s, _ in got] == [s for s, _ in ranked[:k]]
    valid = [c for _, c in ranked]
    assert all(c in valid for _, c in got)
    assert len({tuple(c) for _, c in got}) == len(got)
    assert all(s == sum(scores[i][h] for i, h in enumerate(c)) for s, c in got)
    if got:
        cut = got[-1][0]
        above = sorted(c for s, c in ranked if s > cut)
        assert sorted(c for s, c in got if s > cut) == above
