"""Morphological analysis (Zwicky, Godet): the consistent configurations of a morphological space.

A configuration picks one hypothesis per component. Constraints: exclusions (a hypothesis, or a
combination of hypotheses of distinct components, that may not be chosen together),
obligations (at least one of a set of hypotheses is chosen) and implications (if a hypothesis
is chosen, so is one of a set). The engine (``morpho_engine``) turns them all into clauses and
counts, enumerates, samples and ranks; this module parses documents, explains infeasible
fields, and measures distances between configurations.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from foresight import InputError, _input
from foresight.morpho_engine import BudgetExceeded, Clause, Space

__all__ = ["Space", "parse", "solve"]

Mode = Literal["count", "enumerate", "sample", "nearest", "diverse"]
DEFAULT_LIMIT: dict[Mode, int] = {
    "count": 0,
    "enumerate": 1000,
    "sample": 10,
    "nearest": 10,
    "diverse": 5,
}
MAX_HYPOTHESES = 64
# Checks of the deletion-based shrinking of an infeasible field before it stops.
MAX_CONFLICT_CHECKS = 400
CONFLICT_SECONDS = 5.0
# Time after which sampling stops with the draws made so far.
SAMPLE_SECONDS = 20.0
Element = tuple[int, int]


@dataclass(frozen=True)
class Component:
    name: str
    hypotheses: tuple[str, ...]


@dataclass(frozen=True)
class Constraint:
    """One input constraint as an engine clause, with the field it came from."""

    field: str
    clause: Clause


@dataclass(frozen=True)
class Criterion:
    name: str
    weight: float
    # scores[c][h]: score of hypothesis h of component c (missing = 0).
    scores: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class MorphoInput:
    components: tuple[Component, ...]
    # Each exclusion is one or more (component position, hypothesis position) pairs.
    exclusions: tuple[tuple[Element, ...], ...] = ()
    mode: Mode = "count"
    limit: int = 1000
    seed: int = 0
    # preferences[c][h]: score of hypothesis h of component c (missing = 0).
    preferences: tuple[tuple[float, ...], ...] | None = None
    obligations: tuple[tuple[Element, ...], ...] = ()
    # (premise, consequences): if the premise is chosen, so is one of the consequences.
    implications: tuple[tuple[Element, tuple[Element, ...]], ...] = ()
    criteria: tuple[Criterion, ...] = ()
    # reference[c]: hypothesis position, or None when the component is left free.
    reference: tuple[int | None, ...] | None = None
    distance_weights: tuple[float, ...] | None = None
    pool: int = 2000

    def constraints(self) -> list[Constraint]:
        full = [(1 << len(c.hypotheses)) - 1 for c in self.components]
        out = [
            Constraint(f"exclusions[{i}]", tuple((c, full[c] & ~(1 << h)) for c, h in excl))
            for i, excl in enumerate(self.exclusions)
        ]
        out += [
            Constraint(f"obligations[{i}]", tuple((c, 1 << h) for c, h in ob))
            for i, ob in enumerate(self.obligations)
        ]
        out += [
            Constraint(
                f"implications[{i}]",
                ((a, full[a] & ~(1 << ha)), *((c, 1 << h) for c, h in then)),
            )
            for i, ((a, ha), then) in enumerate(self.implications)
        ]
        return out

    def scores(self) -> list[list[float]] | None:
        """Weighted sum of the criteria per hypothesis (preferences: one criterion, weight 1)."""
        criteria = list(self.criteria)
        if self.preferences is not None:
            criteria.append(Criterion("preferences", 1.0, self.preferences))
        if not criteria:
            return None
        return [
            [
                sum(cr.weight * cr.scores[c][h] for cr in criteria)
                for h in range(len(comp.hypotheses))
            ]
            for c, comp in enumerate(self.components)
        ]


@dataclass(frozen=True)
class Configuration:
    hypotheses: list[str]
    score: float | None = None
    # Unweighted total of each criterion, when criteria are given.
    criteria: dict[str, float] | None = None
    # nearest: distance to the reference; diverse: distance to the closest one listed before.
    distance: float | None = None


@dataclass(frozen=True)
class Group:
    components: list[str]
    count: int | None


@dataclass(frozen=True)
class MorphoResult:
    mode: Mode
    space: int
    count: int | None
    groups: list[Group]
    configurations: list[Configuration] = field(default_factory=list)
    truncated: bool = False
    # Infeasible field: the field paths of a small set of constraints that cannot hold together.
    conflict: list[str] | None = None
    conflict_minimal: bool | None = None
    # What a budget cut, in plain words.
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- parsing --------------------------------------------------------------------------------


class _Reader:
    def __init__(self, components: list[Component]) -> None:
        self.components = components
        self.index = {c.name: i for i, c in enumerate(components)}

    def component(self, value: object, fld: str) -> int:
        comp = _input.string(value, fld)
        if comp not in self.index:
            raise InputError(fld, f"unknown component {comp!r}")
        return self.index[comp]

    def hypothesis(self, c: int, value: object, fld: str) -> int:
        hyp = _input.string(value, fld)
        comp = self.components[c]
        if hyp not in comp.hypotheses:
            raise InputError(fld, f"unknown hypothesis {hyp!r} of component {comp.name!r}")
        return comp.hypotheses.index(hyp)

    def element(self, value: object, fld: str) -> Element:
        pair = _input.array(value, fld)
        if len(pair) != 2:
            raise InputError(fld, "expected [component, hypothesis]")
        c = self.component(pair[0], f"{fld}[0]")
        return c, self.hypothesis(c, pair[1], f"{fld}[1]")

    def elements(self, value: object, fld: str) -> tuple[Element, ...]:
        items = _input.array(value, fld, min_len=1)
        parsed = tuple(self.element(e, f"{fld}[{j}]") for j, e in enumerate(items))
        for j, e in enumerate(parsed):
            if e in parsed[:j]:
                raise InputError(f"{fld}[{j}]", "element listed twice")
        return parsed

    def table(self, value: object, fld: str) -> tuple[tuple[float, ...], ...]:
        """component → hypothesis → number, as a full table (missing = 0)."""
        doc = _input.mapping(value, fld)
        table = [[0.0] * len(c.hypotheses) for c in self.components]
        for comp, scores in doc.items():
            sub = f"{fld}.{comp}"
            c = self.component(comp, sub)
            for hyp, score in _input.mapping(scores, sub).items():
                h = self.hypothesis(c, hyp, f"{sub}.{hyp}")
                table[c][h] = _input.number(score, f"{sub}.{hyp}")
        return tuple(tuple(row) for row in table)


FIELDS = (
    "components",
    "exclusions",
    "obligations",
    "implications",
    "mode",
    "limit",
    "seed",
    "preferences",
    "criteria",
    "reference",
    "distance_weights",
    "pool",
)


def parse(doc: object) -> MorphoInput:
    doc = _input.mapping(doc, "")
    _input.reject_unknown(doc, FIELDS)
    raw = _input.array(_input.required(doc, "components"), "components", min_len=1)
    components: list[Component] = []
    names: set[str] = set()
    for i, item in enumerate(raw):
        fld = f"components[{i}]"
        item = _input.mapping(item, fld)
        _input.reject_unknown(item, ("name", "hypotheses"), fld)
        name = _input.string(_input.required(item, "name", fld), f"{fld}.name")
        if name in names:
            raise InputError(f"{fld}.name", f"duplicate name {name!r}")
        names.add(name)
        hyps = _input.required(item, "hypotheses", fld)
        if isinstance(hyps, list) and not hyps:
            raise InputError(f"{fld}.hypotheses", f"empty component {name!r}: no hypothesis")
        hypotheses = _input.names(hyps, f"{fld}.hypotheses")
        if len(hypotheses) > MAX_HYPOTHESES:
            raise InputError(
                f"{fld}.hypotheses", f"at most {MAX_HYPOTHESES} hypotheses per component"
            )
        components.append(Component(name, hypotheses))
    read = _Reader(components)

    exclusions = []
    for i, item in enumerate(_input.array(doc.get("exclusions", []), "exclusions")):
        fld = f"exclusions[{i}]"
        parsed = read.elements(item, fld)
        seen: set[int] = set()
        for c, _ in parsed:
            if c in seen:
                what = "both elements" if len(parsed) == 2 else "two elements"
                raise InputError(
                    fld,
                    f"{what} belong to the same component {components[c].name!r} "
                    "(already exclusive)",
                )
            seen.add(c)
        exclusions.append(parsed)

    obligations = [
        read.elements(item, f"obligations[{i}]")
        for i, item in enumerate(_input.array(doc.get("obligations", []), "obligations"))
    ]

    implications = []
    for i, item in enumerate(_input.array(doc.get("implications", []), "implications")):
        fld = f"implications[{i}]"
        item = _input.mapping(item, fld)
        _input.reject_unknown(item, ("if", "then"), fld)
        premise = read.element(_input.required(item, "if", fld), f"{fld}.if")
        then = read.elements(_input.required(item, "then", fld), f"{fld}.then")
        for j, (c, _) in enumerate(then):
            if c == premise[0]:
                raise InputError(
                    f"{fld}.then[{j}]",
                    f"same component {components[c].name!r} as the premise "
                    "(a configuration holds one hypothesis per component)",
                )
        implications.append((premise, then))

    mode = doc.get("mode", "count")
    if mode not in DEFAULT_LIMIT:
        raise InputError(
            "mode", f"expected count, enumerate, sample, nearest or diverse, got {mode!r}"
        )
    limit = _input.integer(doc.get("limit", DEFAULT_LIMIT[mode]), "limit", lo=0, hi=10**7)
    seed = _input.integer(doc.get("seed", 0), "seed")
    pool = _input.integer(doc.get("pool", 2000), "pool", lo=1, hi=100_000)

    preferences = read.table(doc["preferences"], "preferences") if "preferences" in doc else None
    criteria = []
    crit_names: set[str] = set()
    for i, item in enumerate(_input.array(doc.get("criteria", []), "criteria")):
        fld = f"criteria[{i}]"
        item = _input.mapping(item, fld)
        _input.reject_unknown(item, ("name", "weight", "scores"), fld)
        name = _input.string(_input.required(item, "name", fld), f"{fld}.name")
        if name in crit_names:
            raise InputError(f"{fld}.name", f"duplicate name {name!r}")
        crit_names.add(name)
        weight = _input.number(item.get("weight", 1), f"{fld}.weight")
        scores = read.table(_input.required(item, "scores", fld), f"{fld}.scores")
        criteria.append(Criterion(name, weight, scores))
    if preferences is not None and criteria:
        raise InputError("preferences", "give criteria or preferences, not both")

    reference = None
    if "reference" in doc:
        ref = _input.mapping(doc["reference"], "reference")
        if not ref:
            raise InputError("reference", "expected at least one component")
        chosen: list[int | None] = [None] * len(components)
        for comp, hyp in ref.items():
            c = read.component(comp, f"reference.{comp}")
            chosen[c] = read.hypothesis(c, hyp, f"reference.{comp}")
        reference = tuple(chosen)
    elif mode == "nearest":
        raise InputError("reference", "missing required field (mode nearest)")

    weights = None
    if "distance_weights" in doc:
        wdoc = _input.mapping(doc["distance_weights"], "distance_weights")
        table = [1.0] * len(components)
        for comp, w in wdoc.items():
            c = read.component(comp, f"distance_weights.{comp}")
            table[c] = _input.number(w, f"distance_weights.{comp}", lo=0)
        weights = tuple(table)

    return MorphoInput(
        components=tuple(components),
        exclusions=tuple(exclusions),
        mode=mode,
        limit=limit,
        seed=seed,
        preferences=preferences,
        obligations=tuple(obligations),
        implications=tuple(implications),
        criteria=tuple(criteria),
        reference=reference,
        distance_weights=weights,
        pool=pool,
    )


# -- distances ------------------------------------------------------------------------------


def distance(a: list[int], b: list[int], weights: list[float] | None = None) -> float:
    """Weighted number of components on which two configurations differ."""
    return float(
        sum(
            (1.0 if weights is None else weights[c])
            for c, (x, y) in enumerate(zip(a, b, strict=True))
            if x != y
        )
    )


def diverse(
    pool: list[list[int]], k: int, weights: list[float] | None = None, first: int = 0
) -> list[tuple[int, float | None]]:
    """Greedy max-min selection of k configurations of the pool (Gonzalez's farthest-point
    heuristic): start from pool[first], then repeatedly add the configuration whose distance
    to the closest one already chosen is largest (ties: earliest in the pool). Returns
    (pool index, that distance; None for the first)."""
    if not pool or k <= 0:
        return []
    arr = np.array(pool, dtype=np.int64)
    w = np.ones(arr.shape[1]) if weights is None else np.array(weights, dtype=float)
    chosen: list[tuple[int, float | None]] = [(first, None)]
    closest = ((arr != arr[first]) * w).sum(axis=1)
    closest[first] = -1.0
    while len(chosen) < min(k, len(pool)):
        i = int(np.argmax(closest))
        if closest[i] < 0:
            break
        chosen.append((i, float(closest[i])))
        closest = np.minimum(closest, ((arr != arr[i]) * w).sum(axis=1))
        for j, _ in chosen:
            closest[j] = -1.0
    return chosen


def explain(data: MorphoInput, seconds: float = CONFLICT_SECONDS) -> tuple[list[str], bool]:
    """A small set of constraints that no configuration satisfies, by deletion: constraints
    are dropped and kept only if the rest becomes satisfiable without them. When every check
    answered, the set is minimal (dropping any one makes it satisfiable); past the check,
    node, state or time budget it is only smaller than the input."""
    sizes = [len(c.hypotheses) for c in data.components]
    kept = data.constraints()
    minimal = True

    def feasible(constraints: list[Constraint]) -> bool | None:
        space = Space(
            sizes, clauses=[c.clause for c in constraints], max_nodes=20_000, max_states=200_000
        )
        try:
            return next(space.enumerate(), None) is not None
        except BudgetExceeded:
            pass
        try:
            return space.count() > 0
        except BudgetExceeded:
            return None

    # Groups are independent: one infeasible group holds a conflict on its own.
    whole = Space(sizes, clauses=[c.clause for c in kept], max_states=200_000)
    for order in whole.groups:
        members = set(order)
        inside = [c for c in kept if all(comp in members for comp, _ in c.clause)]
        if feasible(inside) is False:
            kept = inside
            break
    # Deletion by halves: try dropping a run of constraints at once; when the rest becomes
    # satisfiable, halve the run, down to single constraints, which are kept only if needed.
    # A constraint needed by a set stays needed by its subsets, so the result is minimal.
    deadline = time.monotonic() + seconds
    i = checks = 0
    run = max(1, len(kept) // 2)
    while i < len(kept):
        if checks >= MAX_CONFLICT_CHECKS or time.monotonic() > deadline:
            minimal = False
            break
        checks += 1
        trial = kept[:i] + kept[i + run :]
        answer = feasible(trial)
        if answer is False:
            kept = trial
        elif run > 1:
            run //= 2
        else:
            if answer is None:
                minimal = False
            i += 1
            run = max(1, (len(kept) - i) // 2)
    return [c.field for c in kept], minimal


# -- solving --------------------------------------------------------------------------------


def solve(data: MorphoInput) -> MorphoResult:
    sizes = [len(c.hypotheses) for c in data.components]
    constraints = data.constraints()
    space = Space(sizes, clauses=[c.clause for c in constraints])
    notes: list[str] = []
    counts: list[int] | None
    try:
        counts = space.group_counts(keep=data.mode in ("sample", "diverse"))
    except BudgetExceeded as exc:
        counts = None
        notes.append(f"count not computed: the field is too hard for the exact count ({exc})")
    total = None if counts is None else math.prod(counts)
    groups = [
        Group(
            [data.components[c].name for c in sorted(order)],
            None if counts is None else counts[g],
        )
        for g, order in enumerate(space.groups)
    ]
    scores = data.scores()
    weights = None if data.distance_weights is None else list(data.distance_weights)

    def configuration(choice: list[int], dist: float | None = None) -> Configuration:
        names = [c.hypotheses[h] for c, h in zip(data.components, choice, strict=True)]
        score = None if scores is None else sum(scores[c][h] for c, h in enumerate(choice))
        per = None
        if data.criteria:
            per = {
                cr.name: sum(cr.scores[c][h] for c, h in enumerate(choice)) for cr in data.criteria
            }
        return Configuration(names, score, per, dist)

    configurations: list[Configuration] = []
    truncated = False
    feasible = total is None or total > 0
    try:
        if not feasible:
            pass
        elif data.mode == "enumerate" and scores is not None:
            best = space.best(scores, data.limit)
            configurations = [configuration(choice) for _, choice in best]
            truncated = total is None or total > len(configurations)
        elif data.mode == "enumerate":
            walk = space.enumerate()
            try:
                for choice in walk:
                    if len(configurations) == data.limit:
                        truncated = True
                        break
                    configurations.append(configuration(choice))
            except BudgetExceeded as exc:
                truncated = True
                notes.append(f"enumeration stopped: {exc}")
        elif data.mode == "sample":
            rng = random.Random(data.seed)
            stop = time.monotonic() + SAMPLE_SECONDS
            draw: Callable[[random.Random], list[int] | None] = space.sample
            if total is None:
                # Exact sampling needs the count: fall back to randomised search, flagged.
                notes.append(
                    "sample: exact uniform sampling is out of budget; the configurations are "
                    "drawn by randomised depth-first search (consistent, NOT uniform)"
                )
                draw = space.random_configuration
            for i in range(data.limit):
                if i % 100 == 99 and time.monotonic() > stop:
                    notes.append(
                        f"sampling stopped after {i:,} draws ({SAMPLE_SECONDS:g} s budget)"
                    )
                    break
                drawn = draw(rng)
                if drawn is None:
                    notes.append(f"sampling stopped after {i:,} draws (search budget)")
                    break
                configurations.append(configuration(drawn))
            if scores is not None:
                configurations.sort(key=lambda c: -(c.score or 0.0))
        elif data.mode == "nearest":
            assert data.reference is not None
            ref = data.reference
            penalty = [
                [
                    0.0
                    if ref[c] is None or ref[c] == h
                    else -(1.0 if weights is None else weights[c])
                    for h in range(k)
                ]
                for c, k in enumerate(sizes)
            ]
            best = space.best(penalty, data.limit)
            configurations = [configuration(choice, -s + 0.0) for s, choice in best]
            truncated = total is None or total > len(configurations)
        elif data.mode == "diverse":
            pool = _pool(space, data, total)
            first = 0
            if scores is not None:
                totals = [sum(scores[c][h] for c, h in enumerate(p)) for p in pool]
                first = max(range(len(pool)), key=lambda i: (totals[i], -i))
            picked = diverse(pool, data.limit, weights, first)
            configurations = [configuration(pool[i], d) for i, d in picked]
            truncated = total is None or total > len(configurations)
            if total is None or total > data.pool:
                how = "uniformly" if total is not None else "by randomised search (NOT uniform)"
                notes.append(
                    f"diverse selection among {len(pool)} configurations drawn {how} "
                    "(pool), not among all"
                )
    except BudgetExceeded as exc:
        notes.append(f"{data.mode} not computed: the field is too hard ({exc})")
    conflict = minimal = None
    if total == 0:
        conflict, minimal = explain(data)
    return MorphoResult(
        mode=data.mode,
        space=math.prod(sizes),
        count=total,
        groups=groups,
        configurations=configurations,
        truncated=truncated,
        conflict=conflict,
        conflict_minimal=minimal,
        notes=notes,
    )


def _pool(space: Space, data: MorphoInput, total: int | None) -> list[list[int]]:
    """All configurations when there are at most ``pool``, else ``pool`` uniform draws
    (duplicates removed, in order of first draw); without the count, draws by randomised
    search (not uniform)."""
    if total is not None and total <= data.pool:
        return list(space.enumerate())
    rng = random.Random(data.seed)
    draw = space.sample if total is not None else space.random_configuration
    seen: dict[tuple[int, ...], None] = {}
    for _ in range(data.pool):
        drawn = draw(rng)
        if drawn is None:
            break
        seen.setdefault(tuple(drawn), None)
    return [list(p) for p in seen]
