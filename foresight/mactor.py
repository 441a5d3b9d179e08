"""MACTOR: actors' strategies, balance of power and convergences on objectives (Godet, LIPSOR)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

from foresight import InputError, _input

Reading = Literal["printed", "diagonal_excluded"]
READINGS: tuple[Reading, ...] = ("printed", "diagonal_excluded")
PlaneQuadrant = Literal["dominant", "relay", "dominated", "autonomous"]


@dataclass(frozen=True)
class MactorInput:
    actors: tuple[str, ...]
    objectives: tuple[str, ...]
    mid: tuple[tuple[int, ...], ...]  # actors × actors, 0..4, row i acts on column j
    positions: tuple[tuple[int, ...], ...]  # actors × objectives, −4..4 (the 2MAO matrix)
    # "printed": Godet's formula as printed, Mi and Di with MIDI's diagonal, MIDIii subtracted
    # once; "diagonal_excluded": the diagonal left out of Mi and Di and not subtracted again.
    balance_reading: Reading = "printed"
    graph_threshold: float = 0.0  # convergence/divergence edges of weight ≥ this (and > 0)


@dataclass(frozen=True)
class Edge:
    a: int  # 0-based actor positions, a < b
    b: int
    weight: float


@dataclass(frozen=True)
class Order:
    """Convergence and divergence between actors, and mobilisation, at one order (1, 2, 3)."""

    order: int
    mao: list[list[float]]
    convergence: list[list[float]]
    divergence: list[list[float]]
    ambivalence: list[float]  # per actor
    objective_for: list[float]  # per objective: sum of favourable positions
    objective_against: list[float]  # per objective: sum of opposed positions (as positive)
    mobilisation: list[float]  # per objective: for + against
    actor_mobilisation: list[float]  # per actor: Σ over objectives of |position|
    actor_distance: list[list[float]]  # Euclidean distance between actors' rows of the MAO
    objective_distance: list[list[float]]  # Euclidean distance between the MAO's columns
    convergence_edges: list[Edge]  # pairs whose convergence ≥ graph_threshold, strongest first
    divergence_edges: list[Edge]


@dataclass(frozen=True)
class PlanePoint:
    """An actor on the influence–dependence plane (MIDI without its diagonal)."""

    influence: int
    dependence: int
    quadrant: PlaneQuadrant


@dataclass(frozen=True)
class MactorResult:
    actors: list[str]
    objectives: list[str]
    balance_reading: Reading
    midi: list[list[int]]
    influence: list[int]  # Mi as used by the reading
    dependence: list[int]  # Di as used by the reading
    balance_of_power: list[float]  # ri*
    net_balance: list[list[int]]  # MIDI − MIDIᵀ: > 0 where row i has the upper hand on j
    net_influence: list[int]  # row sums of net_balance
    plane: list[PlanePoint]
    orders: list[Order]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


FIELDS = ("actors", "objectives", "mid", "positions", "balance_reading", "graph_threshold")


def parse(doc: object) -> MactorInput:
    doc = _input.mapping(doc, "")
    _input.reject_unknown(doc, FIELDS)
    actors = _input.names(_input.required(doc, "actors"), "actors", min_len=2)
    objectives = _input.names(_input.required(doc, "objectives"), "objectives")
    n, m = len(actors), len(objectives)
    rows = _input.square_matrix(_input.required(doc, "mid"), "mid", n, "actors")
    mid = []
    for i, row in enumerate(rows):
        cells = [_input.integer(v, f"mid[{i}][{j}]", lo=0, hi=4) for j, v in enumerate(row)]
        if cells[i] != 0:
            raise InputError(f"mid[{i}][{i}]", "the diagonal must be 0")
        mid.append(tuple(cells))
    rows = _input.rect_matrix(_input.required(doc, "positions"), "positions", n, m, "actor")
    positions = tuple(
        tuple(_input.integer(v, f"positions[{i}][{j}]", lo=-4, hi=4) for j, v in enumerate(row))
        for i, row in enumerate(rows)
    )
    reading = doc.get("balance_reading", "printed")
    if reading not in READINGS:
        raise InputError(
            "balance_reading", f"unknown reading {reading!r}; expected one of {', '.join(READINGS)}"
        )
    threshold = _input.number(doc.get("graph_threshold", 0), "graph_threshold", lo=0)
    return MactorInput(actors, objectives, tuple(mid), positions, reading, threshold)


def solve(data: MactorInput) -> MactorResult:
    n = len(data.actors)
    mid = data.mid
    # Direct plus indirect influence through one relay k: the weaker of the two links.
    midi = [
        [mid[i][j] + sum(min(mid[i][k], mid[k][j]) for k in range(n)) for j in range(n)]
        for i in range(n)
    ]
    rows = [sum(midi[i]) for i in range(n)]
    cols = [sum(midi[k][i] for k in range(n)) for i in range(n)]
    diag = [midi[i][i] for i in range(n)]
    if data.balance_reading == "printed":
        # Mi, Di with the diagonal; the actor's retroaction MIDIii is removed from the numerator.
        influence, dependence = rows, cols
        own = [influence[i] - diag[i] for i in range(n)]
    else:
        influence = [rows[i] - diag[i] for i in range(n)]
        dependence = [cols[i] - diag[i] for i in range(n)]
        own = influence
    total_m = sum(influence)
    r = []
    for i in range(n):
        if total_m == 0 or influence[i] + dependence[i] == 0:
            r.append(0.0)  # an actor with no link at all weighs nothing
        else:
            r.append(own[i] / total_m * influence[i] / (influence[i] + dependence[i]))
    total_r = sum(r)
    # With no influence at all the coefficients are undefined; all actors weigh the same (1).
    r_star = [n * x / total_r for x in r] if total_r else [1.0] * n
    net = [[midi[i][j] - midi[j][i] for j in range(n)] for i in range(n)]
    mao1 = [[float((p > 0) - (p < 0)) for p in row] for row in data.positions]
    mao2 = [[float(p) for p in row] for row in data.positions]
    mao3 = [[p * r_star[i] for p in row] for i, row in enumerate(mao2)]
    return MactorResult(
        actors=list(data.actors),
        objectives=list(data.objectives),
        balance_reading=data.balance_reading,
        midi=midi,
        influence=influence,
        dependence=dependence,
        balance_of_power=r_star,
        net_balance=net,
        net_influence=[sum(row) for row in net],
        plane=_plane([rows[i] - diag[i] for i in range(n)], [cols[i] - diag[i] for i in range(n)]),
        orders=[
            _order(k, mao, data.graph_threshold) for k, mao in ((1, mao1), (2, mao2), (3, mao3))
        ],
    )


def _plane(influence: list[int], dependence: list[int]) -> list[PlanePoint]:
    # Quadrants against the means, compared exactly (n·x against the total); "above" is strict.
    n = len(influence)
    ti, td = sum(influence), sum(dependence)
    points = []
    for x, y in zip(influence, dependence, strict=True):
        hi, hd = n * x > ti, n * y > td
        quadrant: PlaneQuadrant = (
            ("relay" if hd else "dominant") if hi else ("dominated" if hd else "autonomous")
        )
        points.append(PlanePoint(x, y, quadrant))
    return points


def _distances(vectors: list[list[float]]) -> list[list[float]]:
    return [[math.dist(u, v) for v in vectors] for u in vectors]


def _edges(matrix: list[list[float]], threshold: float) -> list[Edge]:
    n = len(matrix)
    edges = [
        Edge(i, j, matrix[i][j])
        for i in range(n)
        for j in range(i + 1, n)
        if matrix[i][j] > 0 and matrix[i][j] >= threshold
    ]
    edges.sort(key=lambda e: (-e.weight, e.a, e.b))
    return edges


def _order(k: int, mao: list[list[float]], threshold: float) -> Order:
    n = len(mao)
    m = len(mao[0]) if mao else 0
    conv = [[0.0] * n for _ in range(n)]
    div = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue  # an actor's agreement with itself is not reported
            for o in range(m):
                a, b = mao[i][o], mao[j][o]
                # Order 1 counts objectives; orders 2 and 3 add the mean intensity.
                weight = 1.0 if k == 1 else (abs(a) + abs(b)) / 2
                if a * b > 0:
                    conv[i][j] += weight
                elif a * b < 0:
                    div[i][j] += weight
    ambivalence = []
    for i in range(n):
        spread = sum(abs(conv[i][j] - div[i][j]) for j in range(n))
        volume = sum(conv[i][j] + div[i][j] for j in range(n))
        # Godet's EQi: 1 when convergences and divergences balance, 0 when one side is empty.
        ambivalence.append(1 - spread / volume if volume else 0.0)
    favour = [sum(mao[i][o] for i in range(n) if mao[i][o] > 0) for o in range(m)]
    against = [-sum(mao[i][o] for i in range(n) if mao[i][o] < 0) for o in range(m)]
    columns = [[mao[i][o] for i in range(n)] for o in range(m)]
    return Order(
        order=k,
        mao=mao,
        convergence=conv,
        divergence=div,
        ambivalence=ambivalence,
        objective_for=favour,
        objective_against=against,
        mobilisation=[f + a for f, a in zip(favour, against, strict=True)],
        actor_mobilisation=[sum(abs(p) for p in row) for row in mao],
        actor_distance=_distances(mao),
        objective_distance=_distances(columns),
        convergence_edges=_edges(conv, threshold),
        divergence_edges=_edges(div, threshold),
    )
