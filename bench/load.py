"""Benchmark: the public site under load, as visitors' traffic puts it, against a static file
served by the same server in the same run.

Usage: .venv/bin/python bench/load.py [--factor 1] [--duration 20] [--connections 10 50]
       [--database-url URL] [--cache-url redis://127.0.0.1:6379/14] [--no-page-cache]

Builds its own database (var/bench-load.sqlite3, or the PostgreSQL database of
--database-url, emptied), imports the referential and the 2018–2021 history, copies every
Fabrique (factor − 1) times (bench/programme_100x.py), builds the open-data files (as a
deployment's task worker does after the writes), then starts gunicorn with the
production configuration (config/gunicorn.conf.py: gthread workers, DEBUG off) on a free
port of 127.0.0.1 and loads each page with wrk (Debian's package: apt-get install wrk) for
`--duration` seconds at each number of connections: first the static CSS (WhiteNoise), then
every anonymous public page, then two workspace pages as a signed-in ANCT administrator at
20 connections. Prints requests/s, p50/p95/p99 latencies, errors (non-2xx/3xx answers,
connection errors, timeouts) and the ratio of each page's throughput to the static file's,
with the machine's load average. wrk and the server share the machine: only the ratios
compare across machines. Figures only: tests never assert timings.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from programme_100x import administrator, sizes
from programme_100x import build as build_programme

ROOT = Path(__file__).resolve().parent.parent
STATIC = "/static/public/css/public.css"
PUBLIC = {
    "accueil": "/",
    "catalogue": "/fabriques/",
    "catalogue filtré (thème)": "/fabriques/?theme=transition-ecologique",
    "catalogue, recherche (q=sante)": "/fabriques/?q=sante",
    "page Fabrique": "/fabriques/2019-transition-ecologique-des-villes-moyennes/",
    "page territoire (Lorient)": "/territoires/communes/56121/",
    "page organisation (ANCT)": "/organisations/anct/",
    "statistiques": "/statistiques/",
    "données ouvertes": "/donnees/",
    "API liste": "/api/v1/fabriques/",
    "API détail": "/api/v1/fabriques/2019-transition-ecologique-des-villes-moyennes/",
}
WORKSPACE = {
    "espace : tableau de bord": "/espace/",
    "espace : page Fabrique": "/espace/fabriques/2019-transition-ecologique-des-villes-moyennes/",
}

# wrk's report as one JSON line: throughput, latency percentiles (µs) and errors.
REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "p50": %d, "p95": %d, "p99": %d, "non2xx": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "timeout": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), errors.status, errors.connect,
    errors.read, errors.write, errors.timeout))
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factor", type=int, default=1)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--cache-url", default="", help="CACHE_URL of the server (Redis…)")
    parser.add_argument("--no-page-cache", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk est absent : apt-get install wrk")

    # Its own storage (the open-data files): the development database's stay where they are.
    media = build_programme("bench-load", args.database_url, args.factor)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    # As the task worker of a deployment does after the writes (none runs here).
    call_command("publish_open_data", verbosity=0)
    admin = administrator()
    signed_in = Client()
    signed_in.force_login(admin)
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    database_url = os.environ["DATABASE_URL"]
    vendor = connection.vendor
    data = sizes()
    connection.close()

    port = _free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WEB_CONCURRENCY": str(os.cpu_count() or 2),
        "PUBLIC_PAGE_CACHE": "0" if args.no_page_cache else "1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_MEDIA_ROOT": str(media),
    }
    if args.cache_url:
        env["CACHE_URL"] = args.cache_url
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "-c", "config/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + STATIC)
        rows = []
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(REPORT)
        for connections in args.connections:
            static = _load(base + STATIC, connections, args.duration, script.name)
            rows.append(("fichier statique (CSS)", connections, static, static))
            for name, path in PUBLIC.items():
                _warm(base + path)
                rows.append(
                    (
                        name,
                        connections,
                        _load(base + path, connections, args.duration, script.name),
                        static,
                    )
                )
        static = _load(base + STATIC, 20, args.duration, script.name)
        cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
        for name, path in WORKSPACE.items():
            result = _load(base + path, 20, args.duration, script.name, cookie=cookie)
            rows.append((name, 20, result, static))
        os.unlink(script.name)
    finally:
        server.terminate()
        server.wait(timeout=30)

    cache = "cache de pages " + ("éteint" if args.no_page_cache else "allumé")
    print(
        f"Base : {vendor}, {data} ({args.factor}×) ; gunicorn {env['WEB_CONCURRENCY']} × 4 fils,"
        f" {cache}, cache {args.cache_url or 'en mémoire par processus'} ; wrk {args.duration} s"
        f" par page ; charge moyenne après la mesure : {os.getloadavg()[0]:.1f} pour"
        f" {os.cpu_count()} cœurs"
    )
    header = (
        f"{'page':34} {'conn.':>5} {'req/s':>8} {'p50':>8} {'p95':>8} {'p99':>8} "
        f"{'erreurs':>7} {'/ statique':>10}"
    )
    print(header)
    print("-" * len(header))
    for name, connections, result, static in rows:
        rate = result["requests"] / result["seconds"]
        reference = static["requests"] / static["seconds"]
        errors = sum(result[k] for k in ("non2xx", "connect", "read", "write", "timeout"))
        print(
            f"{name:34} {connections:>5} {rate:>8.0f} {_ms(result['p50'])} {_ms(result['p95'])} "
            f"{_ms(result['p99'])} {errors:>7} {rate / reference:>10.2f}"
        )


def _ms(microseconds: int) -> str:
    return f"{microseconds / 1000:>5.0f} ms"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"Le serveur ne répond pas : {url}")


def _warm(url: str) -> None:
    with urllib.request.urlopen(url, timeout=60) as answer:
        answer.read()


def _load(
    url: str, connections: int, duration: int, script: str, cookie: str = "", gzip: bool = True
) -> dict:
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        script,
    ]
    if gzip:
        command += ["-H", "Accept-Encoding: gzip"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, url], check=True, capture_output=True, text=True, timeout=duration + 60
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("{"))
    result: dict = json.loads(line)
    return result


if __name__ == "__main__":
    main()
