"""Cached pages: computed once per data version, never stale after a write."""

import pytest
from django.core.cache import cache
from django.db import transaction

from fabriques.core.models import ChangeCounter
from fabriques.core.versioning import bump_data_version, cached_by_version, data_version
from fabriques.programme.tests.factories import FabriqueFactory, ThemeFactory
from fabriques.territories.tests.factories import ParticipationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def locmem(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "v"}
    }
    cache.clear()
    yield
    cache.clear()


def test_bump_creates_then_increments_the_counter():
    assert data_version() == 0
    bump_data_version()
    bump_data_version()
    assert data_version() == ChangeCounter.objects.get(name="public-data").value == 2


def test_a_rolled_back_write_does_not_bump(locmem):
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        FabriqueFactory()
        raise RuntimeError
    assert data_version() == before


def test_cached_value_is_recomputed_after_any_write(locmem):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached_by_version("k", compute) == 1
    assert cached_by_version("k", compute) == 1
    ThemeFactory()  # any write to programme data
    assert cached_by_version("k", compute) == 2


@pytest.mark.parametrize(
    "url", ["/", "/fabriques/", "/statistiques/", "/donnees/", "/api/v1/statistics/"]
)
def test_cached_pages_show_new_data_at_once(client, locmem, url):
    fabrique = FabriqueFactory(title="Première Fabrique", programme_year__year=2031)
    for _ in range(4):
        ParticipationFactory(fabrique=fabrique)
    first = client.get(url)
    assert first.status_code == 200
    # A second Fabrique in a new year, written after the figures were cached.
    other = FabriqueFactory(title="Seconde Fabrique", programme_year__year=2032)
    for _ in range(4):
        ParticipationFactory(fabrique=other)
    second = client.get(url)
    assert second.status_code == 200
    if url == "/donnees/":
        # The page gives row counts and file sizes, not years: they must have changed.
        assert second.content != first.content
    else:
        assert b"2032" in second.content and b"2032" not in first.content
