"""Production settings pass Django's deployment checklist."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", **extra_env})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_variables():
    result = run_check(
        {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
            "DJANGO_ALLOWED_HOSTS": "fabriques.anct.gouv.fr",
            "DJANGO_SECURE": "1",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_without_production_variables():
    # The local defaults (development key, no HTTPS) must not pass as production.
    result = run_check({})
    assert result.returncode != 0
    assert "security.W" in result.stdout + result.stderr
