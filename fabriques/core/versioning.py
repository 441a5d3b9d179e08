"""Cached computations keyed by a data version, so that no write ever leaves them stale."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import Signal

from .models import ChangeCounter

T = TypeVar("T")

PUBLIC_DATA = "public-data"
CACHE_TIMEOUT = 24 * 3600

# Sent after the commit of a write that changed a family of data (argument: name). What is
# derived from the data and too costly to rebuild on a request (the open-data files) listens.
data_changed = Signal()


def data_version(name: str = PUBLIC_DATA) -> int:
    """Current version of a family of data (one indexed query)."""
    value = ChangeCounter.objects.filter(name=name).values_list("value", flat=True).first()
    return value or 0


# How long the shared cache may answer the data version without the database (see
# shared_data_version): the bound on staleness if a writer's process died between its commit
# and its on-commit callback, which otherwise publishes the new version at once.
SHARED_VERSION_SECONDS = 30


def _shared_key(name: str) -> str:
    return f"data-version:{name}"


def bump_data_version(name: str = PUBLIC_DATA) -> None:
    """Mark the data as changed; runs inside the writer's transaction, so a rollback undoes it.

    The version the shared cache holds is dropped at once and, after the commit, replaced by
    the database's (see shared_data_version)."""
    cache.delete(_shared_key(name))
    transaction.on_commit(lambda: _publish(name))
    if ChangeCounter.objects.filter(name=name).update(value=F("value") + 1):
        return
    try:
        with transaction.atomic():
            ChangeCounter.objects.create(name=name, value=1)
    except IntegrityError:  # created meanwhile by a concurrent writer
        ChangeCounter.objects.filter(name=name).update(value=F("value") + 1)


def _publish(name: str) -> None:
    # The database's value now, not the one this writer made: a later writer's may already
    # be committed, and the cache must never go back to an older version.
    cache.set(_shared_key(name), data_version(name), SHARED_VERSION_SECONDS)
    data_changed.send(sender=None, name=name)


def shared_data_version(name: str = PUBLIC_DATA) -> int:
    """The data version as the shared cache holds it — no query — else read from the
    database and offered to the cache (`add`: a newer version published meanwhile wins).

    A writer drops it before its commit and publishes the new one right after (its
    on-commit callback runs before its answer leaves), so every server sees a write at once.
    For the whole-page cache, whose hits must not touch the database."""
    return shared_data_version_and(name=name)[0]


def shared_data_version_and(*keys: str, name: str = PUBLIC_DATA) -> tuple[int, dict[str, Any]]:
    """shared_data_version() and the cache's entries for `keys`, read together in one round
    trip to the cache (the whole-page cache's hit: the version and the page)."""
    version_key = _shared_key(name)
    found = cache.get_many([version_key, *keys])
    value: int | None = found.pop(version_key, None)
    if value is None:
        value = data_version(name)
        cache.add(version_key, value, SHARED_VERSION_SECONDS)
    return value, found


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
