"""Cached computations: once per data version, never stale after a bump."""

import pytest
from django.db import transaction

from fabriques.core.models import ChangeCounter
from fabriques.core.versioning import bump_data_version, cached_by_version, data_version

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
