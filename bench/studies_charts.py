"""Benchmark of the studies' result charts (issue 14: a 60 × 60 MICMAC page with its SVG in
under 300 ms).

Run: .venv/bin/python bench/studies_charts.py

Best of 5 wall-clock runs (time.perf_counter) in this process, for a seeded 60-variable matrix
filled at 30 % (values 1–3, one filled cell in ten "P"): the library's solve, the direct plane,
the direct → indirect displacement plane, and the direct-influence graph at thresholds 1 and 2.
The "page" line adds the solve and the three figures a MICMAC result page shows. Figures only:
tests never assert timings.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from bench._measure import best_time  # noqa: E402
from fabriques.studies.charts import micmac_graph, micmac_plane  # noqa: E402
from foresight import micmac  # noqa: E402

REPEAT = 5


def matrix(n: int, seed: int) -> list[list[int | str]]:
    rnd = random.Random(seed)
    rows: list[list[int | str]] = []
    for i in range(n):
        row: list[int | str] = []
        for j in range(n):
            if i == j or rnd.random() >= 0.3:
                row.append(0)
            else:
                row.append("P" if rnd.random() < 0.1 else rnd.randint(1, 3))
        rows.append(row)
    return rows


def line(case: str, seconds: float, note: str = "") -> None:
    print(f"{case:<52} {seconds * 1000:>8.1f} ms  {note}")


def main() -> None:
    n = 60
    names = [f"Variable {i + 1}" for i in range(n)]
    cells = matrix(n, seed=14)
    doc: dict[str, Any] = {"variables": names, "matrix": cells}

    def solve() -> dict[str, Any]:
        return micmac.solve(micmac.parse(doc)).to_dict()

    wall, _cpu, result = best_time(solve, REPEAT)
    line(f"foresight.micmac solve, {n} variables", wall)
    cases = {
        "plane": lambda: micmac_plane(result),
        "displacement": lambda: micmac_plane(result, compare="indirect"),
        "graph1": lambda: micmac_graph(names, cells, threshold=1),
        "graph2": lambda: micmac_graph(names, cells, threshold=2),
    }
    times: dict[str, float] = {}
    for key, label in (
        ("plane", "MICMAC plane, direct"),
        ("displacement", "MICMAC plane, direct → indirect arrows"),
        ("graph1", f"direct-influence graph {n}×{n}, threshold 1"),
        ("graph2", f"direct-influence graph {n}×{n}, threshold 2"),
    ):
        times[key], _c, chart = best_time(cases[key], REPEAT)
        note = f"{len(chart.svg) / 1024:.0f} KiB SVG, {len(chart.table.rows)} table rows"
        line(label, times[key], note)

    def page() -> None:
        r = solve()
        micmac_plane(r)
        micmac_plane(r, compare="indirect")
        micmac_graph(names, cells, threshold=2)

    wall, _cpu, _r = best_time(page, REPEAT)
    line("page: solve + plane + displacement + graph (t = 2)", wall, "target < 300 ms")


if __name__ == "__main__":
    main()
