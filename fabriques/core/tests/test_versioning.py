"""Cached computations: once per data version, never stale after a bump."""

import pytest
from django.core.cache import cache
from django.db import transaction

from fabriques.core.models import ChangeCounter
from fabriques.core.versioning import (
    bump_data_version,
    cached_by_version,
    data_version,
    shared_data_version,
    shared_data_version_and,
)

pytestmark = pytest.mark.django_db


def test_bump_creates_then_increments_the_counter():
    assert data_version() == 0
    bump_data_version()
    bump_data_version()
    assert data_version() == ChangeCounter.objects.get(name="public-data").value == 2


def test_a_rolled_back_bump_is_undone(locmem):
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        bump_data_version()
        raise RuntimeError
    assert data_version() == before


def test_cached_value_is_recomputed_after_a_bump(locmem):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached_by_version("k", compute) == 1
    assert cached_by_version("k", compute) == 1
    bump_data_version()
    assert cached_by_version("k", compute) == 2


def test_the_shared_version_answers_without_a_query_once_cached(locmem, django_assert_num_queries):
    bump_data_version()
    with django_assert_num_queries(1):
        assert shared_data_version() == 1  # read from the database, offered to the cache
    with django_assert_num_queries(0):
        assert shared_data_version() == 1


def test_a_bump_drops_the_shared_version_then_publishes_the_committed_one(
    locmem, django_capture_on_commit_callbacks
):
    assert shared_data_version() == 0
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        bump_data_version()
        # Before the commit: dropped, so a reader goes to the database (which, from another
        # connection, still says 0 until the commit; the callback then publishes 1).
        assert cache.get("data-version:public-data") is None
    assert len(callbacks) == 1
    cache.set("data-version:public-data", 0)  # a reader's stale read, offered meanwhile
    callbacks[0]()
    assert cache.get("data-version:public-data") == 1
    assert shared_data_version() == 1


def test_a_late_callback_never_puts_an_older_version_back(
    locmem, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as first:
        bump_data_version()
    with django_capture_on_commit_callbacks(execute=True):
        bump_data_version()
    assert shared_data_version() == 2
    first[0]()  # the first writer's callback runs last
    assert shared_data_version() == 2


def test_a_stale_offer_does_not_overwrite_a_published_version(locmem):
    bump_data_version()
    cache.set("data-version:public-data", 1)
    cache.add("data-version:public-data", 0)  # what a slow reader would offer
    assert shared_data_version() == 1


def test_the_version_and_entries_are_read_together(
    locmem, django_assert_num_queries, django_capture_on_commit_callbacks
):
    cache.set("some-page", "kept")
    with django_assert_num_queries(1):  # not in the cache yet: read, then offered to it
        assert shared_data_version_and("some-page", "absent") == (0, {"some-page": "kept"})
    with django_assert_num_queries(0):
        assert shared_data_version_and("some-page") == (0, {"some-page": "kept"})
    with django_capture_on_commit_callbacks(execute=True):
        bump_data_version()
    with django_assert_num_queries(0):  # published by the writer's on-commit callback
        assert shared_data_version_and() == (1, {})
