"""Production settings pass Django's deployment checklist."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return {**env, "DJANGO_SETTINGS_MODULE": "config.settings"}


def run_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**run_env(), **extra_env},
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
    # The development defaults (development key, no HTTPS) must not pass as production.
    result = run_check({"DJANGO_DEBUG": "1"})
    assert result.returncode != 0
    assert "fabriques.E001" in result.stdout + result.stderr
    assert "security.W" in result.stdout + result.stderr


def test_platform_refuses_to_start_on_the_development_key_with_debug_off():
    for key in ({}, {"DJANGO_SECRET_KEY": ""}):
        result = run_check({"DJANGO_DEBUG": "0", **key})
        assert result.returncode != 0
        assert "ImproperlyConfigured: DJANGO_SECRET_KEY is missing" in result.stderr
    # The WSGI application gunicorn loads, with the committed key given explicitly.
    development_key = "insecure-local-development-key-change-me-in-production-0123456789"
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env={**run_env(), "DJANGO_SECRET_KEY": development_key},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is missing (or is the development key)" in result.stderr


def site_url(extra_env: dict[str, str]) -> str:
    env = {k: v for k, v in run_env().items() if k not in ("SITE_URL", "PORT")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SITE_URL)",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_DEBUG": "1", **extra_env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_links_follow_the_port_the_platform_is_served_on():
    assert site_url({}) == "http://127.0.0.1:8000"
    assert site_url({"PORT": "8811"}) == "http://127.0.0.1:8811"
    # A configured address wins (production, or a machine behind a proxy).
    assert site_url({"PORT": "8811", "SITE_URL": "https://fabriques.anct.gouv.fr"}) == (
        "https://fabriques.anct.gouv.fr"
    )
