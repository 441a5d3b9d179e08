"""Fixtures shared by the tests of every app."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from pytest_django.fixtures import Settings


@pytest.fixture
def locmem(settings: Settings) -> Iterator[None]:
    """A real in-memory cache (the test settings use a dummy one), emptied around the test."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "v"}
    }
    cache.clear()
    yield
    cache.clear()
