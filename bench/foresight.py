"""Benchmark of the foresight library against straightforward implementations.

Run: .venv/bin/python bench/foresight.py [--quick]

Prints, side by side, the library and a plain implementation written here for the comparison
(vectorised brute force or textbook matrix powers), and checks that both agree. Figures only:
tests never assert timings.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._measure import best_time
from bench.foresight_cib import cib_model
from foresight import cib, micmac, morpho


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """(best wall seconds, result): bench/_measure.py's timing without the memory run."""
    wall, _, result = best_time(fn, repeat)
    return wall, result


def row(case: str, ours: float, plain: float, check: str, note: str = "") -> None:
    print(
        f"{case:<46} {ours * 1000:>10.1f} ms {plain * 1000:>12.1f} ms {plain / ours:>9.0f}×  {check}{note}"
    )


# --- CIB ------------------------------------------------------------------------------------


def cib_brute_force(sizes: list[int], m: np.ndarray, k: int) -> set[tuple[int, ...]]:
    """Every scenario evaluated: the first five descriptors loop, the other ten are vectorised."""
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    head, tail = sizes[:5], sizes[5:]
    tail_choices = np.array(list(itertools.product(*[range(s) for s in tail])), dtype=np.int64)
    tail_rows = tail_choices + offsets[5 : len(sizes)]
    tail_balance = m[tail_rows].sum(axis=1).astype(np.int32)
    found = set()
    for prefix in itertools.product(*[range(s) for s in head]):
        balance = tail_balance + m[[offsets[d] + c for d, c in enumerate(prefix)]].sum(
            axis=0
        ).astype(np.int32)
        worst = np.zeros(len(balance), dtype=np.int32)
        for d in range(len(sizes)):
            block = balance[:, offsets[d] : offsets[d + 1]]
            chosen = (
                block[:, prefix[d]]
                if d < 5
                else block[np.arange(len(block)), tail_choices[:, d - 5]]
            )
            worst = np.maximum(worst, block.max(axis=1) - chosen)
        for index in np.flatnonzero(worst <= k):
            found.add((*prefix, *tail_choices[index].tolist()))
    return found


def bench_cib(quick: bool) -> None:
    for seed, k in ((0, 0), (1, 0), (2, 1)):
        sizes, m = cib_model(seed)
        ours, (choices, _, _) = timed(
            lambda sizes=sizes, m=m, k=k: cib.consistent_scenarios(sizes, m, k), 3
        )
        label = f"cib 15 desc. 60.5M scenarios seed={seed} K={k}"
        if quick:
            print(f"{label:<46} {ours * 1000:>10.1f} ms   ({len(choices)} scenarios)")
            continue
        plain, found = timed(lambda sizes=sizes, m=m, k=k: cib_brute_force(sizes, m, k))
        same = found == {tuple(int(c) for c in r) for r in choices}
        row(label, ours, plain, f"{len(choices)} scenarios, {'equal' if same else 'DIFFERENT'}")


# --- morphological analysis -----------------------------------------------------------------


def morpho_model(components: int, pairs: int, singles: int, seed: int) -> tuple[list[int], tuple]:
    rng = random.Random(seed)
    sizes = [5] * components
    exclusions: set[tuple] = set()
    while len(exclusions) < pairs:
        a, b = sorted(rng.sample(range(components), 2))
        exclusions.add(((a, rng.randrange(5)), (b, rng.randrange(5))))
    for _ in range(singles):
        c = rng.randrange(components)
        exclusions.add(((c, rng.randrange(5)),))
    return sizes, tuple(sorted(exclusions))


def morpho_brute_force(
    sizes: list[int], exclusions: tuple, fraction: float = 1.0
) -> tuple[int, int, list]:
    """Check every configuration, chunk by chunk: the first four components loop, the rest are
    vectorised with one 5×5 lookup per pair of components. Stops after ``fraction`` of the
    space; returns (consistent found, configurations examined, consistent configurations)."""
    m = len(sizes)
    forbidden_single = np.zeros((m, 5), dtype=bool)
    table = np.zeros((m, m, 25), dtype=bool)
    for excl in exclusions:
        if len(excl) == 1:
            forbidden_single[excl[0]] = True
        else:
            (a, ha), (b, hb) = excl
            table[a, b, ha * 5 + hb] = True
    head = 4
    tail = np.array(list(itertools.product(range(5), repeat=m - head)), dtype=np.int64)
    prefixes = list(itertools.product(range(5), repeat=head))
    stop = max(1, int(len(prefixes) * fraction))
    found, examined, configurations = 0, 0, []
    for prefix in prefixes[:stop]:
        digits = np.concatenate([np.tile(np.array(prefix), (len(tail), 1)), tail], axis=1)
        ok = ~forbidden_single[np.arange(m), digits].any(axis=1)
        for a in range(m):
            for b in range(a + 1, m):
                if table[a, b].any():
                    ok &= ~table[a, b][digits[:, a] * 5 + digits[:, b]]
        found += int(ok.sum())
        examined += len(tail)
        configurations.extend(digits[ok].tolist())
    return found, examined, configurations


def bench_morpho(quick: bool) -> None:
    # Exactness on a space small enough for the full brute force (5^8 = 390,625).
    sizes, excl = morpho_model(8, 120, 3, 7)
    ours, count = timed(lambda: morpho.Space(sizes, excl).count(), 3)
    plain, (found, _, _) = timed(lambda: morpho_brute_force(sizes, excl))
    row(
        "morpho count 8×5 (3.9e5), 120 excl.",
        ours,
        plain,
        f"count {count}, {'equal' if count == found else 'DIFFERENT'}",
    )

    for pairs in (200, 300):
        sizes, excl = morpho_model(12, pairs, 5, pairs)
        ours, count = timed(lambda sizes=sizes, excl=excl: morpho.Space(sizes, excl).count(), 3)
        ours_enum, listed = timed(
            lambda sizes=sizes, excl=excl: list(morpho.Space(sizes, excl).enumerate())
        )
        space = math.prod(sizes)
        label = f"morpho 12×5 ({space:.1e}), {len(excl)} excl."
        if quick:
            print(f"{label + ' count':<46} {ours * 1000:>10.1f} ms   (count {count})")
            print(
                f"{label + ' enumerate':<46} {ours_enum * 1000:>10.1f} ms   ({len(listed)} configurations)"
            )
            continue
        # The brute force over 2.4e8 configurations takes minutes: time 4 % of it, extrapolate.
        fraction = 0.04
        elapsed, (found, examined, part) = timed(
            lambda sizes=sizes, excl=excl, fraction=fraction: morpho_brute_force(
                sizes, excl, fraction
            )
        )
        plain = elapsed * space / examined
        # The chunks examined are the configurations whose first four hypotheses are the first
        # prefixes in lexicographic order, which are also the first ones enumerated.
        same = listed[: len(part)] == part and len(listed) == count
        note = f"  (brute force extrapolated from {examined / space:.0%} of the space)"
        row(label + " count", ours, plain, f"count {count}", note)
        row(
            label + " enumerate",
            ours_enum,
            plain,
            f"{len(listed)} listed, prefix {'equal' if same else 'DIFFERENT'}",
            note,
        )


# --- MICMAC ---------------------------------------------------------------------------------


def micmac_textbook(a: np.ndarray, max_power: int = 30) -> tuple[int, list[int], list[int]]:
    """Full matrix powers with Python integers (object arrays), rankings compared each power."""
    obj = a.astype(object)
    power = obj.copy()

    def ranking(values: Any) -> list[int]:
        return sorted(range(len(values)), key=lambda i: (-values[i], i))

    prev = (ranking(power.sum(axis=1)), ranking(power.sum(axis=0)))
    for k in range(2, max_power + 1):
        power = power.dot(obj)
        current = (ranking(power.sum(axis=1)), ranking(power.sum(axis=0)))
        if current == prev:
            return k, list(power.sum(axis=1)), list(power.sum(axis=0))
        prev = current
    return max_power, list(power.sum(axis=1)), list(power.sum(axis=0))


def bench_micmac(quick: bool) -> None:
    rng = np.random.default_rng(11)
    n = 200
    # A sparse-ish matrix like real workshops: most pairs 0, some 1–3, a few potentials.
    a = rng.choice([0, 0, 0, 1, 2, 3], size=(n, n)).astype(np.int64)
    np.fill_diagonal(a, 0)
    cells: list[list[Any]] = a.tolist()
    for _ in range(200):
        i, j = rng.integers(0, n, 2)
        if i != j and cells[i][j] == 0:
            cells[i][j] = "P"
    doc = {"variables": [f"V{i}" for i in range(n)], "matrix": cells}
    data = micmac.parse(doc)
    ours, result = timed(lambda: micmac.solve(data), 5)
    label = "micmac 200 variables (4 planes)"
    if quick:
        print(f"{label:<46} {ours * 1000:>10.1f} ms   (power {result.indirect.power})")
        return
    direct = np.array([[c if isinstance(c, int) else 0 for c in r] for r in cells], dtype=np.int64)
    plain, (k, infl, dep) = timed(lambda: micmac_textbook(direct))
    same = (k, infl, dep) == (
        result.indirect.power,
        result.indirect.influence,
        result.indirect.dependence,
    )
    # The textbook version computes the indirect plane only: compare with ours for all four.
    row(
        label,
        ours,
        plain,
        f"power {k}, {'equal' if same else 'DIFFERENT'}",
        "  (plain: indirect plane only)",
    )


EXTRA = ("cib", "cibtools", "morpho", "smic", "godet")


def main() -> None:
    quick = "--quick" in sys.argv
    print(f"{'case':<46} {'foresight':>13} {'straightforward':>15} {'speed-up':>10}  check")
    bench_cib(quick)
    bench_morpho(quick)
    bench_micmac(quick)
    # The second pass's figures, method by method (each script also runs on its own).
    for name in EXTRA:
        print(f"\n== bench/foresight_{name}.py")
        path = Path(__file__).with_name(f"foresight_{name}.py")
        spec = importlib.util.spec_from_file_location(f"bench_foresight_{name}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.main(quick)


if __name__ == "__main__":
    main()
