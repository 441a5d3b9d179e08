"""The production set-up on several machines, all on this one: a throwaway PostgreSQL, Redis
(the shared cache, a database of its own, emptied), an S3 server (moto: the uploaded files),
the Procfile's own lines (`release`, two `web` servers A and B with config/gunicorn.conf.py,
one `worker`), and nginx in front of both with config/nginx.conf, TLS included, rendered with
the test's ports and paths.

Through real HTTP, as browsers and a load balancer would: a public page written through A
(a signed-in pilot's form, CSRF token and all) is fresh on B at once; a session opened on A
works on B; a file uploaded on A downloads from B; an e-mail asked for on A is sent by the
worker; then a bounded load through nginx (wrk, 10 s at 50 connections;
DEPLOYMENT_LOAD_SECONDS=30 for longer) has no error and no answer but 2xx and 3xx. The
application servers are reached directly, with the headers nginx adds, so that each request
goes where the test says; the rest goes through nginx.

Needs nginx (Debian's, 1.22 or later), wrk, PostgreSQL's server binaries and a Redis server:
without one of them the test is skipped, except under CI=true, where it fails. About 50 s
(migrations and collectstatic take half). Selected alone with `pytest -m deployment`.
"""

from __future__ import annotations

import collections
import contextlib
import datetime
import html.parser
import http.client
import http.cookies
import json
import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from moto.server import ThreadedMotoServer

from fabriques.calls.tests.factories import pdf_bytes
from tests.servers import ROOT, ThrowawayPostgres, django_env, free_port, postgres_missing_reason

pytestmark = pytest.mark.deployment

NGINX_CONF = ROOT / "config" / "nginx.conf"
PROCFILE = ROOT / "Procfile"
REDIS_URL = os.environ.get("TEST_DEPLOYMENT_REDIS_URL", "redis://127.0.0.1:6379/13")
REGION = "eu-west-3"
ACCESS_KEY, SECRET_KEY = "fabriques-deployment-access", "fabriques-deployment-secret"
# DEPLOYMENT_LOAD_SECONDS=30: the README's 30 s run (20 s more).
LOAD_SECONDS = int(os.environ.get("DEPLOYMENT_LOAD_SECONDS", "10"))
LOAD_CONNECTIONS = 50
# Paths the load run turns through: kept public pages, the API, a static file (nginx's own).
LOAD_PATHS = (
    "/",
    "/fabriques/",
    "/fabriques/fabrique-a/",
    "/api/v1/fabriques/",
    "/static/public/css/public.css",
)


# --- What the test needs ------------------------------------------------------------------


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def missing() -> list[str]:
    reasons = []
    if not Path(nginx_binary()).exists():
        reasons.append("nginx is not installed (apt-get install nginx-light)")
    if shutil.which("wrk") is None:
        reasons.append("wrk is not installed (apt-get install wrk)")
    if (reason := postgres_missing_reason()) is not None:
        reasons.append(reason)
    if not _redis_answers():
        reasons.append(f"no Redis answers at {REDIS_URL}")
    return reasons


def scratch_parent() -> Path | None:
    """/dev/shm when it has room: the test writes and deletes thousands of files
    (collectstatic, the database cluster), which a disk mounted with `discard` deletes slowly.
    None (the system's temporary folder) otherwise, as in a container's 64 MB /dev/shm."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 2**30:
        return shm
    return None


def nginx_binary() -> str:
    # /usr/sbin is not on every user's PATH.
    return shutil.which("nginx") or "/usr/sbin/nginx"


# --- The deployment's files, rendered for the test ----------------------------------------


def procfile() -> dict[str, str]:
    """The Procfile's process types and their commands."""
    entries = {}
    for line in PROCFILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"config/nginx.conf must contain {old!r} once"
    return text.replace(old, new)


def render_nginx_site(
    *, upstreams: list[int], https_port: int, http_port: int, certificate: Path, key: Path,
    static_root: Path,
) -> str:  # fmt: skip
    """config/nginx.conf with the test's values in place of the lines marked « deployment: »
    (the public ports, the application servers, the certificate, the static folder); every
    other line is the deployment's own."""
    text = NGINX_CONF.read_text()
    # The upstream's servers (host:8000 and their options), one line each, in a row.
    servers = re.search(r"(^    server \S+:8000( .*)?;\n)+", text, flags=re.MULTILINE)
    assert servers, "config/nginx.conf must list its application servers on port 8000"
    options = servers.group(2) or ""
    ours = "".join(f"    server 127.0.0.1:{port}{options};\n" for port in upstreams)
    text = _replace_once(text, servers.group(0), ours)
    text = _replace_once(text, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    text = _replace_once(text, "listen 80;", f"listen 127.0.0.1:{http_port};")
    text = _replace_once(text, "/etc/ssl/fabriques/fullchain.pem", str(certificate))
    text = _replace_once(text, "/etc/ssl/fabriques/privkey.pem", str(key))
    return _replace_once(text, "alias /srv/fabriques/static/;", f"alias {static_root}/;")


def nginx_main_conf(directory: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf is to the site file, in the test's folder."""
    temp = "\n".join(
        f"    {kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
worker_processes 2;
pid {directory / "nginx.pid"};
error_log {directory / "nginx-error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
{temp}
    log_format upstreams '$status $upstream_addr $request';
    access_log {directory / "nginx-access.log"} upstreams;
    include {site};
}}
"""


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


# --- Processes ----------------------------------------------------------------------------


@dataclass
class Process:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def terminate(self) -> None:
        """SIGTERM to the whole process group: the shell, gunicorn's master and workers."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)

    def wait_gone(self, deadline: float) -> None:
        """Until no process of the group is left; SIGKILL to what remains at `deadline`."""
        group = self.process.pid
        while _group_alive(group) and time.monotonic() < deadline:
            self.process.poll()  # reaps the shell, the group's leader
            time.sleep(0.1)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        self.process.wait()


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def stop_all(processes: dict[str, Process]) -> None:
    """All at once: each is asked to stop, then given 15 s before being killed."""
    for process in reversed(processes.values()):
        process.terminate()
    deadline = time.monotonic() + 15
    for process in processes.values():
        process.wait_gone(deadline)


def start(name: str, command: list[str], env: dict[str, str], directory: Path) -> Process:
    log_path = directory / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Process(name, process, log_path)


def wait_for_port(process: Process, port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{process.name} did not start:\n{process.log()}") from None
            time.sleep(0.2)


# --- A browser of sorts -------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    name: str
    port: int
    tls: bool = False  # nginx; the application servers get the headers nginx would add

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


@dataclass
class Browser:
    """Cookies kept across servers, as one browser behind a load balancer keeps them."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, server: Server, method: str, path: str, body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> Answer:  # fmt: skip
        if server.tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1", server.port, timeout=30, context=context
            )
        else:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        sent = {"Host": f"127.0.0.1:{server.port}", **(headers or {})}
        if not server.tls:
            sent |= {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            sent["Origin"] = server.origin
        try:
            connection.request(method, path, body=body or None, headers=sent)
            response = connection.getresponse()
            answer = Answer(
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.read(),
            )
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = http.cookies.SimpleCookie(header)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return answer
        finally:
            connection.close()

    def get(self, server: Server, path: str) -> Answer:
        return self.request(server, "GET", path)

    def post(
        self, server: Server, path: str, fields: list[tuple[str, str]],
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> Answer:  # fmt: skip
        if not files:
            body = urllib.parse.urlencode(fields).encode()
            kind = "application/x-www-form-urlencoded"
        else:
            boundary = uuid.uuid4().hex
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + value.encode()
                + b"\r\n"
                for name, value in fields
            ]
            parts += [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                + content
                + b"\r\n"
                for name, (filename, content, content_type) in files.items()
            ]
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            kind = f"multipart/form-data; boundary={boundary}"
        return self.request(server, "POST", path, body, {"Content-Type": kind})

    def sign_in(self, server: Server, username: str, password: str) -> None:
        login = reverse("accounts:login")
        page = self.get(server, login)
        assert page.status == 200, page.status
        fields = form_fields(page.text, {"username": username, "password": password})
        answer = self.post(server, login, fields)
        assert answer.status == 302, answer.text[:2000]
        assert "sessionid" in self.cookies


class _Forms(html.parser.HTMLParser):
    """The fields of each form of a page, as a browser would submit them untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append([])
        elif not self.forms or "disabled" in a:
            return
        elif tag == "option" and self._select is not None and "selected" in a:
            self.forms[-1].append((self._select, a.get("value", "")))
        elif "name" not in a:
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self.forms[-1].append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.forms[-1].append((a["name"], ""))
        elif tag == "select":
            self._select = a["name"]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, value = self.forms[-1][-1]
            self.forms[-1][-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            # As in a browser, the newline right after <textarea> is not part of the value.
            name, value = self.forms[-1][-1]
            self.forms[-1][-1] = (name, value.removeprefix("\n"))
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_errors(page: str) -> str:
    """The error messages a page shows (the DSFR's), to say why a form was refused."""
    found = re.findall(
        r'class="fr-(?:alert--error|error-text|message--error).*?</(?:div|p)>', page, re.S
    )
    return " ".join(re.sub(r"<[^>]+>|\s+", " ", block) for block in found)


def form_fields(page: str, changes: dict[str, str]) -> list[tuple[str, str]]:
    """The fields of the page's form that has every field of `changes`, with those changed."""
    wanted = changes
    parser = _Forms()
    parser.feed(page)
    for form in parser.forms:
        names = {name for name, _ in form}
        if set(wanted) <= names:
            return [(n, v) for n, v in form if n not in wanted] + list(wanted.items())
    raise AssertionError(f"no form with the fields {sorted(wanted)}")


# --- The set-up ---------------------------------------------------------------------------

# Loaded with the tests' factories, in one process of the deployment's own settings: two
# Fabriques, one person per role (the personas), a roadmap of Fabrique A's territory.
LOAD_DATA = """
import json
from fabriques.roadmaps.tests.factories import build_roadmap_world
from fabriques.programme.tests.factories import ThemeFactory
world = build_roadmap_world()
# A Fabrique in progress must keep a theme for its design form to save.
world.cast.fabrique_a.themes.add(ThemeFactory())
print(json.dumps({"roadmap": world.roadmap.pk}))
"""


@dataclass
class Deployment:
    a: Server
    b: Server
    proxy: Server
    plain_http_port: int
    roadmap: int
    bucket: Any
    redis: Any
    processes: dict[str, Process]
    directory: Path


@pytest.fixture
def deployment() -> Iterator[Deployment]:
    if os.environ.get("CI") and connection.vendor == "sqlite":
        # It starts its own PostgreSQL whatever the suite's database: CI's PostgreSQL pass
        # runs it, and the SQLite pass would only repeat the same 50 s.
        pytest.skip("runs once in CI, in the PostgreSQL pass (.ci/run)")
    reasons = missing()
    if reasons:
        if os.environ.get("CI"):
            pytest.fail("CI must run the deployment test: " + "; ".join(reasons))
        pytest.skip("; ".join(reasons))
    import redis

    with contextlib.ExitStack() as stack:
        # Readable by nginx's workers (nobody or www-data when the test runs as root).
        directory = Path(tempfile.mkdtemp(prefix="fabriques-deployment-", dir=scratch_parent()))
        directory.chmod(0o755)
        stack.callback(shutil.rmtree, directory, ignore_errors=True)

        cache = redis.Redis.from_url(REDIS_URL)
        cache.flushdb()
        stack.callback(cache.flushdb)

        s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        s3.start()
        stack.callback(s3.stop)
        s3_host, s3_port = s3.get_host_and_port()
        endpoint = f"http://{s3_host}:{s3_port}"
        bucket = boto3.resource(
            "s3", endpoint_url=endpoint, region_name=REGION,
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        ).create_bucket(
            Bucket="fabriques-deployment", CreateBucketConfiguration={"LocationConstraint": REGION}
        )  # fmt: skip

        database = ThrowawayPostgres(parent=scratch_parent())
        stack.callback(database.close)
        database.start()

        proxy_port, plain_port = free_port(), free_port()
        static_root = directory / "static"
        venv_bin = str(Path(sys.executable).parent)
        env = django_env(
            database.url,
            PATH=f"{venv_bin}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            DJANGO_DEBUG="0",
            DJANGO_SECURE="1",
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            # The public address, for the forms posted through nginx (its port is not in Host).
            DJANGO_CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{proxy_port}",
            SITE_URL=f"https://127.0.0.1:{proxy_port}",
            CACHE_URL=REDIS_URL,
            PUBLIC_PAGE_CACHE="1",
            DJANGO_S3_BUCKET="fabriques-deployment",
            DJANGO_S3_ENDPOINT_URL=endpoint,
            DJANGO_S3_REGION=REGION,
            DJANGO_S3_ACCESS_KEY_ID=ACCESS_KEY,
            DJANGO_S3_SECRET_ACCESS_KEY=SECRET_KEY,
            DJANGO_STATIC_ROOT=str(static_root),
            # Hashed names as in production, without WhiteNoise's compression of every file
            # (most of a minute): nginx serves what collectstatic wrote.
            DJANGO_STATICFILES_STORAGE="django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
            TRUSTED_PROXY_HEADER="HTTP_X_FORWARDED_FOR",
            TRUSTED_PROXY_COUNT="1",
            EMAIL_URL="consolemail://",
            WEB_CONCURRENCY="2",
        )
        commands = procfile()
        assert {"release", "web", "worker"} <= set(commands), commands

        release = subprocess.run(
            ["sh", "-c", commands["release"]], cwd=ROOT, env=env, capture_output=True,
            text=True, timeout=300,
        )  # fmt: skip
        assert release.returncode == 0, release.stdout[-3000:] + release.stderr[-3000:]
        loaded = subprocess.run(
            [sys.executable, "manage.py", "shell", "-v", "0", "-c", LOAD_DATA],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert loaded.returncode == 0, loaded.stderr[-3000:]
        roadmap = json.loads(loaded.stdout.strip().splitlines()[-1])["roadmap"]

        processes: dict[str, Process] = {}
        stack.callback(stop_all, processes)
        ports = {"a": free_port(), "b": free_port()}
        for name, port in ports.items():
            # The Procfile's own line; only the address differs (gunicorn reads
            # GUNICORN_CMD_ARGS after its configuration file).
            server_env = env | {"PORT": str(port), "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{port}"}
            processes[name] = start(name, ["sh", "-c", commands["web"]], server_env, directory)
        # The Procfile's line, without the worker's random wait of a few seconds at start.
        processes["worker"] = start(
            "worker", ["sh", "-c", commands["worker"] + " --no-startup-delay"], env, directory
        )

        certificate, key = self_signed_certificate(directory)
        site = directory / "fabriques.conf"
        site.write_text(
            render_nginx_site(
                upstreams=list(ports.values()), https_port=proxy_port, http_port=plain_port,
                certificate=certificate, key=key, static_root=static_root,
            )
        )  # fmt: skip
        main_conf = directory / "nginx.conf"
        main_conf.write_text(nginx_main_conf(directory, site))
        test = subprocess.run(
            [nginx_binary(), "-t", "-p", str(directory), "-c", str(main_conf),
             "-e", str(directory / "nginx-error.log")],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert test.returncode == 0, test.stderr
        processes["nginx"] = start(
            "nginx",
            [nginx_binary(), "-p", str(directory), "-c", str(main_conf),
             "-e", str(directory / "nginx-error.log")],
            env, directory,
        )  # fmt: skip

        for name, port in [*ports.items(), ("nginx", proxy_port)]:
            wait_for_port(processes[name], port)
        yield Deployment(
            a=Server("A", ports["a"]),
            b=Server("B", ports["b"]),
            proxy=Server("nginx", proxy_port, tls=True),
            plain_http_port=plain_port,
            roadmap=roadmap,
            bucket=bucket,
            redis=cache,
            processes=processes,
            directory=directory,
        )
        for name in ("a", "b", "worker"):
            assert "Traceback" not in processes[name].log(), processes[name].log()[-5000:]


# --- The checks ---------------------------------------------------------------------------

PASSWORD = "mot-de-passe-de-test-1"  # the personas' (fabriques.accounts.tests.factories)


def test_two_application_servers_behind_nginx(deployment: Deployment) -> None:
    """One test, so that pytest-xdist never sets the deployment up twice at once."""
    servers_share_cache_sessions_files_and_tasks(deployment)
    nginx_buffers_limits_and_balances(deployment)


def servers_share_cache_sessions_files_and_tasks(deployment: Deployment) -> None:
    a, b = deployment.a, deployment.b
    public_page = reverse("public:fabrique_detail", args=["fabrique-a"])
    visitor = Browser()

    # A public page kept whole in the shared cache, answered by B.
    first = visitor.get(b, public_page)
    assert first.status == 200 and "Fabrique A" in first.text
    again = visitor.get(b, public_page)
    assert again.headers["etag"] == first.headers["etag"]
    assert visitor.cookies == {}
    assert deployment.redis.keys("*:page:fr:*")

    # A session opened on A works on B.
    pilot = Browser()
    pilot.sign_in(a, "pilot_a@exemple.fr", PASSWORD)
    workspace = pilot.get(b, reverse("workspace:home"))
    assert workspace.status == 200, (workspace.status, workspace.headers.get("location"))
    assert "Fabrique A" in workspace.text

    # A write through A (the Fabrique's form, CSRF token and all) is on B's page at once.
    edit = reverse("programme:fabrique_edit", args=["fabrique-a"])
    form = pilot.get(a, edit)
    assert form.status == 200
    fields = form_fields(form.text, {"title": "Fabrique A des rivières"})
    saved = pilot.post(a, edit, fields)
    assert saved.status == 302, (form_errors(saved.text), fields)
    fresh = visitor.get(b, public_page)
    assert fresh.status == 200 and "Fabrique A des rivières" in fresh.text
    assert fresh.headers["etag"] != first.headers["etag"]

    # A file uploaded on A, kept in the object storage, downloads from B.
    elected = Browser()
    elected.sign_in(a, "elected_a@exemple.fr", PASSWORD)
    roadmap = reverse("roadmaps:detail", args=[deployment.roadmap])
    page = elected.get(a, roadmap)
    assert page.status == 200
    content = pdf_bytes()
    uploaded = elected.post(
        a,
        reverse("roadmaps:attachment_create", args=[deployment.roadmap]),
        form_fields(page.text, {"file-title": "Diagnostic territorial"}),
        files={"file-file": ("diagnostic.pdf", content, "application/pdf")},
    )
    assert uploaded.status == 302, uploaded.text[:3000]
    # Beside the open-data files the worker builds after each write to the public data.
    stored = [o.get()["Body"].read() for o in deployment.bucket.objects.filter(Prefix="roadmaps/")]
    assert stored == [content]
    page = elected.get(b, roadmap)
    links = re.findall(rf'href="({roadmap}pieces-jointes/\d+/)"', page.text)
    assert len(links) == 1, page.text[:3000]
    download = elected.get(b, links[0])
    assert download.status == 200 and download.body == content

    # An e-mail asked for on A (a password reset, anonymous) is sent by the task worker.
    reset = reverse("accounts:password_reset")
    stranger = Browser()
    page = stranger.get(a, reset)
    asked = stranger.post(a, reset, form_fields(page.text, {"email": "partner_a@exemple.fr"}))
    assert asked.status == 302, asked.text[:3000]
    worker = deployment.processes["worker"]
    deadline = time.monotonic() + 30
    while "To: partner_a@exemple.fr" not in worker.log():
        assert time.monotonic() < deadline, worker.log()[-5000:]
        time.sleep(0.3)

    # The open-data files: built by the worker a few seconds after the write, into the bucket;
    # B then serves the stored file (a length and a tag: the live one before has neither).
    deadline = time.monotonic() + 60
    while True:
        data = visitor.get(b, "/donnees/fabriques.csv")
        assert data.status == 200
        if "Fabrique A des rivières" in data.text and "etag" in data.headers:
            break
        assert time.monotonic() < deadline, worker.log()[-5000:]
        time.sleep(0.5)
    assert int(data.headers["content-length"]) == len(data.body)
    assert list(deployment.bucket.objects.filter(Prefix="opendata/"))
    unchanged = visitor.request(
        b, "GET", "/donnees/fabriques.csv", headers={"If-None-Match": data.headers["etag"]}
    )
    assert unchanged.status == 304


def nginx_buffers_limits_and_balances(deployment: Deployment) -> None:
    proxy = deployment.proxy
    visitor = Browser()
    home = visitor.get(proxy, "/")
    assert home.status == 200 and home.headers["server"].startswith("nginx")
    # HTTPS as the application sees it (X-Forwarded-Proto), so HSTS.
    assert "max-age=31536000" in home.headers["strict-transport-security"]
    static = visitor.get(proxy, "/static/public/css/public.css")
    assert static.status == 200
    assert static.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "GET /static/" not in deployment.processes["a"].log()

    # Plain HTTP is sent to HTTPS.
    plain = http.client.HTTPConnection("127.0.0.1", deployment.plain_http_port, timeout=10)
    plain.request("GET", "/fabriques/")
    redirect = plain.getresponse()
    assert redirect.status == 301
    assert redirect.getheader("Location", "").startswith("https://127.0.0.1")
    plain.close()

    # A sign-in through nginx, its form padded past client_body_buffer_size: nginx keeps the
    # whole body in a temporary file before gunicorn sees a byte of it.
    member = Browser()
    login = reverse("accounts:login")
    page = member.get(proxy, login)
    fields = form_fields(page.text, {"username": "partner_a@exemple.fr", "password": PASSWORD})
    signed_in = member.post(proxy, login, [*fields, ("remplissage", "x" * 300_000)])
    assert signed_in.status == 302, form_errors(signed_in.text) or signed_in.text[:2000]
    assert member.get(proxy, reverse("workspace:home")).status == 200
    nginx_errors = (deployment.directory / "nginx-error.log").read_text()
    assert "a client request body is buffered to a temporary file" in nginx_errors

    # A body above the application's own limit is refused by nginx from its Content-Length.
    too_big = visitor.request(
        proxy,
        "POST",
        reverse("accounts:login"),
        headers={"Content-Length": str(settings.REQUEST_MAX_BODY_BYTES + 1)},
    )
    assert too_big.status == 413 and "nginx" in too_big.text

    # A bounded load run through nginx: no error, no answer but 2xx and 3xx.
    script = deployment.directory / "paths.lua"
    script.write_text(WRK_SCRIPT % ", ".join(json.dumps(path) for path in LOAD_PATHS))
    command = ["wrk", "-t2", f"-c{LOAD_CONNECTIONS}", f"-d{LOAD_SECONDS}s", "--timeout", "10s",
               "-s", str(script), "-H", "Accept-Encoding: gzip", f"https://127.0.0.1:{proxy.port}"]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, timeout=LOAD_SECONDS + 60)
    assert output.returncode == 0, output.stderr
    report = json.loads(next(line for line in output.stdout.splitlines() if line.startswith("{")))
    errors = {k: report[k] for k in ("non2xx", "connect", "read", "write", "timeout")}
    assert errors == dict.fromkeys(errors, 0), (report, output.stdout)
    assert report["requests"] > LOAD_SECONDS * 10, report
    # Both application servers answered through nginx.
    log = (deployment.directory / "nginx-access.log").read_text()
    used = set(re.findall(r"127\.0\.0\.1:(\d+)", log))
    assert {str(deployment.a.port), str(deployment.b.port)} <= used
    # 499: a request wrk left unanswered when its time was up (one per connection at most).
    statuses = collections.Counter(line.split(" ", 1)[0] for line in log.splitlines())
    assert set(statuses) <= {"200", "301", "302", "304", "413", "499"}, statuses
    assert statuses["499"] <= LOAD_CONNECTIONS, statuses


# wrk turns through the paths; its report is one JSON line.
WRK_SCRIPT = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %%d, "p99": %%d, "non2xx": %%d, "connect": %%d, "read": %%d, '
    .. '"write": %%d, "timeout": %%d}\\n',
    summary.requests, latency:percentile(99), errors.status, errors.connect, errors.read,
    errors.write, errors.timeout))
end
"""


def test_nginx_refuses_what_the_application_refuses() -> None:
    """client_max_body_size is the application's REQUEST_MAX_BODY_BYTES (no nginx needed)."""
    limit = re.search(r"client_max_body_size (\d+)m;", NGINX_CONF.read_text())
    assert limit is not None
    assert int(limit.group(1)) * 1024 * 1024 == settings.REQUEST_MAX_BODY_BYTES


def test_the_procfile_runs_the_web_worker_release_and_daily_processes() -> None:
    commands = procfile()
    assert set(commands) == {"release", "web", "worker", "clock"}
    assert shlex.split(commands["web"])[:2] == ["gunicorn", "config.wsgi"]
    assert "config/gunicorn.conf.py" in commands["web"]
    assert "db_worker" in commands["worker"]
    assert "run_daily" in commands["clock"]
