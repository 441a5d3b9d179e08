"""SMIC-Prob-Expert: scenario probabilities from experts' simple and conditional probabilities.

Unknowns are the probabilities π_s of the 2^n scenarios (s says which hypotheses occur). Every
given probability is an equation in the moments of π — μ_∅ = Σπ, μ_i = P*(i), μ_ij = P*(i ∧ j),
each a sum of π over the matching scenarios — and the fit minimises the sum of squared equation
residuals over the simplex (π ≥ 0, Σπ = 1). Two objectives:

- ``linear`` (default): P*(i) = p_i, P*(i ∧ j) = p(i|j)·P*(j), P*(i ∧ ¬j) = p(i|¬j)·(1 − P*(j)),
  the products taken with the *corrected* marginals, so every equation is homogeneous.
- ``duperrin_godet_1975``: the programme printed in Duperrin & Godet's SMIC 74 paper (Futures,
  1975): Σ [p(i|j)·p(j) − P*(i ∧ j)]² + [p(i|¬j)·(1 − p(j)) − P*(i ∧ ¬j)]², the products taken
  with the *given* marginals, which enter only through them.

Both are convex quadratic programmes solved by non-negative least squares with the normalisation
as a heavily weighted row, then polished exactly on the resulting support (equality-constrained
least squares through its KKT system). Consistent inputs are reproduced to rounding error.

The fit rarely pins the distribution down. A least-squares fit over the simplex has a unique
residual vector, so the set of equally good fits is exactly {π ≥ 0, Σπ = 1 : every given equation
has its fitted residual}; with consistent input that is the set of distributions satisfying the
given probabilities. Each scenario's ``interval`` is the range of its probability over that set
(two linear programmes per scenario, see ``smic_lp``); ``determined`` says whether every interval
is a single point.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from itertools import combinations
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import nnls

from foresight import ComputationError, InputError, _input, smic_lp

MAX_HYPOTHESES = 10
MAX_ELASTICITY_HYPOTHESES = 8  # two fits per given probability: 2·(n + 2n(n−1)) fits
MAX_EXPERTS = 50
ELASTICITY_ROWS = 16  # scenarios in the elasticity table (the most probable ones)
ELASTICITY_STEP = 1e-4
OBJECTIVES = ("linear", "duperrin_godet_1975")
_TOL = 1e-9

Matrix = tuple[tuple[float | None, ...], ...]


@dataclass(frozen=True)
class Expert:
    name: str
    weight: float
    p: tuple[float, ...]
    p_if: Matrix
    p_if_not: Matrix


@dataclass(frozen=True)
class SmicInput:
    hypotheses: tuple[str, ...]
    p: tuple[float, ...]
    # p_if[i][j] = P(i | j), p_if_not[i][j] = P(i | not j); None when not given (and on the diagonal).
    p_if: Matrix
    p_if_not: Matrix
    objective: str = "linear"
    intervals: int | None = None  # how many of the most probable scenarios get one; None = all
    elasticities: bool = False
    experts: tuple[Expert, ...] = ()  # when given, p/p_if/p_if_not are their weighted mean


@dataclass(frozen=True)
class ScenarioProbability:
    bits: str  # character i is "1" when hypothesis i occurs
    hypotheses: list[str]  # the hypotheses that occur
    probability: float
    interval: list[float] | None  # [min, max] over the equally good fits; None when not asked


@dataclass(frozen=True)
class Elasticities:
    step: float
    inputs: list[str]  # "p[i]", "p_if[i][j]", "p_if_not[i][j]": the given probabilities
    scenarios: list[str]  # bits of the rows
    derivatives: list[list[float]]  # ∂π_s / ∂x
    elasticities: list[list[float]]  # (x / π_s)·∂π_s / ∂x


@dataclass(frozen=True)
class ExpertSolution:
    name: str
    weight: float  # normalised to sum 1
    residual: float
    probabilities: list[float]  # in the order of SmicResult.scenarios


@dataclass(frozen=True)
class SmicResult:
    hypotheses: list[str]
    objective: str
    scenarios: list[ScenarioProbability]  # by probability, descending
    p: list[float]
    p_if: list[list[float | None]]
    p_if_not: list[list[float | None]]
    residual: float  # sum of squared residuals of the fitted equations
    max_deviation: float  # largest |given − corrected| over the given probabilities
    determined: bool | None  # None when not every interval was computed
    linear_programmes: int
    elasticities: Elasticities | None
    experts: list[ExpertSolution] | None
    expert_average: list[float] | None  # weighted mean of the experts' probabilities

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_KEYS = ("p", "p_if", "p_if_not")


def _conditional(raw: object, field: str, n: int) -> Matrix:
    rows = _input.square_matrix(raw, field, n, "hypotheses")
    return tuple(
        tuple(
            None if v is None or i == j else _input.number(v, f"{field}[{i}][{j}]", lo=0, hi=1)
            for j, v in enumerate(row)
        )
        for i, row in enumerate(rows)
    )


def _probabilities(doc: Any, parent: str, n: int) -> tuple[tuple[float, ...], Matrix, Matrix]:
    field = _input.path(parent, "p")
    raw_p = _input.array(_input.required(doc, "p", parent), field)
    if len(raw_p) != n:
        raise InputError(field, f"expected {n} probabilities, got {len(raw_p)}")
    p = tuple(_input.number(v, f"{field}[{i}]", lo=0, hi=1) for i, v in enumerate(raw_p))
    return (
        p,
        _conditional(_input.required(doc, "p_if", parent), _input.path(parent, "p_if"), n),
        _conditional(_input.required(doc, "p_if_not", parent), _input.path(parent, "p_if_not"), n),
    )


def parse(doc: object) -> SmicInput:
    doc = _input.mapping(doc, "")
    _input.reject_unknown(
        doc, ("hypotheses", *_KEYS, "objective", "intervals", "elasticities", "experts")
    )
    hyps = _input.names(_input.required(doc, "hypotheses"), "hypotheses")
    n = len(hyps)
    if n > MAX_HYPOTHESES:
        raise InputError("hypotheses", f"at most {MAX_HYPOTHESES} hypotheses (2^n scenarios)")
    objective = doc.get("objective", "linear")
    if objective not in OBJECTIVES:
        raise InputError("objective", f"expected one of {', '.join(OBJECTIVES)}, got {objective!r}")
    intervals: int | None = None
    raw = doc.get("intervals", "all")
    if raw == "none":
        intervals = 0
    elif raw != "all":
        if isinstance(raw, str):
            raise InputError("intervals", f"expected 'all', 'none' or a count, got {raw!r}")
        intervals = _input.integer(raw, "intervals", lo=0)
    elasticities = doc.get("elasticities", False)
    if not isinstance(elasticities, bool):
        raise InputError("elasticities", f"expected true or false, got {elasticities!r}")
    if elasticities and n > MAX_ELASTICITY_HYPOTHESES:
        raise InputError(
            "elasticities", f"computed for at most {MAX_ELASTICITY_HYPOTHESES} hypotheses, got {n}"
        )
    if "experts" not in doc:
        p, p_if, p_if_not = _probabilities(doc, "", n)
        return SmicInput(hyps, p, p_if, p_if_not, objective, intervals, elasticities)
    for key in _KEYS:
        if key in doc:
            raise InputError(key, "give either experts or p, p_if and p_if_not, not both")
    raw_experts = _input.array(doc["experts"], "experts", min_len=1)
    if len(raw_experts) > MAX_EXPERTS:
        raise InputError("experts", f"at most {MAX_EXPERTS} experts, got {len(raw_experts)}")
    experts = []
    seen: set[str] = set()
    for e, item in enumerate(raw_experts):
        parent = f"experts[{e}]"
        entry = _input.mapping(item, parent)
        _input.reject_unknown(entry, ("name", "weight", *_KEYS), parent)
        name = _input.string(_input.required(entry, "name", parent), f"{parent}.name")
        if name in seen:
            raise InputError(f"{parent}.name", f"duplicate name {name!r}")
        seen.add(name)
        weight = _input.number(entry.get("weight", 1), f"{parent}.weight", lo=0)
        if weight <= 0:
            raise InputError(f"{parent}.weight", "must be positive")
        experts.append(Expert(name, weight, *_probabilities(entry, parent, n)))
    p, p_if, p_if_not = _combine(experts, n)
    return SmicInput(hyps, p, p_if, p_if_not, objective, intervals, elasticities, tuple(experts))


def _combine(experts: list[Expert], n: int) -> tuple[tuple[float, ...], Matrix, Matrix]:
    """Weighted mean of each given probability over the experts who gave it."""
    total = sum(e.weight for e in experts)
    p = tuple(sum(e.weight * e.p[i] for e in experts) / total for i in range(n))

    def mean(values: list[tuple[float, float | None]]) -> float | None:
        given = [(w, v) for w, v in values if v is not None]
        if not given:
            return None
        return sum(w * v for w, v in given) / sum(w for w, _ in given)

    p_if = tuple(
        tuple(mean([(e.weight, e.p_if[i][j]) for e in experts]) for j in range(n)) for i in range(n)
    )
    p_if_not = tuple(
        tuple(mean([(e.weight, e.p_if_not[i][j]) for e in experts]) for j in range(n))
        for i in range(n)
    )
    return p, p_if, p_if_not


def _occurs(n: int) -> NDArray[np.float64]:
    """occurs[i, s] = 1 when hypothesis i occurs in scenario s (bit i of s)."""
    s = np.arange(1 << n)
    return ((s[None, :] >> np.arange(n)[:, None]) & 1).astype(float)


def _monomials(n: int) -> NDArray[np.float64]:
    """Rows 1, occ_i, occ_i·occ_j (i < j): π ↦ the moments μ_∅, μ_i, μ_ij."""
    occ = _occurs(n)
    rows = [np.ones(1 << n), *occ]
    rows += [occ[i] * occ[j] for i, j in combinations(range(n), 2)]
    return np.array(rows)


def _pair_index(n: int) -> dict[tuple[int, int], int]:
    index = {}
    for k, (i, j) in enumerate(combinations(range(n), 2)):
        index[(i, j)] = index[(j, i)] = 1 + n + k
    return index


def _system(
    data: SmicInput,
) -> tuple[NDArray[np.float64], NDArray[np.float64], list[str]]:
    """Equations K·μ = d in the moments, one per given probability of the objective."""
    n = len(data.hypotheses)
    pair = _pair_index(n)
    size = 1 + n + n * (n - 1) // 2
    dg = data.objective == "duperrin_godet_1975"
    rows: list[NDArray[np.float64]] = []
    targets: list[float] = []
    labels: list[str] = []
    if not dg:
        for i in range(n):
            row = np.zeros(size)
            row[1 + i], row[0] = 1, -data.p[i]
            rows.append(row)
            targets.append(0.0)
            labels.append(f"p[{i}]")
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            q = data.p_if[i][j]
            if q is not None:  # P(i ∧ j) = q·P(j)
                row = np.zeros(size)
                row[pair[(i, j)]] = 1
                if dg:
                    targets.append(q * data.p[j])
                else:
                    row[1 + j] -= q
                    targets.append(0.0)
                rows.append(row)
                labels.append(f"p_if[{i}][{j}]")
            q = data.p_if_not[i][j]
            if q is not None:  # P(i ∧ ¬j) = μ_i − μ_ij = q·(1 − P(j))
                row = np.zeros(size)
                row[1 + i], row[pair[(i, j)]] = 1, -1
                if dg:
                    targets.append(q * (1 - data.p[j]))
                else:
                    row[0] -= q
                    row[1 + j] += q
                    targets.append(0.0)
                rows.append(row)
                labels.append(f"p_if_not[{i}][{j}]")
    return np.array(rows).reshape(len(rows), size), np.array(targets), labels


def equations(data: SmicInput) -> NDArray[np.float64]:
    """Rows c with c·π = target for every given probability (targets 0 for ``linear``)."""
    k, _, _ = _system(data)
    return k @ _monomials(len(data.hypotheses))


def fit(c: NDArray[np.float64], d: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
    """argmin ‖cπ − d‖² over the probability simplex (d = 0 when not given)."""
    size = c.shape[1]
    target = np.zeros(len(c)) if d is None else d
    weight = 1e4 * (1 + np.abs(c).sum() + np.abs(target).sum())
    a = np.vstack([c, weight * np.ones((1, size))])
    b = np.concatenate([target, [weight]])
    pi: NDArray[np.float64]
    pi, _ = nnls(a, b, maxiter=50 * size)
    pi = np.clip(pi, 0, None)
    if pi.sum() <= 0:
        raise ComputationError("the least-squares fit found no distribution")
    pi /= pi.sum()
    # Polish on the support: min ‖c_S x − d‖² subject to Σx = 1, via the KKT system.
    support = np.flatnonzero(pi > 1e-12)
    cs = c[:, support]
    k = len(support)
    kkt = np.zeros((k + 1, k + 1))
    kkt[:k, :k] = 2 * cs.T @ cs
    kkt[:k, k] = 1
    kkt[k, :k] = 1
    rhs = np.zeros(k + 1)
    rhs[:k] = 2 * cs.T @ target
    rhs[k] = 1
    x = np.linalg.lstsq(kkt, rhs, rcond=None)[0][:k]
    if x.min() >= -1e-12:
        polished = np.zeros(size)
        polished[support] = np.clip(x, 0, None)
        polished /= polished.sum()
        if np.sum((c @ polished - target) ** 2) <= np.sum((c @ pi - target) ** 2) + 1e-15:
            pi = polished
    return pi


def _fit(data: SmicInput, mon: NDArray[np.float64]) -> tuple[NDArray[np.float64], float]:
    k, d, _ = _system(data)
    c = k @ mon
    pi = fit(c, d)
    return pi, float(np.sum((c @ pi - d) ** 2))


def _row_basis(k: NDArray[np.float64]) -> NDArray[np.float64]:
    """Reduced row echelon form of k without its zero rows: independent rows, same row space."""
    r = k.astype(float).copy()
    tol = 1e-10 * max(1.0, float(np.abs(r).max(initial=0.0)))
    top = 0
    for col in range(r.shape[1]):
        if top == len(r):
            break
        pivot = top + int(np.argmax(np.abs(r[top:, col])))
        if abs(r[pivot, col]) <= tol:
            continue
        r[[top, pivot]] = r[[pivot, top]]
        r[top] /= r[top, col]
        others = np.arange(len(r)) != top
        r[others] -= np.outer(r[others, col], r[top])
        top += 1
    return r[:top]


def solve(data: SmicInput) -> SmicResult:
    n = len(data.hypotheses)
    size = 1 << n
    mon = _monomials(n)
    pi, residual = _fit(data, mon)
    occ = _occurs(n)
    marg = occ @ pi
    pair = {(i, j): float((occ[i] * occ[j]) @ pi) for i, j in combinations(range(n), 2)}

    def joint(i: int, j: int) -> float:
        return pair[(min(i, j), max(i, j))]

    p_if: list[list[float | None]] = [[None] * n for _ in range(n)]
    p_if_not: list[list[float | None]] = [[None] * n for _ in range(n)]
    deviations = [abs(marg[i] - data.p[i]) for i in range(n)]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            if marg[j] > _TOL:
                p_if[i][j] = joint(i, j) / marg[j]
            if 1 - marg[j] > _TOL:
                p_if_not[i][j] = (marg[i] - joint(i, j)) / (1 - marg[j])
            for given, got in (
                (data.p_if[i][j], p_if[i][j]),
                (data.p_if_not[i][j], p_if_not[i][j]),
            ):
                if given is not None and got is not None:
                    deviations.append(abs(given - got))

    order = sorted(range(size), key=lambda s: (-pi[s], s))
    wanted = order if data.intervals is None else order[: data.intervals]
    intervals, programmes = _intervals(data, mon, pi, wanted)
    scenarios = [
        ScenarioProbability(
            bits=_bits(s, n),
            hypotheses=[h for i, h in enumerate(data.hypotheses) if (s >> i) & 1],
            probability=float(pi[s]),
            interval=[float(x) for x in intervals[s]] if s in intervals else None,
        )
        for s in order
    ]
    determined = (
        bool(all(hi - lo <= 1e-7 for lo, hi in intervals.values()))
        if len(intervals) == size
        else None
    )
    experts, average = _experts(data, mon, order)
    return SmicResult(
        hypotheses=list(data.hypotheses),
        objective=data.objective,
        scenarios=scenarios,
        p=[float(x) for x in marg],
        p_if=p_if,
        p_if_not=p_if_not,
        residual=residual,
        max_deviation=float(max(deviations)),
        determined=determined,
        linear_programmes=programmes,
        elasticities=_elasticities(data, mon, pi, order) if data.elasticities else None,
        experts=experts,
        expert_average=average,
    )


def _bits(s: int, n: int) -> str:
    return "".join(str((s >> i) & 1) for i in range(n))


def _intervals(
    data: SmicInput, mon: NDArray[np.float64], pi: NDArray[np.float64], wanted: list[int]
) -> tuple[dict[int, tuple[float, float]], int]:
    """[min, max] of π_s over {π ≥ 0, Σπ = 1, K·μ(π) = K·μ(π̂)}, π̂ the fit."""
    if not wanted:
        return {}, 0
    k, _, _ = _system(data)
    normalisation = np.zeros((1, mon.shape[0]))
    normalisation[0, 0] = 1
    basis = _row_basis(np.vstack([normalisation, k]))
    a = basis @ mon
    return smic_lp.bounds(a, a @ pi, pi, wanted)


def _with_value(data: SmicInput, label: str, value: float) -> SmicInput:
    key, _, rest = label.partition("[")
    index = [int(x) for x in rest.rstrip("]").split("][")]
    if key == "p":
        p = list(data.p)
        p[index[0]] = value
        return replace(data, p=tuple(p))
    rows = [list(row) for row in getattr(data, key)]
    rows[index[0]][index[1]] = value
    matrix: Matrix = tuple(tuple(row) for row in rows)
    return replace(data, p_if=matrix) if key == "p_if" else replace(data, p_if_not=matrix)


def _value(data: SmicInput, label: str) -> float:
    key, _, rest = label.partition("[")
    index = [int(x) for x in rest.rstrip("]").split("][")]
    value = data.p[index[0]] if key == "p" else getattr(data, key)[index[0]][index[1]]
    assert value is not None
    return float(value)


def _elasticities(
    data: SmicInput, mon: NDArray[np.float64], pi: NDArray[np.float64], order: list[int]
) -> Elasticities:
    """Central differences of the fit on each given probability (one-sided at 0 and 1)."""
    n = len(data.hypotheses)
    rows = [s for s in order if pi[s] > _TOL][:ELASTICITY_ROWS]
    inputs = [f"p[{i}]" for i in range(n)] + [
        f"{key}[{i}][{j}]"
        for key in ("p_if", "p_if_not")
        for i in range(n)
        for j in range(n)
        if getattr(data, key)[i][j] is not None
    ]
    derivatives = np.zeros((len(rows), len(inputs)))
    elasticities = np.zeros((len(rows), len(inputs)))
    h = ELASTICITY_STEP
    for b, label in enumerate(inputs):
        x = _value(data, label)
        up, down = min(1.0, x + h), max(0.0, x - h)
        pi_up, _ = _fit(_with_value(data, label, up), mon)
        pi_down, _ = _fit(_with_value(data, label, down), mon)
        slope = (pi_up[rows] - pi_down[rows]) / (up - down)
        derivatives[:, b] = slope
        elasticities[:, b] = x * slope / pi[rows]
    return Elasticities(
        step=h,
        inputs=inputs,
        scenarios=[_bits(s, n) for s in rows],
        derivatives=derivatives.tolist(),
        elasticities=elasticities.tolist(),
    )


def _experts(
    data: SmicInput, mon: NDArray[np.float64], order: list[int]
) -> tuple[list[ExpertSolution] | None, list[float] | None]:
    """Each expert's input fitted on its own; the weighted mean of their distributions."""
    if not data.experts:
        return None, None
    total = sum(e.weight for e in data.experts)
    solutions = []
    average = np.zeros(len(order))
    for expert in data.experts:
        own = replace(data, p=expert.p, p_if=expert.p_if, p_if_not=expert.p_if_not, experts=())
        pi, residual = _fit(own, mon)
        weight = expert.weight / total
        probabilities = pi[order]
        average += weight * probabilities
        solutions.append(
            ExpertSolution(expert.name, weight, residual, [float(x) for x in probabilities])
        )
    return solutions, [float(x) for x in average]
