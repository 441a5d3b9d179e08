"""Every write to public programme data bumps the data version (signals.py)."""

import pytest
from django.db import transaction

from fabriques.core.versioning import data_version
from fabriques.programme.tests.factories import FabriqueFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_a_rolled_back_write_does_not_bump(locmem):
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        FabriqueFactory.create()
        raise RuntimeError
    assert data_version() == before


def test_any_write_to_programme_data_bumps_the_version():
    # core's tests show that a bump makes every cached value be computed again.
    before = data_version()
    ThemeFactory.create()
    assert data_version() > before
