"""SMIC-Prob-Expert: scenario probabilities from experts' simple and conditional probabilities.

Unknowns are the probabilities π_s of the 2^n scenarios (s says which hypotheses occur). Every
given probability becomes a linear equation in π once multiplied out:

    P*(i) = p_i,   P*(i ∧ j) = p(i|j) · P*(j),   P*(i ∧ ¬j) = p(i|¬j) · (1 − P*(j))

where P*(…) is a sum of π over the matching scenarios. The fit minimises the sum of squared
equation residuals over the simplex (π ≥ 0, Σ π = 1). The constant p_i is multiplied by Σ π so
the system is homogeneous, then solved by non-negative least squares with the normalisation as a
heavily weighted row, and polished exactly on the resulting support (equality-constrained least
squares through its KKT system). Consistent inputs are reproduced to rounding error.

The fitted marginals and pair probabilities rarely pin the distribution down (2^n − 1 unknowns
for n + n(n−1)/2 equations): for each scenario, two linear programmes (scipy's HiGHS) give the
smallest and largest probability compatible with them. ``determined`` says whether every
interval is a single point.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linprog, nnls

from foresight import ComputationError, InputError, _input

MAX_HYPOTHESES = 10
_TOL = 1e-9


@dataclass(frozen=True)
class SmicInput:
    hypotheses: tuple[str, ...]
    p: tuple[float, ...]
    # p_if[i][j] = P(i | j), p_if_not[i][j] = P(i | not j); None when not given (and on the diagonal).
    p_if: tuple[tuple[float | None, ...], ...]
    p_if_not: tuple[tuple[float | None, ...], ...]


@dataclass(frozen=True)
class ScenarioProbability:
    bits: str  # character i is "1" when hypothesis i occurs
    hypotheses: list[str]  # the hypotheses that occur
    probability: float
    interval: list[float]  # [min, max] compatible with the fitted marginals and pairs


@dataclass(frozen=True)
class SmicResult:
    hypotheses: list[str]
    scenarios: list[ScenarioProbability]  # by probability, descending
    p: list[float]
    p_if: list[list[float | None]]
    p_if_not: list[list[float | None]]
    residual: float  # sum of squared residuals of the fitted equations
    max_deviation: float  # largest |given − corrected| over the given probabilities
    determined: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse(doc: object) -> SmicInput:
    doc = _input.mapping(doc, "")
    _input.reject_unknown(doc, ("hypotheses", "p", "p_if", "p_if_not"))
    hyps = _input.names(_input.required(doc, "hypotheses"), "hypotheses")
    n = len(hyps)
    if n > MAX_HYPOTHESES:
        raise InputError("hypotheses", f"at most {MAX_HYPOTHESES} hypotheses (2^n scenarios)")
    raw_p = _input.array(_input.required(doc, "p"), "p")
    if len(raw_p) != n:
        raise InputError("p", f"expected {n} probabilities, got {len(raw_p)}")
    p = tuple(_input.number(v, f"p[{i}]", lo=0, hi=1) for i, v in enumerate(raw_p))

    def conditional(key: str) -> tuple[tuple[float | None, ...], ...]:
        rows = _input.square_matrix(_input.required(doc, key), key, n, "hypotheses")
        return tuple(
            tuple(
                None if v is None or i == j else _input.number(v, f"{key}[{i}][{j}]", lo=0, hi=1)
                for j, v in enumerate(row)
            )
            for i, row in enumerate(rows)
        )

    return SmicInput(hyps, p, conditional("p_if"), conditional("p_if_not"))


def _occurs(n: int) -> NDArray[np.float64]:
    """occurs[i, s] = 1 when hypothesis i occurs in scenario s (bit i of s)."""
    s = np.arange(1 << n)
    return ((s[None, :] >> np.arange(n)[:, None]) & 1).astype(float)


def equations(data: SmicInput) -> NDArray[np.float64]:
    """Rows c with c·π = 0 for every given probability, homogeneous thanks to Σπ = 1."""
    n = len(data.hypotheses)
    occ = _occurs(n)
    ones = np.ones(1 << n)
    rows = [occ[i] - data.p[i] * ones for i in range(n)]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            q = data.p_if[i][j]
            if q is not None:
                rows.append(occ[i] * occ[j] - q * occ[j])
            q = data.p_if_not[i][j]
            if q is not None:
                rows.append(occ[i] * (1 - occ[j]) - q * (1 - occ[j]))
    return np.array(rows)


def fit(c: NDArray[np.float64]) -> NDArray[np.float64]:
    """argmin ‖cπ‖² over the probability simplex."""
    size = c.shape[1]
    weight = 1e4 * (1 + np.abs(c).sum())
    a = np.vstack([c, weight * np.ones((1, size))])
    b = np.concatenate([np.zeros(len(c)), [weight]])
    pi: NDArray[np.float64]
    pi, _ = nnls(a, b, maxiter=50 * size)
    pi = np.clip(pi, 0, None)
    if pi.sum() <= 0:
        raise ComputationError("the least-squares fit found no distribution")
    pi /= pi.sum()
    # Polish on the support: min ‖c_S x‖² subject to Σx = 1, via the KKT system.
    support = np.flatnonzero(pi > 1e-12)
    cs = c[:, support]
    k = len(support)
    kkt = np.zeros((k + 1, k + 1))
    kkt[:k, :k] = 2 * cs.T @ cs
    kkt[:k, k] = 1
    kkt[k, :k] = 1
    rhs = np.zeros(k + 1)
    rhs[k] = 1
    x = np.linalg.lstsq(kkt, rhs, rcond=None)[0][:k]
    if x.min() >= -1e-12:
        polished = np.zeros(size)
        polished[support] = np.clip(x, 0, None)
        polished /= polished.sum()
        if np.sum((c @ polished) ** 2) <= np.sum((c @ pi) ** 2) + 1e-15:
            pi = polished
    return pi


def solve(data: SmicInput) -> SmicResult:
    n = len(data.hypotheses)
    c = equations(data)
    pi = fit(c)
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

    intervals = _intervals(occ, marg, pair, n)
    order = sorted(range(1 << n), key=lambda s: (-pi[s], s))
    scenarios = [
        ScenarioProbability(
            bits="".join(str((s >> i) & 1) for i in range(n)),
            hypotheses=[h for i, h in enumerate(data.hypotheses) if (s >> i) & 1],
            probability=float(pi[s]),
            interval=[float(x) for x in intervals[s]],
        )
        for s in order
    ]
    return SmicResult(
        hypotheses=list(data.hypotheses),
        scenarios=scenarios,
        p=[float(x) for x in marg],
        p_if=p_if,
        p_if_not=p_if_not,
        residual=float(np.sum((c @ pi) ** 2)),
        max_deviation=float(max(deviations)),
        determined=bool(all(hi - lo <= 1e-7 for lo, hi in intervals)),
    )


def _intervals(
    occ: NDArray[np.float64], marg: NDArray[np.float64], pair: dict[tuple[int, int], float], n: int
) -> list[tuple[float, float]]:
    """[min, max] of each π_s over distributions with the fitted marginals and pairs."""
    size = 1 << n
    rows = [np.ones(size)] + [occ[i] for i in range(n)]
    rhs = [1.0] + [float(m) for m in marg]
    for (i, j), value in pair.items():
        rows.append(occ[i] * occ[j])
        rhs.append(value)
    a_eq, b_eq = np.array(rows), np.array(rhs)
    out = []
    for s in range(size):
        cost = np.zeros(size)
        cost[s] = 1
        bounds = []
        for sign in (1, -1):
            res = linprog(sign * cost, A_eq=a_eq, b_eq=b_eq, bounds=(0, 1), method="highs")
            if res.status != 0:
                raise ComputationError(f"scenario {s}: linear programme failed: {res.message}")
            bounds.append(float(res.x[s]))
        lo, hi = sorted(bounds)
        out.append((max(0.0, lo), min(1.0, hi)))
    return out
