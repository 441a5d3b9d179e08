"""Cached public pages show new data at once after a write."""

import pytest

from fabriques.programme.tests.factories import FabriqueFactory
from fabriques.territories.tests.factories import ParticipationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("whole_pages", [False, True], ids=["fragments", "whole-pages"])
@pytest.mark.parametrize(
    "url", ["/", "/fabriques/", "/statistiques/", "/donnees/", "/api/v1/statistics/"]
)
def test_cached_pages_show_new_data_at_once(client, locmem, settings, url, whole_pages):
    """With the cached fragments alone (what a signed-in person gets) and with the whole
    anonymous page kept (fabriques.public.pagecache)."""
    settings.PUBLIC_PAGE_CACHE = whole_pages
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
