"""System checks of the platform's own settings."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[Error]:
    """`check --deploy` fails on the development key (the settings refuse it with DEBUG off)."""
    if getattr(settings, "DEVELOPMENT_SECRET_KEY", None) != settings.SECRET_KEY:
        return []
    return [
        Error(
            "SECRET_KEY is the development key committed in config/settings.py.",
            hint="Set DJANGO_SECRET_KEY to a long random value.",
            id="fabriques.E001",
        )
    ]
