"""Static files in production: collected, hashed, compressed once (gzip and brotli) and served
from STATIC_ROOT alone; the finders, which read the apps' files on each request, stay off.

The platform runs under gunicorn as the Procfile starts it, after `collectstatic` with the
storage the README gives production (a few of the platform's own files only: collecting the
DSFR's thousands takes a minute).
"""

import http.client
import json
import re
import subprocess
import sys

import pytest

from tests.servers import ROOT, Gunicorn, django_env

STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
CSS = "public/css/public.css"


def fetch(port: int, path: str, encoding: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": encoding})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    database = f"sqlite:///{root / 'unused.sqlite3'}"
    env = django_env(database, DJANGO_STATIC_ROOT=str(root), DJANGO_STATICFILES_STORAGE=STORAGE)
    ignored = ["dsfr", "admin", "rest_framework", "drf_spectacular_sidecar", "vendor"]
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0",
         *[f"--ignore={name}" for name in ignored]],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return root, database, env


def test_the_finders_are_off_once_files_are_collected(collected):
    _root, _database, env = collected
    read = [sys.executable, "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.WHITENOISE_USE_FINDERS)"]  # fmt: skip
    production = subprocess.run(read, cwd=ROOT, env=env, capture_output=True, text=True)
    assert production.stdout.strip() == "False", production.stderr
    local = {k: v for k, v in env.items() if k != "DJANGO_STATIC_ROOT"}
    development = subprocess.run(read, cwd=ROOT, env=local, capture_output=True, text=True)
    assert development.stdout.strip() == "True", development.stderr


def test_collected_files_are_served_compressed_and_hashed_ones_forever(collected):
    root, database, env = collected
    hashed = json.loads((root / "staticfiles.json").read_text())["paths"][CSS]
    assert (root / f"{hashed}.br").exists() and (root / f"{hashed}.gz").exists()
    server = Gunicorn(
        database, workers=1, DJANGO_STATIC_ROOT=env["DJANGO_STATIC_ROOT"],
        DJANGO_STATICFILES_STORAGE=STORAGE,
    )  # fmt: skip
    try:
        plain = (root / hashed).read_bytes()
        status, headers, body = fetch(server.port, f"/static/{hashed}", "br, gzip")
        assert status == 200
        assert headers["content-encoding"] == "br"
        assert body == (root / f"{hashed}.br").read_bytes()
        assert len(body) < len(plain)
        assert "immutable" in headers["cache-control"]
        assert "Accept-Encoding" in headers["vary"]
        status, headers, body = fetch(server.port, f"/static/{hashed}", "gzip")
        assert headers["content-encoding"] == "gzip"
        status, headers, body = fetch(server.port, f"/static/{hashed}", "identity")
        assert status == 200 and "content-encoding" not in headers and body == plain
        # An unhashed name is served too (as collected), but not kept forever.
        status, headers, _ = fetch(server.port, f"/static/{CSS}", "gzip")
        assert status == 200 and "immutable" not in headers.get("cache-control", "")
        # A file left out of collectstatic is not served: nothing reads the apps' folders. (The
        # answer is Django's 404 page, which fails here into a 500 because it links the DSFR
        # files this test did not collect; a full collectstatic gives the 404.)
        status, headers, _ = fetch(server.port, "/static/dsfr/dist/dsfr.min.css", "gzip")
        assert status in (404, 500) and headers["content-type"].startswith("text/html")
        # The master compiled the templates, then set its objects aside from the garbage
        # collector, before forking (gunicorn.conf.py's when_ready).
        assert re.search(
            r"Warmed up: \d{3,} templates compiled, \d{6,} objects frozen", server.read_log()
        )
    finally:
        server.close()
