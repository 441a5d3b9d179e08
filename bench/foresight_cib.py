"""Benchmark of the CIB solver (issue 13): unfilled matrices, a dense 20 × 3 model, 60M scenarios.

Run: .venv/bin/python bench/foresight_cib.py [--quick]

Time is the best of a few runs: wall clock (perf_counter) and CPU time of this process
(process_time, less sensitive to other load on a shared machine). Peak memory is measured with
tracemalloc (allocations by Python and numpy during one run, not the process's resident size).
The solver equals brute force by the property tests; bench/foresight.py checks the 60.5M model
against a vectorised brute force.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._measure import Figures, measure
from foresight import cib


def dense(sizes: list[int], seed: int) -> np.ndarray:
    """Random integer judgements in −3..3, zero within each descriptor's own block."""
    rng = np.random.default_rng(seed)
    n = sum(sizes)
    m = rng.integers(-3, 4, (n, n))
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    for d in range(len(sizes)):
        m[offsets[d] : offsets[d + 1], offsets[d] : offsets[d + 1]] = 0
    return m


def doc(sizes: list[int], m: np.ndarray, **extra: Any) -> dict[str, Any]:
    return {
        "descriptors": [
            {"name": f"D{d}", "variants": [f"v{c}" for c in range(k)]} for d, k in enumerate(sizes)
        ],
        "matrix": m.tolist(),
        **extra,
    }


def report(label: str, f: Figures, note: str) -> None:
    print(
        f"{label:<44} {f.wall * 1000:>9.1f} ms {f.cpu * 1000:>9.1f} ms {f.peak_mb:>8.1f} MB  {note}"
    )


def bench_unfilled(n: int) -> None:
    data = cib.parse(doc([3] * n, np.zeros((3 * n, 3 * n), np.int64)))
    f = measure(lambda: cib.solve(data), 2)
    report(
        f"cib unfilled {n}×3 (solve, limit none)",
        f,
        f"{f.result.scenario_count} consistent, {len(f.result.scenarios)} listed",
    )


def bench_dense(d_count: int, seed: int, repeat: int) -> None:
    sizes = [3] * d_count
    m = dense(sizes, seed)
    f = measure(lambda: cib.consistent_scenarios(sizes, m, 0), repeat)
    report(
        f"cib dense {d_count}×3 ({3**d_count:.2g} scen.) seed={seed}",
        f,
        f"{len(f.result[0])} consistent",
    )


def main(quick: bool) -> None:
    print(f"{'case':<44} {'wall':>12} {'CPU':>12} {'peak':>11}  result")
    bench_unfilled(13)
    bench_unfilled(20)
    for seed, k in ((0, 0), (1, 0), (2, 1)):
        sizes, m = cib_model(seed)
        f = measure(
            lambda sizes=sizes, m=m, k=k: cib.consistent_scenarios(sizes, m, k), 1 if quick else 5
        )
        report(
            f"cib 15 desc. 60.5M scenarios seed={seed} K={k}",
            f,
            f"{len(f.result[0])} consistent",
        )
    for seed in (0,) if quick else (0, 1, 2):
        bench_dense(16 if quick else 20, seed, 1 if quick else 2)
    bench_budget(quick)


def bench_budget(quick: bool) -> None:
    """A connected weak model too large to count (4³⁰ scenarios, nearly all consistent)."""
    sizes = [4] * 30
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    m = np.ones((120, 120), np.int64)
    for d in range(len(sizes)):
        m[offsets[d] : offsets[d + 1], offsets[d] : offsets[d + 1]] = 0
    m[0, 5] = 2
    budget = 0.5 if quick else 2.0
    data = cib.parse(doc(sizes, m, time_budget_s=budget))
    f = measure(lambda: cib.solve(data), 1)
    report(
        f"cib weak 30×4 connected, budget {budget:g} s",
        f,
        f"exhaustive={f.result.exhaustive}, ≥{f.result.scenario_count_lower_bound} consistent",
    )


def cib_model(seed: int) -> tuple[list[int], np.ndarray]:
    """The 60.5-million-scenario model of bench/foresight.py (5 × 4 and 10 × 3 descriptors)."""
    sizes = [4] * 5 + [3] * 10
    return sizes, dense(sizes, seed)


if __name__ == "__main__":
    main("--quick" in sys.argv)
