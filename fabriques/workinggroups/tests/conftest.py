import pytest

from fabriques.programme.tests.personas import build_personas


@pytest.fixture
def cast(db):
    """The shared cast, with Fabriques A and B running."""
    return build_personas()
