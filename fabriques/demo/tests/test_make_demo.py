"""What `make demo` runs, in processes of their own: a fresh SQLite file, the real referential.

The in-process tests load the demo on a referential made by factories; this one checks that it
loads on the imported one (its territories are picked by official code), twice, and that every
persona it prints signs in there. About a minute: migrations, imports and real password hashing included.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from .test_load_demo import printed_personas

# Run by `manage.py shell` in the demo's database: signs each persona in through the login page
# (and the code page, computed from the printed secret) and returns the status of each page.
SIGN_IN = """
import json, os
from base64 import b32decode
from django.test import Client
from django_otp.oath import totp

results = {}
for persona in json.loads(os.environ["DEMO_PERSONAS"]):
    client = Client(HTTP_HOST="127.0.0.1")
    response = client.post(
        "/compte/connexion/",
        {"username": persona["email"], "password": os.environ["DEMO_PASSWORD"]},
    )
    statuses = [response.status_code]
    if persona["secret"]:
        code = f"{totp(b32decode(persona['secret'])):06d}"
        statuses.append(client.post("/compte/second-facteur/code/", {"code": code}).status_code)
    statuses += [client.get(path).status_code for path in persona["pages"]]
    results[persona["email"]] = statuses
print(json.dumps(results))
"""


def manage(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=check,
    )


def row_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {
            table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in tables
        }


def test_make_demo_twice_on_a_fresh_database_then_every_persona_signs_in(tmp_path):
    database = tmp_path / "fabriques.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_DEBUG": "1",
    }
    for step in (["migrate", "--noinput"], ["import_referential"], ["import_programme"]):
        manage(*step, env=env)

    first = manage("load_demo", env=env).stdout
    after_first = row_counts(database)
    second = manage("load_demo", env=env).stdout

    assert row_counts(database) == after_first
    assert "Démonstration déjà chargée : rien à créer." in second
    password, personas = printed_personas(first)
    assert len(personas) == 8
    signed_in = manage(
        "shell",
        "-c",
        SIGN_IN,
        env={
            **env,
            "DEMO_PASSWORD": password,
            "DEMO_PERSONAS": json.dumps([vars(p) for p in personas]),
        },
    )
    statuses = json.loads(signed_in.stdout.strip().splitlines()[-1])
    for persona in personas:
        expected = [302] + [302] * bool(persona.secret) + [200] * len(persona.pages)
        assert statuses[persona.email] == expected, persona.email

    before_refusal = row_counts(database)
    refused = manage("load_demo", env={**env, "DJANGO_DEBUG": "0"}, check=False)
    assert refused.returncode == 1
    assert "DJANGO_DEBUG=1" in refused.stderr
    assert row_counts(database) == before_refusal
