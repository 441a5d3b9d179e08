"""The engine of morphological analysis: constraints as clauses, exact counting, lazy
enumeration, uniform sampling and ranking.

Every constraint is a clause: a tuple of literals ``(component, mask)``, satisfied when some
component of the clause takes a hypothesis in its mask. An exclusion of hypotheses
h1, ..., hk of k components is the clause "c1 ≠ h1 or ... or ck ≠ hk"; an obligation "at
least one of" is the clause of its elements; an implication "if a then b or c" is
"not a, or b, or c". A clause of one component narrows that component's domain.

Counting is a forward dynamic programme over the components in a fixed order. The state after
the first t components is what the rest of the field still sees of them: the narrowed domains
(bit masks) of the components still to be assigned and, for each clause of three or more
components touched but not finished, whether it is still unsatisfied. Two partial
configurations with the same state have the same completions, so the states of a level are
merged (numpy sort, counts summed) before the next component is expanded. A further merge
makes this fast on sparse fields: a hypothesis that no clause with another unassigned
component distinguishes from its siblings is interchangeable with them, so each domain is
replaced by a canonical one that keeps only how many hypotheses of each such class remain.
Stored levels (states and edges) give the number of completions of every state, hence exact
uniform sampling, and the best completion score of every state, hence ranking by best-first
search with an exact bound.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Literal = tuple[int, int]
Clause = tuple[Literal, ...]
Array = npt.NDArray[Any]

# States kept in one level of the dynamic programme before the engine gives up counting.
DEFAULT_MAX_STATES = 1_500_000
# Estimated bytes of one level's expansion (candidate states before merging), plus the edges
# stored for sampling and ranking, past which the engine gives up: a bound on a run's memory.
DEFAULT_MAX_BYTES = 250_000_000
# Nodes walked by the lazy enumeration before it stops (each node costs a few microseconds).
DEFAULT_MAX_NODES = 2_000_000


class BudgetExceeded(Exception):
    """The field is too hard for the exact engine within its state or node budget."""


def _members(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def _dtype(size: int) -> type[np.unsignedinteger[npt.NBitBase]]:
    for bits, dtype in ((8, np.uint8), (16, np.uint16), (32, np.uint32)):
        if size <= bits:
            return dtype  # type: ignore[return-value]
    return np.uint64  # type: ignore[return-value]


@dataclass
class _Block:
    mask: int
    # prefix[i]: the mask of the first i members of the block.
    prefix: list[int]


@dataclass
class _Level:
    """What assigning the component at position t of the order does to the state."""

    component: int
    hyps: list[int]
    # Per hypothesis: masks ANDed into the domains of positions t+1.. (clauses made unit).
    static_and: dict[int, list[int]]
    # Per hypothesis: open clause columns whose last unassigned component is this one.
    kill: dict[int, list[int]]
    # Per hypothesis: (open column, position offset, mask) narrowing when the clause is alive.
    unit: dict[int, list[tuple[int, int, int]]]
    # Per hypothesis: the open columns of the next level, as (copy?, column or constant).
    next_cols: dict[int, list[tuple[bool, int]]]
    # Per hypothesis: the positions t+1.. whose domain this choice may narrow.
    touched: dict[int, list[int]]
    # Blocks of interchangeable hypotheses of every unassigned position t.. (for the state).
    blocks: list[list[_Block]]


def _refine(full: int, masks: Sequence[int]) -> list[int]:
    blocks = [full]
    for s in masks:
        nxt = []
        for b in blocks:
            for part in (b & s, b & ~s):
                if part:
                    nxt.append(part)
        blocks = nxt
    return blocks


class _Plan:
    """The levels of the dynamic programme for one order of some components."""

    def __init__(
        self,
        sizes: list[int],
        order: list[int],
        clauses: list[dict[int, int]],
        classes: list[list[int]] | None,
        canonical: bool = True,
    ) -> None:
        self.order = order
        m = len(order)
        pos = {c: i for i, c in enumerate(order)}
        mine = [cl for cl in clauses if all(c in pos for c in cl)]
        full = [(1 << sizes[c]) - 1 for c in order]
        scoped = [sorted(pos[c] for c in cl) for cl in mine]
        # Clauses open at level t: touched (a position < t) with two or more positions >= t.
        open_at: list[list[int]] = []
        for t in range(m + 1):
            open_at.append(
                [
                    i
                    for i, ps in enumerate(scoped)
                    if ps[0] < t and sum(1 for p in ps if p >= t) >= 2
                ]
            )
        self.open_at = open_at
        self.levels: list[_Level] = []
        for t in range(m + 1):
            blocks: list[list[_Block]] = []
            for p in range(t, m):
                masks = [
                    mine[i][order[p]]
                    for i, ps in enumerate(scoped)
                    if p in ps and sum(1 for q in ps if q >= t) >= 2
                ]
                if classes is not None:
                    masks += classes[order[p]]
                parts = _refine(full[p], masks) if canonical else []
                col = []
                for b in parts:
                    members = _members(b)
                    if len(members) >= 2:
                        prefix = [0]
                        for h in members:
                            prefix.append(prefix[-1] | (1 << h))
                        col.append(_Block(b, prefix))
                blocks.append(col)
            if t == m:
                self.final_blocks = blocks
                break
            c = order[t]
            col_now = {cid: j for j, cid in enumerate(open_at[t])}
            hyps = _members(full[t])
            static_and: dict[int, list[int]] = {}
            kill: dict[int, list[int]] = {}
            unit: dict[int, list[tuple[int, int, int]]] = {}
            next_cols: dict[int, list[tuple[bool, int]]] = {}
            touched: dict[int, list[int]] = {}
            for h in hyps:
                sa = list(full[t + 1 :])
                kl: list[int] = []
                un: list[tuple[int, int, int]] = []
                for i, ps in enumerate(scoped):
                    if t not in ps or mine[i][c] >> h & 1:
                        continue
                    rest = [p for p in ps if p > t]
                    is_open = i in col_now
                    if len(rest) == 0:
                        if is_open:
                            kl.append(col_now[i])
                    elif len(rest) == 1:
                        p = rest[0]
                        if is_open:
                            un.append((col_now[i], p - t - 1, mine[i][order[p]]))
                        else:
                            sa[p - t - 1] &= mine[i][order[p]]
                nc: list[tuple[bool, int]] = []
                for i in open_at[t + 1]:
                    if t not in scoped[i]:
                        nc.append((True, col_now[i]))
                    elif mine[i][c] >> h & 1:
                        nc.append((False, 0))
                    elif i in col_now:
                        nc.append((True, col_now[i]))
                    else:
                        nc.append((False, 1))
                static_and[h], kill[h], unit[h], next_cols[h] = sa, kl, un, nc
                touched[h] = sorted(
                    {p for p, mask in enumerate(sa) if mask != full[t + 1 + p]}
                    | {p for _, p, _ in un}
                )
            self.levels.append(_Level(c, hyps, static_and, kill, unit, next_cols, touched, blocks))

    # -- scalar steps, for the walks -------------------------------------------------------

    def step(
        self, t: int, doms: tuple[int, ...], alive: tuple[int, ...], h: int
    ) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        """The state of positions t+1.. once position t takes h; None if it is dead."""
        lv = self.levels[t]
        for col in lv.kill[h]:
            if alive[col]:
                return None
        out = [d & s for d, s in zip(doms[1:], lv.static_and[h], strict=True)]
        for col, p, mask in lv.unit[h]:
            if alive[col]:
                out[p] &= mask
        if not all(out):
            return None
        nxt = tuple(alive[v] if copy else v for copy, v in lv.next_cols[h])
        return tuple(out), nxt

    def canon(self, t: int, doms: Sequence[int]) -> tuple[int, ...]:
        blocks = self.levels[t].blocks if t < len(self.levels) else self.final_blocks
        out = []
        for d, col in zip(doms, blocks, strict=True):
            for b in col:
                d = (d & ~b.mask) | b.prefix[(d & b.mask).bit_count()]
            out.append(d)
        return tuple(out)

    def relabel(self, t: int, real: int, h: int) -> int:
        """The canonical hypothesis standing for the real hypothesis h of domain ``real``."""
        for b in self.levels[t].blocks[0]:
            if b.mask >> h & 1:
                rank = (real & b.mask & ((1 << h) - 1)).bit_count()
                return b.prefix[rank + 1].bit_length() - 1
        return h


@dataclass
class _Table:
    """Stored levels: states, edges (parent, hypothesis, child), and per-state values."""

    plan: _Plan
    # Number of states of every level.
    sizes: list[int]
    edges: list[tuple[Array, Array, Array]]
    count: int


def _canon_array(d: Array, blocks: list[_Block]) -> Array:
    for b in blocks:
        bm = d.dtype.type(b.mask)
        n = np.bitwise_count(d & bm)
        table = np.array(b.prefix, dtype=d.dtype)
        d = (d & ~bm) | table[n]
    return d


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _sort_states(doms: Array, alive: Array) -> tuple[Array, Array]:
    """Order of the rows grouping equal states, and whether each sorted row starts a new
    state. Rows are packed into 64-bit words and sorted by a hash of them; equal hashes of
    different rows (checked) fall back to sorting the bytes themselves."""
    n = doms.shape[0]
    width = doms.shape[1] * doms.dtype.itemsize + alive.shape[1]
    words = max(1, -(-width // 8))
    raw = np.zeros((n, words * 8), dtype=np.uint8)
    raw[:, : doms.shape[1] * doms.dtype.itemsize] = doms.view(np.uint8).reshape(n, -1)
    raw[:, doms.shape[1] * doms.dtype.itemsize : width] = alive
    packed = raw.view(np.uint64)
    digest = np.zeros(n, dtype=np.uint64)
    for j in range(words):
        digest = (digest ^ packed[:, j]) * _MIX
        digest ^= digest >> np.uint64(31)
    idx = np.argsort(digest)
    sorted_digest = digest[idx]
    new_hash = sorted_digest[1:] != sorted_digest[:-1]
    same = np.flatnonzero(~new_hash)
    # Rows of equal hash must be equal (checked by chunks, to bound the memory).
    if any(
        np.any(packed[idx[part]] != packed[idx[part + 1]])
        for part in np.array_split(same, max(1, same.size // 262_144))
    ):
        keys = np.ascontiguousarray(raw).view(np.dtype((np.void, raw.shape[1]))).ravel()
        idx = np.argsort(keys, kind="stable")
        sk = keys[idx]
        return idx, np.concatenate([[True], sk[1:] != sk[:-1]])
    return idx, np.concatenate([[True], new_hash])


def forward(
    plan: _Plan,
    domains: list[int],
    *,
    keep: bool = False,
    max_states: int = DEFAULT_MAX_STATES,
    max_bytes: int | None = None,
) -> _Table:
    """Run the dynamic programme; with ``keep`` store every level for the walks."""
    max_bytes = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    stored = 0  # bytes of the edges kept for the walks
    order = plan.order
    m = len(order)
    dtype = _dtype(max((domains[c].bit_length() for c in order), default=1))
    space = math.prod(max(1, domains[c].bit_count()) for c in order)
    wtype: npt.DTypeLike = np.int64 if space < 2**62 else object
    doms = np.array([plan.canon(0, [domains[c] for c in order])], dtype=dtype).reshape(1, m)
    alive = np.zeros((1, 0), dtype=np.uint8)
    weights = np.ones(1, dtype=wtype)
    sizes: list[int] = []
    edges: list[tuple[Array, Array, Array]] = []
    if keep:
        sizes.append(1)
    if any(domains[c] == 0 for c in order):
        return _Table(plan, sizes, edges, 0)
    for t in range(m):
        lv = plan.levels[t]
        rows = int(np.bitwise_count(doms[:, 0]).sum())
        cost = rows * (2 * (doms.shape[1] * doms.dtype.itemsize + alive.shape[1]) + 40)
        cost += stored
        if cost > max_bytes:
            raise BudgetExceeded(f"about {cost / 1e6:,.0f} MB needed at component {t + 1} of {m}")
        next_blocks = plan.levels[t + 1].blocks if t + 1 < m else plan.final_blocks
        parts_d, parts_a, parts_p, parts_h = [], [], [], []
        for h in lv.hyps:
            sel = np.nonzero(doms[:, 0] & dtype(1 << h))[0]
            if not sel.size:
                continue
            nd = doms[sel, 1:] & np.array(lv.static_and[h], dtype=dtype)
            ok = np.ones(sel.size, dtype=bool)
            for col in lv.kill[h]:
                ok &= alive[sel, col] == 0
            for col, p, mask in lv.unit[h]:
                live = alive[sel, col] != 0
                nd[live, p] &= dtype(mask)
            cols = lv.touched[h]
            if len(cols) == 1:
                ok &= nd[:, cols[0]] != 0
            elif cols:
                ok &= (nd[:, cols] != 0).all(axis=1)
            sel, nd = sel[ok], nd[ok]
            if not sel.size:
                continue
            na = np.empty((sel.size, len(lv.next_cols[h])), dtype=np.uint8)
            for j, (copy, v) in enumerate(lv.next_cols[h]):
                na[:, j] = alive[sel, v] if copy else v
            for p, blocks in enumerate(next_blocks):
                if blocks:
                    nd[:, p] = _canon_array(nd[:, p], blocks)
            parts_d.append(nd)
            parts_a.append(na)
            parts_p.append(sel)
            parts_h.append(np.full(sel.size, h, dtype=np.int8))
        if not parts_d:
            return _Table(plan, sizes, edges, 0)
        cd = np.concatenate(parts_d)
        ca = np.concatenate(parts_a)
        parents = np.concatenate(parts_p)
        del parts_d, parts_a, parts_p
        idx, fresh = _sort_states(cd, ca)
        starts = np.flatnonzero(fresh)
        if starts.size > max_states:
            raise BudgetExceeded(f"more than {max_states:,} states at component {t + 1} of {m}")
        new_w = np.add.reduceat(weights[parents][idx], starts)
        first = idx[starts]
        if keep:
            inverse = np.empty(idx.size, dtype=np.int32)
            inverse[idx] = np.cumsum(fresh) - 1
            edges.append((parents.astype(np.int32), np.concatenate(parts_h), inverse))
            stored += 9 * idx.size
            sizes.append(int(starts.size))
        doms, alive, weights = cd[first], ca[first], new_w
    return _Table(plan, sizes, edges, int(weights.sum()))


def _completions(table: _Table, wtype: npt.DTypeLike) -> list[Array]:
    """Number of completions of every stored state, level by level."""
    m = len(table.edges)
    out: list[Array] = [np.zeros(0, dtype=wtype)] * (m + 1)
    out[m] = np.ones(table.sizes[m], dtype=wtype)
    for t in range(m - 1, -1, -1):
        parents, _, children = table.edges[t]
        acc = np.zeros(table.sizes[t], dtype=wtype)
        np.add.at(acc, parents, out[t + 1][children])
        out[t] = acc
    return out


def _best_values(table: _Table, scores: list[list[float]]) -> list[npt.NDArray[np.float64]]:
    """Best completion score of every stored state (max-sum over the same levels)."""
    m = len(table.edges)
    out = [np.zeros(0)] * (m + 1)
    out[m] = np.zeros(table.sizes[m])
    for t in range(m - 1, -1, -1):
        parents, hs, children = table.edges[t]
        row = np.array(scores[table.plan.order[t]])
        acc = np.full(table.sizes[t], -np.inf)
        np.maximum.at(acc, parents, row[hs] + out[t + 1][children])
        out[t] = acc
    return out


class _EdgeIndex:
    """Child of (state, hypothesis) at every level, by binary search on sorted edge keys."""

    def __init__(self, table: _Table) -> None:
        self.levels: list[tuple[npt.NDArray[np.int64], Array]] = []
        for parents, hs, children in table.edges:
            keys = parents.astype(np.int64) * 64 + hs
            idx = np.argsort(keys, kind="stable")
            self.levels.append((keys[idx], children[idx]))

    def get(self, t: int, state: int, h: int) -> int | None:
        keys, children = self.levels[t]
        key = state * 64 + h
        i = int(np.searchsorted(keys, key))
        if i < keys.size and keys[i] == key:
            return int(children[i])
        return None


class Space:
    """Domains and clauses of a morphological space; the reusable engine."""

    def __init__(
        self,
        sizes: list[int],
        exclusions: Sequence[Sequence[tuple[int, int]]] = (),
        clauses: Sequence[Clause] = (),
        *,
        max_states: int | None = None,
        max_nodes: int | None = None,
    ) -> None:
        self.sizes = list(sizes)
        self.max_states = DEFAULT_MAX_STATES if max_states is None else max_states
        self.max_nodes = DEFAULT_MAX_NODES if max_nodes is None else max_nodes
        n = len(sizes)
        self.full = [(1 << k) - 1 for k in sizes]
        self.domains = list(self.full)
        self.clauses: list[dict[int, int]] = []
        self.infeasible = False
        raw: list[Clause] = [
            tuple((c, self.full[c] & ~(1 << h)) for c, h in excl) for excl in exclusions
        ]
        for clause in [*raw, *clauses]:
            merged: dict[int, int] = {}
            for c, mask in clause:
                merged[c] = merged.get(c, 0) | (mask & self.full[c])
            if any(mask == self.full[c] for c, mask in merged.items()):
                continue  # always satisfied
            merged = {c: mask for c, mask in merged.items() if mask}
            if not merged:
                self.infeasible = True
            elif len(merged) == 1:
                ((c, mask),) = merged.items()
                self.domains[c] &= mask
            else:
                self.clauses.append(merged)
        if self.infeasible:
            self.domains = [0] * n
        self.neighbours: list[set[int]] = [set() for _ in range(n)]
        for cl in self.clauses:
            for a in cl:
                self.neighbours[a].update(b for b in cl if b != a)
        self.groups = self._groups()
        self._tables: dict[str, list[_Table]] = {}

    def _groups(self) -> list[list[int]]:
        """Connected groups of the clause graph, each in the order its programme follows."""
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
            groups.append(self._order(members))
        return groups

    def _order(self, members: set[int]) -> list[int]:
        """Greedy order keeping the frontier small: next, the component with most clauses
        towards those already placed, ties to the fewest towards the rest."""
        weight = dict.fromkeys(members, 0)
        links = dict.fromkeys(members, 0)
        for cl in self.clauses:
            for c in cl:
                if c in links:
                    links[c] += len(cl) - 1
        order: list[int] = []
        left = set(members)
        while left:
            c = max(left, key=lambda c: (weight[c], -links[c], -c))
            order.append(c)
            left.discard(c)
            for cl in self.clauses:
                if c in cl:
                    for other in cl:
                        if other in left:
                            weight[other] += 1
        return order

    # -- counting and sampling -------------------------------------------------------------

    def _plans(self, kind: str, classes: list[list[int]] | None = None) -> list[_Table]:
        if kind not in self._tables:
            self._tables[kind] = [
                forward(
                    _Plan(self.sizes, order, self.clauses, classes),
                    self.domains,
                    keep=kind != "count",
                    max_states=self.max_states,
                )
                for order in self.groups
            ]
        return self._tables[kind]

    def group_counts(self, *, keep: bool = False) -> list[int]:
        """Exact count of every group; raises BudgetExceeded past the state budget. With
        ``keep`` the levels are stored for sampling, which then costs no second pass."""
        tables = self._tables.get("sample") or self._plans("sample" if keep else "count")
        return [t.count for t in tables]

    def count(self) -> int:
        return math.prod(self.group_counts())

    def sample(self, rng: random.Random) -> list[int]:
        """One configuration drawn uniformly among the consistent ones (count must be > 0)."""
        tables = self._plans("sample")
        if "completions" not in self.__dict__:
            self.completions = [
                _completions(t, np.int64 if t.count < 2**62 else object) for t in tables
            ]
            self.edge_index = [_EdgeIndex(t) for t in tables]
        choice = [0] * len(self.sizes)
        for table, comp, index in zip(tables, self.completions, self.edge_index, strict=True):
            plan = table.plan
            doms = tuple(self.domains[c] for c in plan.order)
            alive: tuple[int, ...] = ()
            state = 0
            for t, c in enumerate(plan.order):
                options = []
                for h in _members(doms[0]):
                    child = index.get(t, state, plan.relabel(t, doms[0], h))
                    if child is not None:
                        options.append((h, child, int(comp[t + 1][child])))
                remaining = rng.randrange(sum(w for _, _, w in options))
                pick = options[-1]
                for option in options:
                    if remaining < option[2]:
                        pick = option
                        break
                    remaining -= option[2]
                h, state = pick[0], pick[1]
                choice[c] = h
                nxt = plan.step(t, doms, alive, h)
                assert nxt is not None
                doms, alive = nxt
        return choice

    # -- enumeration ------------------------------------------------------------------------

    def enumerate(self) -> Iterator[list[int]]:
        """Consistent configurations in lexicographic order of hypothesis positions, lazily:
        depth first with forward checking, no counting. Raises BudgetExceeded past
        ``max_nodes`` nodes walked."""
        n = len(self.sizes)
        if not all(self.domains):
            return
        plan = self._natural_plan()
        choice = [0] * n
        nodes = 0
        stack: list[tuple[int, tuple[int, ...], tuple[int, ...], list[int]]] = [
            (0, tuple(self.domains), (), _members(self.domains[0]))
        ]
        while stack:
            t, doms, alive, todo = stack[-1]
            if not todo:
                stack.pop()
                continue
            h = todo.pop(0)
            nodes += 1
            if nodes > self.max_nodes:
                raise BudgetExceeded(f"more than {self.max_nodes:,} nodes walked")
            nxt = plan.step(t, doms, alive, h)
            if nxt is None:
                continue
            choice[t] = h
            if t + 1 == n:
                yield list(choice)
                continue
            stack.append((t + 1, nxt[0], nxt[1], _members(nxt[0][0])))

    def random_configuration(self, rng: random.Random) -> list[int] | None:
        """One consistent configuration by depth-first search trying hypotheses in random
        order (forward checking; None past ``max_nodes`` or if none exists). Not uniform: the
        fallback when exact sampling is out of budget."""
        n = len(self.sizes)
        if not all(self.domains):
            return None
        plan = self._natural_plan()
        nodes = 0
        choice = [0] * n

        def shuffled(mask: int) -> list[int]:
            hyps = _members(mask)
            rng.shuffle(hyps)
            return hyps

        Frame = tuple[int, tuple[int, ...], tuple[int, ...], list[int]]
        stack: list[Frame] = [(0, tuple(self.domains), (), shuffled(self.domains[0]))]
        while stack:
            t, doms, alive, todo = stack[-1]
            if not todo:
                stack.pop()
                continue
            h = todo.pop()
            nodes += 1
            if nodes > self.max_nodes:
                return None
            nxt = plan.step(t, doms, alive, h)
            if nxt is None:
                continue
            choice[t] = h
            if t + 1 == n:
                return choice
            stack.append((t + 1, nxt[0], nxt[1], shuffled(nxt[0][0])))
        return None

    def _natural_plan(self) -> _Plan:
        if "natural" not in self.__dict__:
            n = len(self.sizes)
            self.natural = _Plan(self.sizes, list(range(n)), self.clauses, None, canonical=False)
        return self.natural

    def satisfiable(self) -> bool:
        try:
            return next(self.enumerate(), None) is not None
        except BudgetExceeded:
            return self.count() > 0

    # -- ranking ----------------------------------------------------------------------------

    def best(self, scores: Sequence[Sequence[float]], k: int) -> list[tuple[float, list[int]]]:
        """The k consistent configurations of highest score, best first, ties in
        lexicographic order along the engine's component order.

        Max-sum dynamic programme over the same levels (hypotheses with different scores are
        kept apart) gives the exact best completion of every state; a best-first search
        guided by it pops complete configurations in order of score without exploring any
        dead branch."""
        if k <= 0 or not all(self.domains):
            return []
        table_scores = [list(row) for row in scores]
        classes = [
            [sum(1 << h for h, s in enumerate(row) if s == v) for v in set(row)]
            for row in table_scores
        ]
        tables = [
            forward(
                _Plan(self.sizes, order, self.clauses, classes),
                self.domains,
                keep=True,
                max_states=self.max_states,
            )
            for order in self.groups
        ]
        if any(t.count == 0 for t in tables):
            return []
        values = [_best_values(t, table_scores) for t in tables]
        indexes = [_EdgeIndex(t) for t in tables]
        tail = [0.0] * (len(tables) + 1)
        for g in range(len(tables) - 1, -1, -1):
            tail[g] = tail[g + 1] + float(values[g][0][0])
        steps = [(g, t) for g, table in enumerate(tables) for t in range(len(table.plan.order))]
        # Heap entries: (-bound, choices so far, tie, step, state, domains, alive, score).
        Entry = tuple[
            float, tuple[int, ...], int, int, int, tuple[int, ...], tuple[int, ...], float
        ]
        first = tuple(self.domains[c] for c in tables[0].plan.order)
        heap: list[Entry] = [(-round(tail[0], 9), (), 0, 0, 0, first, (), 0.0)]
        out: list[tuple[float, list[int]]] = []
        counter = 0
        while heap and len(out) < k:
            _, prefix, _, step, state, doms, alive, g_score = heapq.heappop(heap)
            if step == len(steps):
                choice = [0] * len(self.sizes)
                for (g, t), h in zip(steps, prefix, strict=True):
                    choice[tables[g].plan.order[t]] = h
                out.append((sum(table_scores[c][h] for c, h in enumerate(choice)), choice))
                continue
            # Each heap entry holds a partial configuration: a quarter of the walk's budget.
            if counter > self.max_nodes // 4:
                raise BudgetExceeded(f"more than {self.max_nodes // 4:,} nodes searched")
            g, t = steps[step]
            plan = tables[g].plan
            for h in _members(doms[0]):
                child = indexes[g].get(t, state, plan.relabel(t, doms[0], h))
                if child is None:
                    continue
                nxt = plan.step(t, doms, alive, h)
                assert nxt is not None
                gain = g_score + table_scores[plan.order[t]][h]
                counter += 1
                if t + 1 < len(plan.order):
                    bound = gain + float(values[g][t + 1][child]) + tail[g + 1]
                    entry: Entry = (
                        -round(bound, 9),
                        (*prefix, h),
                        counter,
                        step + 1,
                        child,
                        nxt[0],
                        nxt[1],
                        gain,
                    )
                else:
                    bound = gain + tail[g + 1]
                    nd = (
                        ()
                        if g + 1 == len(tables)
                        else tuple(self.domains[c] for c in tables[g + 1].plan.order)
                    )
                    entry = (-round(bound, 9), (*prefix, h), counter, step + 1, 0, nd, (), gain)
                heapq.heappush(heap, entry)
        return out
