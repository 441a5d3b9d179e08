"""Benchmark: the open-data index and the largest file at 1×, 100× and 1,000× the programme.

Usage: .venv/bin/python bench/opendata.py [--factors 1 100 1000] [--duration 10]
       [--connections 50] [--database-url URL]

For each factor: builds its own database (var/bench-opendata.sqlite3, or the PostgreSQL
database of --database-url, emptied), imports the referential and the 2018–2021 history,
copies every Fabrique (factor − 1) times (bench/programme_100x.py), then builds the open-data
files with `manage.py publish_open_data` in a process of its own (its time and peak memory are
the background build's). Then starts gunicorn with the production configuration and, for
`/donnees/` and for the largest CSV (plain, and gzip as a browser asks), measures the time to
first byte of one request, then loads it with wrk for `--duration` seconds at
`--connections` connections (requests/s, p95, errors), and reads the resident memory of
each gunicorn worker before and after. wrk and the server share the machine: compare the
factors with each other, within one run. Figures only: tests never assert timings.
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import REPORT, _free_port, _load, _wait_for
from programme_100x import build as build_programme

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()
    results = [measure(factor, args) for factor in args.factors]
    print(
        f"wrk {args.duration} s à {args.connections} connexions par adresse ; charge moyenne "
        f"après la mesure : {os.getloadavg()[0]:.1f} pour {os.cpu_count()} cœurs"
    )
    header = (
        f"{'données':8} {'adresse':26} {'taille':>9} {'1er octet':>9} {'req/s':>7} "
        f"{'p95':>8} {'erreurs':>7} {'mém. worker':>18}"
    )
    print(header)
    print("-" * len(header))
    for factor, build, rows in results:
        print(
            f"{factor:>7}× construction des fichiers : {build['seconds']:.1f} s, "
            f"pic mémoire {build['peak_mb']:.0f} Mo, {build['bytes'] / 1e6:.1f} Mo écrits"
        )
        for name, size, ttfb, load, before, after in rows:
            rate = load["requests"] / load["seconds"]
            errors = sum(load[k] for k in ("non2xx", "connect", "read", "write", "timeout"))
            print(
                f"{factor:>7}× {name:26} {size / 1e6:>7.2f}Mo {ttfb * 1000:>7.1f}ms "
                f"{rate:>7.0f} {load['p95'] / 1000:>6.0f}ms {errors:>7} "
                f"{before:>7.0f} → {after:>4.0f} Mo"
            )


def measure(factor: int, args) -> tuple[int, dict, list]:  # type: ignore[no-untyped-def]
    # Its own storage too: the files of the development database stay where they are.
    build_programme("bench-opendata", args.database_url, factor)
    from django.db import connection

    from fabriques.opendata.models import PublishedFile

    connection.close()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        # The files are built here, once, before the load: not by a worker.
        "OPEN_DATA_AUTO_PUBLISH": "0",
    }
    started = time.monotonic()
    build = subprocess.Popen([PYTHON, "manage.py", "publish_open_data"], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL)  # fmt: skip
    _pid, status, usage = os.wait4(build.pid, 0)
    if status:
        raise SystemExit("La construction des fichiers a échoué.")
    seconds = time.monotonic() - started
    largest = PublishedFile.objects.filter(ext="csv").order_by("-size").first()
    assert largest is not None
    built = {
        "seconds": seconds,
        "peak_mb": usage.ru_maxrss / 1024,  # kilobytes on Linux
        "bytes": sum(PublishedFile.objects.values_list("size", flat=True)),
    }
    csv_path = f"/donnees/{largest.dataset}.csv"
    targets = [
        ("/donnees/", "/donnees/", {}),
        (f"{largest.dataset}.csv", csv_path, {}),
        (f"{largest.dataset}.csv (gzip)", csv_path, {"Accept-Encoding": "gzip"}),
    ]
    connection.close()

    port = _free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "-c", "config/gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "PORT": str(port), "WEB_CONCURRENCY": str(os.cpu_count() or 2)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rows = []
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(REPORT)
        for name, path, headers in targets:
            size, ttfb = _first_byte(port, path, headers)
            before = _workers_rss(server.pid)
            load = _load(
                f"http://127.0.0.1:{port}{path}",
                args.connections,
                args.duration,
                script.name,
                gzip="Accept-Encoding" in headers or path == "/donnees/",
            )
            rows.append((name, size, ttfb, load, before, _workers_rss(server.pid)))
        os.unlink(script.name)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return factor, built, rows


def _first_byte(port: int, path: str, headers: dict) -> tuple[int, float]:
    """Size of the answer and seconds to its first byte (a fresh connection, as a visitor)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.monotonic()
    connection.request("GET", path, headers=headers)
    answer = connection.getresponse()
    first = answer.read(1)
    ttfb = time.monotonic() - started
    size = len(first) + len(answer.read())
    connection.close()
    if answer.status != 200:
        raise SystemExit(f"{path} : {answer.status}")
    return size, ttfb


def _workers_rss(master: int) -> float:
    """Largest resident memory of the gunicorn workers, in megabytes."""
    children = subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True
    ).stdout.split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return max(sizes, default=0.0)


if __name__ == "__main__":
    main()
