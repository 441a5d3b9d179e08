import pytest
from django.core.exceptions import ValidationError

from fabriques.core.models import AuditEvent
from fabriques.programme.services import participation_create
from fabriques.territories.models import Participation, ParticipationKind
from fabriques.territories.tests.factories import (
    CommuneFactory,
    EpciFactory,
    ParticipationFactory,
    QpvFactory,
)

from .factories import FabriqueFactory

pytestmark = pytest.mark.django_db


def test_a_commune_joins_after_the_others():
    fabrique = FabriqueFactory.create()
    ParticipationFactory.create(fabrique=fabrique, position=4)
    commune = CommuneFactory.create(name="Saint-Étienne")
    participation = participation_create(
        fabrique=fabrique, kind=ParticipationKind.COMMUNE, commune=commune, label="", actor=None
    )
    assert participation.label == "Saint-Étienne"
    assert participation.position == 5
    assert participation.departement == commune.departement
    event = AuditEvent.objects.get(action="participation.created")
    assert event.summary == f"Saint-Étienne rejoint la Fabrique « {fabrique.title} »"
    fabrique.refresh_from_db()
    assert "saint-etienne" in fabrique.search_text


def test_a_qpv_takes_its_own_departement_and_needs_a_host():
    fabrique = FabriqueFactory.create()
    qpv, epci = QpvFactory.create(), EpciFactory.create()
    with pytest.raises(ValidationError, match="une commune ou un EPCI, pas les deux"):
        participation_create(
            fabrique=fabrique, kind=ParticipationKind.QPV, qpv=qpv, label="Q", actor=None
        )
    participation = participation_create(
        fabrique=fabrique, kind=ParticipationKind.QPV, qpv=qpv, epci=epci, label="Q", actor=None
    )
    assert participation.departement == qpv.departement
    assert participation.host == epci


def test_a_territory_joins_once():
    existing = ParticipationFactory.create()
    with pytest.raises(ValidationError) as caught:
        participation_create(
            fabrique=existing.fabrique,
            kind=ParticipationKind.COMMUNE,
            commune=existing.commune,
            label="Doublon",
            actor=None,
        )
    assert existing.commune is not None
    assert caught.value.message_dict == {
        "commune": [f"{existing.commune.name} est déjà un territoire accompagné de cette Fabrique."]
    }
    assert Participation.objects.count() == 1


def test_the_kind_names_the_entity():
    fabrique = FabriqueFactory.create()
    with pytest.raises(ValidationError, match="Choisissez le territoire"):
        participation_create(
            fabrique=fabrique,
            kind=ParticipationKind.EPCI,
            commune=CommuneFactory.create(),
            label="X",
        )
    with pytest.raises(ValidationError, match="un seul territoire"):
        participation_create(
            fabrique=fabrique,
            kind=ParticipationKind.COMMUNE,
            commune=CommuneFactory.create(),
            epci=EpciFactory.create(),
            label="X",
        )
