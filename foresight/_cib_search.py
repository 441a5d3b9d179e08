"""Internals of the CIB solver (``foresight.cib``): exact branch-and-bound search, islands,
product of islands' sorted scenario lists and the Monte Carlo succession fallback.

The exact search assigns descriptors one at a time, depth-first over batches of partial
scenarios held in numpy arrays, and prunes with an exact lower bound. For a descriptor d whose
variant c is chosen (or about to be), the final inconsistency of d is at least, for every
other variant v of d,

    Σ_{assigned d'} (M[x_d', v] − M[x_d', c]) + Σ_{unassigned d'} min_u (M[u, v] − M[u, c])

since each unassigned descriptor will contribute one of its rows (a descriptor's own row
included: self-impacts count). A partial scenario is dropped as soon as the bound exceeds
``max_inconsistency`` for an assigned descriptor, or for every variant of an unassigned one;
only the surviving variants of the next descriptor are expanded. When every descriptor is
assigned the bound is the exact inconsistency, so the result equals the brute force over the
whole scenario space.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

# Partial scenarios processed together; larger batches are split depth-first to bound memory.
# 4,096 keeps a batch's arrays in cache on workshop-sized models (measured: faster than 2¹⁴).
_BATCH = 1 << 12
# The search holds one batch of children per level: the batch shrinks on large models so that
# levels × children × variants stay within this many bytes.
_SEARCH_BYTES = 32 << 20
# The budget's clock (a test replaces it).
_clock = time.perf_counter

Int64Array = NDArray[np.int64]
# Balances and bounds: the smallest signed integer type that holds them (see below).
Balances = NDArray[np.int8 | np.int16 | np.int32 | np.int64]
Choices = NDArray[np.int16]  # variant positions, choices[d, s] in the search


Found = tuple[Int64Array, Int64Array, Int64Array, int]  # choices, inconsistency, tis, count


class OutOfTime(Exception):
    """The exact search passed its deadline; ``partial`` holds what it had found (consistent
    scenarios, the first in output order, and how many it had counted)."""

    def __init__(self, partial: Found | None = None) -> None:
        super().__init__("time budget exceeded")
        self.partial = partial


@dataclass
class Part:
    """Scenarios of a set of descriptors (global positions, ascending), best first."""

    descriptors: list[int]
    choices: Int64Array  # (n, len(descriptors)) variant positions
    inconsistency: Int64Array
    tis: Int64Array
    count: int | None  # exact number of consistent scenarios, None when not exhaustive
    lower: int  # consistent scenarios known to exist (= count when exhaustive)


def sort_key_order(choices: Int64Array, tis: Int64Array) -> Int64Array:
    """Total impact score descending, then variant positions ascending."""
    if not len(tis):
        return np.zeros(0, np.int64)
    keys = [choices[:, col] for col in range(choices.shape[1] - 1, -1, -1)] + [-tis]
    order: Int64Array = np.lexsort(keys)
    return order


def islands(
    sizes: Sequence[int], matrix: ArrayLike, among: Sequence[int] | None = None
) -> list[list[int]]:
    """Independent groups of descriptors: connected components of the graph joining d and e
    when a cell of block (d, e) or (e, d) is non-zero (self-impacts do not join anything).

    The consistency of a scenario is the conjunction of the consistency of its parts on each
    island, so counts multiply and scenario lists combine by product.
    """
    m = np.asarray(matrix)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    nodes = list(range(len(sizes))) if among is None else sorted(among)
    inside = set(nodes)
    block = np.add.reduceat(np.add.reduceat(np.abs(m), offsets[:-1], axis=0), offsets[:-1], axis=1)
    link = (block + block.T) > 0
    parent = {d: d for d in nodes}

    def root(d: int) -> int:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    for d in nodes:
        for e in np.flatnonzero(link[d]).tolist():
            if e != d and e in inside:
                parent[root(d)] = root(e)
    groups: dict[int, list[int]] = {}
    for d in nodes:
        groups.setdefault(root(d), []).append(d)
    return sorted(groups.values())


def product(a: Part, b: Part, keep: int) -> Part:
    """The first ``keep`` scenarios of the product of two parts, each sorted best first.

    The order is monotone in each factor (a better part of either side makes a better whole),
    so pair (i, j) can only rank among the first ``keep`` when (i + 1)(j + 1) ≤ keep.
    """
    count = None if a.count is None or b.count is None else a.count * b.count
    na, nb = len(a.tis), len(b.tis)
    reach = np.minimum(nb, keep // np.arange(1, na + 1)) if na else np.zeros(0, np.int64)
    i = np.repeat(np.arange(na), reach)
    starts = np.cumsum(reach) - reach
    j = np.arange(len(i)) - np.repeat(starts, reach)
    descriptors = sorted(a.descriptors + b.descriptors)
    where = {d: k for k, d in enumerate(descriptors)}
    choices = np.zeros((len(i), len(descriptors)), np.int64)
    choices[:, [where[d] for d in a.descriptors]] = a.choices[i]
    choices[:, [where[d] for d in b.descriptors]] = b.choices[j]
    tis = a.tis[i] + b.tis[j]
    incons = np.maximum(a.inconsistency[i], b.inconsistency[j])
    order = sort_key_order(choices, tis)[:keep]
    return Part(descriptors, choices[order], incons[order], tis[order], count, a.lower * b.lower)


def consistent_scenarios(
    sizes: list[int], matrix: NDArray[np.integer[Any]], max_inconsistency: int = 0
) -> tuple[Int64Array, Int64Array, Int64Array]:
    """Every scenario whose inconsistency is ≤ max_inconsistency, in no particular order.

    Returns (choices, inconsistency, total_impact_score): choices[s, d] is the position of the
    variant chosen for descriptor d in scenario s. No budget: for models known to be small.
    """
    choices, incons, tis, _ = search(sizes, np.asarray(matrix, np.int64), max_inconsistency)
    return choices, incons, tis


def _mindiff(m: Int64Array, offsets: Int64Array) -> NDArray[np.object_]:
    """mindiff[d', d][v, c] = min over variants u of d' of M[u, v] − M[u, c], for v, c in d:
    what d' contributes, at worst, to the gap between variants v and c of d."""
    d_count = len(offsets) - 1
    mindiff = np.zeros((d_count, d_count), dtype=object)
    for d in range(d_count):
        col = m[:, offsets[d] : offsets[d + 1]]
        per_row = col[:, :, None] - col[:, None, :]
        blocks = np.minimum.reduceat(per_row, offsets[:-1], axis=0)
        for dp in range(d_count):
            mindiff[dp, d] = blocks[dp]
    return mindiff


def _slack_order(mindiff: NDArray[np.object_], sizes: list[int]) -> list[int]:
    """Order of assignment: first the descriptors whose being unknown loosens the bounds the
    most (total |mindiff[d', ·]|), per log of their number of variants (a descriptor with more
    variants branches more). Any order gives the same answer; measured on random dense models
    this one prunes sooner than ordering by row strength."""
    d_count = len(sizes)
    slack = [
        sum(int(np.abs(mindiff[dp, d]).sum()) for d in range(d_count)) / math.log(sizes[dp] + 0.5)
        for dp in range(d_count)
    ]
    return sorted(range(d_count), key=lambda d: (-slack[d], d))


def search(
    sizes: list[int],
    matrix: Int64Array,
    max_inconsistency: int,
    *,
    base: Int64Array | None = None,
    weight: Int64Array | None = None,
    keep: int | None = None,
    deadline: float | None = None,
    lex: list[int] | None = None,
) -> Found:
    """Exact search of one model: (choices, inconsistency, tis, count).

    ``base`` is added to every balance (impacts of fixed descriptors), ``weight[row]`` to the
    total impact score when a row is chosen (impacts onto fixed descriptors' imposed variants).
    With ``keep`` only the first ``keep`` scenarios in output order are returned (sorted), the
    count stays exact; ``lex`` is the column order of the variant positions in that order
    (default: as given). Past ``deadline`` (perf_counter) it raises OutOfTime.
    """
    d_count = len(sizes)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    m = np.asarray(matrix, dtype=np.int64)
    base = np.zeros(len(m), np.int64) if base is None else np.asarray(base, np.int64)
    w = np.zeros(len(m), np.int64) if weight is None else np.asarray(weight, np.int64)
    mindiff = _mindiff(m, offsets)
    order = _slack_order(mindiff, sizes)
    rank = {d: i for i, d in enumerate(order)}
    # Descriptors of equal size side by side, in the order of assignment: the search handles
    # each run of equal sizes as one (descriptors, variants, scenarios) array whose assigned
    # descriptors are always a prefix.
    perm = sorted(range(d_count), key=lambda d: (sizes[d], rank[d]))
    if perm != list(range(d_count)):
        index = np.concatenate([np.arange(offsets[d], offsets[d + 1]) for d in perm])

        def restore(found: Found) -> Found:
            choices, incons, tis, count = found
            back = np.empty((len(choices), d_count), np.int64)
            back[:, perm] = choices
            if keep is not None:
                order = sort_key_order(back, tis)[:keep]
                back, incons, tis = back[order], incons[order], tis[order]
            return back, incons, tis, count

        try:
            inner = search(
                [sizes[d] for d in perm],
                m[np.ix_(index, index)],
                max_inconsistency,
                base=base[index],
                weight=w[index],
                keep=keep,
                deadline=deadline,
                lex=[perm.index(d) for d in range(d_count)],
            )
        except OutOfTime as stop:
            assert stop.partial is not None
            raise OutOfTime(restore(stop.partial)) from None
        return restore(inner)
    # A gap b[v] − b[c] is at most 2 · (t · max|M| + max|base|) with t descriptors assigned and
    # the suffix adds at most 2 · (d_count − t) · max|M|: every value of the search stays below
    # ``reach`` in absolute value, and the smallest integer type that holds it cuts the memory
    # traffic (int8 for a −3…+3 matrix of up to 21 descriptors).
    reach = 2 * d_count * int(np.abs(m).max(initial=0)) + 2 * int(np.abs(base).max(initial=0))
    dtype: type[np.signedinteger[Any]] = (
        np.int8
        if reach < 2**7
        else np.int16
        if reach < 2**15
        else np.int32
        if reach < 2**31
        else np.int64
    )
    m = m.astype(dtype)
    for dp in range(d_count):
        for d in range(d_count):
            mindiff[dp, d] = mindiff[dp, d].astype(dtype)
    state = _Search(sizes, offsets, m, mindiff, order, max_inconsistency, w, keep, deadline, lex)
    # suffix[d] = Σ over unassigned descriptors d' of mindiff[d', d]: at the start, all of them.
    suffix = [
        np.array(
            [sum((mindiff[dp, d] for dp in range(d_count)), np.zeros((k, k), dtype)) for d in r]
        )
        for r, k in state.runs
    ]
    start: Balances = np.asarray(base[:, None], dtype=dtype)
    try:
        state.run((), suffix, np.zeros((d_count, 1), np.int16), start)
    except OutOfTime:
        raise OutOfTime(state.result()) from None
    return state.result()


_MAX_STEPS = 100  # global succession steps from one start before it counts as unsettled


def succession_step(
    sizes: Sequence[int], matrix: ArrayLike, choices: ArrayLike, base: ArrayLike | None = None
) -> Int64Array:
    """One step of global succession for many scenarios at once (rows of ``choices``).

    Every descriptor takes, simultaneously, the variant of maximal impact balance in the
    current scenario; on a tie it keeps its current variant when that is among the best,
    otherwise the first best. A scenario is a fixed point exactly when it is consistent.
    """
    x = np.asarray(choices, dtype=np.int64)
    m = np.asarray(matrix)
    m = m.astype(np.int64 if np.issubdtype(m.dtype, np.integer) else np.float64, copy=False)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    rows = np.arange(len(x))
    # Balances: the sum of the chosen variants' rows (exact in integers).
    bal = np.zeros((len(x), m.shape[1]), m.dtype)
    for d in range(len(sizes)):
        bal += m[offsets[d] + x[:, d]]
    if base is not None:
        bal = bal + np.asarray(base)
    out = np.empty_like(x)
    for d in range(len(sizes)):
        block = bal[:, offsets[d] : offsets[d + 1]]
        best = block.max(axis=1)
        current = block[rows, x[:, d]]
        out[:, d] = np.where(current == best, x[:, d], block.argmax(axis=1))
    return out


def monte_carlo(
    sizes: list[int],
    m: Int64Array,
    *,
    base: Int64Array,
    weight: Int64Array,
    starts: int,
    seed: int,
    deadline: float,
) -> tuple[Int64Array, Int64Array, Int64Array, dict[str, Any]]:
    """Monte Carlo search: global succession from random starts, fixed points collected.

    Runs batches of starts until ``starts`` are done or ``deadline`` passes (one batch at
    least). Returns the distinct fixed points (all consistent, inconsistency 0) and statistics.
    """
    rng = np.random.default_rng(seed)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    found: set[tuple[int, ...]] = set()
    done = unsettled = 0
    while done < starts and (done == 0 or _clock() < deadline):
        n = min(256, starts - done)
        x = np.stack([rng.integers(0, k, n) for k in sizes], axis=1)
        for _ in range(_MAX_STEPS):
            nxt = succession_step(sizes, m, x, base)
            moved = (nxt != x).any(axis=1)
            found.update(map(tuple, x[~moved].tolist()))
            x = nxt[moved]
            if not len(x):
                break
        unsettled += len(x)
        done += n
    choices = np.array(sorted(found), dtype=np.int64).reshape(len(found), len(sizes))
    rows = choices + offsets[:-1]
    bal = np.zeros((len(rows), len(m)), np.int64) + base
    for col in range(rows.shape[1]):
        bal += m[rows[:, col]]
    tis = np.take_along_axis(bal, rows, axis=1).sum(axis=1) + weight[rows].sum(axis=1)
    stats = {
        "rule": "global",
        "starts": done,
        "fixed_points": len(found),
        "unsettled": unsettled,
    }
    return choices, np.zeros(len(found), np.int64), tis.astype(np.int64), stats


class _Search:
    """Depth-first over batches of partial scenarios, pruned by the exact lower bound.

    Descriptors come in runs of equal size (``runs``: (descriptors, size)); for a run the
    balances are viewed as an array (rows, descriptors, variants) and every bound of the run
    is computed at once.
    """

    def __init__(
        self,
        sizes: list[int],
        offsets: Int64Array,
        m: Balances,
        mindiff: NDArray[np.object_],
        order: list[int],
        k: int,
        weight: Int64Array,
        keep: int | None,
        deadline: float | None,
        lex: list[int] | None,
    ) -> None:
        self.lex = list(range(len(sizes))) if lex is None else lex
        self.sizes = sizes
        self.offsets = offsets
        self.mt = np.ascontiguousarray(m.T)
        self.k = k
        self.weight = weight
        self.keep = keep
        self.deadline = deadline
        self.count = 0
        self.stored = 0
        self.found: list[tuple[Choices, Int64Array, Int64Array]] = []
        n_var = int(offsets[-1])
        per_row = max(sizes) * (n_var * m.itemsize + 2 * len(sizes)) * len(sizes)
        self.batch = max(16, min(_BATCH, _SEARCH_BYTES // max(per_row, 1)))
        self.runs: list[tuple[range, int]] = []
        d = 0
        while d < len(sizes):
            e = d
            while e < len(sizes) and sizes[e] == sizes[d]:
                e += 1
            self.runs.append((range(d, e), sizes[d]))
            d = e
        # drop[d'][r] = mindiff[d', d] for d in run r, stacked: removed from the suffix when d'
        # is assigned.
        self.drop = [
            [np.array([mindiff[dp, d] for d in r]) for r, _ in self.runs]
            for dp in range(len(sizes))
        ]
        self.order = order
        # prefix[t][j]: how many descriptors of run j are assigned after t steps; the order
        # assigns each run's descriptors in index order, so they are the first ones.
        self.prefix = [[0] * len(self.runs)]
        for d in self.order:
            j = next(j for j, (r, _) in enumerate(self.runs) if d in r)
            if d != self.runs[j][0].start + self.prefix[-1][j]:
                raise AssertionError("descriptors of a run must be assigned in index order")
            self.prefix.append(list(self.prefix[-1]))
            self.prefix[-1][j] += 1

    def result(self) -> Found:
        self.trim()
        if not self.found:
            empty = np.zeros(0, np.int64)
            return np.zeros((0, len(self.sizes)), np.int64), empty, empty, self.count
        found, incons, tis = self.found[0]
        return found.astype(np.int64), incons, tis, self.count

    def trim(self) -> None:
        """Merge what was found into one block, sorted when ``keep`` cuts it."""
        if not self.found:
            return
        choices = np.concatenate([f[0] for f in self.found]).astype(np.int64)
        incons = np.concatenate([f[1] for f in self.found])
        tis = np.concatenate([f[2] for f in self.found])
        if self.keep is not None:
            order = sort_key_order(choices[:, self.lex], tis)[: self.keep]
            choices, incons, tis = choices[order], incons[order], tis[order]
        self.found = [(choices.astype(np.int16), incons, tis)]
        self.stored = len(tis)

    def _bounds(self, j: int, suffix: Balances, balances: Balances) -> Balances:
        """bound[g, c, p]: lower bound of the final inconsistency of the run's descriptor g if
        it takes (or has taken) variant c, in partial scenario p: max over v of
        b[v] − b[c] + suffix[g, v, c]. Arrays keep the scenarios on the last axis so that
        numpy works on long contiguous rows."""
        r, k = self.runs[j]
        lo, hi = self.offsets[r.start], self.offsets[r.stop]
        b = balances[lo:hi].reshape(len(r), k, balances.shape[1])
        bound = b[:, :1, :] - b
        bound += suffix[:, 0, :, None]
        for v in range(1, k):
            gap = b[:, v : v + 1, :] - b
            gap += suffix[:, v, :, None]
            np.maximum(bound, gap, out=bound)
        return bound

    def run(
        self,
        assigned: tuple[int, ...],
        suffix: list[Balances],
        choices: Choices,
        balances: Balances,
    ) -> None:
        """choices[d, p] and balances[variant, p] for the partial scenarios p of this batch."""
        if self.deadline is not None and _clock() > self.deadline:
            raise OutOfTime
        size = choices.shape[1]
        t = len(assigned)
        done = t == len(self.sizes)
        d_next = -1 if done else self.order[t]
        worst = np.zeros(size, self.mt.dtype)
        ok_next = None
        for j, (r, _) in enumerate(self.runs):
            bound = self._bounds(j, suffix[j], balances)
            # An assigned descriptor needs its chosen variant within reach; an unassigned one,
            # at least one variant.
            a = self.prefix[t][j]
            if a:
                picked = choices[r.start : r.start + a]
                chosen = np.choose(picked, [bound[:a, c] for c in range(bound.shape[1])])
                np.maximum(worst, chosen.max(axis=0), out=worst)
            if a < len(r):
                np.maximum(worst, bound[a:].min(axis=1).max(axis=0), out=worst)
            if d_next in r:
                ok_next = bound[d_next - r.start] <= self.k
        keep = worst <= self.k
        if done:
            # With nothing left unassigned the bound is the exact inconsistency.
            found = choices[:, keep].T
            balances, incons = balances[:, keep], worst[keep].astype(np.int64)
            rows = np.arange(len(found))
            tis = np.zeros(len(found), np.int64)
            for d in range(len(self.sizes)):
                picked = self.offsets[d] + found[:, d]
                tis += balances[picked, rows]
                tis += self.weight[picked]
            self.found.append((np.ascontiguousarray(found), incons, tis))
            self.count += len(tis)
            self.stored += len(tis)
            if self.keep is not None and self.stored > 2 * self.keep + self.batch:
                self.trim()
            return
        assert ok_next is not None
        variants, rows = np.nonzero(ok_next & keep[None, :])
        if not len(rows):
            return
        # np.take keeps the scenarios axis contiguous (fancy indexing would not). Children come
        # grouped by variant (np.nonzero is row-major), so each variant's row of impacts is
        # added to one contiguous slice.
        new_choices = np.take(choices, rows, axis=1)
        new_balances = np.take(balances, rows, axis=1)
        bounds = np.searchsorted(variants, np.arange(len(ok_next) + 1))
        for v in range(len(ok_next)):
            lo, hi = bounds[v], bounds[v + 1]
            if lo < hi:
                new_choices[d_next, lo:hi] = v
                new_balances[:, lo:hi] += self.mt[:, self.offsets[d_next] + v, None]
        new_suffix = [suffix[j] - self.drop[d_next][j] for j in range(len(self.runs))]
        for start in range(0, len(rows), self.batch):
            stop = start + self.batch
            self.run(
                (*assigned, d_next),
                new_suffix,
                new_choices[:, start:stop],
                new_balances[:, start:stop],
            )
