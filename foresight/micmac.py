"""MICMAC: structural analysis by direct and indirect influence (Godet, LIPSOR).

Indirect influence and dependence are the row and column sums of the integer powers of the
influence matrix. Only those sums are needed, so instead of forming M^k (n³ big-integer
operations per power) the library iterates matrix–vector products: row sums of M^k are
M·(row sums of M^(k−1)), column sums are Mᵀ·(column sums of M^(k−1)). The vectors are held
exactly as arrays of 31-to-55-bit limbs in int64 and multiplied by numpy, with a bound on
the row sums chosen so that no int64 ever overflows; ranking compares limbs
lexicographically. Results are the exact Python integers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any, Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from foresight import InputError, _input

Status = Literal["direct", "stable", "oscillating", "nilpotent"]
Quadrant = Literal["influent", "relay", "dependent", "excluded", "regulating"]

DEFAULT_MAX_POWER = 30
DEFAULT_POTENTIAL_VALUE = 3
DEFAULT_REGULATING_BAND = 0.2


@dataclass(frozen=True)
class MicmacInput:
    variables: tuple[str, ...]
    # Cells are 0..3 or None for a potential influence ("P").
    matrix: tuple[tuple[int | None, ...], ...]
    potential_value: int = DEFAULT_POTENTIAL_VALUE
    max_power: int = DEFAULT_MAX_POWER
    regulating_band: float = DEFAULT_REGULATING_BAND


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


@dataclass(frozen=True)
class MicmacResult:
    variables: list[str]
    direct: Classification
    indirect: Classification
    potential_direct: Classification
    potential_indirect: Classification

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse(doc: object) -> MicmacInput:
    doc = _input.mapping(doc, "")
    _input.reject_unknown(
        doc, ("variables", "matrix", "potential_value", "max_power", "regulating_band")
    )
    variables = _input.names(_input.required(doc, "variables"), "variables")
    n = len(variables)
    rows = _input.square_matrix(_input.required(doc, "matrix"), "matrix", n, "variables")
    matrix = []
    for i, row in enumerate(rows):
        cells: list[int | None] = []
        for j, cell in enumerate(row):
            field = f"matrix[{i}][{j}]"
            if cell == "P":
                cells.append(None)
            elif isinstance(cell, str):
                raise InputError(field, f'expected 0, 1, 2, 3 or "P", got {cell!r}')
            else:
                cells.append(_input.integer(cell, field, lo=0, hi=3))
            if i == j and cells[-1] != 0:
                raise InputError(
                    field, "the diagonal must be 0 (a variable does not act on itself)"
                )
        matrix.append(tuple(cells))
    potential_value = _input.integer(
        doc.get("potential_value", DEFAULT_POTENTIAL_VALUE), "potential_value", lo=1, hi=3
    )
    max_power = _input.integer(doc.get("max_power", DEFAULT_MAX_POWER), "max_power", lo=2, hi=1000)
    band = _input.number(
        doc.get("regulating_band", DEFAULT_REGULATING_BAND), "regulating_band", lo=0, hi=1
    )
    return MicmacInput(variables, tuple(matrix), potential_value, max_power, band)


def solve(data: MicmacInput) -> MicmacResult:
    direct = np.array([[c or 0 for c in row] for row in data.matrix], dtype=np.int64)
    potential = np.array(
        [[data.potential_value if c is None else c for c in row] for row in data.matrix],
        dtype=np.int64,
    )
    band = Fraction(str(data.regulating_band))
    return MicmacResult(
        variables=list(data.variables),
        direct=_classify(*_sums_at(direct, 1), 1, "direct", band),
        indirect=_classify(*_stabilise(direct, data.max_power), band),
        potential_direct=_classify(*_sums_at(potential, 1), 1, "direct", band),
        potential_indirect=_classify(*_stabilise(potential, data.max_power), band),
    )


# --- exact power sums -------------------------------------------------------------------

Int64Array = NDArray[np.int64]
Order = NDArray[np.intp]  # positions, as returned by argsort and lexsort


class _Vector(Protocol):
    def is_zero(self) -> bool: ...
    def order(self) -> Order: ...
    def to_ints(self) -> list[int]: ...


class _ExactVector:
    """Non-negative integer vector stored as int64 limbs: value = Σ_l V[:, l] · 2^(shift·l)."""

    def __init__(self, limbs: Int64Array, shift: int) -> None:
        self.limbs = limbs
        self.shift = shift

    @classmethod
    def ones(cls, n: int, shift: int) -> _ExactVector:
        return cls(np.ones((n, 1), dtype=np.int64), shift)

    def times(self, a: Int64Array, growth_limbs: int) -> _ExactVector:
        # Each product limb is ≤ rowsum·(2^shift − 1) and the shift was chosen so that adding
        # a carry (≤ rowsum + 1) still fits below 2^63.
        w = a @ self.limbs
        w = np.concatenate([w, np.zeros((w.shape[0], growth_limbs), dtype=np.int64)], axis=1)
        mask = (1 << self.shift) - 1
        for col in range(w.shape[1] - 1):
            carry = w[:, col] >> self.shift
            w[:, col] &= mask
            w[:, col + 1] += carry
        nonzero = np.flatnonzero(w.any(axis=0))
        top = int(nonzero[-1]) + 1 if nonzero.size else 1
        return _ExactVector(w[:, :top], self.shift)

    def is_zero(self) -> bool:
        return not self.limbs.any()

    def order(self) -> Order:
        """Positions sorted by decreasing value, ties in input order."""
        n = self.limbs.shape[0]
        # lexsort's primary key is the last one: most significant limb, negated for descent.
        keys = [np.arange(n)] + [-self.limbs[:, col] for col in range(self.limbs.shape[1])]
        return np.lexsort(keys)

    def to_ints(self) -> list[int]:
        out = [0] * self.limbs.shape[0]
        for col in range(self.limbs.shape[1] - 1, -1, -1):
            column = self.limbs[:, col].tolist()
            out = [(value << self.shift) | limb for value, limb in zip(out, column, strict=True)]
        return out


class _PythonVector:
    """Fallback for matrices whose row sums are too large for int64 limbs."""

    def __init__(self, values: list[int]) -> None:
        self.values = values

    def times(self, a: list[list[int]]) -> _PythonVector:
        return _PythonVector(
            [sum(x * v for x, v in zip(row, self.values, strict=True)) for row in a]
        )

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

    def __init__(self, a: Int64Array) -> None:
        if a.ndim != 2 or a.shape[0] != a.shape[1]:
            raise InputError("matrix", "matrix is not square")
        if (a < 0).any():
            raise InputError("matrix", "influences must be non-negative")
        n = a.shape[0]
        bound = int(max(a.sum(axis=1).max(initial=0), a.sum(axis=0).max(initial=0), 1))
        self.shift = 62 - bound.bit_length()
        self.a = a
        self.at = np.ascontiguousarray(a.T)
        # Exactly one of the two pairs is set, by the size of the row sums.
        self.exact: tuple[_ExactVector, _ExactVector] | None = None
        self.python: tuple[_PythonVector, _PythonVector] | None = None
        if self.shift >= 16:
            # How many limbs one product can add: the value grows by at most log2(bound) bits.
            self.growth = -(-bound.bit_length() // self.shift) + 1
            self.exact = (_ExactVector.ones(n, self.shift), _ExactVector.ones(n, self.shift))
        else:
            self.rows: list[list[int]] = a.tolist()
            self.cols: list[list[int]] = self.at.tolist()
            self.python = (_PythonVector([1] * n), _PythonVector([1] * n))

    def step(self) -> tuple[_Vector, _Vector]:
        if self.exact is not None:
            infl, dep = self.exact
            self.exact = (infl.times(self.a, self.growth), dep.times(self.at, self.growth))
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


def _sums_at(a: Int64Array, power: int) -> tuple[list[int], list[int], Order, Order]:
    it = _PowerIterator(a)
    for _ in range(power):
        infl, dep = it.step()
    return infl.to_ints(), dep.to_ints(), infl.order(), dep.order()


def _stabilise(
    a: Int64Array, max_power: int
) -> tuple[list[int], list[int], Order, Order, int, Status]:
    """Raise the power until both rankings repeat (see the README for the stopping rule)."""
    it = _PowerIterator(a)
    infl, dep = it.step()
    if infl.is_zero():
        # The zero matrix: nothing to rank; report the first power, in input order.
        return infl.to_ints(), dep.to_ints(), infl.order(), dep.order(), 1, "nilpotent"
    orders = (infl.order(), dep.order())
    for k in range(2, max_power + 1):
        new_infl, new_dep = it.step()
        if new_infl.is_zero():
            # Rankings and values of the last non-zero power, k − 1.
            return infl.to_ints(), dep.to_ints(), orders[0], orders[1], k - 1, "nilpotent"
        infl, dep = new_infl, new_dep
        new_orders = (infl.order(), dep.order())
        if np.array_equal(new_orders[0], orders[0]) and np.array_equal(new_orders[1], orders[1]):
            return infl.to_ints(), dep.to_ints(), *new_orders, k, "stable"
        orders = new_orders
    return infl.to_ints(), dep.to_ints(), orders[0], orders[1], max_power, "oscillating"


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
    return Classification(
        power=power,
        status=status,
        influence=influence,
        dependence=dependence,
        influence_rank=_ranks(infl_order),
        dependence_rank=_ranks(dep_order),
        quadrant=quadrants,
    )
