"""Benchmark of morphological analysis on hard fields (sparse random exclusions).

Run: .venv/bin/python bench/foresight_morpho.py [--quick]

Density is the share of the cross-component hypothesis pairs that are excluded: a field of
20 components × 5 hypotheses has 190 × 25 = 4,750 such pairs, so 3 % is 142 exclusions drawn
without replacement with a fixed seed. Each case runs in a fresh subprocess so that its peak
memory (VmHWM of the child, which includes the interpreter and numpy, about 30 MB) is its
own; times are wall-clock inside the child, after imports (count: best of three). Figures only: tests never assert
timings.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._measure import run_child

ROOT = Path(__file__).resolve().parents[1]


def field(
    components: int, hypotheses: int, density: float, seed: int
) -> tuple[list[int], list[tuple[tuple[int, int], tuple[int, int]]]]:
    """Sizes and pair exclusions: round(density × cross pairs) distinct pairs, fixed seed."""
    sizes = [hypotheses] * components
    pairs = [(a, b) for a in range(components) for b in range(a + 1, components)]
    cells = hypotheses * hypotheses
    total = len(pairs) * cells
    rng = random.Random(seed)
    picked = sorted(rng.sample(range(total), round(density * total)))
    exclusions = []
    for i in picked:
        a, b = pairs[i // cells]
        ha, hb = divmod(i % cells, hypotheses)
        exclusions.append(((a, ha), (b, hb)))
    return sizes, exclusions


def document(components: int, hypotheses: int, density: float, seed: int) -> dict[str, object]:
    """The same field as an input document of ``python -m foresight morpho``."""
    sizes, exclusions = field(components, hypotheses, density, seed)
    return {
        "components": [
            {"name": f"C{c}", "hypotheses": [f"C{c}h{h}" for h in range(k)]}
            for c, k in enumerate(sizes)
        ],
        "exclusions": [
            [[f"C{a}", f"C{a}h{ha}"], [f"C{b}", f"C{b}h{hb}"]] for (a, ha), (b, hb) in exclusions
        ],
    }


CHILD = """
import json, sys, time, random
sys.path.insert(0, {root!r})
from bench.foresight_morpho import field
from foresight import morpho_engine
case = json.loads(sys.argv[1])
sizes, excl = field(case["c"], case["k"], case["d"], case["seed"])
start = time.perf_counter()
space = morpho_engine.Space(sizes, excl)
if case["what"] == "count":
    value = space.count()
    # Best of three (the machine is shared): two more counts on fresh engines.
    first = time.perf_counter() - start
    for _ in range(2):
        again = time.perf_counter()
        morpho_engine.Space(sizes, excl).count()
        first = min(first, time.perf_counter() - again)
    start = time.perf_counter() - first
elif case["what"] == "first":
    value = 0
    for _ in space.enumerate():
        value += 1
        if value == case["n"]:
            break
elif case["what"] == "best":
    rng = random.Random(2)
    scores = [[float(rng.randint(0, 9)) for _ in range(k)] for k in sizes]
    value = len(space.best(scores, case["n"]))
else:
    rng = random.Random(1)
    value = len([space.sample(rng) for _ in range(case["n"])])
elapsed = time.perf_counter() - start
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across execve, so a child started by a large
# parent (bench/foresight.py) would report the parent's size.
peak = next(
    int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")
) / 1024
print(json.dumps([elapsed, peak, value]))
"""


def measure(case: dict[str, object]) -> tuple[float, float, int]:
    elapsed, peak, value = run_child(CHILD.format(root=str(ROOT)), json.dumps(case))
    return float(elapsed), float(peak), int(value)


CASES = [
    (12, 5, 0.05, 1),
    (12, 5, 0.08, 1),
    (20, 5, 0.02, 1),
    (20, 5, 0.03, 1),
    (20, 5, 0.05, 1),
    (30, 4, 0.05, 1),
]
QUICK = [(12, 5, 0.05, 1), (20, 5, 0.03, 1)]


def main(quick: bool) -> None:
    print(f"{'morpho field':<28} {'what':<12} {'time':>10} {'peak RSS':>10}  result")
    for c, k, d, seed in QUICK if quick else CASES:
        label = f"{c}×{k} at {d:.0%} (seed {seed})"
        for what, n in (("count", 0), ("first", 1000), ("sample", 100), ("best", 100)):
            if quick and what in ("sample", "best"):
                continue
            elapsed, peak, value = measure(
                {"c": c, "k": k, "d": d, "seed": seed, "what": what, "n": n}
            )
            name = {
                "count": "count",
                "first": "first 1,000",
                "sample": "sample 100",
                "best": "best 100",
            }[what]
            print(f"{label:<28} {name:<12} {elapsed * 1000:>7.0f} ms {peak:>7.0f} MB  {value:,}")


if __name__ == "__main__":
    main("--quick" in sys.argv)
