"""Cached computations keyed by a data version, so that no write ever leaves them stale."""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F

from .models import ChangeCounter

T = TypeVar("T")

PUBLIC_DATA = "public-data"
CACHE_TIMEOUT = 24 * 3600


def data_version(name: str = PUBLIC_DATA) -> int:
    """Current version of a family of data (one indexed query)."""
    value = ChangeCounter.objects.filter(name=name).values_list("value", flat=True).first()
    return value or 0


def bump_data_version(name: str = PUBLIC_DATA) -> None:
    """Mark the data as changed; runs inside the writer's transaction, so a rollback undoes it."""
    if ChangeCounter.objects.filter(name=name).update(value=F("value") + 1):
        return
    try:
        with transaction.atomic():
            ChangeCounter.objects.create(name=name, value=1)
    except IntegrityError:  # created meanwhile by a concurrent writer
        ChangeCounter.objects.filter(name=name).update(value=F("value") + 1)


def cached_by_version(key: str, compute: Callable[[], T], *, name: str = PUBLIC_DATA) -> T:
    """compute() once per data version. The version is read before the data, so a result can
    only be stored under a version older than the data it reflects, never the reverse."""
    cache_key = f"{key}:v{data_version(name)}"
    # The key holds nothing but compute()'s result for this version.
    value: T | None = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, CACHE_TIMEOUT)
    return value
