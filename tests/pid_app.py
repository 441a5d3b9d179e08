"""A WSGI application for tests of the gunicorn configuration: answers with the id of the
process that served the request, after 20 ms of work (as a page's rendering would hold the
process)."""

import os
import time


def app(environ, start_response):  # type: ignore[no-untyped-def]
    deadline = time.process_time() + 0.02
    while time.process_time() < deadline:  # CPU, not a sleep: it holds the process
        pass
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
