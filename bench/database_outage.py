"""Benchmark: what visitors and the log see while PostgreSQL is stopped, then frozen.

Usage: .venv/bin/python bench/database_outage.py [--requests 300] [--root DIR]

Starts a throwaway PostgreSQL cluster and the platform under gunicorn (with
config/gunicorn.conf.py when the tree has one, as the Procfile does), then:

1. stops the database (pg_ctl stop -m immediate) and fires --requests requests at a page, an
   API endpoint and a static file: prints the statuses by kind, the seconds taken, and the
   tracebacks and lines written to the log meanwhile;
2. restarts it, lets the workers connect, freezes every PostgreSQL process (SIGSTOP) and fires
   a few requests at once: prints how long a frozen database holds a request.

--root runs another checkout of the repository (e.g. the code before a change, extracted with
`git archive`), with this checkout's virtualenv.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import (  # noqa: E402
    Gunicorn,
    ThrowawayPostgres,
    get,
    migrate,
    postgres_missing_reason,
)

ACCESS_LOG = re.compile(r'"(GET|POST|HEAD) \S+ HTTP/1\.[01]" \d{3} ')

PATHS = {
    "page": "/",
    "api": "/api/v1/fabriques/",
    "static": "/static/public/css/public.css",
}


def fire(port: int, count: int, concurrency: int, timeout: float) -> list[tuple[str, int, float]]:
    kinds = [list(PATHS)[i % len(PATHS)] for i in range(count)]
    with ThreadPoolExecutor(concurrency) as pool:
        answers = list(pool.map(lambda kind: get(port, PATHS[kind], timeout), kinds))
    return [(kind, a.status, a.seconds) for kind, a in zip(kinds, answers, strict=True)]


def summary(results: list[tuple[str, int, float]]) -> str:
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for kind, status, _ in results:
        counts[kind][status or "no answer"] += 1
    return "; ".join(
        f"{kind}: " + ", ".join(f"{n}×{status}" for status, n in sorted(c.items(), key=str))
        for kind, c in counts.items()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args()
    if reason := postgres_missing_reason():
        sys.exit(f"Cannot run: {reason}.")

    database = ThrowawayPostgres()
    server = None
    try:
        database.start()
        migrate(database.url, args.root)
        server = Gunicorn(database.url, root=args.root)
        warm = fire(server.port, 6, 3, 30)
        print(f"database up      : {summary(warm)}")

        log_before = len(server.read_log())
        database.stop()
        start = time.monotonic()
        results = fire(server.port, args.requests, args.concurrency, 90)
        elapsed = time.monotonic() - start
        time.sleep(1)
        log = server.read_log()[log_before:]
        print(f"database stopped : {summary(results)}")
        lines = [line for line in log.splitlines() if not ACCESS_LOG.search(line)]
        print(
            f"                   {len(results)} requests in {elapsed:.1f} s; log (access log "
            f"aside): {log.count('Traceback')} tracebacks, {len(lines)} lines"
        )
        retry = {get(server.port, PATHS[k], 30).headers.get("retry-after") for k in ("page", "api")}
        print(f"                   Retry-After on page/API: {sorted(map(str, retry))}")

        database.start()
        time.sleep(1)
        fire(server.port, 12, 6, 30)  # every worker thread that can connects
        database.freeze()
        start = time.monotonic()
        frozen = fire(server.port, 6, 6, 120)
        print(f"database frozen  : {summary(frozen)}")
        slowest = max(seconds for kind, _, seconds in frozen if kind != "static")
        static = max(seconds for kind, _, seconds in frozen if kind == "static")
        print(
            f"                   slowest page/API answer {slowest:.1f} s, static {static:.2f} s "
            f"(all within {time.monotonic() - start:.1f} s)"
        )
        database.thaw()
    finally:
        if server is not None:
            server.close()
        database.close()


if __name__ == "__main__":
    main()
