"""The production worker (config/gunicorn_worker.py) shares kept-alive connections between
processes: gunicorn's gthread lets the process that wakes first take nearly all the
connections a client or a proxy opens at once, and serve them on one core."""

import collections
import http.client
import os
import signal
import subprocess
import sys
import threading
import time

from tests.servers import ROOT, free_port

CONNECTIONS = 12
REQUESTS = 6


def serve(worker_class: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "GUNICORN_WORKER_CLASS": worker_class, "GUNICORN_THREADS": "2"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.pid_app:app",
            "--config",
            "config/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--preload",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()
            connection.close()
            return process, port
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.2)


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
    process, port = serve("config.gunicorn_worker.BalancedThreadWorker")
    try:
        served = requests_per_process(port)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    # Each of the two processes served at least a third of the requests. Checked the other
    # way: with gunicorn's gthread this assertion failed in 3 runs out of 3 (one process took
    # most connections: 2 + 10 or 4 + 8), with this worker it held in 6 out of 6.
    assert sum(served.values()) == CONNECTIONS * REQUESTS
    assert len(served) == 2 and min(served.values()) >= CONNECTIONS * REQUESTS // 3, served
