"""Writes to calls bump the public data version (see core.versioning), like the programme's.

The menu, the home page and /appels/ read the calls' dates from a cache keyed by that version;
a new closing date must show at once. Only invalidates caches: no business effect.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save

from fabriques.core.versioning import bump_data_version

from .models import Call


def _bump(sender: type[Call], **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loaddata
        return
    bump_data_version()


def connect() -> None:
    post_save.connect(_bump, sender=Call, dispatch_uid="bump-calls.Call")
    post_delete.connect(_bump, sender=Call, dispatch_uid="bump-del-calls.Call")
