"""Throwaway servers for outage tests and benchmarks: a PostgreSQL cluster and gunicorn.

Both run in a temporary directory on free ports and are removed by `close()`. PostgreSQL
refuses to run as root: when the tests do, the cluster runs as the `postgres` user.
"""

from __future__ import annotations

import contextlib
import glob
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin() -> Path | None:
    """The newest PostgreSQL server binaries of this machine, or None."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def postgres_missing_reason() -> str | None:
    """Why a throwaway cluster cannot run here, or None."""
    if postgres_bin() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser to start PostgreSQL as another user"
    return None


class ThrowawayPostgres:
    """A PostgreSQL cluster of its own, on a free port, trust authentication."""

    def __init__(self, parent: Path | None = None) -> None:
        """`parent`: where its folder goes (the system's temporary folder by default)."""
        bindir = postgres_bin()
        assert bindir is not None, postgres_missing_reason()
        self.bin = bindir
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="fabriques-pg-", dir=parent))
        self.data = self.dir / "data"
        self.running = False
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                      "--no-sync")  # fmt: skip
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"),
                  "-w", "-t", "60", "start")  # fmt: skip
        self.running = True

    def stop(self) -> None:
        """Stop at once, as a crash or a killed container would."""
        self.thaw()
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        self.running = False

    def pids(self) -> list[int]:
        """The postmaster and all its children (backends, background processes)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(
            ["pgrep", "-P", str(postmaster)], capture_output=True, text=True
        ).stdout.split()
        return [postmaster, *map(int, children)]

    def freeze(self) -> None:
        """Pause every process of the cluster: connections stay open, nothing answers."""
        for pid in self.pids():
            _signal(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        if self.running and (self.data / "postmaster.pid").exists():
            for pid in self.pids():
                _signal(pid, signal.SIGCONT)

    def close(self) -> None:
        try:
            if self.running:
                self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def _signal(pid: int, sig: signal.Signals) -> None:
    # A backend may end between listing and signalling (a client that went away).
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def django_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production-like process of the platform."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_SECRET_KEY": "throwaway-" + "x" * 50,
            "DATABASE_URL": database_url,
            "PYTHONUNBUFFERED": "1",
            **extra,
        }
    )
    return env


def migrate(database_url: str, root: Path = ROOT) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=root,
        env=django_env(database_url),
        check=True,
        capture_output=True,
        timeout=600,
    )


class Gunicorn:
    """The platform under gunicorn, configured as the Procfile does."""

    def __init__(
        self,
        database_url: str,
        *,
        root: Path = ROOT,
        workers: int = 2,
        app: str = "config.wsgi",
        **env: str,
    ):
        """`app`: another WSGI application to serve with the same configuration."""
        self.root = root
        self.port = free_port()
        self.log_path = Path(tempfile.mkstemp(prefix="fabriques-gunicorn-", suffix=".log")[1])
        command = [sys.executable, "-m", "gunicorn", app]
        if (root / "config" / "gunicorn.conf.py").exists():
            command += ["--config", "config/gunicorn.conf.py"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)]
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command,
            cwd=root,
            env=django_env(database_url, **env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start:\n{self.read_log()}") from None
                time.sleep(0.2)

    def read_log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()
        self.log_path.unlink(missing_ok=True)


@dataclass
class Answer:
    status: int  # 0 when the server did not answer in time
    headers: dict[str, str]
    body: str
    seconds: float


def get(port: int, path: str, timeout: float = 60) -> Answer:
    start = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode(errors="replace")
        headers = {k.lower(): v for k, v in response.getheaders()}
        return Answer(response.status, headers, body, time.monotonic() - start)
    except (OSError, http.client.HTTPException):
        return Answer(0, {}, "", time.monotonic() - start)
    finally:
        connection.close()
