"""What the demo needs from the database, built with the apps' factories.

The demo picks its territories by official code (services.DEMO_TERRITORIES) and its themes by
slug, so that it loads the same world on the imported referential and here: these fixtures make
exactly those rows (with their real names) and nothing else.
"""

import pytest

from fabriques.demo.content import DEMO_TERRITORIES, OPEN_THEME, PUBLISHED_THEME, RUNNING_THEME
from fabriques.programme.tests.factories import ThemeFactory
from fabriques.territories.models import ParticipationKind
from fabriques.territories.tests.factories import (
    CommuneFactory,
    DepartementFactory,
    EpciFactory,
    RegionFactory,
)

# code: (name, département code, département name, région code, région name)
COMMUNES = {
    "46102": ("Figeac", "46", "Lot", "76", "Occitanie"),
    "12145": ("Millau", "12", "Aveyron", "76", "Occitanie"),
    "22070": ("Guingamp", "22", "Côtes-d'Armor", "53", "Bretagne"),
    "71014": ("Autun", "71", "Saône-et-Loire", "27", "Bourgogne-Franche-Comté"),
    "34142": ("Lodève", "34", "Hérault", "76", "Occitanie"),
    "07186": ("Privas", "07", "Ardèche", "84", "Auvergne-Rhône-Alpes"),
    "15120": ("Mauriac", "15", "Cantal", "84", "Auvergne-Rhône-Alpes"),
    "19275": ("Ussel", "19", "Corrèze", "75", "Nouvelle-Aquitaine"),
    "36088": ("Issoudun", "36", "Indre", "24", "Centre-Val de Loire"),
}
EPCIS = {
    "242500338": ("CC du Grand Pontarlier", "25", "Doubs", "27", "Bourgogne-Franche-Comté"),
}


def _departement(code: str, name: str, region_code: str, region_name: str):
    region = RegionFactory(code=region_code, name=region_name)
    return DepartementFactory(code=code, name=name, region=region)


@pytest.fixture
def referential(db):
    """The demo's communes and EPCI, and the themes import_programme would bring."""
    for kind, code in DEMO_TERRITORIES:
        if kind == ParticipationKind.COMMUNE:
            name, *where = COMMUNES[code]
            CommuneFactory(code=code, name=name, departement=_departement(*where))
        else:
            name, *where = EPCIS[code]
            EpciFactory(siren=code, name=name, departement=_departement(*where))
    ThemeFactory(slug=RUNNING_THEME, name="Transition écologique")
    ThemeFactory(slug=OPEN_THEME, name="Alimentation")
    ThemeFactory(slug=PUBLISHED_THEME, name="Santé")
