"""Timing and peak-memory measurement shared by the bench/foresight_*.py scripts.

Two ways, and each script says which it uses:

- in process (``measure``): the best wall-clock time (time.perf_counter) and CPU time of this
  process (time.process_time) over ``repeat`` runs, then one more run under tracemalloc for
  its peak of Python and numpy allocations (numpy reports its buffers to tracemalloc; the
  interpreter's own footprint is not counted);
- in a fresh subprocess (``run_child``): the child times itself and reports its peak resident
  set size (VmHWM of /proc/self/status, interpreter and libraries included; not ru_maxrss,
  which Linux keeps across execve, so that a child would report its parent's size); it does
  not import this module, whose imports would count in that peak.

Figures only: tests never assert timings.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MB = 2**20  # peaks are printed in MiB


@dataclass(frozen=True)
class Figures:
    wall: float  # best wall-clock seconds
    cpu: float  # best CPU seconds of this process
    peak_mb: float  # peak traced allocations of one more run, MiB
    result: Any  # what the last run returned


def best_time(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, float, Any]:
    """(best wall seconds, best CPU seconds, result of the last run) over ``repeat`` runs."""
    wall = cpu = math.inf
    result = None
    for _ in range(max(repeat, 1)):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu, result


def traced_peak_mb(fn: Callable[[], Any]) -> float:
    """Peak of Python and numpy allocations during one run of ``fn``, MiB."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def measure(fn: Callable[[], Any], repeat: int = 1) -> Figures:
    """Best times over ``repeat`` runs, then the traced peak of one more run."""
    wall, cpu, result = best_time(fn, repeat)
    return Figures(wall, cpu, traced_peak_mb(fn), result)


def run_child(code: str, *args: str, timeout: float = 600) -> Any:
    """Run ``code`` in a fresh interpreter (``python -c code *args``) and return the JSON it
    prints on stdout (the child measures itself)."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    )
    return json.loads(done.stdout)
