"""What the Django benchmarks share: their own database, Django set up as a test client sees
it, pages measured by query count and median time, and the 1× / N× table.

Each script (programme_100x, workshops_100x, roadmaps_100x, documents) builds its own data;
this module only prepares the ground and measures.
"""

from __future__ import annotations

import gc
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# A page to measure: (who requests it — a key of the users, or None for anonymous, — URL).
Pages = dict[str, tuple[Any, str]]


def setup(database: str, database_url: str = "") -> None:
    """Django on `database_url`, else on a new SQLite file var/<database>.sqlite3, migrated.

    The settings refuse the development key with DEBUG off: this throwaway run takes any key.
    Like Django's test runner, one connection is kept across requests, so that a request's
    queries can be counted and the connection's set-up is not timed.
    """
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        path = ROOT / "var" / f"{database}.sqlite3"
        path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    settings.OTP_REQUIRED_FOR_STAFF = False
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    if database_url:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)


def measure(
    pages: Pages, users: dict[Any, Any], repeat: int, *, uncached: bool = False
) -> dict[str, tuple[int, float]]:
    """{page: (queries, median seconds)} after every page is warmed up three times.

    `uncached`: the cache is emptied before each request, so that pages cached by data
    version are measured computing, not reading the cache.
    """
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {None: Client()}
    for key, user in users.items():
        clients[key] = Client()
        clients[key].force_login(user)
    # The same state at both sizes: no garbage from the build collected during a measure, and
    # every page warmed up (templates, URL caches, the database's pages) before any is timed.
    gc.collect()
    for who, url in pages.values():
        for _ in range(3):
            response = clients[who].get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} a répondu {response.status_code}")
    results = {}
    for name, (who, url) in pages.items():
        client = clients[who]
        if uncached:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        # Counted now: the next request's request_started empties the connection's log.
        query_count = len(queries)
        timings = []
        for _ in range(repeat):
            if uncached:
                cache.clear()
            start = time.perf_counter()
            client.get(url)
            timings.append(time.perf_counter() - start)
        results[name] = (query_count, statistics.median(timings))
    return results


def print_comparison(
    before: dict[str, tuple[int, float]], after: dict[str, tuple[int, float]], factor: int
) -> None:
    """The table of queries and medians at 1× and factor×, with their ratio."""
    width = max(len(name) for name in before) + 2
    header = (
        f"{'page':{width}} {'req. 1×':>8} {'req. ' + str(factor) + '×':>9} "
        f"{'médiane 1×':>11} {'médiane ' + str(factor) + '×':>13} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, (q1, t1) in before.items():
        qn, tn = after[name]
        print(
            f"{name:{width}} {q1:>8} {qn:>9} {t1 * 1000:>9.1f} ms {tn * 1000:>11.1f} ms "
            f"{tn / t1:>6.2f}"
        )
