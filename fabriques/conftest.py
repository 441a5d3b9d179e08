"""Fixtures shared by the tests of every app."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from pytest_django.fixtures import Settings

from fabriques.accounts import personal_data
from fabriques.accounts.models import User


@pytest.fixture
def locmem(settings: Settings) -> Iterator[None]:
    """A real in-memory cache (the test settings use a dummy one), emptied around the test."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "v"}
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fake_source(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Another app's personal data, registered like calls or deliverables do."""
    erased: list[int] = []

    def erase(user: User) -> int:
        erased.append(user.pk)
        return 2

    source = personal_data.PersonalDataSource(
        key="zz.notes",
        label="Notes de test",
        export=lambda user: [{"note": f"note de {user.email}"}],
        erase=erase,
    )
    monkeypatch.setitem(personal_data._SOURCES, source.key, source)
    return erased
