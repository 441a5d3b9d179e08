"""Benchmark of issue 13's MICMAC, MACTOR, Régnier, Multipol and Delphi additions (wt-godet).

Run: .venv/bin/python bench/foresight_godet.py [--quick]

Time is the best of a few runs (time.perf_counter); peak memory is measured in a separate run
under tracemalloc (Python and numpy allocations; numpy reports its buffers to tracemalloc), so
it does not slow the timed runs. Figures only: tests never assert timings.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._measure import Figures, measure
from foresight import delphi, mactor, micmac, multipol, regnier


def line(case: str, f: Figures, note: str = "") -> None:
    print(f"{case:<58} {f.wall * 1000:>10.1f} ms {f.peak_mb:>8.1f} MB  {note}")


def bipartite(n: int, seed: int) -> list[list[int]]:
    """Influences only between two halves: the rankings alternate between even and odd powers
    for ever, so the stopping rule never fires (a periodic matrix)."""
    rnd = random.Random(seed)
    half = n // 2
    return [
        [
            rnd.randint(1, 3) if (i < half) != (j < half) and rnd.random() < 0.3 else 0
            for j in range(n)
        ]
        for i in range(n)
    ]


def exact_unbounded(matrix: list[list[int]], max_power: int) -> tuple[list[int], list[int]]:
    """The previous behaviour's arithmetic: exact vectors at every power, ranked at each step
    (Python integers, the straightforward way; the library's old limb code took 7.6 s on this
    machine for the same 200-variable case)."""
    a = np.array(matrix, dtype=object)
    infl = np.ones(a.shape[0], dtype=object)
    ranks: list[int] = []
    for _ in range(max_power):
        infl = a.dot(infl)
        ranks = sorted(range(len(infl)), key=lambda i: (-infl[i], i))
    return ranks, list(infl)


def bench_micmac(quick: bool) -> None:
    n, power = (200, 1000) if not quick else (200, 300)
    matrix = bipartite(n, 1)
    doc = {"variables": [f"V{i}" for i in range(n)], "matrix": matrix, "max_power": power}
    data = micmac.parse(doc)
    f = measure(lambda: micmac.solve(data), 3)
    plane = f.result.indirect
    line(
        f"micmac periodic {n} vars, max_power {power}",
        f,
        f"{plane.status} at {plane.power}, exact={plane.exact}",
    )
    ref_power = 150 if quick else 400
    start = time.perf_counter()
    ranks, _ = exact_unbounded(matrix, ref_power)
    ref = time.perf_counter() - start
    ours = micmac.solve(micmac.parse({**doc, "max_power": ref_power})).indirect
    same = sorted(range(n), key=lambda i: ours.influence_rank[i]) == ranks
    print(
        f"{'  exact Python-integer reference at power ' + str(ref_power):<58} {ref * 1000:>10.1f} ms"
        f"{'':>12}  influence ranking {'equal' if same else 'DIFFERENT'}"
    )
    it_doc = {k: v for k, v in doc.items() if k != "max_power"} | {"iterations": power}
    it_data = micmac.parse(it_doc)
    f = measure(lambda: micmac.solve(it_data), 3)
    line(f"micmac {n} vars, iterations {power}", f)
    extra = micmac.parse({**doc, "max_power": 30, "indirect_matrix": True, "link_threshold": 1})
    f = measure(lambda: micmac.solve(extra), 3)
    line(f"micmac {n} vars, indirect matrix + links", f)
    experts = 10 if not quick else 3
    rnd = random.Random(2)
    mats = [[[0 if i == j else rnd.randint(0, 3) for j in range(n)] for i in range(n)]]
    mats += [[[0 if i == j else rnd.randint(0, 3) for j in range(n)] for i in range(n)]]
    mats = (mats * experts)[:experts]
    combo = {"variables": doc["variables"], "matrices": mats, "combine": "median"}
    f = measure(lambda: micmac.solve(micmac.parse(combo)), 1)
    line(f"micmac {experts} experts × {n} vars, median, parse + solve", f)


def bench_others(quick: bool) -> None:
    rnd = random.Random(3)
    actors, objectives = (60, 40) if not quick else (20, 10)
    doc: dict[str, Any] = {
        "actors": [f"A{i}" for i in range(actors)],
        "objectives": [f"O{j}" for j in range(objectives)],
        "mid": [[0 if i == j else rnd.randint(0, 4) for j in range(actors)] for i in range(actors)],
        "positions": [[rnd.randint(-4, 4) for _ in range(objectives)] for _ in range(actors)],
    }
    data = mactor.parse(doc)
    f = measure(lambda: mactor.solve(data), 1)
    line(f"mactor {actors} actors × {objectives} objectives", f)
    colours = list(regnier.COLOURS)
    statements, participants = (60, 300) if not quick else (20, 50)
    votes = [[rnd.choice(colours) for _ in range(participants)] for _ in range(statements)]
    r_doc = {"statements": [f"S{i}" for i in range(statements)], "votes": votes}
    r_data = regnier.parse(r_doc)
    f = measure(lambda: regnier.solve(r_data), 1)
    line(f"regnier {statements} statements × {participants} participants", f)
    actions, criteria, policies = (50, 12, 10) if not quick else (10, 5, 3)
    m_doc = {
        "actions": [f"X{i}" for i in range(actions)],
        "criteria": [f"C{j}" for j in range(criteria)],
        "scores": [[rnd.randint(0, 20) for _ in range(criteria)] for _ in range(actions)],
        "policies": [
            {
                "name": f"P{p}",
                "weights": [rnd.randint(0, 5) + 1 for _ in range(criteria)],
                "probability": 1 / policies,
            }
            for p in range(policies)
        ],
        "sensitivity": 0.2,
    }
    mp = multipol.parse(m_doc)
    f = measure(lambda: multipol.solve(mp), 1)
    line(f"multipol {actions} actions × {criteria} criteria × {policies} policies", f)
    experts, questions = (80, 40) if not quick else (20, 10)
    d_doc = {
        "questions": [
            {
                "name": f"Q{q}",
                "likert": {"points": 5},
                "rounds": [[rnd.randint(1, 5) for _ in range(experts)] for _ in range(3)],
            }
            for q in range(questions)
        ],
        "consensus": {"rule": "iqr_at_most", "value": 1},
        "experts": [f"E{e}" for e in range(experts)],
    }
    dd = delphi.parse(d_doc)
    f = measure(lambda: delphi.solve(dd), 1)
    line(f"delphi {questions} questions × {experts} experts × 3 rounds", f)


def main(quick: bool = False) -> None:
    print(f"{'case':<58} {'time':>13} {'peak (tracemalloc)':>11}")
    bench_micmac(quick)
    bench_others(quick)


if __name__ == "__main__":
    main("--quick" in sys.argv)
