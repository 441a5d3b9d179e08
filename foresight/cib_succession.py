"""Succession analysis of a CIB model (``python -m foresight cib_tools`` with
``"analysis": "succession"``; re-exported by ``foresight.cib_tools``).

Balances of a full scenario are the column sums of the rows of its chosen variants; a non-zero
cell inside a descriptor's own block (a self-impact) counts, as in ScenarioWizard. A descriptor's
inconsistency is its best balance minus its chosen variant's; a scenario is consistent when every
descriptor's is at most ``max_inconsistency`` (0 by default).

Succession (Weimer-Jehle) moves a scenario towards consistency until it stops or repeats:

- ``global``: every descriptor switches at once to its highest-balance variant;
- ``adjacent``: only the most inconsistent descriptor switches (ties: first in input order);
- ``incremental``: every inconsistent descriptor moves one variant step (in input order of its
  variants) towards its highest-balance variant.

Ties for the highest balance keep the current variant when it is among them, otherwise take the
nearest one (incremental) or the first one (global, adjacent). With these rules a scenario is a
fixed point of every succession exactly when its inconsistency is 0.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from foresight import InputError, _input, cib
from foresight.cib import CibInput

RULES = ("global", "adjacent", "incremental")
MAX_STARTS = 10_000  # default budget of succession starts; past it, random starts
MAX_STEPS = 1_000  # default cap on the steps of one succession run
_MEMO_CAP = 1_000_000  # states remembered across succession runs
_STEP_BUDGET = 500_000  # single succession steps of one call, all runs together (~10 s)
_CHUNK = 8192  # succession starts advanced together
_FAST_STEPS = 32  # vectorised steps (memo look-ups) before a start is run on its own

Scenario = tuple[int, ...]  # variant position per descriptor


class CibModel:
    """Offsets and rows of a CIB input for repeated balance computations."""

    def __init__(self, data: CibInput) -> None:
        self.data = data
        self.sizes = [len(d.variants) for d in data.descriptors]
        self.offsets = [0]
        for k in self.sizes:
            self.offsets.append(self.offsets[-1] + k)
        self.m: NDArray[np.int64] = np.array(data.matrix, dtype=np.int64).reshape(
            self.offsets[-1], self.offsets[-1]
        )
        self.space = math.prod(self.sizes)

    def balances(self, s: Scenario) -> list[list[int]]:
        """Per descriptor, the balance of each of its variants in scenario s."""
        return cib.balances((self.sizes, self.m), s)

    def evaluate(self, s: Scenario) -> tuple[int, int]:
        """(inconsistency, total impact score) of scenario s: one balance computation for both
        (``cib.inconsistency`` would compute the balances again for the score)."""
        b = self.balances(s)
        gaps = [max(block) - block[c] for block, c in zip(b, s, strict=True)]
        return max(gaps), sum(block[c] for block, c in zip(b, s, strict=True))

    def names(self, s: Scenario) -> list[str]:
        return [d.variants[c] for d, c in zip(self.data.descriptors, s, strict=True)]

    def positions(self, variants: object, field: str) -> Scenario:
        items = _input.array(variants, field)
        if len(items) != len(self.sizes):
            raise InputError(
                field, f"expected {len(self.sizes)} variants (one per descriptor), got {len(items)}"
            )
        out = []
        for i, (d, v) in enumerate(zip(self.data.descriptors, items, strict=True)):
            if v not in d.variants:
                raise InputError(f"{field}[{i}]", f"unknown variant {v!r} of {d.name!r}")
            out.append(d.variants.index(str(v)))
        return tuple(out)


# ---- succession -----------------------------------------------------------------------------


def succession_step(model: CibModel, s: Scenario, rule: str) -> Scenario:
    """One step of ``rule`` from scenario s. Kept beside ``cib.succession_step`` (global rule
    only, many scenarios as numpy rows, same tie rule): the memoised walk of ``succession``
    steps one scenario at a time, where plain lists cost less than a one-row numpy call, and
    the adjacent and incremental rules are not the solver's."""
    b = model.balances(s)
    best = [max(block) for block in b]
    if rule == "adjacent":
        gaps = [bb - block[c] for bb, block, c in zip(best, b, s, strict=True)]
        worst = max(gaps)
        if worst == 0:
            return s
        d = gaps.index(worst)
        out = list(s)
        out[d] = b[d].index(best[d])
        return tuple(out)
    out = list(s)
    for d, (block, c) in enumerate(zip(b, s, strict=True)):
        if block[c] == best[d]:
            continue
        if rule == "global":
            out[d] = block.index(best[d])
        else:  # incremental: one step towards the nearest highest-balance variant
            target = min(
                (v for v, x in enumerate(block) if x == best[d]), key=lambda v: (abs(v - c), v)
            )
            out[d] = c + (1 if target > c else -1)
    return tuple(out)


def _code(s: Scenario, sizes: list[int]) -> int:
    code, unit = 0, 1
    for c, k in zip(s, sizes, strict=True):
        code += c * unit
        unit *= k
    return code


def succession_batch(model: CibModel, states: NDArray[np.int64], rule: str) -> NDArray[np.int64]:
    """succession_step applied to every row of states (N × descriptors) at once."""
    if rule == "global":
        # The solver's step: same rule, same ties (keep the current variant when among the
        # best, else the first best).
        return cib.succession_step(model.sizes, model.m, states)
    count = states.shape[0]
    balances = np.zeros((count, model.offsets[-1]), dtype=np.int64)
    for d in range(len(model.sizes)):
        balances += model.m[model.offsets[d] + states[:, d]]
    rows = np.arange(count)
    out = states.copy()
    gaps = np.zeros(states.shape, dtype=np.int64)
    firsts = np.zeros(states.shape, dtype=np.int64)
    for d, k in enumerate(model.sizes):
        block = balances[:, model.offsets[d] : model.offsets[d] + k]
        best = block.max(axis=1)
        current = states[:, d]
        gaps[:, d] = best - block[rows, current]
        firsts[:, d] = block.argmax(axis=1)
        if rule == "incremental":
            positions = np.arange(k)
            # Nearest highest-balance variant, then the first: key |v − c|·k + v.
            key = np.abs(positions[None, :] - current[:, None]) * k + positions[None, :]
            key = np.where(block == best[:, None], key, np.iinfo(np.int64).max)
            target = key.argmin(axis=1)
            out[:, d] = current + np.sign(target - current)
    if rule == "adjacent":
        worst = gaps.argmax(axis=1)  # first descriptor with the largest gap
        moving = gaps[rows, worst] > 0
        out[rows[moving], worst[moving]] = firsts[rows[moving], worst[moving]]
    return out


@dataclass(frozen=True)
class Attractor:
    kind: str  # "fixed_point" or "cycle"
    period: int
    scenarios: list[list[str]]  # a cycle starts at its smallest scenario (variant positions)
    basin: int  # starts whose succession ends here
    share: float  # basin / starts


@dataclass(frozen=True)
class SuccessionResult:
    rule: str
    scenario_space: int
    starts: int
    exhaustive: bool  # False: random starts (seeded), attractors and shares are a sample
    unresolved: int  # starts whose run exceeded max_steps or came after the step budget
    budget_exhausted: bool  # the step budget ran out: later starts are unresolved
    attractors: list[Attractor]
    path: list[list[str]] | None  # from a given start: distinct scenarios visited, in order

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def succession(
    data: CibInput,
    rule: str = "global",
    start: Scenario | None = None,
    max_starts: int = MAX_STARTS,
    max_steps: int = MAX_STEPS,
    seed: int = 0,
) -> SuccessionResult:
    """Run succession from one start, or from every start (or a seeded sample past max_starts)."""
    if rule not in RULES:
        raise InputError("rule", f"expected one of {', '.join(RULES)}, got {rule!r}")
    model = CibModel(data)
    memo: dict[Scenario, int] = {}
    memo_codes: list[int] = []  # the memo's states as mixed-radix integers, and their attractors
    memo_atts: list[int] = []
    coded = model.space < 2**62  # states fit int64 codes: vectorised look-ups in the memo
    cycles: list[tuple[Scenario, ...]] = []
    cycle_ids: dict[tuple[Scenario, ...], int] = {}

    budget = [_STEP_BUDGET]  # single steps left for every run together

    def run(s: Scenario) -> tuple[int, list[Scenario]]:
        path: list[Scenario] = []
        seen: dict[Scenario, int] = {}
        att = -1
        while True:
            if s in memo:
                att = memo[s]
                break
            if s in seen:
                cyc = path[seen[s] :]
                i = cyc.index(min(cyc))
                key = tuple(cyc[i:] + cyc[:i])
                att = cycle_ids.setdefault(key, len(cycles))
                if att == len(cycles):
                    cycles.append(key)
                break
            if len(path) >= max_steps or budget[0] <= 0:
                return -1, path
            budget[0] -= 1
            seen[s] = len(path)
            path.append(s)
            s = succession_step(model, s, rule)
        if len(memo) < _MEMO_CAP:
            for p in path:
                memo[p] = att
                if coded:
                    memo_codes.append(_code(p, model.sizes))
                    memo_atts.append(att)
        return att, path

    basins: dict[int, int] = {}
    unresolved = 0
    path_out = None
    if start is not None:
        starts, exhaustive = 1, False
        att, path = run(start)
        if att < 0:
            unresolved = 1
        else:
            basins[att] = 1
        path_out = [model.names(p) for p in path]
    else:
        exhaustive = model.space <= max_starts
        starts = model.space if exhaustive else max_starts
        rng = np.random.default_rng(seed)
        radix = np.cumprod([1, *model.sizes[:-1]]).astype(np.int64)
        lo, chunk = 0, 64  # small first chunks fill the memo that later ones hit
        while lo < starts:
            n = min(chunk, starts - lo)
            if exhaustive:
                flat = np.arange(lo, lo + n, dtype=np.int64)
                batch = np.stack(np.unravel_index(flat, model.sizes), axis=1).astype(np.int64)
            else:
                batch = np.stack([rng.integers(0, k, size=n) for k in model.sizes], axis=1)
            lo, chunk = lo + n, min(chunk * 2, _CHUNK)
            left = np.arange(n)
            if coded and memo:
                keys = np.array(memo_codes, dtype=np.int64)
                order = np.argsort(keys)
                keys, atts = keys[order], np.array(memo_atts, dtype=np.int64)[order]
                current = batch.copy()
                for _ in range(min(_FAST_STEPS, max_steps)):
                    codes = current[left] @ radix
                    at = np.minimum(np.searchsorted(keys, codes), len(keys) - 1)
                    hit = keys[at] == codes
                    for att in atts[at[hit]].tolist():
                        basins[att] = basins.get(att, 0) + 1
                    left = left[~hit]
                    if not len(left):
                        break
                    current[left] = succession_batch(model, current[left], rule)
            for row in batch[left].tolist():
                att, _ = run(tuple(row))
                if att < 0:
                    unresolved += 1
                else:
                    basins[att] = basins.get(att, 0) + 1
    attractors = [
        Attractor(
            kind="fixed_point" if len(cycles[a]) == 1 else "cycle",
            period=len(cycles[a]),
            scenarios=[model.names(s) for s in cycles[a]],
            basin=n,
            share=n / starts,
        )
        for a, n in sorted(basins.items(), key=lambda item: (-item[1], cycles[item[0]]))
    ]
    return SuccessionResult(
        rule, model.space, starts, exhaustive, unresolved, budget[0] <= 0, attractors, path_out
    )
