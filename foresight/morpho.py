"""Morphological analysis (Zwicky, Godet): the consistent configurations of a morphological space.

A configuration picks one hypothesis per component. An exclusion of one element forbids a
hypothesis; an exclusion of two elements forbids the pair. Counting never enumerates:

1. components linked by no pair exclusion are independent, so the count is the product of the
   counts of the connected groups of the exclusion graph;
2. inside a group, components are assigned in an order that keeps the frontier small, with
   forward checking: each choice narrows the domains (bit masks) of the components still to be
   assigned. The number of completions depends only on those narrowed domains, so it is
   memoised on them. This is dynamic programming over the exclusion graph: on a chain or a tree
   the states are bounded by the frontier, and on a dense graph they collapse as soon as two
   partial choices leave the same domains.

The same memoised counts drive exact uniform sampling (each hypothesis is drawn with probability
proportional to its number of completions).
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from foresight import InputError, _input

Mode = Literal["count", "enumerate", "sample"]
DEFAULT_LIMIT: dict[Mode, int] = {"count": 0, "enumerate": 1000, "sample": 10}


@dataclass(frozen=True)
class Component:
    name: str
    hypotheses: tuple[str, ...]


@dataclass(frozen=True)
class MorphoInput:
    components: tuple[Component, ...]
    # Each exclusion is one or two (component position, hypothesis position) pairs.
    exclusions: tuple[tuple[tuple[int, int], ...], ...] = ()
    mode: Mode = "count"
    limit: int = 1000
    seed: int = 0
    # preferences[c][h]: score of hypothesis h of component c (missing = 0).
    preferences: tuple[tuple[float, ...], ...] | None = None


@dataclass(frozen=True)
class Configuration:
    hypotheses: list[str]
    score: float | None = None


@dataclass(frozen=True)
class Group:
    components: list[str]
    count: int


@dataclass(frozen=True)
class MorphoResult:
    mode: Mode
    space: int
    count: int
    groups: list[Group]
    configurations: list[Configuration] = field(default_factory=list)
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse(doc: object) -> MorphoInput:
    doc = _input.mapping(doc, "")
    _input.reject_unknown(doc, ("components", "exclusions", "mode", "limit", "seed", "preferences"))
    raw = _input.array(_input.required(doc, "components"), "components", min_len=1)
    components = []
    index: dict[str, int] = {}
    for i, item in enumerate(raw):
        fld = f"components[{i}]"
        item = _input.mapping(item, fld)
        _input.reject_unknown(item, ("name", "hypotheses"), fld)
        name = _input.string(_input.required(item, "name", fld), f"{fld}.name")
        if name in index:
            raise InputError(f"{fld}.name", f"duplicate name {name!r}")
        index[name] = i
        hyps = _input.required(item, "hypotheses", fld)
        if isinstance(hyps, list) and not hyps:
            raise InputError(f"{fld}.hypotheses", f"empty component {name!r}: no hypothesis")
        components.append(Component(name, _input.names(hyps, f"{fld}.hypotheses")))

    def element(value: object, fld: str) -> tuple[int, int]:
        pair = _input.array(value, fld)
        if len(pair) != 2:
            raise InputError(fld, "expected [component, hypothesis]")
        comp = _input.string(pair[0], f"{fld}[0]")
        if comp not in index:
            raise InputError(f"{fld}[0]", f"unknown component {comp!r}")
        c = index[comp]
        hyp = _input.string(pair[1], f"{fld}[1]")
        if hyp not in components[c].hypotheses:
            raise InputError(f"{fld}[1]", f"unknown hypothesis {hyp!r} of component {comp!r}")
        return c, components[c].hypotheses.index(hyp)

    exclusions = []
    for i, item in enumerate(_input.array(doc.get("exclusions", []), "exclusions")):
        fld = f"exclusions[{i}]"
        elements = _input.array(item, fld)
        if len(elements) not in (1, 2):
            raise InputError(fld, f"an exclusion has 1 or 2 elements, got {len(elements)}")
        parsed = tuple(element(e, f"{fld}[{j}]") for j, e in enumerate(elements))
        if len(parsed) == 2 and parsed[0][0] == parsed[1][0]:
            raise InputError(fld, "both elements belong to the same component (already exclusive)")
        exclusions.append(parsed)

    mode = doc.get("mode", "count")
    if mode not in DEFAULT_LIMIT:
        raise InputError("mode", f"expected count, enumerate or sample, got {mode!r}")
    limit = _input.integer(doc.get("limit", DEFAULT_LIMIT[mode]), "limit", lo=0, hi=10**7)
    seed = _input.integer(doc.get("seed", 0), "seed")
    preferences = None
    if "preferences" in doc:
        prefs = _input.mapping(doc["preferences"], "preferences")
        table = [[0.0] * len(c.hypotheses) for c in components]
        for comp, scores in prefs.items():
            fld = f"preferences.{comp}"
            if comp not in index:
                raise InputError(fld, f"unknown component {comp!r}")
            c = index[comp]
            for hyp, score in _input.mapping(scores, fld).items():
                if hyp not in components[c].hypotheses:
                    raise InputError(
                        f"{fld}.{hyp}", f"unknown hypothesis {hyp!r} of component {comp!r}"
                    )
                table[c][components[c].hypotheses.index(hyp)] = _input.number(score, f"{fld}.{hyp}")
        preferences = tuple(tuple(row) for row in table)
    return MorphoInput(tuple(components), tuple(exclusions), mode, limit, seed, preferences)


class Space:
    """Domains and compatibility masks of a morphological space; the reusable engine."""

    def __init__(self, sizes: list[int], exclusions: tuple[tuple[tuple[int, int], ...], ...]):
        self.sizes = sizes
        m = len(sizes)
        self.domains = [(1 << k) - 1 for k in sizes]
        # compat[c][h] maps another component to the mask of its hypotheses compatible with h.
        self.compat: list[list[dict[int, int]]] = [[{} for _ in range(k)] for k in sizes]
        self.neighbours: list[set[int]] = [set() for _ in range(m)]
        for exclusion in exclusions:
            if len(exclusion) == 1:
                c, h = exclusion[0]
                self.domains[c] &= ~(1 << h)
                continue
            (c1, h1), (c2, h2) = exclusion
            for (a, ha), (b, hb) in (((c1, h1), (c2, h2)), ((c2, h2), (c1, h1))):
                mask = self.compat[a][ha].get(b, (1 << sizes[b]) - 1)
                self.compat[a][ha][b] = mask & ~(1 << hb)
                self.neighbours[a].add(b)
        self.groups = self._groups()
        self._memo: list[dict[tuple[int, ...], int]] = [{} for _ in self.groups]

    def _groups(self) -> list[list[int]]:
        """Connected groups, each in a maximum-cardinality order (small frontier)."""
        seen: set[int] = set()
        groups = []
        for start in range(len(self.sizes)):
            if start in seen:
                continue
            members = {start}
            stack = [start]
            while stack:
                for nb in self.neighbours[stack.pop()]:
                    if nb not in members:
                        members.add(nb)
                        stack.append(nb)
            seen |= members
            # Maximum cardinality search: next the member with most already-placed neighbours,
            # which keeps the set of components still constrained by the past small.
            order = [max(members, key=lambda c: (len(self.neighbours[c]), -c))]
            weight = dict.fromkeys(members, 0)
            while len(order) < len(members):
                for nb in self.neighbours[order[-1]]:
                    weight[nb] += 1
                placed = set(order)
                order.append(
                    max((c for c in members if c not in placed), key=lambda c: (weight[c], -c))
                )
            groups.append(order)
        return groups

    def _narrow(
        self, order: list[int], t: int, domains: tuple[int, ...], h: int
    ) -> tuple[int, ...] | None:
        """Domains of order[t+1:] once order[t] takes hypothesis h; None if one empties."""
        compat = self.compat[order[t]][h]
        out = []
        for pos in range(t + 1, len(order)):
            mask = domains[pos - t]
            other = compat.get(order[pos])
            if other is not None:
                mask &= other
                if not mask:
                    return None
            out.append(mask)
        return tuple(out)

    def _count(self, g: int, t: int, domains: tuple[int, ...]) -> int:
        """Completions of group g from position t, given the domains of order[t:]."""
        order = self.groups[g]
        if t == len(order):
            return 1
        memo = self._memo[g]
        key = domains
        if key in memo:
            return memo[key]
        total = 0
        mask = domains[0]
        while mask:
            low = mask & -mask
            h = low.bit_length() - 1
            mask ^= low
            narrowed = self._narrow(order, t, domains, h)
            if narrowed is not None:
                total += self._count(g, t + 1, narrowed)
        memo[key] = total
        return total

    def group_counts(self) -> list[int]:
        return [
            self._count(g, 0, tuple(self.domains[c] for c in order))
            for g, order in enumerate(self.groups)
        ]

    def count(self) -> int:
        return math.prod(self.group_counts())

    def sample(self, rng: random.Random) -> list[int]:
        """One configuration drawn uniformly among the consistent ones (count must be > 0)."""
        choice = [0] * len(self.sizes)
        for g, order in enumerate(self.groups):
            domains = tuple(self.domains[c] for c in order)
            for t in range(len(order)):
                remaining = rng.randrange(self._count(g, t, domains))
                mask = domains[0]
                while True:
                    low = mask & -mask
                    h = low.bit_length() - 1
                    mask ^= low
                    narrowed = self._narrow(order, t, domains, h)
                    weight = 0 if narrowed is None else self._count(g, t + 1, narrowed)
                    if remaining < weight:
                        break
                    remaining -= weight
                choice[order[t]] = h
                assert narrowed is not None
                domains = narrowed
        return choice

    def enumerate(self) -> Iterator[list[int]]:
        """Consistent configurations in lexicographic order of hypothesis positions."""
        order = list(range(len(self.sizes)))
        choice = [0] * len(order)

        def walk(t: int, domains: tuple[int, ...]) -> Iterator[list[int]]:
            if t == len(order):
                yield list(choice)
                return
            mask = domains[0]
            while mask:
                low = mask & -mask
                h = low.bit_length() - 1
                mask ^= low
                narrowed = self._narrow(order, t, domains, h)
                if narrowed is not None:
                    choice[t] = h
                    yield from walk(t + 1, narrowed)

        if all(self.domains):
            yield from walk(0, tuple(self.domains))

    def best(self, scores: tuple[tuple[float, ...], ...], k: int) -> list[tuple[float, list[int]]]:
        """The k consistent configurations of highest score (branch and bound), best first."""
        m = len(self.sizes)
        choice = [0] * m
        # Heap of (score, negated positions): its root is the worst kept configuration.
        heap: list[tuple[float, tuple[int, ...]]] = []

        def optimistic(t: int, domains: tuple[int, ...]) -> float:
            return sum(
                max(scores[t + i][h] for h in range(self.sizes[t + i]) if mask >> h & 1)
                for i, mask in enumerate(domains)
            )

        def walk(t: int, domains: tuple[int, ...], score: float) -> None:
            if t == m:
                entry = (score, tuple(-h for h in choice))
                if len(heap) < k:
                    heapq.heappush(heap, entry)
                elif entry > heap[0]:
                    heapq.heapreplace(heap, entry)
                return
            if len(heap) == k and score + optimistic(t, domains) < heap[0][0]:
                return
            hyps = [h for h in range(self.sizes[t]) if domains[0] >> h & 1]
            for h in sorted(hyps, key=lambda h: (-scores[t][h], h)):
                narrowed = self._narrow(list(range(m)), t, domains, h)
                if narrowed is not None:
                    choice[t] = h
                    walk(t + 1, narrowed, score + scores[t][h])

        if k and all(self.domains):
            walk(0, tuple(self.domains), 0.0)
        ranked = sorted(heap, key=lambda e: (-e[0], tuple(-h for h in e[1])))
        return [(score, [-h for h in neg]) for score, neg in ranked]


def solve(data: MorphoInput) -> MorphoResult:
    sizes = [len(c.hypotheses) for c in data.components]
    space = Space(sizes, data.exclusions)
    counts = space.group_counts()
    total = math.prod(counts)
    groups = [
        Group([data.components[c].name for c in sorted(order)], n)
        for order, n in zip(space.groups, counts, strict=True)
    ]
    prefs = data.preferences

    def configuration(choice: list[int], score: float | None = None) -> Configuration:
        names = [c.hypotheses[h] for c, h in zip(data.components, choice, strict=True)]
        if score is None and prefs is not None:
            score = sum(prefs[c][h] for c, h in enumerate(choice))
        return Configuration(names, score)

    configurations: list[Configuration] = []
    truncated = False
    if data.mode == "enumerate":
        if prefs is not None:
            best = space.best(prefs, data.limit)
            configurations = [configuration(choice, score) for score, choice in best]
        else:
            for choice in space.enumerate():
                if len(configurations) == data.limit:
                    break
                configurations.append(configuration(choice))
        truncated = total > len(configurations)
    elif data.mode == "sample" and total:
        rng = random.Random(data.seed)
        configurations = [configuration(space.sample(rng)) for _ in range(data.limit)]
        if prefs is not None:
            configurations.sort(key=lambda c: -(c.score or 0.0))
    return MorphoResult(
        mode=data.mode,
        space=math.prod(sizes),
        count=total,
        groups=groups,
        configurations=configurations,
        truncated=truncated,
    )
