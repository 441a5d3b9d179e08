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
