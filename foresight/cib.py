"""Cross-impact balances (CIB, Weimer-Jehle): consistent scenarios of a cross-impact matrix.

The search assigns descriptors one at a time, breadth-first over numpy arrays of partial
scenarios, and prunes with an exact lower bound. For a descriptor d whose variant c is chosen
(or about to be), the final inconsistency of d is at least, for every other variant v of d,

    Σ_{assigned d'} (M[x_d', v] − M[x_d', c]) + Σ_{unassigned d'} min_u (M[u, v] − M[u, c])

since each unassigned descriptor will contribute one of its rows. A partial scenario is dropped
as soon as the bound exceeds ``max_inconsistency`` for an assigned descriptor, or for every
variant still open to an unassigned one; only the surviving variants of the next descriptor are
expanded. When every descriptor is assigned the bound is the exact inconsistency, so the result
equals the brute force over the whole scenario space.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from foresight import InputError, _input

# Partial scenarios processed together; larger batches are split depth-first to bound memory.
_BATCH = 1 << 17

Int64Array = NDArray[np.int64]
# Balances and bounds: the smallest signed integer type that holds them (see below).
Balances = NDArray[np.int16 | np.int32 | np.int64]
Choices = NDArray[np.int16]  # choices[s, d]: variant position of descriptor d in scenario s


@dataclass(frozen=True)
class Descriptor:
    name: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class CibInput:
    descriptors: tuple[Descriptor, ...]
    # Square over all variants in descriptor order; rows impacting, columns impacted.
    matrix: tuple[tuple[int, ...], ...]
    max_inconsistency: int = 0
    limit: int | None = None


@dataclass(frozen=True)
class Scenario:
    variants: list[str]
    inconsistency: int
    total_impact_score: int


@dataclass(frozen=True)
class CibResult:
    scenario_space: int
    scenario_count: int
    scenarios: list[Scenario]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse(doc: object) -> CibInput:
    doc = _input.mapping(doc, "")
    _input.reject_unknown(doc, ("descriptors", "matrix", "max_inconsistency", "limit"))
    raw = _input.array(_input.required(doc, "descriptors"), "descriptors", min_len=1)
    descriptors = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        field = f"descriptors[{i}]"
        item = _input.mapping(item, field)
        _input.reject_unknown(item, ("name", "variants"), field)
        name = _input.string(_input.required(item, "name", field), f"{field}.name")
        if name in seen:
            raise InputError(f"{field}.name", f"duplicate name {name!r}")
        seen.add(name)
        variants_field = f"{field}.variants"
        variants = _input.required(item, "variants", field)
        if isinstance(variants, list) and not variants:
            raise InputError(variants_field, f"empty descriptor {name!r}: no variant")
        descriptors.append(Descriptor(name, _input.names(variants, variants_field)))
    n = sum(len(d.variants) for d in descriptors)
    rows = _input.square_matrix(_input.required(doc, "matrix"), "matrix", n, "variants")
    matrix = []
    for i, row in enumerate(rows):
        cells = []
        for j, cell in enumerate(row):
            # Cells inside a descriptor's own block (self-impacts) are accepted and counted in
            # the balances, as ScenarioWizard does.
            cells.append(_input.integer(cell, f"matrix[{i}][{j}]", lo=-(10**9), hi=10**9))
        matrix.append(tuple(cells))
    max_inc = _input.integer(doc.get("max_inconsistency", 0), "max_inconsistency", lo=0)
    limit = doc.get("limit")
    if limit is not None:
        limit = _input.integer(limit, "limit", lo=0)
    return CibInput(tuple(descriptors), tuple(matrix), max_inc, limit)


def solve(data: CibInput) -> CibResult:
    choices, inconsistency, tis = consistent_scenarios(
        [len(d.variants) for d in data.descriptors],
        np.array(data.matrix, dtype=np.int64),
        data.max_inconsistency,
    )
    # Total impact score descending, then variant positions ascending for a stable output.
    keys = [choices[:, col] for col in range(choices.shape[1] - 1, -1, -1)] + [-tis]
    order = np.lexsort(keys) if len(tis) else np.array([], dtype=np.int64)
    if data.limit is not None:
        order = order[: data.limit]
    scenarios = [
        Scenario(
            variants=[d.variants[c] for d, c in zip(data.descriptors, row, strict=True)],
            inconsistency=int(inc),
            total_impact_score=int(score),
        )
        for row, inc, score in zip(
            choices[order].tolist(), inconsistency[order].tolist(), tis[order].tolist(), strict=True
        )
    ]
    return CibResult(
        scenario_space=math.prod(len(d.variants) for d in data.descriptors),
        scenario_count=len(tis),
        scenarios=scenarios,
    )


Model = CibInput | tuple[Sequence[int], ArrayLike]


def _model(model: Model) -> tuple[list[int], Int64Array]:
    if isinstance(model, CibInput):
        return [len(d.variants) for d in model.descriptors], np.array(model.matrix, np.int64)
    sizes, matrix = model
    return [int(s) for s in sizes], np.asarray(matrix, dtype=np.int64)


def balances(model: Model, scenario: Sequence[int]) -> list[list[int]]:
    """Impact balances of a full scenario: out[d][v] for every descriptor d and variant v of d.

    ``model`` is a parsed ``CibInput`` or a pair ``(sizes, matrix)`` (variants per descriptor,
    square integer matrix over all variants, rows impacting, columns impacted). ``scenario[d]``
    is the position of the variant chosen for descriptor d. The balance of a variant is the sum
    of the impacts it receives from every chosen variant, the descriptor's own included
    (self-impacts count, as in ScenarioWizard). Stable API: other modules rely on it.
    """
    sizes, m = _model(model)
    if len(scenario) != len(sizes):
        raise ValueError(f"scenario has {len(scenario)} positions for {len(sizes)} descriptors")
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    rows = [int(offsets[d]) + int(c) for d, c in enumerate(scenario)]
    total = m[rows].sum(axis=0)
    return [total[offsets[d] : offsets[d + 1]].tolist() for d in range(len(sizes))]


def inconsistency(model: Model, scenario: Sequence[int], fixed: Sequence[int] = ()) -> int:
    """Inconsistency of a full scenario: the largest gap, over descriptors, between the best
    balance of the descriptor and the balance of its chosen variant (0 = consistent).

    Descriptors whose positions are listed in ``fixed`` (an intervention) are not checked.
    Stable API: other modules rely on it.
    """
    worst = 0
    skip = set(fixed)
    for d, block in enumerate(balances(model, scenario)):
        if d not in skip:
            worst = max(worst, max(block) - block[scenario[d]])
    return worst


def consistent_scenarios(
    sizes: list[int], matrix: NDArray[np.integer[Any]], max_inconsistency: int = 0
) -> tuple[Int64Array, Int64Array, Int64Array]:
    """Every scenario whose inconsistency is ≤ max_inconsistency, in no particular order.

    Returns (choices, inconsistency, total_impact_score): choices[s, d] is the position of the
    variant chosen for descriptor d in scenario s.
    """
    d_count = len(sizes)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    m = np.asarray(matrix, dtype=np.int64)
    # Balances and bounds stay below 2 · (d_count + 1) · max|M| in absolute value: the smallest
    # integer type that holds them cuts the memory traffic of the search.
    reach = 2 * (d_count + 1) * int(np.abs(m).max(initial=0))
    dtype = np.int16 if reach < 2**14 else np.int32 if reach < 2**30 else np.int64
    m = m.astype(dtype)
    # mindiff[d', d][v, c] = min over variants u of d' of M[u, v] − M[u, c], for v, c in d.
    blocks = [m[:, offsets[d] : offsets[d + 1]] for d in range(d_count)]
    mindiff = np.zeros((d_count, d_count), dtype=object)
    for d in range(d_count):
        col = blocks[d]
        for dp in range(d_count):
            rows = col[offsets[dp] : offsets[dp + 1]]
            mindiff[dp, d] = (rows[:, :, None] - rows[:, None, :]).min(axis=0)
    # Assign large, strongly impacting descriptors first: their exact rows tighten the bound
    # earliest. Any order is exact; this one only prunes sooner.
    spread = [int(np.abs(m[offsets[d] : offsets[d + 1]]).sum()) for d in range(d_count)]
    order = sorted(range(d_count), key=lambda d: (-spread[d], d))
    # suffix[t][d] = Σ over descriptors assigned at step ≥ t of mindiff[·, d] (k_d × k_d).
    suffix = []
    for t in range(d_count + 1):
        rest = order[t:]
        suffix.append(
            [
                sum((mindiff[dp, d] for dp in rest), np.zeros((sizes[d],) * 2, dtype))
                for d in range(d_count)
            ]
        )

    state = _Search(sizes, offsets, m, order, suffix, max_inconsistency)
    n_var = int(offsets[-1])
    state.run(0, np.zeros((1, d_count), np.int16), np.zeros((1, n_var), dtype))
    if not state.found:
        return (
            np.zeros((0, d_count), np.int64),
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
        )
    return (
        np.concatenate([f[0] for f in state.found]).astype(np.int64),
        np.concatenate([f[1] for f in state.found]),
        np.concatenate([f[2] for f in state.found]),
    )


class _Search:
    def __init__(
        self,
        sizes: list[int],
        offsets: Int64Array,
        m: Balances,
        order: list[int],
        suffix: list[list[Balances]],
        k: int,
    ) -> None:
        self.sizes = sizes
        self.offsets = offsets
        self.m = m
        self.order = order
        self.suffix = suffix
        self.k = k
        self.found: list[tuple[Choices, Int64Array, Int64Array]] = []

    def _bounds(self, t: int, d: int, balances: Balances) -> Balances:
        """Lower bound of d's final inconsistency for each variant c of d: shape (P, k_d)."""
        lo, hi = self.offsets[d], self.offsets[d + 1]
        b = balances[:, lo:hi]
        # diff[p, v, c] = b[p, v] − b[p, c] + suffix[v, c]; inconsistency bound = max over v.
        diff = b[:, :, None] - b[:, None, :] + self.suffix[t][d]
        bound: Balances = diff.max(axis=1)
        return bound

    def _chosen_bound(self, t: int, d: int, choices: Choices, balances: Balances) -> Balances:
        """Lower bound of d's final inconsistency for its chosen variant: shape (P,)."""
        lo, hi = self.offsets[d], self.offsets[d + 1]
        b = balances[:, lo:hi]
        c = choices[:, d]
        rows = np.arange(len(c))
        diff = b - b[rows, c][:, None] + self.suffix[t][d].T[c]
        bound: Balances = diff.max(axis=1)
        return bound

    def run(self, t: int, choices: Choices, balances: Balances) -> None:
        assigned = self.order[:t]
        keep = np.ones(len(choices), dtype=bool)
        for d in assigned:
            keep &= self._chosen_bound(t, d, choices, balances) <= self.k
        if not keep.all():
            choices, balances, keep = choices[keep], balances[keep], keep[keep]
        if t == len(self.order):
            incons = np.zeros(len(choices), np.int64)
            tis = np.zeros(len(choices), np.int64)
            rows = np.arange(len(choices))
            for d in assigned:
                # With nothing left unassigned the bound is the exact inconsistency.
                incons = np.maximum(incons, self._chosen_bound(t, d, choices, balances))
                tis += balances[:, self.offsets[d] : self.offsets[d + 1]][rows, choices[:, d]]
            self.found.append((choices[keep], incons[keep], tis[keep]))
            return
        open_next = None
        for d in self.order[t:]:
            ok = self._bounds(t, d, balances) <= self.k
            keep &= ok.any(axis=1)
            if d == self.order[t]:
                open_next = ok
        assert open_next is not None
        rows, variants = np.nonzero(open_next & keep[:, None])
        if not len(rows):
            return
        d_next = self.order[t]
        new_choices = choices[rows]
        new_choices[:, d_next] = variants
        new_balances = balances[rows] + self.m[self.offsets[d_next] + variants]
        for start in range(0, len(rows), _BATCH):
            stop = start + _BATCH
            self.run(t + 1, new_choices[start:stop], new_balances[start:stop])
