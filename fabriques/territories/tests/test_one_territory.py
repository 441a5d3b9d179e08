import itertools

import pytest
from django.db.models import CharField, IntegerField, Value

from fabriques.territories.models import (
    ParticipationKind,
    is_one_territory,
    one_territory_condition,
)


@pytest.mark.django_db
def test_the_python_check_and_the_constraint_agree():
    condition = one_territory_condition()
    for kind, (commune, epci, qpv) in itertools.product(
        ParticipationKind.values, itertools.product((None, 1), repeat=3)
    ):
        against = {
            "kind": Value(kind, output_field=CharField()),
            **{
                name: Value(pk, output_field=IntegerField())
                for name, pk in (("commune", commune), ("epci", epci), ("qpv", qpv))
            },
        }
        assert condition.check(against) == is_one_territory(
            kind, commune=commune, epci=epci, qpv=qpv
        ), (kind, commune, epci, qpv)


def test_a_qpv_is_carried_by_a_commune_or_an_epci():
    assert is_one_territory(ParticipationKind.QPV, commune=1, epci=None, qpv=1)
    assert is_one_territory(ParticipationKind.QPV, commune=None, epci=1, qpv=1)
    assert not is_one_territory(ParticipationKind.QPV, commune=1, epci=1, qpv=1)
    assert not is_one_territory(ParticipationKind.QPV, commune=None, epci=None, qpv=1)
    assert not is_one_territory(ParticipationKind.COMMUNE, commune=1, epci=None, qpv=1)
