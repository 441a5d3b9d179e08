"""Django's PostgreSQL backend (psycopg 3) whose health check gives up after a bound.

Connecting costs about 4 ms of CPU per request (most of it the server starting a backend
process), as much as the rest of a signed-in page; so connections are kept between requests
(CONN_MAX_AGE, see config/settings.py) and checked once per request before their first
query (CONN_HEALTH_CHECKS). Django's check runs `SELECT 1` and waits for its answer without
limit: a server that is frozen (process paused, storage stuck) still acknowledges at the TCP
level, so a kept connection would hold the request until the server thaws, where a new
connection gives up after `connect_timeout`. This check sends the same query but waits at
most HEALTH_CHECK_SECONDS for the answer; past that the connection is dropped and Django
opens a new one, which fails within `connect_timeout` and the request answers 503
(fabriques.core.failsafe).
"""

import select
import time

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq

HEALTH_CHECK_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None:
            return False
        return answers_within(self.connection.pgconn, HEALTH_CHECK_SECONDS)


def answers_within(pgconn: pq.abc.PGconn, seconds: float) -> bool:
    """Whether the server answers `SELECT 1` on this idle connection within `seconds`.

    Uses libpq's asynchronous calls on the connection's socket, which psycopg's Connection
    leaves idle again on success; on failure the caller closes the connection."""
    if pgconn.status != pq.ConnStatus.OK or pgconn.transaction_status != pq.TransactionStatus.IDLE:
        return False
    deadline = time.monotonic() + seconds

    def ready(*, write: bool) -> bool:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        sockets = [pgconn.socket]
        readable, writable, _ = select.select(
            [] if write else sockets, sockets if write else [], [], left
        )
        return bool(writable if write else readable)

    try:
        pgconn.send_query(b"SELECT 1")
        while pgconn.flush():  # the query did not fit in the socket's buffer at once
            if not ready(write=True):
                return False
        while True:
            pgconn.consume_input()
            if not pgconn.is_busy():
                break
            if not ready(write=False):
                return False
        ok = True
        while (result := pgconn.get_result()) is not None:
            ok = ok and result.status == pq.ExecStatus.TUPLES_OK
        return ok
    except (psycopg.Error, OSError):  # the server went away, the socket is closed
        return False
