"""Benchmark: an oversized upload and clients that send one byte a second.

Usage: .venv/bin/python bench/slow_clients.py [--slow 3] [--workers 3] [--root DIR]

Starts the platform under gunicorn (with config/gunicorn.conf.py when the tree has one, as the
Procfile does) on a throwaway SQLite database, without nginx in front, then:

1. announces a 500 MB POST to an application form and sends no body: prints the answer and how
   many body bytes were sent before it (the server read at most that many);
2. opens --slow connections that each send a small POST body one byte a second, and meanwhile
   times a normal page request: prints how long it waited.

--root runs another checkout of the repository (e.g. the code before a change).
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import Gunicorn, get, migrate  # noqa: E402

# An application form (login required). With a CSRF cookie and no token header, Django's CSRF
# check parses the body, upload included, before the view redirects to the login page.
FORM = "/espace/candidatures/1/modifier/"
CSRF_COOKIE = "Cookie: csrftoken=" + "a" * 32 + "\r\n"


def huge_upload(port: int, wait: float) -> str:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(wait)
    sock.sendall(
        f"POST {FORM} HTTP/1.1\r\nHost: 127.0.0.1\r\n{CSRF_COOKIE}".encode()
        + b"Content-Type: multipart/form-data; boundary=x\r\n"
        + f"Content-Length: {500 * 1024 * 1024}\r\n\r\n".encode()
    )
    start = time.monotonic()
    try:
        status = sock.recv(200).split(b"\r\n")[0].decode()
        return f"{status!r} after {time.monotonic() - start:.2f} s, 0 body bytes sent"
    except TimeoutError:
        return f"no answer after {wait:.0f} s with 0 body bytes sent (the server waits for them)"
    finally:
        sock.close()


def slow_post(port: int, stop: threading.Event) -> None:
    body = b"a=" + b"x" * 98
    sock = socket.create_connection(("127.0.0.1", port))
    try:
        sock.sendall(
            f"POST {FORM} HTTP/1.1\r\nHost: 127.0.0.1\r\n{CSRF_COOKIE}".encode()
            + b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        for byte in body:
            if stop.wait(1):
                break
            sock.sendall(bytes([byte]))
    except OSError:
        pass
    finally:
        sock.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--slow", type=int, default=3)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        migrate(url, args.root)
        server = Gunicorn(url, root=args.root, workers=args.workers)
        try:
            assert get(server.port, "/").status == 200
            print(f"500 MB POST announced : {huge_upload(server.port, 5)}")

            stop = threading.Event()
            clients = [
                threading.Thread(target=slow_post, args=(server.port, stop))
                for _ in range(args.slow)
            ]
            for client in clients:
                client.start()
            time.sleep(2)  # the slow clients hold whatever they can hold
            answer = get(server.port, "/", timeout=60)
            print(
                f"{args.slow} slow clients, {args.workers} workers: a page request answered "
                f"{answer.status or 'nothing'} after {answer.seconds:.2f} s"
            )
            stop.set()
            for client in clients:
                client.join()
        finally:
            server.close()


if __name__ == "__main__":
    main()
