import pytest

from fabriques.accounts.tests.factories import UserFactory
from fabriques.territories.tests.factories import CommuneFactory

from .factories import CallCriterionFactory, CallFactory


@pytest.fixture
def call(db):
    call = CallFactory(fabrique__title="Centres-bourgs 2040")
    CallCriterionFactory(call=call, label="Portage politique", weight=2, max_score=5, position=0)
    CallCriterionFactory(call=call, label="Groupe de travail", weight=1, max_score=5, position=1)
    return call


@pytest.fixture
def applicant(db):
    return UserFactory(username="agent@saint-etienne.fr", first_name="Agnès", last_name="Varda")


@pytest.fixture
def commune(db):
    return CommuneFactory(name="Saint-Étienne", code="42218")
