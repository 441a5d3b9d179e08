"""What practitioners run around the CIB solver: succession (``foresight.cib_succession``,
re-exported here), expert ensembles, diverse selection, impact balances of given scenarios, a
matrix check (with standardisation) and intervention.

Balances of a full scenario are the column sums of the rows of its chosen variants; a non-zero
cell inside a descriptor's own block (a self-impact) counts, as in ScenarioWizard. A descriptor's
inconsistency is its best balance minus its chosen variant's; a scenario is consistent when every
descriptor's is at most ``max_inconsistency`` (0 by default).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from foresight import InputError, _input, cib
from foresight.cib import CibInput, Descriptor
from foresight.cib_succession import (
    MAX_STARTS,
    MAX_STEPS,
    RULES,
    Attractor,
    CibModel,
    Scenario,
    SuccessionResult,
    succession,
    succession_batch,
    succession_step,
)

__all__ = [
    "ANALYSES",
    "MAX_CANDIDATES",
    "MAX_STARTS",
    "MAX_STEPS",
    "RULES",
    "Attractor",
    "CibModel",
    "SuccessionResult",
    "balances",
    "check",
    "diverse",
    "ensemble",
    "intervention",
    "parse",
    "parse_model",
    "solve",
    "succession",
    "succession_batch",
    "succession_step",
]

ANALYSES = ("succession", "ensemble", "diverse", "balances", "check", "intervention")
MAX_CANDIDATES = 100_000  # diverse selection: consistent scenarios considered at most


# ---- the model ------------------------------------------------------------------------------


def parse_model(doc: object, field: str = "") -> CibInput:
    """A CIB model (descriptors, matrix, max_inconsistency, limit), self-impacts accepted: the
    solver's own reader restricted to the model, since the solver's search options would be
    ignored by these analyses."""
    return cib.parse(doc, field, cib.MODEL_FIELDS)


# ---- ensembles ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnsembleScenario:
    variants: list[str]
    consistent_in: int  # number of experts' matrices in which it is consistent
    robustness: float  # consistent_in / experts
    experts: list[int]  # positions of those matrices
    inconsistency: list[int]  # in each expert's matrix
    sum_inconsistency: int  # in the sum matrix
    sum_total_impact_score: int


@dataclass(frozen=True)
class SumScenario:
    variants: list[str]
    inconsistency: int
    total_impact_score: int


@dataclass(frozen=True)
class EnsembleResult:
    experts: int
    scenario_count: int  # scenarios consistent in at least one matrix (a lower bound if cut)
    scenarios: list[EnsembleScenario]
    sum_scenario_count: int | None  # None when the sum matrix's search was cut by its budget
    sum_scenarios: list[SumScenario]
    # False when a solver run was cut (time budget, or more scenarios than it lists): then
    # ``reason`` says which and what the counts cover.
    exhaustive: bool = True
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def ensemble(
    descriptors: tuple[Descriptor, ...],
    matrices: list[tuple[tuple[int, ...], ...]],
    max_inconsistency: int = 0,
    limit: int | None = None,
) -> EnsembleResult:
    """Robustness of each scenario across several experts' matrices, and the sum matrix."""
    inputs = [CibInput(descriptors, m, max_inconsistency=max_inconsistency) for m in matrices]
    n = len(inputs[0].matrix)
    total = tuple(tuple(sum(m[i][j] for m in matrices) for j in range(n)) for i in range(n))
    summed = CibInput(descriptors, total, max_inconsistency=max_inconsistency)
    models = [CibModel(x) for x in inputs]
    sum_model = CibModel(summed)
    union: set[Scenario] = set()
    reasons = []
    complete = True
    for e, (x, model) in enumerate(zip(inputs, models, strict=True)):
        solved = cib.solve(x)
        if not solved.exhaustive or len(solved.scenarios) != solved.scenario_count:
            complete = False
        if solved.reason:
            reasons.append(f"expert {e}: {solved.reason}")
        for found in solved.scenarios:
            union.add(model.positions(found.variants, "scenario"))
    if not complete:
        reasons.insert(
            0,
            "an expert's scenario list was cut: scenario_count and the robustness ranking cover"
            " the scenarios listed, not every scenario consistent in some matrix",
        )
    rows = []
    for s in union:
        incs = [m.evaluate(s)[0] for m in models]
        experts = [e for e, inc in enumerate(incs) if inc <= max_inconsistency]
        sum_inc, sum_tis = sum_model.evaluate(s)
        rows.append((s, incs, experts, sum_inc, sum_tis))
    rows.sort(key=lambda r: (-len(r[2]), -r[4], r[0]))
    scenarios = [
        EnsembleScenario(
            sum_model.names(s), len(ex), len(ex) / len(matrices), ex, incs, sum_inc, sum_tis
        )
        for s, incs, ex, sum_inc, sum_tis in rows[:limit]
    ]
    sum_result = cib.solve(
        CibInput(descriptors, total, max_inconsistency=max_inconsistency, limit=limit)
    )
    if sum_result.reason:
        reasons.append(f"sum matrix: {sum_result.reason}")
    return EnsembleResult(
        experts=len(matrices),
        scenario_count=len(rows),
        scenarios=scenarios,
        sum_scenario_count=sum_result.scenario_count,
        sum_scenarios=[
            SumScenario(s.variants, s.inconsistency, s.total_impact_score)
            for s in sum_result.scenarios
        ],
        exhaustive=complete and sum_result.exhaustive,
        reason="; ".join(reasons) or None,
    )


# ---- diverse selection ----------------------------------------------------------------------


@dataclass(frozen=True)
class Selected:
    variants: list[str]
    inconsistency: int
    total_impact_score: int
    min_distance: int | None  # to the scenarios selected before it (None for the first)


@dataclass(frozen=True)
class DiverseResult:
    candidates: int  # consistent scenarios considered
    # False when not every consistent scenario was a candidate (more than max_candidates or
    # than the solver lists, or the solver's time budget ran out); ``reason`` says which.
    exhaustive: bool
    selected: list[Selected]
    distances: list[list[int]]  # descriptors that differ, between selected scenarios
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def diverse(data: CibInput, k: int, max_candidates: int = MAX_CANDIDATES) -> DiverseResult:
    """Greedy max-min selection of k consistent scenarios.

    Start from the highest total impact score; then repeatedly add the scenario whose smallest
    distance (number of descriptors that differ) to those already chosen is the largest, ties to
    the higher total impact score, then to the smaller variant positions.
    """
    model = CibModel(data)
    # By total impact score descending; the count stays exact.
    result = cib.solve(
        CibInput(
            data.descriptors,
            data.matrix,
            max_inconsistency=data.max_inconsistency,
            limit=max_candidates,
        )
    )
    pool = result.scenarios
    exhaustive = result.exhaustive and len(pool) == result.scenario_count
    reason = result.reason
    if result.exhaustive and len(pool) < (result.scenario_count or 0) and reason is None:
        reason = (
            f"{result.scenario_count} consistent scenarios: the selection is made among the"
            f" first {len(pool)} by total impact score (max_candidates)"
        )
    if not pool or k == 0:
        return DiverseResult(len(pool), exhaustive, [], [], reason)
    choices = np.array([model.positions(s.variants, "scenario") for s in pool], dtype=np.int64)
    chosen = [0]
    nearest = (choices != choices[0]).sum(axis=1)
    picked_at: list[int | None] = [None]
    while len(chosen) < min(k, len(pool)):
        # argmax takes the first maximum: the higher score, then the smaller positions.
        nxt = int(np.argmax(nearest))
        picked_at.append(int(nearest[nxt]))
        chosen.append(nxt)
        nearest = np.minimum(nearest, (choices != choices[nxt]).sum(axis=1))
    selected = [
        Selected(pool[i].variants, pool[i].inconsistency, pool[i].total_impact_score, at)
        for i, at in zip(chosen, picked_at, strict=True)
    ]
    distances = [[int((choices[i] != choices[j]).sum()) for j in chosen] for i in chosen]
    return DiverseResult(len(pool), exhaustive, selected, distances, reason)


# ---- impact balances of given scenarios -------------------------------------------------------


@dataclass(frozen=True)
class DescriptorBalance:
    descriptor: str
    variant: str  # the scenario's variant
    balances: list[int]  # of each variant of the descriptor, in input order
    best: list[str]  # the variants with the highest balance
    gap: int  # best balance − the chosen variant's (the descriptor's inconsistency)
    contributions: list[int]  # impact on the chosen variant from each descriptor's choice


@dataclass(frozen=True)
class ScenarioBalances:
    variants: list[str]
    inconsistency: int
    total_impact_score: int
    descriptors: list[DescriptorBalance]


@dataclass(frozen=True)
class BalancesResult:
    scenarios: list[ScenarioBalances]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def balances(data: CibInput, scenarios: list[Scenario]) -> BalancesResult:
    """Why each descriptor takes its variant: balances, gaps and who contributes what."""
    model = CibModel(data)
    out = []
    for s in scenarios:
        per = model.balances(s)
        rows = [model.offsets[d] + c for d, c in enumerate(s)]
        details = []
        for d, (desc, block, c) in enumerate(zip(data.descriptors, per, s, strict=True)):
            top = max(block)
            column = model.offsets[d] + c
            details.append(
                DescriptorBalance(
                    descriptor=desc.name,
                    variant=desc.variants[c],
                    balances=block,
                    best=[v for v, x in zip(desc.variants, block, strict=True) if x == top],
                    gap=top - block[c],
                    contributions=[int(model.m[r, column]) for r in rows],
                )
            )
        out.append(
            ScenarioBalances(
                variants=model.names(s),
                inconsistency=max(x.gap for x in details),
                total_impact_score=sum(x.balances[c] for x, c in zip(details, s, strict=True)),
                descriptors=details,
            )
        )
    return BalancesResult(out)


# ---- matrix check ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VariantRef:
    descriptor: str
    variant: str


@dataclass(frozen=True)
class Pair:
    source: str  # impacting descriptor
    target: str  # impacted descriptor


@dataclass(frozen=True)
class NonstandardRow:
    descriptor: str  # impacting descriptor
    variant: str
    target: str  # impacted descriptor
    row_sum: int  # sum of the judgements of this row in the target's block (0 when standard)


@dataclass(frozen=True)
class CheckResult:
    fill_rate: (
        float  # share of judgement blocks (ordered pairs of descriptors) with a non-zero cell
    )
    empty_rows: list[VariantRef]  # variants that impact no other descriptor
    empty_columns: list[VariantRef]  # variants that no other descriptor impacts
    one_way: list[Pair]  # source judged on target, target never on source
    self_impacts: list[str]  # descriptors with a non-zero cell in their own block
    nonstandard_rows: list[NonstandardRow]
    standardised_factor: int
    standardised: list[list[int]]  # factor × (cell − its row's mean within the block)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check(data: CibInput) -> CheckResult:
    """What a facilitator looks at before solving: gaps, one-way judgements, standardisation.

    Standardising subtracts, in every judgement block, each row's mean from its cells (so rows
    sum to 0) and multiplies by the smallest integer that keeps every cell whole. Within a block
    the subtraction shifts all the target's balances by the same amount, so the consistent
    scenarios and every inconsistency (up to the factor) are unchanged.

    Kept beside ``cib.matrix_check`` and ``cib.standardized``, whose semantics differ: there an
    empty row or column counts the descriptor's own block (here only the other descriptors'),
    and standardisation refuses a block whose row mean is not an integer (here the whole matrix
    is scaled by the smallest factor that keeps it integral).
    """
    model = CibModel(data)
    names = data.descriptors
    count = len(names)
    off = model.offsets
    m = model.m

    def block(i: int, j: int) -> NDArray[np.int64]:
        return m[off[i] : off[i + 1], off[j] : off[j + 1]]

    judged = [[bool(block(i, j).any()) for j in range(count)] for i in range(count)]
    pairs = count * (count - 1)
    filled = sum(judged[i][j] for i in range(count) for j in range(count) if i != j)
    empty_rows, empty_columns = [], []
    for d, desc in enumerate(names):
        others = [j for j in range(count) if j != d]
        for v, variant in enumerate(desc.variants):
            row = off[d] + v
            if not any(m[row, off[j] : off[j + 1]].any() for j in others):
                empty_rows.append(VariantRef(desc.name, variant))
            if not any(m[off[j] : off[j + 1], row].any() for j in others):
                empty_columns.append(VariantRef(desc.name, variant))
    one_way = [
        Pair(names[i].name, names[j].name)
        for i in range(count)
        for j in range(count)
        if i != j and judged[i][j] and not judged[j][i]
    ]
    nonstandard = []
    numerators = np.zeros_like(m)  # k_j × cell − row sum, exact
    denominators = np.ones_like(m)
    for i in range(count):
        for j in range(count):
            cells = block(i, j)
            k = off[j + 1] - off[j]
            sums = cells.sum(axis=1)
            numerators[off[i] : off[i + 1], off[j] : off[j + 1]] = k * cells - sums[:, None]
            denominators[off[i] : off[i + 1], off[j] : off[j + 1]] = k
            for v, total in enumerate(sums.tolist()):
                if total:
                    nonstandard.append(
                        NonstandardRow(names[i].name, names[i].variants[v], names[j].name, total)
                    )
    # Smallest factor f with f · numerator / denominator whole for every cell.
    factor = 1
    for num, den in zip(numerators.ravel().tolist(), denominators.ravel().tolist(), strict=True):
        need = den // math.gcd(num, den)
        factor = factor * need // math.gcd(factor, need)
    # Python integers: the factor (a least common multiple of variant counts) may be large.
    standardised = [
        [num * factor // den for num, den in zip(nums, dens, strict=True)]
        for nums, dens in zip(numerators.tolist(), denominators.tolist(), strict=True)
    ]
    return CheckResult(
        fill_rate=filled / pairs if pairs else 1.0,
        empty_rows=empty_rows,
        empty_columns=empty_columns,
        one_way=one_way,
        self_impacts=[names[d].name for d in range(count) if judged[d][d]],
        nonstandard_rows=nonstandard,
        standardised_factor=factor,
        standardised=standardised,
    )


# ---- intervention -----------------------------------------------------------------------------


@dataclass(frozen=True)
class InterventionScenario:
    variants: list[str]
    inconsistency: int  # over the descriptors left free
    total_impact_score: int


@dataclass(frozen=True)
class InterventionResult:
    fixed: dict[str, str]
    scenario_space: int  # scenarios with the fixed variants
    scenario_count: int | None  # None when the solver's time budget ran out
    scenarios: list[InterventionScenario]
    # As the solver's: False when its time budget ran out; ``reason`` also states a list cut
    # at max_scenarios_built (the count is exact then).
    exhaustive: bool = True
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def intervention(data: CibInput, fixed: dict[int, int]) -> InterventionResult:
    """Consistent scenarios when some descriptors are set from outside (policy, shock).

    A fixed descriptor keeps its variant whatever its balances (its own consistency is not
    asked) and still impacts the others: the solver's own ``fixed`` option (which gives the
    same scenarios as solving the model with each fixed descriptor reduced to that variant).
    The scenario space is that of the free descriptors.
    """
    result = cib.solve(replace(data, fixed=tuple(sorted(fixed.items()))))
    space = math.prod(len(d.variants) for i, d in enumerate(data.descriptors) if i not in fixed)
    return InterventionResult(
        fixed={data.descriptors[d].name: data.descriptors[d].variants[c] for d, c in fixed.items()},
        scenario_space=space,
        scenario_count=result.scenario_count,
        scenarios=[
            InterventionScenario(x.variants, x.inconsistency, x.total_impact_score)
            for x in result.scenarios
        ],
        exhaustive=result.exhaustive,
        reason=result.reason,
    )


# ---- command line: python -m foresight cib_tools --------------------------------------------


@dataclass(frozen=True)
class CibToolsInput:
    analysis: str
    model: CibInput
    matrices: tuple[tuple[tuple[int, ...], ...], ...] = ()
    rule: str = "global"
    start: Scenario | None = None
    max_starts: int = MAX_STARTS
    max_steps: int = MAX_STEPS
    seed: int = 0
    k: int = 5
    max_candidates: int = MAX_CANDIDATES
    scenarios: tuple[Scenario, ...] = ()
    fixed: dict[int, int] = field(default_factory=dict)


_OPTIONS = {
    "succession": ("rule", "start", "max_starts", "max_steps", "seed"),
    "ensemble": ("matrices",),
    "diverse": ("k", "max_candidates"),
    "balances": ("scenarios",),
    "check": (),
    "intervention": ("fixed",),
}


def parse(doc: object) -> CibToolsInput:
    doc = _input.mapping(doc, "")
    analysis = _input.required(doc, "analysis")
    if analysis not in ANALYSES:
        raise InputError("analysis", f"expected one of {', '.join(ANALYSES)}, got {analysis!r}")
    assert isinstance(analysis, str)
    options = _OPTIONS[analysis]
    if analysis == "ensemble":
        # The experts' matrices replace the single one.
        body = {k: v for k, v in doc.items() if k not in ("analysis", "matrices")}
        if "matrix" in body:
            raise InputError("matrix", "unknown field (an ensemble takes `matrices`)")
        raw = _input.array(_input.required(doc, "matrices"), "matrices", min_len=1)
        _input.reject_unknown(body, ("descriptors", "max_inconsistency", "limit"))
        descriptors = cib.read_descriptors(_input.required(doc, "descriptors"))
        matrices = tuple(
            cib.read_matrix(m, descriptors, f"matrices[{e}]") for e, m in enumerate(raw)
        )
        model = parse_model({**body, "matrix": [list(row) for row in matrices[0]]})
        return CibToolsInput("ensemble", model, matrices)
    body = {k: v for k, v in doc.items() if k != "analysis" and k not in options}
    model = parse_model(body)
    if analysis == "intervention":
        raw_fixed = _input.mapping(_input.required(doc, "fixed"), "fixed")
        if not raw_fixed:
            raise InputError("fixed", "expected at least one descriptor")
        by_name = {d.name: i for i, d in enumerate(model.descriptors)}
        fixed = {}
        for name, variant in raw_fixed.items():
            if name not in by_name:
                raise InputError(f"fixed.{name}", f"unknown descriptor {name!r}")
            desc = model.descriptors[by_name[name]]
            if variant not in desc.variants:
                raise InputError(f"fixed.{name}", f"unknown variant {variant!r} of {name!r}")
            fixed[by_name[name]] = desc.variants.index(str(variant))
        return CibToolsInput("intervention", model, fixed=fixed)
    if model.limit is not None and analysis != "ensemble":
        raise InputError("limit", f"unknown field for analysis {analysis!r}")
    if analysis == "check":
        if model.max_inconsistency != 0:
            raise InputError("max_inconsistency", "unknown field for analysis 'check'")
        return CibToolsInput("check", model)
    if analysis == "balances":
        if model.max_inconsistency != 0:
            raise InputError("max_inconsistency", "unknown field for analysis 'balances'")
        raw = _input.array(_input.required(doc, "scenarios"), "scenarios", min_len=1)
        if len(raw) > 1000:
            raise InputError("scenarios", f"at most 1000 scenarios, got {len(raw)}")
        checker = CibModel(model)
        chosen = tuple(checker.positions(x, f"scenarios[{i}]") for i, x in enumerate(raw))
        return CibToolsInput("balances", model, scenarios=chosen)
    if analysis == "diverse":
        k = _input.integer(doc.get("k", 5), "k", lo=1, hi=1000)
        cap = _input.integer(
            doc.get("max_candidates", MAX_CANDIDATES), "max_candidates", lo=1, hi=10**6
        )
        return CibToolsInput("diverse", model, k=k, max_candidates=cap)
    rule = doc.get("rule", "global")
    if rule not in RULES:
        raise InputError("rule", f"expected one of {', '.join(RULES)}, got {rule!r}")
    assert isinstance(rule, str)
    start = None
    if doc.get("start") is not None:
        start = CibModel(model).positions(doc["start"], "start")
    if model.max_inconsistency != 0:
        raise InputError(
            "max_inconsistency", "succession looks for consistent scenarios: must be 0"
        )
    return CibToolsInput(
        "succession",
        model,
        rule=rule,
        start=start,
        max_starts=_input.integer(doc.get("max_starts", MAX_STARTS), "max_starts", lo=1, hi=10**5),
        max_steps=_input.integer(doc.get("max_steps", MAX_STEPS), "max_steps", lo=1, hi=10**6),
        seed=_input.integer(doc.get("seed", 0), "seed", lo=0),
    )


def solve(
    data: CibToolsInput,
) -> (
    SuccessionResult
    | EnsembleResult
    | DiverseResult
    | BalancesResult
    | CheckResult
    | InterventionResult
):
    if data.analysis == "intervention":
        return intervention(data.model, data.fixed)
    if data.analysis == "check":
        return check(data.model)
    if data.analysis == "balances":
        return balances(data.model, list(data.scenarios))
    if data.analysis == "succession":
        return succession(
            data.model, data.rule, data.start, data.max_starts, data.max_steps, data.seed
        )
    if data.analysis == "ensemble":
        m = data.model
        return ensemble(m.descriptors, list(data.matrices), m.max_inconsistency, m.limit)
    return diverse(data.model, data.k, data.max_candidates)
