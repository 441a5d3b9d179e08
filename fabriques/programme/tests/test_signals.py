"""Every write to public programme data bumps the data version (signals.py)."""

import pytest
from django.db import transaction

from fabriques.core.versioning import cached_by_version, data_version
from fabriques.programme.tests.factories import FabriqueFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_a_rolled_back_write_does_not_bump(locmem):
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        FabriqueFactory.create()
        raise RuntimeError
    assert data_version() == before


def test_cached_value_is_recomputed_after_any_write(locmem):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached_by_version("k", compute) == 1
    assert cached_by_version("k", compute) == 1
    ThemeFactory.create()  # any write to programme data
    assert cached_by_version("k", compute) == 2
