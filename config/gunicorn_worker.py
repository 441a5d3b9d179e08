"""gunicorn's threaded worker, leaving new connections to the processes with a thread free.

gunicorn's `gthread` worker accepts every connection it can (up to `worker_connections`,
1,000) and keeps each kept-alive connection for itself until the client closes it. The
process that is awake takes the new connections before an idle one has even been scheduled,
so one process ends up with nearly all the connections a client or a proxy opens, and
serves them on one core (Python runs one thread at a time per process) while the others
wait. Measured with 20 signed-in connections on 2 cores: half the throughput in about one
run out of two, and twice the latency; always so after a worker was replaced (max_requests)
while the other was busy.

This worker, while all its threads are busy, leaves a waiting connection to the others for
BUSY_ACCEPT_SECONDS, and takes it only if none did: an idle process takes it at once; when
all processes are busy, one of them still takes it after that delay, so no connection is
left waiting (refusing it outright would leave it there as long as the kept-alive
connections keep the threads busy). And while requests wait for one of its threads, it ends
one kept-alive connection every SHED_EVERY_SECONDS (gthread's own way: the response says
`Connection: close`), which the client opens again, to a process with a thread free if there
is one: connections taken while another process was starting or slow do not stay pinned to
the busiest process for as long as the client keeps them.
"""

import select
import time
from concurrent.futures import Future
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

BUSY_ACCEPT_SECONDS = 0.005
SHED_EVERY_SECONDS = 0.05


class BalancedThreadWorker(ThreadWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight = 0  # requests handed to the threads and not finished
        self.waiting_since: float | None = None  # a connection waits, seen while busy
        self.next_shed = 0.0

    @property
    def max_keepalived(self) -> int:
        """Read by gthread before each response: 0 makes it close the connection."""
        if self.in_flight > self.cfg.threads and self.alive:
            now = time.monotonic()
            if now >= self.next_shed:
                self.next_shed = now + SHED_EVERY_SECONDS
                return 0
        return self._max_keepalived

    @max_keepalived.setter
    def max_keepalived(self, value: int) -> None:
        self._max_keepalived = value

    def enqueue_req(self, conn: Any) -> None:
        self.in_flight += 1
        super().enqueue_req(conn)

    def finish_request(self, conn: Any, fs: Future) -> None:
        # Runs in the worker's loop (gunicorn defers it there), which then polls again.
        self.in_flight -= 1
        super().finish_request(conn, fs)

    def accept(self, listener: Any) -> None:
        self.waiting_since = None
        super().accept(listener)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        if self.alive:  # a stopping worker has stopped listening for good
            accept = self.nr_conns < self.worker_connections
            if accept and self.in_flight >= self.cfg.threads:
                now = time.monotonic()
                if select.select(self.sockets, [], [], 0)[0]:  # a connection waits
                    self.waiting_since = self.waiting_since or now
                else:
                    self.waiting_since = None
                accept = (
                    self.waiting_since is not None
                    and now - self.waiting_since >= BUSY_ACCEPT_SECONDS
                )
                timeout = min(timeout, BUSY_ACCEPT_SECONDS)  # look again soon
            self.set_accept_enabled(accept)
        super().wait_for_and_dispatch_events(timeout)
