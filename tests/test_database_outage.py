"""The platform against a PostgreSQL cluster the test stops and freezes (see tests/servers.py).

About 15 s: a throwaway cluster, its migrations, gunicorn as in production.
"""

import json
import re
import time

import pytest

from tests.servers import Gunicorn, ThrowawayPostgres, get, migrate, postgres_missing_reason

pytestmark = pytest.mark.skipif(
    postgres_missing_reason() is not None, reason=str(postgres_missing_reason())
)

PAGE, API, STATIC = "/", "/api/v1/fabriques/", "/static/public/css/public.css"
HEALTH = "/healthz"


def fresh(paths: tuple[str, ...], n: int) -> list[str]:
    """The pages at addresses no visitor asked for yet (a query string of their own): a public
    page already kept whole (fabriques.public.pagecache) may still be answered from the cache
    while the database is out, as long as the cache holds the data version; a page never
    built needs the database."""
    query = {PAGE: f"?panne={n}", API: f"?year={1900 + n}"}  # the API refuses unknown names
    return [path + query.get(path, "") for path in paths]


def test_stopped_then_frozen_database_answers_503_quickly_and_logs_little():
    database = ThrowawayPostgres()
    server = None
    try:
        database.start()
        migrate(database.url)
        server = Gunicorn(database.url)
        for path in (PAGE, API, STATIC, HEALTH):
            assert get(server.port, path).status == 200, path
        assert json.loads(get(server.port, HEALTH).body) == {"status": "ok", "database": "ok"}

        database.stop()
        answers = [
            get(server.port, path)
            for n in range(10)
            for path in fresh((PAGE, API, STATIC, HEALTH), n)
        ]

        page, api, static, health = answers[:4]
        assert page.status == 503
        assert page.headers["retry-after"] == "30"
        assert "Service momentanément indisponible" in page.body
        assert api.status == 503
        assert api.headers["retry-after"] == "30"
        assert json.loads(api.body)["errors"][0]["code"] == "service_unavailable"
        assert static.status == 200
        assert health.status == 503
        assert json.loads(health.body) == {"status": "error", "database": "unavailable"}
        assert {a.status for a in answers} == {503, 200}
        time.sleep(0.5)
        log = server.read_log()
        assert "Traceback" not in log
        # One line per worker and kind of failure, not one per request.
        assert 1 <= len(re.findall("Database unavailable", log)) <= 2

        database.start()
        get(server.port, PAGE)
        database.freeze()
        frozen = [
            get(server.port, path, timeout=30) for path in fresh((PAGE, API, STATIC, HEALTH), 99)
        ]
        assert [a.status for a in frozen] == [503, 503, 200, 503]
        # The connection timeout (5 s), not gunicorn's 30 s or more.
        assert max(a.seconds for a in frozen) < 10
    finally:
        if server is not None:
            server.close()
        database.close()


def test_a_kept_connection_is_checked_within_a_bound_and_left_usable():
    """The health check of kept connections (fabriques.core.postgresql): answered on a live
    server, the connection stays usable; a frozen server is given up on after the bound
    instead of being waited on until it thaws; a stopped one fails at once."""
    import psycopg

    from fabriques.core.postgresql.base import HEALTH_CHECK_SECONDS, answers_within

    database = ThrowawayPostgres()
    try:
        database.start()
        kept = psycopg.connect(database.url, autocommit=True)
        assert answers_within(kept.pgconn, HEALTH_CHECK_SECONDS)
        assert answers_within(kept.pgconn, HEALTH_CHECK_SECONDS)
        # psycopg's own calls work as before on the checked connection.
        assert kept.execute("SELECT 41 + 1").fetchone() == (42,)

        kept.autocommit = False
        kept.execute("SELECT 1")  # a transaction is open: not idle, never checked here
        assert not answers_within(kept.pgconn, HEALTH_CHECK_SECONDS)
        kept.rollback()
        kept.autocommit = True

        database.freeze()
        started = time.monotonic()
        assert not answers_within(kept.pgconn, 0.5)
        waited = time.monotonic() - started
        database.thaw()
        # Given up after the bound, not when the server came back (it stays frozen for as
        # long as the check waits). The caller (Django) then closes the connection.
        assert 0.5 <= waited < 5
        kept.close()

        kept = psycopg.connect(database.url, autocommit=True)
        database.stop()
        assert not answers_within(kept.pgconn, HEALTH_CHECK_SECONDS)
        kept.close()
    finally:
        database.thaw()
        database.close()


def test_the_production_settings_use_the_bounded_check_and_keep_connections():
    import subprocess
    import sys

    from tests.servers import ROOT, django_env

    def database_settings(url: str, **extra: str) -> list[str]:
        script = (
            "import django; django.setup(); from django.conf import settings; "
            "d = settings.DATABASES['default']; "
            "print(d['ENGINE'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
        )
        return subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=django_env(url, **extra),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()

    for url, engine in (
        ("postgres://postgres@127.0.0.1:1/x", "fabriques.core.postgresql"),
        ("sqlite:////tmp/unused.sqlite3", "django.db.backends.sqlite3"),
    ):
        assert database_settings(url) == [engine, "60", "True"], url
        assert database_settings(url, DATABASE_CONN_MAX_AGE="0") == [engine, "0", "True"], url
        assert database_settings(url, DJANGO_DEBUG="1") == [engine, "0", "True"], url
