"""The production worker (config/gunicorn_worker.py) shares kept-alive connections between
processes: gunicorn's gthread lets the process that wakes first take nearly all the
connections a client or a proxy opens at once, and serve them on one core."""

import collections
import http.client
import threading

from tests.servers import Gunicorn

CONNECTIONS = 12
REQUESTS = 6


def requests_per_process(port: int) -> collections.Counter[str]:
    """Open CONNECTIONS kept-alive connections at once; each sends REQUESTS requests in a
    row (opening the connection again when the answer says `Connection: close`). How many
    requests each process served."""
    start = threading.Barrier(CONNECTIONS)
    served: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start.wait()
        for _ in range(REQUESTS):
            connection.request("GET", "/")
            pid = connection.getresponse().read().decode()
            with lock:
                served[pid] += 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return served


def test_connections_opened_at_once_are_shared_between_the_processes():
    server = Gunicorn(
        "sqlite:///unused",
        app="tests.pid_app:app",
        GUNICORN_WORKER_CLASS="config.gunicorn_worker.BalancedThreadWorker",
        GUNICORN_THREADS="2",
    )
    try:
        served = requests_per_process(server.port)
    finally:
        server.close()
    # Each of the two processes served at least 40 % of the requests. Measured here, 6 runs
    # each, the smaller process's share of the 72 requests: this worker 33 to 36; gunicorn's
    # gthread 6 to 30, under 29 in 5 runs of 6 (one process took most connections and kept
    # them). The margin is for a machine loaded by other tests.
    total = CONNECTIONS * REQUESTS
    assert sum(served.values()) == total
    assert len(served) == 2 and min(served.values()) * 100 >= 40 * total, served
