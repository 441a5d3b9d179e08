"""MICMAC: structural analysis by direct and indirect influence (Godet, LIPSOR).

Indirect influence and dependence are the row and column sums of the integer powers of the
influence matrix. Only those sums are needed, so instead of forming M^k (n³ big-integer
operations per power) the library iterates matrix–vector products: row sums of M^k are
M·(row sums of M^(k−1)), column sums are Mᵀ·(column sums of M^(k−1)). The vectors are held
exactly as arrays of 31-to-55-bit limbs in int64 and multiplied by numpy, with a bound on
the row sums chosen so that no int64 ever overflows; ranking compares limbs
lexicographically. Results are the exact Python integers up to 2^WINDOW_BITS; past it the
vectors keep their leading bits only (rankings need the vectors up to a common factor), which
bounds the cost of a step, and the plane reports ``exact: false``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any, Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from foresight import InputError, _input

Status = Literal["direct", "stable", "oscillating", "nilpotent", "fixed"]
Quadrant = Literal["influent", "relay", "dependent", "excluded", "regulating"]
Combine = Literal["mean", "median"]

DEFAULT_MAX_POWER = 30
DEFAULT_POTENTIAL_VALUE = 3
DEFAULT_REGULATING_BAND = 0.2
MAX_POWER = 1000
# Past 2^WINDOW_BITS the power vectors keep only their leading bits (see the README): a
# 200-variable matrix at power 1000 would otherwise carry 6,000-bit integers.
WINDOW_BITS = 384
TIE_BITS = 256  # truncated vectors are compared on their leading TIE_BITS bits
FIELDS = (
    "variables",
    "matrix",
    "matrices",
    "combine",
    "potential_value",
    "max_power",
    "iterations",
    "regulating_band",
    "link_threshold",
    "indirect_matrix",
)


@dataclass(frozen=True)
class MicmacInput:
    variables: tuple[str, ...]
    # Cells are 0..3 or None for a potential influence ("P").
    matrix: tuple[tuple[int | None, ...], ...]
    potential_value: int = DEFAULT_POTENTIAL_VALUE
    max_power: int = DEFAULT_MAX_POWER
    regulating_band: float = DEFAULT_REGULATING_BAND
    iterations: int | None = None  # LIPSOR's mode: exactly this power, no stopping rule
    link_threshold: float | None = None  # ‰ of the matrix total; None: no link lists
    indirect_matrix: bool = False  # report M^k as ‰ of its total
    combined: bool = False  # the matrix was combined from several experts' matrices


@dataclass(frozen=True)
class Classification:
    """One MICMAC plane: values, ranks (1 = largest) and quadrants aligned with ``variables``."""

    power: int
    status: Status
    influence: list[int]
    dependence: list[int]
    influence_rank: list[int]
    dependence_rank: list[int]
    quadrant: list[Quadrant]
    influence_share: list[float]  # ‰ of the total (Σ influence = Σ dependence)
    dependence_share: list[float]
    exact: bool  # False when the power vectors outgrew WINDOW_BITS and were truncated


@dataclass(frozen=True)
class Link:
    source: int  # 0-based variable positions: source acts on target
    target: int
    share: float  # ‰ of the matrix total


@dataclass(frozen=True)
class Displacement:
    variable: str
    influence_direct_rank: int
    influence_indirect_rank: int
    dependence_direct_rank: int
    dependence_indirect_rank: int


@dataclass(frozen=True)
class MicmacResult:
    variables: list[str]
    direct: Classification
    indirect: Classification
    potential_direct: Classification
    potential_indirect: Classification
    fill_rate: float  # share of non-zero cells off the diagonal ("P" counts as filled)
    displacement: list[Displacement]  # direct → indirect ranks, per variable
    combined_matrix: list[list[int | str]] | None  # when several matrices were given
    direct_links: list[Link] | None  # with link_threshold
    indirect_links: list[Link] | None
    indirect_matrix: list[list[float]] | None  # with indirect_matrix: true

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _cells(rows: list[list[object]], field: str) -> list[tuple[int | None, ...]]:
    matrix = []
    for i, row in enumerate(rows):
        cells: list[int | None] = []
        for j, cell in enumerate(row):
            at = f"{field}[{i}][{j}]"
            if cell == "P":
                cells.append(None)
            elif isinstance(cell, str):
                raise InputError(at, f'expected 0, 1, 2, 3 or "P", got {cell!r}')
            else:
                cells.append(_input.integer(cell, at, lo=0, hi=3))
            if i == j and cells[-1] != 0:
                raise InputError(at, "the diagonal must be 0 (a variable does not act on itself)")
        matrix.append(tuple(cells))
    return matrix


def combine(
    matrices: Sequence[Sequence[Sequence[int | None]]], how: Combine = "mean"
) -> list[tuple[int | None, ...]]:
    """One matrix from several experts': "P" where at least half wrote "P", otherwise the mean
    or median of the values ("P" counted 0), rounded half up to an integer."""
    e = len(matrices)
    n = len(matrices[0])
    out = []
    for i in range(n):
        row: list[int | None] = []
        for j in range(n):
            cells = [m[i][j] for m in matrices]
            if 2 * sum(c is None for c in cells) >= e:
                row.append(None)
                continue
            values = sorted(c or 0 for c in cells)
            # Half up in integers: floor(x + 1/2) with x = Σ/e or (a + b)/2.
            if how == "mean":
                row.append((2 * sum(values) + e) // (2 * e))
            else:
                row.append((values[(e - 1) // 2] + values[e // 2] + 1) // 2)
        out.append(tuple(row))
    return out


def parse(doc: object) -> MicmacInput:
    doc = _input.mapping(doc, "")
    _input.reject_unknown(doc, FIELDS)
    variables = _input.names(_input.required(doc, "variables"), "variables")
    n = len(variables)
    combined = "matrices" in doc
    if combined:
        if "matrix" in doc:
            raise InputError("matrices", "give either matrix or matrices, not both")
        raw = _input.array(doc["matrices"], "matrices", min_len=1)
        experts = [
            _cells(_input.square_matrix(m, f"matrices[{e}]", n, "variables"), f"matrices[{e}]")
            for e, m in enumerate(raw)
        ]
        how = doc.get("combine", "mean")
        if how not in ("mean", "median"):
            raise InputError("combine", f"unknown rule {how!r}; expected mean or median")
        matrix = combine(experts, how)
    else:
        if "combine" in doc:
            raise InputError("combine", "only with matrices (several experts' matrices)")
        rows = _input.square_matrix(_input.required(doc, "matrix"), "matrix", n, "variables")
        matrix = _cells(rows, "matrix")
    potential_value = _input.integer(
        doc.get("potential_value", DEFAULT_POTENTIAL_VALUE), "potential_value", lo=1, hi=3
    )
    max_power = _input.integer(
        doc.get("max_power", DEFAULT_MAX_POWER), "max_power", lo=2, hi=MAX_POWER
    )
    iterations = None
    if "iterations" in doc:
        if "max_power" in doc:
            raise InputError("iterations", "give either iterations or max_power, not both")
        iterations = _input.integer(doc["iterations"], "iterations", lo=1, hi=MAX_POWER)
    band = _input.number(
        doc.get("regulating_band", DEFAULT_REGULATING_BAND), "regulating_band", lo=0, hi=1
    )
    threshold = None
    if doc.get("link_threshold") is not None:
        threshold = _input.number(doc["link_threshold"], "link_threshold", lo=0, hi=1000)
    want_matrix = doc.get("indirect_matrix", False)
    if not isinstance(want_matrix, bool):
        raise InputError("indirect_matrix", f"expected true or false, got {want_matrix!r}")
    return MicmacInput(
        variables,
        tuple(matrix),
        potential_value,
        max_power,
        band,
        iterations,
        threshold,
        want_matrix,
        combined,
    )


def solve(data: MicmacInput) -> MicmacResult:
    direct = np.array([[c or 0 for c in row] for row in data.matrix], dtype=np.int64)
    potential = np.array(
        [[data.potential_value if c is None else c for c in row] for row in data.matrix],
        dtype=np.int64,
    )
    band = Fraction(str(data.regulating_band))

    def indirect(a: Int64Array) -> Classification:
        if data.iterations is not None:
            return _classify(*_sums_at(a, data.iterations, WINDOW_BITS), "fixed", band)
        return _classify(*_stabilise(a, data.max_power), band)

    d = _classify(*_sums_at(direct, 1), "direct", band)
    ind = indirect(direct)
    # Without "P" cells the potential planes are the same computation.
    same = bool((potential == direct).all())
    n = len(data.variables)
    filled = sum(1 for i, row in enumerate(data.matrix) for j, c in enumerate(row) if c != 0)
    share_matrix = _indirect_shares(direct, ind.power) if data.indirect_matrix else None
    direct_links = indirect_links = None
    if data.link_threshold is not None:
        total = int(direct.sum())
        shares: list[list[float]] = (direct * (1000 / total if total else 0.0)).tolist()
        direct_links = _links(shares, data.link_threshold)
        if share_matrix is None:
            share_matrix_for_links = _indirect_shares(direct, ind.power)
        else:
            share_matrix_for_links = share_matrix
        indirect_links = _links(share_matrix_for_links, data.link_threshold)
    return MicmacResult(
        variables=list(data.variables),
        direct=d,
        indirect=ind,
        potential_direct=d if same else _classify(*_sums_at(potential, 1), "direct", band),
        potential_indirect=ind if same else indirect(potential),
        fill_rate=filled / (n * (n - 1)) if n > 1 else 0.0,
        displacement=[
            Displacement(name, *ranks)
            for name, *ranks in zip(
                data.variables,
                d.influence_rank,
                ind.influence_rank,
                d.dependence_rank,
                ind.dependence_rank,
                strict=True,
            )
        ],
        combined_matrix=(
            [["P" if c is None else c for c in row] for row in data.matrix]
            if data.combined
            else None
        ),
        direct_links=direct_links,
        indirect_links=indirect_links,
        indirect_matrix=share_matrix,
    )


def _indirect_shares(a: Int64Array, power: int) -> list[list[float]]:
    """M^power as ‰ of its total, in floating point (rescaled after every product)."""
    result = np.eye(a.shape[0])
    base = a.astype(float)

    def rescaled(x: FloatArray) -> FloatArray:
        x /= x.max() or 1.0
        # Cells below 10⁻¹⁵⁰ of the largest are 0 (invisible in ‰): this keeps the products
        # away from subnormal numbers, which are two orders of magnitude slower.
        x[x < 1e-150] = 0.0
        return x

    k = power
    while k:
        if k & 1:
            result = rescaled(result @ base)
        k >>= 1
        if k:
            base = rescaled(base @ base)
    total = result.sum()
    shares: list[list[float]] = (result * (1000 / total) if total else result * 0).tolist()
    return shares


def _links(shares: list[list[float]], threshold: float) -> list[Link]:
    links = [
        Link(i, j, x)
        for i, row in enumerate(shares)
        for j, x in enumerate(row)
        if i != j and x > 0 and x >= threshold
    ]
    links.sort(key=lambda link: (-link.share, link.source, link.target))
    return links


# --- exact power sums -------------------------------------------------------------------

Int64Array = NDArray[np.int64]
FloatArray = NDArray[np.float64]
Order = NDArray[np.intp]  # positions, as returned by argsort and lexsort


class _Vector(Protocol):
    @property
    def exact(self) -> bool: ...
    def is_zero(self) -> bool: ...
    def order(self) -> Order: ...
    def to_ints(self) -> list[int]: ...


class _ExactVector:
    """Non-negative integer vector stored as int64 limbs: value = Σ_l V[:, l] · 2^(shift·l).

    ``dropped`` low bits were cut off to keep at most ``window`` limbs (the vector is then
    value · 2^dropped up to truncation, and ``exact`` is False once a non-zero limb was cut).
    """

    def __init__(self, limbs: Int64Array, shift: int, dropped: int = 0, exact: bool = True) -> None:
        self.limbs = limbs
        self.shift = shift
        self.dropped = dropped
        self.exact = exact

    @classmethod
    def ones(cls, n: int, shift: int) -> _ExactVector:
        return cls(np.ones((n, 1), dtype=np.int64), shift)

    def times(self, a: FloatArray, growth_limbs: int, window: int | None) -> _ExactVector:
        # Each product limb is ≤ rowsum·(2^shift − 1) < 2^52 (the shift was chosen so), so the
        # product is exact in float64 — whatever the order of BLAS's additions — and adding a
        # carry (≤ rowsum + 1) still fits.
        w = (a @ self.limbs.astype(np.float64)).astype(np.int64)
        w = np.concatenate([w, np.zeros((w.shape[0], growth_limbs), dtype=np.int64)], axis=1)
        mask = (1 << self.shift) - 1
        # Propagate carries over all limbs at once; each pass shrinks them by 2^shift, so a
        # few passes suffice (a carry chain through limbs all at 2^shift − 1 takes more).
        while True:
            carry = w[:, :-1] >> self.shift
            if not carry.any():
                break
            w[:, :-1] &= mask
            w[:, 1:] += carry
        nonzero = np.flatnonzero(w.any(axis=0))
        top = int(nonzero[-1]) + 1 if nonzero.size else 1
        w = w[:, :top]
        dropped, exact = self.dropped, self.exact
        if window is not None and top > window:
            cut = top - window
            exact = exact and not w[:, :cut].any()
            w = np.ascontiguousarray(w[:, cut:])
            dropped += cut * self.shift
        return _ExactVector(w, self.shift, dropped, exact)

    def is_zero(self) -> bool:
        return not self.limbs.any()

    def order(self) -> Order:
        """Positions sorted by decreasing value, ties in input order."""
        top = self.limbs.shape[1]
        lead = top
        if not self.exact:
            # Truncated: compare only the leading limbs that hold TIE_BITS bits below the top
            # limb, so a true tie blurred in the low bits by the truncation still ranks as a
            # tie (in input order).
            lead = min(top, -(-TIE_BITS // self.shift) + 1)
        keys = self.limbs[:, top - lead :]
        # Fast path: a stable sort on the top limb is the answer when every pair it leaves
        # tied is equal on all the compared limbs.
        order = np.argsort(-keys[:, -1], kind="stable")
        ranked = keys[order]
        tied = ranked[1:, -1] == ranked[:-1, -1]
        if not tied.any() or (ranked[1:][tied] == ranked[:-1][tied]).all():
            return order
        # lexsort's primary key is the last one: most significant limb, negated for descent.
        return np.lexsort([np.arange(keys.shape[0])] + [-keys[:, c] for c in range(lead)])

    def to_ints(self, *, scaled: bool = True) -> list[int]:
        out = [0] * self.limbs.shape[0]
        for col in range(self.limbs.shape[1] - 1, -1, -1):
            column = self.limbs[:, col].tolist()
            out = [(value << self.shift) | limb for value, limb in zip(out, column, strict=True)]
        if scaled and self.dropped:
            out = [value << self.dropped for value in out]
        return out


class _PythonVector:
    """Fallback for matrices whose row sums are too large for int64 limbs."""

    def __init__(self, values: list[int]) -> None:
        self.values = values

    def times(self, a: list[list[int]]) -> _PythonVector:
        return _PythonVector(
            [sum(x * v for x, v in zip(row, self.values, strict=True)) for row in a]
        )

    exact = True

    def is_zero(self) -> bool:
        return not any(self.values)

    def order(self) -> Order:
        return np.array(
            sorted(range(len(self.values)), key=lambda i: (-self.values[i], i)), dtype=np.intp
        )

    def to_ints(self) -> list[int]:
        return list(self.values)


class _PowerIterator:
    """Row sums (influence) and column sums (dependence) of A, A², A³, … computed exactly."""

    def __init__(self, a: Int64Array, window_bits: int | None = None) -> None:
        if a.ndim != 2 or a.shape[0] != a.shape[1]:
            raise InputError("matrix", "matrix is not square")
        if (a < 0).any():
            raise InputError("matrix", "influences must be non-negative")
        n = a.shape[0]
        bound = int(max(a.sum(axis=1).max(initial=0), a.sum(axis=0).max(initial=0), 1))
        self.shift = 52 - bound.bit_length()
        self.a = a.astype(np.float64)
        self.at = np.ascontiguousarray(a.T, dtype=np.float64)
        # Exactly one of the two pairs is set, by the size of the row sums.
        self.exact: tuple[_ExactVector, _ExactVector] | None = None
        self.python: tuple[_PythonVector, _PythonVector] | None = None
        if self.shift >= 16:
            # How many limbs one product can add: the value grows by at most log2(bound) bits.
            self.growth = -(-bound.bit_length() // self.shift) + 1
            # Keep at least window_bits significant bits (one limb may be nearly empty).
            self.window = None if window_bits is None else -(-window_bits // self.shift) + 1
            self.exact = (_ExactVector.ones(n, self.shift), _ExactVector.ones(n, self.shift))
        else:
            self.rows: list[list[int]] = a.tolist()
            self.cols: list[list[int]] = self.at.tolist()
            self.python = (_PythonVector([1] * n), _PythonVector([1] * n))

    def step(self) -> tuple[_Vector, _Vector]:
        if self.exact is not None:
            infl, dep = self.exact
            self.exact = (
                infl.times(self.a, self.growth, self.window),
                dep.times(self.at, self.growth, self.window),
            )
            return self.exact
        assert self.python is not None
        p_infl, p_dep = self.python
        self.python = (p_infl.times(self.rows), p_dep.times(self.cols))
        return self.python


def power_sums(matrix: Sequence[Sequence[int]], power: int) -> tuple[list[int], list[int]]:
    """Exact row sums and column sums of matrix**power, for any non-negative integer matrix."""
    a = np.array(matrix, dtype=object)
    if power < 1:
        raise InputError("power", "expected a power ≥ 1")
    if a.size and max(int(x) for x in a.flat) >= 2**40:
        # Too large for int64 conversion: go through Python integers directly.
        infl = _PythonVector([1] * a.shape[0])
        dep = _PythonVector([1] * a.shape[0])
        rows, cols = a.tolist(), a.T.tolist()
        for _ in range(power):
            infl, dep = infl.times(rows), dep.times(cols)
        return infl.to_ints(), dep.to_ints()
    return _sums_at(a.astype(np.int64), power)[:2]


Sums = tuple[list[int], list[int], Order, Order, int, bool]


def _sums_at(a: Int64Array, power: int, window_bits: int | None = None) -> Sums:
    it = _PowerIterator(a, window_bits)
    for _ in range(power):
        infl, dep = it.step()
    exact = infl.exact and dep.exact
    return infl.to_ints(), dep.to_ints(), infl.order(), dep.order(), power, exact


def _stabilise(
    a: Int64Array, max_power: int
) -> tuple[list[int], list[int], Order, Order, int, bool, Status]:
    """Raise the power until both rankings repeat (see the README for the stopping rule)."""
    it = _PowerIterator(a, WINDOW_BITS)
    infl, dep = it.step()
    if infl.is_zero():
        # The zero matrix: nothing to rank; report the first power, in input order.
        return infl.to_ints(), dep.to_ints(), infl.order(), dep.order(), 1, True, "nilpotent"
    orders = (infl.order(), dep.order())
    for k in range(2, max_power + 1):
        new_infl, new_dep = it.step()
        if new_infl.is_zero():
            # Rankings and values of the last non-zero power, k − 1.
            exact = infl.exact and dep.exact
            return infl.to_ints(), dep.to_ints(), *orders, k - 1, exact, "nilpotent"
        infl, dep = new_infl, new_dep
        new_orders = (infl.order(), dep.order())
        exact = infl.exact and dep.exact
        if np.array_equal(new_orders[0], orders[0]) and np.array_equal(new_orders[1], orders[1]):
            return infl.to_ints(), dep.to_ints(), *new_orders, k, exact, "stable"
        orders = new_orders
    exact = infl.exact and dep.exact
    return infl.to_ints(), dep.to_ints(), *orders, max_power, exact, "oscillating"


def _ranks(order: Order) -> list[int]:
    ranks = [0] * len(order)
    for rank, position in enumerate(order.tolist(), start=1):
        ranks[position] = rank
    return ranks


def _classify(
    influence: list[int],
    dependence: list[int],
    infl_order: Order,
    dep_order: Order,
    power: int,
    exact: bool,
    status: Status,
    band: Fraction,
) -> Classification:
    n = len(influence)
    total = sum(influence)  # equals sum(dependence): both are the sum of all cells of A^k
    quadrants: list[Quadrant] = []
    for x, y in zip(influence, dependence, strict=True):
        # Exact comparisons with the mean total/n, without division.
        near = (
            abs(n * x - total) * band.denominator <= band.numerator * total
            and abs(n * y - total) * band.denominator <= band.numerator * total
        )
        high_infl, high_dep = n * x > total, n * y > total
        if near and total:
            quadrants.append("regulating")
        elif high_infl and not high_dep:
            quadrants.append("influent")
        elif high_infl and high_dep:
            quadrants.append("relay")
        elif high_dep:
            quadrants.append("dependent")
        else:
            quadrants.append("excluded")
    t_dep = sum(dependence)  # equal to total when exact; truncation may differ in the last bits
    return Classification(
        power=power,
        status=status,
        influence=influence,
        dependence=dependence,
        influence_rank=_ranks(infl_order),
        dependence_rank=_ranks(dep_order),
        quadrant=quadrants,
        influence_share=[_permille(x, total) for x in influence],
        dependence_share=[_permille(y, t_dep) for y in dependence],
        exact=exact,
    )


def _permille(x: int, total: int) -> float:
    # Exact ratio of two (possibly huge) integers, rounded once to a float.
    return float(Fraction(1000 * x, total)) if total else 0.0
