"""MACTOR: actors' strategies, balance of power and convergences on objectives (Godet, LIPSOR)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from foresight import InputError, _input


@dataclass(frozen=True)
class MactorInput:
    actors: tuple[str, ...]
    objectives: tuple[str, ...]
    mid: tuple[tuple[int, ...], ...]  # actors × actors, 0..4, row i acts on column j
    positions: tuple[tuple[int, ...], ...]  # actors × objectives, −4..4 (the 2MAO matrix)


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


@dataclass(frozen=True)
class MactorResult:
    actors: list[str]
    objectives: list[str]
    midi: list[list[int]]
    influence: list[int]  # Mi
    dependence: list[int]  # Di
    balance_of_power: list[float]  # ri*
    orders: list[Order]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse(doc: object) -> MactorInput:
    doc = _input.mapping(doc, "")
    _input.reject_unknown(doc, ("actors", "objectives", "mid", "positions"))
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
    return MactorInput(actors, objectives, tuple(mid), positions)


def solve(data: MactorInput) -> MactorResult:
    n = len(data.actors)
    mid = data.mid
    # Direct plus indirect influence through one relay k: the weaker of the two links.
    midi = [
        [mid[i][j] + sum(min(mid[i][k], mid[k][j]) for k in range(n)) for j in range(n)]
        for i in range(n)
    ]
    # Godet: Mi and Di exclude the actor's retroaction on itself (the diagonal of MIDI).
    influence = [sum(midi[i]) - midi[i][i] for i in range(n)]
    dependence = [sum(midi[k][i] for k in range(n)) - midi[i][i] for i in range(n)]
    total_m = sum(influence)
    r = []
    for i in range(n):
        if total_m == 0 or influence[i] + dependence[i] == 0:
            r.append(0.0)
        else:
            r.append(
                (influence[i] - midi[i][i])
                / total_m
                * influence[i]
                / (influence[i] + dependence[i])
            )
    total_r = sum(r)
    # With no influence at all the coefficients are undefined; all actors weigh the same (1).
    r_star = [n * x / total_r for x in r] if total_r else [1.0] * n
    mao1 = [[float((p > 0) - (p < 0)) for p in row] for row in data.positions]
    mao2 = [[float(p) for p in row] for row in data.positions]
    mao3 = [[p * r_star[i] for p in row] for i, row in enumerate(mao2)]
    return MactorResult(
        actors=list(data.actors),
        objectives=list(data.objectives),
        midi=midi,
        influence=influence,
        dependence=dependence,
        balance_of_power=r_star,
        orders=[_order(k, mao) for k, mao in ((1, mao1), (2, mao2), (3, mao3))],
    )


def _order(k: int, mao: list[list[float]]) -> Order:
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
    return Order(
        order=k,
        mao=mao,
        convergence=conv,
        divergence=div,
        ambivalence=ambivalence,
        objective_for=favour,
        objective_against=against,
        mobilisation=[f + a for f, a in zip(favour, against, strict=True)],
    )
