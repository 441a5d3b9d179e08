"""Times a 30-sheet roadmap rendered to PDF, DOCX and ODT (median of 5), and the tree's build.

Usage: .venv/bin/python bench/documents.py [--repeat 5] [--sheets 30] [--sentences 3 12]

Builds its own SQLite database (var/bench-documents.sqlite3) with one roadmap per text length
(`--sentences`: sentences in each sheet's description and the framing texts; 3 is a typical
roadmap, 12 a wordy one), every part of every sheet filled (roadmaps.tests.document_data).
Prints wall-clock and CPU medians: on a shared machine the CPU time is the steadier figure.
The target is a PDF under 3 s on 2 cores. Figures only: tests never assert timings.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django as harness


def measure(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    walls, cpus, result = [], [], None
    fn()  # warm-up: fonts, templates, imports
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sheets", type=int, default=30)
    parser.add_argument("--sentences", type=int, nargs="+", default=[3, 12])
    args = parser.parse_args()

    harness.setup("bench-documents")
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fabriques.documents.renderers import render
    from fabriques.roadmaps.documents import roadmap_document, roadmap_for_document
    from fabriques.roadmaps.tests.document_data import make_roadmap
    from fabriques.territories.tests.factories import ParticipationFactory

    print(f"{os.cpu_count()} cœurs — médianes de {args.repeat} mesures après un échauffement")
    header = f"{'cas':46} {'mur':>9} {'CPU':>9} {'taille':>10}"
    print(header)
    print("-" * len(header))
    for sentences in args.sentences:
        roadmap = make_roadmap(ParticipationFactory(), sheets=args.sheets, sentences=sentences)

        def build(pk: int = roadmap.pk) -> object:
            return roadmap_document(roadmap_for_document(pk))

        with CaptureQueriesContext(connection) as queries:
            document = build()
        wall, cpu, _ = measure(build, args.repeat)
        size = document.size()  # type: ignore[attr-defined]
        label = f"{args.sheets} fiches, {sentences} phrases ({size:,} car.)".replace(",", " ")
        print(f"{label + ' — arbre':46} {wall:8.3f}s {cpu:8.3f}s {len(queries):>6} req.")
        for fmt in ("pdf", "docx", "odt"):
            wall, cpu, content = measure(lambda d=document, f=fmt: render(d, f), args.repeat)  # type: ignore[misc]
            kib = len(content) / 1024  # type: ignore[arg-type]
            print(f"{label + ' — ' + fmt.upper():46} {wall:8.3f}s {cpu:8.3f}s {kib:7.0f} Kio")


if __name__ == "__main__":
    main()
