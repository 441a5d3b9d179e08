"""Cross-impact balances (CIB, Weimer-Jehle): consistent scenarios of a cross-impact matrix.

``solve`` splits the model into independent islands, searches each exactly within a time
budget (falling back on a Monte Carlo succession search past it) and combines the islands'
counts and sorted scenario lists without building their product.

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
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from foresight import InputError, _input

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


@dataclass(frozen=True)
class Descriptor:
    name: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class CibInput:
    descriptors: tuple[Descriptor, ...]
    # Square over all variants in descriptor order; rows impacting, columns impacted. Cells in
    # a descriptor's own block are self-impacts, counted in the balances.
    matrix: tuple[tuple[int, ...], ...]
    max_inconsistency: int = 0
    limit: int | None = None
    # Intervention: descriptor position → variant position, imposed; not checked for consistency.
    fixed: tuple[tuple[int, int], ...] = ()
    with_balances: bool = False
    standardize: bool = False
    time_budget_s: float = 10.0
    max_scenarios_built: int = 10_000
    monte_carlo_starts: int = 2_000
    seed: int = 0


@dataclass(frozen=True)
class Scenario:
    variants: list[str]
    inconsistency: int
    total_impact_score: int
    # With ``with_balances``: descriptor → variant → impact balance in this scenario.
    balances: dict[str, dict[str, int]] | None = None


@dataclass(frozen=True)
class Island:
    descriptors: list[str]
    scenario_count: int | None  # None when the island's search was cut by the time budget


@dataclass(frozen=True)
class CibResult:
    scenario_space: int
    scenario_count: int | None
    scenarios: list[Scenario]
    # Consistent scenarios known to exist: scenario_count when exhaustive, else a lower bound.
    scenario_count_lower_bound: int = 0
    exhaustive: bool = True
    reason: str | None = None
    islands: list[Island] = field(default_factory=list)
    monte_carlo: dict[str, Any] | None = None
    matrix_check: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for scenario in out["scenarios"]:
            if scenario["balances"] is None:
                del scenario["balances"]
        return out


_FIELDS = (
    "descriptors",
    "matrix",
    "max_inconsistency",
    "limit",
    "fixed",
    "with_balances",
    "standardize",
    "time_budget_s",
    "max_scenarios_built",
    "monte_carlo_starts",
    "seed",
)


def parse(doc: object) -> CibInput:
    doc = _input.mapping(doc, "")
    _input.reject_unknown(doc, _FIELDS)
    raw = _input.array(_input.required(doc, "descriptors"), "descriptors", min_len=1)
    descriptors = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        path = f"descriptors[{i}]"
        item = _input.mapping(item, path)
        _input.reject_unknown(item, ("name", "variants"), path)
        name = _input.string(_input.required(item, "name", path), f"{path}.name")
        if name in seen:
            raise InputError(f"{path}.name", f"duplicate name {name!r}")
        seen.add(name)
        variants_field = f"{path}.variants"
        variants = _input.required(item, "variants", path)
        if isinstance(variants, list) and not variants:
            raise InputError(variants_field, f"empty descriptor {name!r}: no variant")
        descriptors.append(Descriptor(name, _input.names(variants, variants_field)))
    n = sum(len(d.variants) for d in descriptors)
    rows = _input.square_matrix(_input.required(doc, "matrix"), "matrix", n, "variants")
    matrix = []
    for i, row in enumerate(rows):
        # Cells inside a descriptor's own block (self-impacts) are accepted and counted in the
        # balances, as ScenarioWizard does.
        matrix.append(
            tuple(
                _input.integer(cell, f"matrix[{i}][{j}]", lo=-(10**9), hi=10**9)
                for j, cell in enumerate(row)
            )
        )
    max_inc = _input.integer(doc.get("max_inconsistency", 0), "max_inconsistency", lo=0)
    limit = doc.get("limit")
    if limit is not None:
        limit = _input.integer(limit, "limit", lo=0)
    fixed = []
    raw_fixed = _input.mapping(doc.get("fixed", {}), "fixed")
    by_name = {d.name: i for i, d in enumerate(descriptors)}
    for name, variant in raw_fixed.items():
        if name not in by_name:
            raise InputError(f"fixed.{name}", f"unknown descriptor {name!r}")
        d = by_name[name]
        if not isinstance(variant, str):
            raise InputError(f"fixed.{name}", "expected a variant name (a string)")
        if variant not in descriptors[d].variants:
            raise InputError(f"fixed.{name}", f"unknown variant {variant!r} of {name!r}")
        fixed.append((d, descriptors[d].variants.index(variant)))
    flags = {}
    for key in ("with_balances", "standardize"):
        value = doc.get(key, False)
        if not isinstance(value, bool):
            raise InputError(key, f"expected true or false, got {value!r}")
        flags[key] = value
    budget = _input.number(doc.get("time_budget_s", 10.0), "time_budget_s", lo=0.01, hi=3600)
    built = _input.integer(
        doc.get("max_scenarios_built", 10_000), "max_scenarios_built", lo=1, hi=1_000_000
    )
    starts = _input.integer(
        doc.get("monte_carlo_starts", 2_000), "monte_carlo_starts", lo=1, hi=1_000_000
    )
    seed = _input.integer(doc.get("seed", 0), "seed", lo=0, hi=2**63 - 1)
    data = CibInput(
        tuple(descriptors),
        tuple(matrix),
        max_inc,
        limit,
        tuple(sorted(fixed)),
        flags["with_balances"],
        flags["standardize"],
        budget,
        built,
        starts,
        seed,
    )
    if data.standardize:
        standardized(data)  # raises InputError naming a group whose mean is not an integer
    return data


def standardized(data: CibInput) -> Int64Array:
    """The matrix with every judgement group (one variant's row onto one descriptor's
    variants) shifted to sum 0, as ScenarioWizard's standardised matrices are.

    Shifting a group by a constant adds the same amount to every variant of the impacted
    descriptor, so consistency is unchanged; only total impact scores move. Refused (InputError
    on ``standardize``) when a group's mean is not an integer.
    """
    m = np.array(data.matrix, dtype=np.int64)
    sizes = [len(d.variants) for d in data.descriptors]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    for i in range(len(m)):
        for e, desc in enumerate(data.descriptors):
            lo, hi = int(offsets[e]), int(offsets[e + 1])
            total = int(m[i, lo:hi].sum())
            if total % sizes[e]:
                owner = int(np.searchsorted(offsets, i, side="right")) - 1
                src = data.descriptors[owner]
                raise InputError(
                    "standardize",
                    f"group matrix[{i}][{lo}..{hi - 1}] ({src.name}={src.variants[i - offsets[owner]]}"
                    f" onto {desc.name}) sums to {total}: its mean over {sizes[e]} variants is not"
                    " an integer",
                )
            m[i, lo:hi] -= total // sizes[e]
    return m


def matrix_check(data: CibInput) -> dict[str, Any]:
    """Review aids for a cross-impact matrix; none of them is an error.

    - ``empty_rows``: descriptor → variants whose row is all zero (they impact nothing);
    - ``empty_columns``: descriptor → variants that receive no impact (their balance is always 0);
    - ``opposite_judgements``: pairs of variants of two different descriptors judged with
      opposite signs in the two directions (x promotes y while y hinders x, or the reverse);
    - ``unstandardized_groups``: judgement groups (one variant's row onto one descriptor)
      whose sum is not 0, with that sum;
    - ``standardized``: whether ``standardize`` was applied before solving.
    """
    m = np.array(data.matrix, dtype=np.int64)
    names = [(d.name, v) for d in data.descriptors for v in d.variants]
    owner = [i for i, d in enumerate(data.descriptors) for _ in d.variants]
    sizes = [len(d.variants) for d in data.descriptors]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    empty_rows: dict[str, list[str]] = {}
    empty_cols: dict[str, list[str]] = {}
    for i, (desc, var) in enumerate(names):
        if not m[i].any():
            empty_rows.setdefault(desc, []).append(var)
        if not m[:, i].any():
            empty_cols.setdefault(desc, []).append(var)
    opposite = []
    rows, cols = np.nonzero((m * m.T) < 0)
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        if i < j and owner[i] != owner[j]:
            opposite.append(
                {
                    "a": list(names[i]),
                    "b": list(names[j]),
                    "a_on_b": int(m[i, j]),
                    "b_on_a": int(m[j, i]),
                }
            )
    groups = []
    sums = np.add.reduceat(m, offsets[:-1], axis=1) if len(m) else m
    for i, e in zip(*np.nonzero(sums), strict=True):
        groups.append(
            {
                "row": list(names[int(i)]),
                "onto": data.descriptors[int(e)].name,
                "sum": int(sums[i, e]),
            }
        )
    return {
        "empty_rows": empty_rows,
        "empty_columns": empty_cols,
        "opposite_judgements": opposite,
        "unstandardized_groups": groups,
        "standardized": data.standardize,
    }


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


Found = tuple[Int64Array, Int64Array, Int64Array, int]  # choices, inconsistency, tis, count


class _OutOfTime(Exception):
    """The exact search passed its deadline; ``partial`` holds what it had found (consistent
    scenarios, the first in output order, and how many it had counted)."""

    def __init__(self, partial: Found | None = None) -> None:
        super().__init__("time budget exceeded")
        self.partial = partial


@dataclass
class _Part:
    """Scenarios of a set of descriptors (global positions, ascending), best first."""

    descriptors: list[int]
    choices: Int64Array  # (n, len(descriptors)) variant positions
    inconsistency: Int64Array
    tis: Int64Array
    count: int | None  # exact number of consistent scenarios, None when not exhaustive
    lower: int  # consistent scenarios known to exist (= count when exhaustive)


def _sort_key_order(choices: Int64Array, tis: Int64Array) -> Int64Array:
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


def solve(data: CibInput) -> CibResult:
    start = _clock()
    deadline = start + data.time_budget_s
    sizes = [len(d.variants) for d in data.descriptors]
    m = standardized(data) if data.standardize else np.array(data.matrix, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    fixed = dict(data.fixed)
    keep = (
        data.max_scenarios_built
        if data.limit is None
        else min(data.limit, data.max_scenarios_built)
    )
    # Fixed descriptors are constants: their rows add a base to every balance, and the balance
    # of their imposed variant (part of the total impact score) gets one term per descriptor.
    fixed_rows = [int(offsets[d]) + c for d, c in fixed.items()]
    base = m[fixed_rows].sum(axis=0) if fixed_rows else np.zeros(len(m), np.int64)
    weight = m[:, fixed_rows].sum(axis=1) if fixed_rows else np.zeros(len(m), np.int64)
    parts: list[_Part] = []
    if fixed:
        f = sorted(fixed)
        rows = np.array([[fixed[d] for d in f]], np.int64)
        parts.append(
            _Part(f, rows, np.zeros(1, np.int64), np.array([int(weight[fixed_rows].sum())]), 1, 1)
        )
    free = [d for d in range(len(sizes)) if d not in fixed]
    island_list = islands(sizes, m, free)
    reasons = []
    mc_info: dict[str, Any] | None = None
    out_islands = []
    for group in island_list:
        index = np.concatenate([np.arange(offsets[d], offsets[d + 1]) for d in group])
        sub_sizes = [sizes[d] for d in group]
        sub = m[np.ix_(index, index)]
        try:
            exact = _search(
                sub_sizes,
                sub,
                data.max_inconsistency,
                base=base[index],
                weight=weight[index],
                keep=keep,
                deadline=start + 0.7 * data.time_budget_s,
            )
            parts.append(_Part(group, *exact, exact[3]))
        except _OutOfTime as stop:
            assert stop.partial is not None
            choices, incons, tis, stats = _succession(
                sub_sizes,
                sub,
                base=base[index],
                weight=weight[index],
                starts=data.monte_carlo_starts,
                seed=data.seed,
                deadline=deadline,
            )
            # What the exact search had found is certain too: keep the union.
            seen_choices, seen_incons, seen_tis, seen_count = stop.partial
            union: dict[tuple[int, ...], tuple[int, int]] = {}
            for rows, incs, scores in (
                (seen_choices, seen_incons, seen_tis),
                (choices, incons, tis),
            ):
                for row, inc, score in zip(
                    rows.tolist(), incs.tolist(), scores.tolist(), strict=True
                ):
                    union[tuple(row)] = (inc, score)
            choices = np.array(list(union), np.int64).reshape(len(union), len(group))
            incons = np.array([v[0] for v in union.values()], np.int64)
            tis = np.array([v[1] for v in union.values()], np.int64)
            order = _sort_key_order(choices, tis)[:keep]
            parts.append(
                _Part(
                    group,
                    choices[order],
                    incons[order],
                    tis[order],
                    None,
                    max(seen_count, len(union)),
                )
            )
            names = [data.descriptors[d].name for d in group]
            reasons.append(
                f"time budget of {data.time_budget_s:g} s exceeded on the island {names}: its"
                f" scenarios are the {seen_count} found by the exact search before it stopped"
                f" and the {stats['fixed_points']} fixed points of global succession from"
                f" {stats['starts']} random starts, not all consistent scenarios"
            )
            mc_info = _merge_stats(mc_info, stats)
        out_islands.append(Island([data.descriptors[d].name for d in group], parts[-1].count))
    combined = parts[0] if parts else None
    for part in parts[1:]:
        assert combined is not None
        combined = _product(combined, part, keep)
    assert combined is not None
    count = combined.count
    exhaustive = count is not None
    if (
        exhaustive
        and count is not None
        and count > keep
        and (data.limit is None or data.limit > keep)
    ):
        reasons.append(
            f"{count} consistent scenarios: only the first {keep} are listed"
            " (max_scenarios_built); the count is exact"
        )
    scenarios = _scenarios(data, m, combined, offsets)
    return CibResult(
        scenario_space=math.prod(sizes),
        scenario_count=count,
        scenario_count_lower_bound=combined.lower,
        scenarios=scenarios,
        exhaustive=exhaustive,
        reason="; ".join(reasons) or None,
        islands=out_islands,
        monte_carlo=mc_info,
        matrix_check=matrix_check(data),
    )


def _merge_stats(a: dict[str, Any] | None, b: dict[str, Any]) -> dict[str, Any]:
    if a is None:
        return b
    return {k: (a[k] + b[k] if isinstance(b[k], int) else b[k]) for k in b}


def _scenarios(data: CibInput, m: Int64Array, part: _Part, offsets: Int64Array) -> list[Scenario]:
    rows = part.choices + offsets[:-1][part.descriptors]
    full = np.zeros((len(rows) if data.with_balances else 0, len(m)), np.int64)
    if data.with_balances:
        for col in range(rows.shape[1]):
            full += m[rows[:, col]]
    out = []
    for s, (choice, inc, tis) in enumerate(
        zip(part.choices.tolist(), part.inconsistency.tolist(), part.tis.tolist(), strict=True)
    ):
        explained = None
        if data.with_balances:
            explained = {
                d.name: dict(
                    zip(d.variants, full[s, offsets[i] : offsets[i + 1]].tolist(), strict=True)
                )
                for i, d in enumerate(data.descriptors)
            }
        out.append(
            Scenario(
                variants=[
                    data.descriptors[d].variants[c]
                    for d, c in zip(part.descriptors, choice, strict=True)
                ],
                inconsistency=int(inc),
                total_impact_score=int(tis),
                balances=explained,
            )
        )
    return out


def _product(a: _Part, b: _Part, keep: int) -> _Part:
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
    order = _sort_key_order(choices, tis)[:keep]
    return _Part(descriptors, choices[order], incons[order], tis[order], count, a.lower * b.lower)


def consistent_scenarios(
    sizes: list[int], matrix: NDArray[np.integer[Any]], max_inconsistency: int = 0
) -> tuple[Int64Array, Int64Array, Int64Array]:
    """Every scenario whose inconsistency is ≤ max_inconsistency, in no particular order.

    Returns (choices, inconsistency, total_impact_score): choices[s, d] is the position of the
    variant chosen for descriptor d in scenario s. No budget: for models known to be small.
    """
    choices, incons, tis, _ = _search(sizes, np.asarray(matrix, np.int64), max_inconsistency)
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


def _search(
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
    (default: as given). Past ``deadline`` (perf_counter) it raises _OutOfTime.
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
                order = _sort_key_order(back, tis)[:keep]
                back, incons, tis = back[order], incons[order], tis[order]
            return back, incons, tis, count

        try:
            inner = _search(
                [sizes[d] for d in perm],
                m[np.ix_(index, index)],
                max_inconsistency,
                base=base[index],
                weight=w[index],
                keep=keep,
                deadline=deadline,
                lex=[perm.index(d) for d in range(d_count)],
            )
        except _OutOfTime as stop:
            assert stop.partial is not None
            raise _OutOfTime(restore(stop.partial)) from None
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
    except _OutOfTime:
        raise _OutOfTime(state.result()) from None
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
    m = np.asarray(matrix, dtype=np.float64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    onehot = np.zeros((len(x), len(m)))
    rows = np.arange(len(x))
    for d in range(len(sizes)):
        onehot[rows, offsets[d] + x[:, d]] = 1.0
    bal = onehot @ m
    if base is not None:
        bal += np.asarray(base, dtype=np.float64)
    out = np.empty_like(x)
    for d in range(len(sizes)):
        block = bal[:, offsets[d] : offsets[d + 1]]
        best = block.max(axis=1)
        current = block[rows, x[:, d]]
        out[:, d] = np.where(current == best, x[:, d], block.argmax(axis=1))
    return out


def _succession(
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
            order = _sort_key_order(choices[:, self.lex], tis)[: self.keep]
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
            raise _OutOfTime
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
