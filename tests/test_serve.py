"""`make run` delivers e-mails: `manage.py serve` starts the task worker beside the server.

The command is run as `make run` runs it — its own process, DEBUG off, a database of its own —
and an invitation is made from another terminal as the README says; its e-mail, with a link
on the port served, must appear in the server's terminal. Stopping the server stops the worker.
"""

import os
import secrets
import selectors
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.servers import ROOT, free_port

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads child processes from /proc")


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def read_until(process: subprocess.Popen, needle: str, timeout: float) -> str:
    """What the process printed until `needle` appeared (or the timeout)."""
    assert process.stdout is not None
    seen = ""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while needle not in seen and time.monotonic() < deadline:
        if selector.select(timeout=0.5):
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                break
            seen += chunk.decode(errors="replace")
    return seen


def test_make_run_delivers_the_invitation_email_in_its_terminal():
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="fabriques-serve-") as directory:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"sqlite:///{directory}/db.sqlite3",
            "PORT": str(port),
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("SITE_URL", None)
        env.pop("EMAIL_URL", None)
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True,
                       capture_output=True, timeout=300)  # fmt: skip
        server = subprocess.Popen(
            [*manage, "serve", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            for _ in range(120):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/compte/connexion/", timeout=2)
                    break
                except OSError:
                    time.sleep(0.25)
            workers = children(server.pid)
            assert len(workers) == 1, "serve must start exactly one task worker"

            invited = subprocess.run(
                [*manage, "invite", "premiere.admin@exemple.fr", "--role", "anct_admin"],
                env=env, capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            assert invited.returncode == 0, invited.stderr
            output = read_until(server, "To: premiere.admin@exemple.fr", timeout=60)
            output += read_until(server, f"http://127.0.0.1:{port}/compte/", timeout=10)
            assert "To: premiere.admin@exemple.fr" in output, output
            assert f"http://127.0.0.1:{port}/compte/" in output, output
            assert ":8000" not in output.split("To: premiere.admin@exemple.fr", 1)[1]
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            if server.stdout:
                server.stdout.close()
        deadline = time.monotonic() + 15
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(alive(pid) for pid in workers), "the worker outlived the server"
