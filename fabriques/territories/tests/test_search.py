import pytest

from fabriques.territories.models import ParticipationKind
from fabriques.territories.selectors import territory_label, territory_search

from .factories import CommuneFactory, DepartementFactory, EpciFactory, QpvFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loire(db):
    departement = DepartementFactory(code="42", name="Loire")
    return {
        "ville": CommuneFactory(
            name="Saint-Étienne", code="42218", departement=departement, population=170000
        ),
        "bourg": CommuneFactory(
            name="Saint-Étienne-le-Molard", code="42219", departement=departement, population=1000
        ),
        "metropole": EpciFactory(
            name="Saint-Étienne Métropole", siren="244200770", departement=departement
        ),
        "quartier": QpvFactory(name="Montreynaud", code="QN04201M", departement=departement),
        "oeuvre": CommuneFactory(
            name="L’Œuvre-sur-Loire", code="42999", departement=departement, population=50
        ),
    }


def names(results):
    return [m.name for m in results]


def test_accents_are_optional(loire):
    results = territory_search(q="Saint-Etienne")
    # The exact name first, then names starting with it, the most populated first.
    assert names(results) == [
        "Saint-Étienne",
        "Saint-Étienne-le-Molard",
        "Saint-Étienne Métropole",
    ]
    first = results[0]
    assert (first.kind, first.code, first.departement_code, first.departement_name) == (
        ParticipationKind.COMMUNE,
        "42218",
        "42",
        "Loire",
    )
    assert first.label == "Saint-Étienne (42218)"


def test_words_in_any_form(loire):
    assert names(territory_search(q="SAINT étienne"))[0] == "Saint-Étienne"
    assert names(territory_search(q="oeuvre")) == ["L’Œuvre-sur-Loire"]
    assert names(territory_search(q="metropole st")) == []
    assert names(territory_search(q="métropole saint")) == ["Saint-Étienne Métropole"]


def test_codes(loire):
    assert names(territory_search(q="42218")) == ["Saint-Étienne"]
    assert names(territory_search(q="244200770")) == ["Saint-Étienne Métropole"]
    assert names(territory_search(q="qn04201m")) == ["Montreynaud"]
    # A code prefix lists its matches, the most populated first.
    assert names(territory_search(q="4221")) == ["Saint-Étienne", "Saint-Étienne-le-Molard"]


def test_bounds(loire):
    assert territory_search(q="s") == []
    assert territory_search(q=" - ") == []
    for n in range(15):
        CommuneFactory(name=f"Saint-Genest {n}", code=f"43{n:03d}")
    assert len(territory_search(q="saint")) == 10
    assert len(territory_search(q="saint", limit=500)) == 10
    assert len(territory_search(q="saint", limit=3)) == 3


def test_kinds(loire):
    assert names(territory_search(q="saint etienne", kinds=["epci"])) == ["Saint-Étienne Métropole"]


def test_three_queries_at_most(loire, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # communes, EPCI, QPV, each with its département
        territory_search(q="saint")


def test_one_label_per_territory_with_its_official_code(loire):
    """A commune is known by its INSEE code, never its SIREN; an EPCI by its SIREN."""
    loire["ville"].siren = "214202186"
    loire["ville"].save()
    nameless_code = QpvFactory(name="Cités", code="", departement=loire["ville"].departement)
    assert territory_label(loire["ville"]) == "Saint-Étienne (42218)"
    assert territory_label(loire["metropole"]) == "Saint-Étienne Métropole (244200770)"
    assert territory_label(loire["quartier"]) == "Montreynaud (QN04201M)"
    assert territory_label(nameless_code) == "Cités"
    # The autocomplete offers the same label.
    for kind, entity in (
        (ParticipationKind.COMMUNE, loire["ville"]),
        (ParticipationKind.EPCI, loire["metropole"]),
        (ParticipationKind.QPV, loire["quartier"]),
        (ParticipationKind.QPV, nameless_code),
    ):
        (match,) = [m for m in territory_search(q=entity.name, kinds=[kind]) if m.pk == entity.pk]
        assert match.label == territory_label(entity)
