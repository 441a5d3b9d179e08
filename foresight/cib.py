"""Cross-impact balances (CIB, Weimer-Jehle): consistent scenarios of a cross-impact matrix.

``solve`` splits the model into independent islands, searches each exactly within a time
budget (falling back on a Monte Carlo succession search past it) and combines the islands'
counts and sorted scenario lists without building their product. The search itself (exact
branch and bound with its lower bound, islands, Monte Carlo) lives in ``foresight._cib_search``;
its public helpers ``islands``, ``succession_step`` and ``consistent_scenarios`` are
re-exported here.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from foresight import InputError, _cib_search, _input
from foresight._cib_search import (
    Int64Array,
    OutOfTime,
    Part,
    consistent_scenarios,
    islands,
    monte_carlo,
    product,
    search,
    sort_key_order,
    succession_step,
)

__all__ = [
    "CibInput",
    "CibResult",
    "Descriptor",
    "Island",
    "Scenario",
    "balances",
    "consistent_scenarios",
    "inconsistency",
    "islands",
    "matrix_check",
    "parse",
    "solve",
    "standardized",
    "succession_step",
]


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


# The model alone: what the analyses around the solver (cib_tools, scenariowizard) accept.
MODEL_FIELDS = ("descriptors", "matrix", "max_inconsistency", "limit")


def read_descriptors(value: object, field: str = "descriptors") -> tuple[Descriptor, ...]:
    """The ``descriptors`` array: distinct names, each with at least one distinct variant."""
    raw = _input.array(value, field, min_len=1)
    descriptors = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        path = f"{field}[{i}]"
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
    return tuple(descriptors)


def read_matrix(
    value: object, descriptors: tuple[Descriptor, ...], field: str = "matrix"
) -> tuple[tuple[int, ...], ...]:
    """A square integer matrix over all variants (|cell| ≤ 10⁹)."""
    n = sum(len(d.variants) for d in descriptors)
    rows = _input.square_matrix(value, field, n, "variants")
    # Cells inside a descriptor's own block (self-impacts) are accepted and counted in the
    # balances, as ScenarioWizard does.
    return tuple(
        tuple(
            _input.integer(cell, f"{field}[{i}][{j}]", lo=-(10**9), hi=10**9)
            for j, cell in enumerate(row)
        )
        for i, row in enumerate(rows)
    )


def parse(doc: object, field: str = "", allowed: Sequence[str] = _FIELDS) -> CibInput:
    """A CIB document; ``field`` prefixes the paths of errors (a model nested in another
    document), ``allowed`` restricts the fields accepted (``MODEL_FIELDS``: the model alone)."""

    def at(key: str) -> str:
        return _input.path(field, key)

    doc = _input.mapping(doc, field)
    _input.reject_unknown(doc, allowed, field)
    descriptors = read_descriptors(_input.required(doc, "descriptors", field), at("descriptors"))
    matrix = read_matrix(_input.required(doc, "matrix", field), descriptors, at("matrix"))
    max_inc = _input.integer(doc.get("max_inconsistency", 0), at("max_inconsistency"), lo=0)
    limit = doc.get("limit")
    if limit is not None:
        limit = _input.integer(limit, at("limit"), lo=0)
    fixed = []
    raw_fixed = _input.mapping(doc.get("fixed", {}), at("fixed"))
    by_name = {d.name: i for i, d in enumerate(descriptors)}
    for name, variant in raw_fixed.items():
        where = f"{at('fixed')}.{name}"
        if name not in by_name:
            raise InputError(where, f"unknown descriptor {name!r}")
        d = by_name[name]
        if not isinstance(variant, str):
            raise InputError(where, "expected a variant name (a string)")
        if variant not in descriptors[d].variants:
            raise InputError(where, f"unknown variant {variant!r} of {name!r}")
        fixed.append((d, descriptors[d].variants.index(variant)))
    flags = {}
    for key in ("with_balances", "standardize"):
        value = doc.get(key, False)
        if not isinstance(value, bool):
            raise InputError(at(key), f"expected true or false, got {value!r}")
        flags[key] = value
    budget = _input.number(doc.get("time_budget_s", 10.0), at("time_budget_s"), lo=0.01, hi=3600)
    built = _input.integer(
        doc.get("max_scenarios_built", 10_000), at("max_scenarios_built"), lo=1, hi=1_000_000
    )
    starts = _input.integer(
        doc.get("monte_carlo_starts", 2_000), at("monte_carlo_starts"), lo=1, hi=1_000_000
    )
    seed = _input.integer(doc.get("seed", 0), at("seed"), lo=0, hi=2**63 - 1)
    data = CibInput(
        descriptors,
        matrix,
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
    offsets = list(itertools.accumulate(sizes, initial=0))
    rows = [offsets[d] + int(c) for d, c in enumerate(scenario)]
    total = m[rows].sum(axis=0).tolist()
    return [total[offsets[d] : offsets[d + 1]] for d in range(len(sizes))]


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


def solve(data: CibInput) -> CibResult:
    start = _cib_search._clock()
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
    parts: list[Part] = []
    if fixed:
        f = sorted(fixed)
        rows = np.array([[fixed[d] for d in f]], np.int64)
        parts.append(
            Part(f, rows, np.zeros(1, np.int64), np.array([int(weight[fixed_rows].sum())]), 1, 1)
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
            exact = search(
                sub_sizes,
                sub,
                data.max_inconsistency,
                base=base[index],
                weight=weight[index],
                keep=keep,
                deadline=start + 0.7 * data.time_budget_s,
            )
            parts.append(Part(group, *exact, exact[3]))
        except OutOfTime as stop:
            assert stop.partial is not None
            choices, incons, tis, stats = monte_carlo(
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
            order = sort_key_order(choices, tis)[:keep]
            parts.append(
                Part(
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
        combined = product(combined, part, keep)
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


def _scenarios(data: CibInput, m: Int64Array, part: Part, offsets: Int64Array) -> list[Scenario]:
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
