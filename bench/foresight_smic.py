"""Benchmark of SMIC-Prob-Expert: intervals at n = 6, 8, 10 (2ⁿ scenarios, 2·2ⁿ bounds).

Run: .venv/bin/python bench/foresight_smic.py [--quick]

Each case runs in a fresh subprocess so that its peak memory is its own: wall time and CPU time
of ``solve`` (time.perf_counter, time.process_time), and the child's peak resident set size
(VmHWM of /proc/self/status, which includes the interpreter, numpy and scipy, about 100 MB
before any work). Inputs: a random distribution (Dirichlet, fixed seed) turned into a full
consistent input (every P(i), P(i|j), P(i|¬j)), the same with every conditional perturbed by
±0.05 (inconsistent), and marginals only. The plain comparison is the former method, one cold
``scipy.optimize.linprog`` per bound, checked equal on the same constraints. Figures only.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._measure import run_child

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
import numpy as np
sys.path.insert(0, sys.argv[1])
from foresight import smic, smic_lp

n, kind, cold = int(sys.argv[2]), sys.argv[3], sys.argv[4] == "cold"
rng = np.random.default_rng(n)
pi = rng.dirichlet(np.ones(1 << n))
occ = smic._occurs(n)
m = occ @ pi
noise = 0.05 if kind == "inconsistent" else 0.0

def cell(value):
    return float(np.clip(value + rng.uniform(-noise, noise), 0, 1))

if kind == "marginals":
    none = [[None] * n for _ in range(n)]
    doc = {"hypotheses": [f"H{i}" for i in range(n)], "p": [float(x) for x in m],
           "p_if": none, "p_if_not": none}
else:
    doc = {
        "hypotheses": [f"H{i}" for i in range(n)],
        "p": [float(x) for x in m],
        "p_if": [[None if i == j else cell((occ[i] * occ[j]) @ pi / m[j]) for j in range(n)]
                 for i in range(n)],
        "p_if_not": [[None if i == j else cell((occ[i] * (1 - occ[j])) @ pi / (1 - m[j]))
                      for j in range(n)] for i in range(n)],
    }
data = smic.parse(doc)
if cold:
    smic_lp._WARM = False
wall, cpu = time.perf_counter(), time.process_time()
result = smic.solve(data)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across execve, so a child started by a large
# parent (bench/foresight.py) would report the parent's size.
peak = next(
    int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")
) / 1024
intervals = [s.interval for s in result.scenarios]
print(json.dumps({"wall": wall, "cpu": cpu, "peak_mb": peak, "lps": result.linear_programmes,
                  "determined": result.determined, "intervals": intervals}))
"""


def run(n: int, kind: str, cold: bool = False) -> dict[str, object]:
    figures: dict[str, object] = run_child(
        CHILD, str(ROOT), str(n), kind, "cold" if cold else "warm"
    )
    return figures


def agree(a: object, b: object) -> bool:
    assert isinstance(a, list) and isinstance(b, list)
    return all(
        abs(x[0] - y[0]) <= 1e-7 and abs(x[1] - y[1]) <= 1e-7 for x, y in zip(a, b, strict=True)
    )


def main(quick: bool) -> None:
    print("SMIC intervals (wall / CPU of solve, peak RSS of the child process)")
    print(f"{'case':<28} {'wall':>9} {'cpu':>9} {'peak':>9} {'LPs':>6}  plain (cold linprog)")
    kinds = ("consistent", "inconsistent", "marginals")
    cases = (
        [(6, "consistent"), (8, "inconsistent")]
        if quick
        else [(n, kind) for n in (6, 8, 10) for kind in kinds]
    )
    for n, kind in cases:
        ours = run(n, kind)
        plain = ""
        if n <= (6 if quick else 8) and kind != "marginals":
            cold = run(n, kind, cold=True)
            same = "equal" if agree(ours["intervals"], cold["intervals"]) else "DIFFERENT"
            plain = f"{cold['wall']:.2f} s, {same}"
        print(
            f"n = {n:<2} {kind:<21} {ours['wall']:>7.2f} s {ours['cpu']:>7.2f} s "
            f"{ours['peak_mb']:>6.0f} MB {ours['lps']:>6}  {plain}"
        )


if __name__ == "__main__":
    main("--quick" in sys.argv)
