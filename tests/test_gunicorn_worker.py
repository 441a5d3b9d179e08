"""The production worker (config/gunicorn_worker.py) shares kept-alive connections between
processes: gunicorn's gthread lets the process that is awake take every connection a client
or a proxy opens while another process is starting or busy, and keeps them on one core for
as long as the client does."""

import collections
import http.client
import os
import signal
import threading
import time

from tests.servers import Gunicorn

CONNECTIONS = 12
REQUESTS = 20


def both_processes(port: int) -> set[str]:
    """The master listens before its workers are forked: send bursts of requests until both
    have answered. Their process ids."""
    deadline = time.monotonic() + 30
    seen: set[str] = set()
    while len(seen) < 2:
        assert time.monotonic() < deadline, f"only {seen} answered in 30 s"

        def one() -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/")
            seen.add(connection.getresponse().read().decode())
            connection.close()

        burst = [threading.Thread(target=one) for _ in range(6)]
        for thread in burst:
            thread.start()
        for thread in burst:
            thread.join()
    return seen


def served_after_a_stall(port: int, stalled: int) -> tuple[set[str], collections.Counter[str]]:
    """Open CONNECTIONS kept-alive connections at once while process `stalled` is stopped
    (as a process being replaced, or held by a long request, would be), each sending one
    request; then let it run again while each connection sends REQUESTS more in a row
    (opening the connection again when an answer says `Connection: close`). The processes
    that served the first requests, and how many of the others each served."""
    opened = threading.Barrier(CONNECTIONS + 1)
    resumed = threading.Event()
    first: set[str] = set()
    served: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()

    def ask(connection: http.client.HTTPConnection) -> str:
        connection.request("GET", "/")
        return connection.getresponse().read().decode()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            first.add(ask(connection))
        finally:
            opened.wait()
        resumed.wait()
        for _ in range(REQUESTS):
            pid = ask(connection)
            with lock:
                served[pid] += 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    os.kill(stalled, signal.SIGSTOP)
    try:
        for thread in threads:
            thread.start()
        opened.wait(timeout=60)
    finally:
        os.kill(stalled, signal.SIGCONT)
    resumed.set()
    for thread in threads:
        thread.join(timeout=60)
    return first, served


def test_connections_taken_during_a_stall_are_shared_once_it_ends():
    server = Gunicorn(
        "sqlite:///unused",
        app="tests.pid_app:app",
        GUNICORN_WORKER_CLASS="config.gunicorn_worker.BalancedThreadWorker",
        GUNICORN_THREADS="2",
    )
    try:
        stalled, awake = sorted(both_processes(server.port))
        first, served = served_after_a_stall(server.port, int(stalled))
    finally:
        server.close()
    assert first == {awake}  # the process that was awake took every connection
    total = CONNECTIONS * REQUESTS
    assert sum(served.values()) == total
    # Once running again, the stalled process served at least 30 % of the requests. With
    # gunicorn's gthread it serves none (0 in 3 runs of 3): the connections stay with the
    # process that took them. Measured here with this worker: 49 % to 50 % on a quiet
    # machine; 41 % to 54 % in 10 runs with 4 processes spinning on the 2 cores.
    assert served[stalled] * 100 >= 30 * total, served
