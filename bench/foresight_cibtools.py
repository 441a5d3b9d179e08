"""Figures for the tools around the CIB solver: ScenarioWizard files, succession, ensembles,
diverse selection.

Run: .venv/bin/python bench/foresight_cibtools.py [--quick]

Each case is timed (best of the repeats, wall clock) and then run once more under tracemalloc
for its peak of Python and numpy allocations (numpy reports to tracemalloc; the interpreter's
own footprint is not counted). Figures only: tests never assert timings.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _measure
from foresight import cib, cib_tools, scenariowizard
from foresight.cib import CibInput, Descriptor

DATA = Path(__file__).resolve().parents[1] / "foresight" / "tests" / "data" / "scenariowizard"


def measure(case: str, fn: Callable[[], Any], note: Callable[[Any], str], repeat: int) -> None:
    f = _measure.measure(fn, repeat)
    print(f"{case:<52} {f.wall * 1000:>9.1f} ms {f.peak_mb:>8.1f} MB  {note(f.result)}")


def random_model(descriptors: int, variants: int, seed: int, density: float = 1.0) -> CibInput:
    rng = random.Random(seed)
    owner = [d for d in range(descriptors) for _ in range(variants)]
    n = len(owner)
    matrix = tuple(
        tuple(
            0 if owner[i] == owner[j] or rng.random() > density else rng.randint(-3, 3)
            for j in range(n)
        )
        for i in range(n)
    )
    names = tuple(
        Descriptor(f"D{d}", tuple(f"v{d}_{v}" for v in range(variants))) for d in range(descriptors)
    )
    return CibInput(names, matrix)


def main(quick: bool) -> None:
    repeat = 1 if quick else 3
    print(f"{'case':<52} {'time':>12} {'peak':>11}  result")
    nested = (DATA / "CIB_nested.scw").read_text(encoding="utf-8")
    measure(
        "scw: read + write CIB_nested (17 descriptors)",
        lambda: scenariowizard.write_scw(scenariowizard.read_scw(nested)) == nested,
        lambda same: f"byte-identical: {same}",
        repeat,
    )
    model = scenariowizard.read_scw(nested).to_input()
    measure(
        "scw: solve CIB_nested (4.1e8 scenarios)",
        lambda: cib.solve(model),
        lambda r: f"{r.scenario_count} consistent (SEI's .sl: 20)",
        repeat,
    )
    dense = random_model(20, 3, seed=1)
    starts = 2_000 if quick else cib_tools.MAX_STARTS
    for rule in cib_tools.RULES:
        measure(
            f"succession {rule}, dense 20×3, {starts} random starts",
            lambda rule=rule: cib_tools.succession(dense, rule, max_starts=starts),
            lambda r: f"{len(r.attractors)} attractors, {r.unresolved} unresolved",
            repeat,
        )
    small = random_model(9, 3, seed=2)
    measure(
        "succession global, 9×3, every start (19 683)",
        lambda: cib_tools.succession(small, "global", max_starts=20_000),
        lambda r: f"{len(r.attractors)} attractors, exhaustive {r.exhaustive}",
        repeat,
    )
    experts = [random_model(10, 3, seed=s).matrix for s in range(5)]
    measure(
        "ensemble: 5 experts, 10×3",
        lambda: cib_tools.ensemble(dense.descriptors[:10], experts),
        lambda r: f"{r.scenario_count} scenarios, {r.sum_scenario_count} in the sum",
        repeat,
    )
    sparse = random_model(12, 3, seed=3, density=0.1)
    measure(
        "diverse: k=10 among a sparse 12×3 model's scenarios",
        lambda: cib_tools.diverse(sparse, 10),
        lambda r: (
            f"{r.candidates} candidates, "
            f"min distance {min((s.min_distance or 99) for s in r.selected)}"
        ),
        repeat,
    )


if __name__ == "__main__":
    main("--quick" in sys.argv)
