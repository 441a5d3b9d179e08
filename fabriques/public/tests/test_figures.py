"""One public figure, one value: the home page, the statistics page, the API and the open data
agree on the programme's totals, with or without a year lacking a declared figure.

The API and the open data are read through their URLs only (public imports neither).
"""

import csv
import io
from collections import Counter
from html import unescape

import pytest
from django.urls import reverse

from fabriques.calls.tests.factories import CallFactory
from fabriques.programme.models import FabriqueStatus
from fabriques.programme.tests.dataset import build_reference_programme
from fabriques.programme.tests.factories import FabriqueFactory, ProgrammeYearFactory
from fabriques.public.tests.test_statistics import parse, table_by_id
from fabriques.territories.tests.factories import ParticipationFactory

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return " ".join(unescape(html).replace("\xa0", " ").split())


def home_figures(client) -> dict:
    doc = parse(client.get(reverse("public:home")).content.decode())
    [figures] = [n for n in doc.find_all("ul") if "fab-figures" in n.attrs.get("class", "")]
    values = [
        p.text() for p in figures.find_all("p") if "fab-figure__value" in p.attrs.get("class", "")
    ]
    return {"fabriques": values[0], "counted": values[1], "text": _text(figures.text())}


def statistics_figures(client) -> dict:
    html = client.get(reverse("public:statistics")).content.decode()
    doc = parse(html)
    [total] = table_by_id(doc, "table-annees").find("tfoot").find_all("tr")
    cells = [cell.text() for cell in total.iter() if cell.tag in ("th", "td")]
    [key_figures] = [n for n in doc.find_all("ul") if n.attrs.get("aria-label") == "Chiffres clés"]
    return {
        "total_row": cells[1:4],  # Fabriques, declared, counted
        "key_figures": _text(key_figures.text()),
    }


def api_statistics(client) -> dict:
    return client.get(reverse("api:statistics")).json()


def opendata_rows(client, dataset: str) -> list[dict]:
    url = reverse("opendata:download", kwargs={"dataset": dataset, "ext": "csv"})
    response = client.get(url)
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_every_surface_withholds_the_declared_total_when_a_year_has_no_declared_figure(client):
    build_reference_programme()  # 2018–2021, all declared (48); 3 public Fabriques, 6 territories
    year = ProgrammeYearFactory(year=2022, declared_territories=None)
    fabrique = FabriqueFactory(slug="2022-nouvelle", title="Nouvelle Fabrique", programme_year=year)
    ParticipationFactory(fabrique=fabrique, label="Première", position=0)
    ParticipationFactory(fabrique=fabrique, label="Seconde", position=1)
    sentence = "Total déclaré par l’ANCT non publié : l’ANCT n’a pas publié de chiffre pour 2022."

    home = home_figures(client)
    assert (home["fabriques"], home["counted"]) == ("4", "8")
    assert sentence in home["text"]
    assert "déclarés par l’ANCT" not in home["text"]  # neither 48 nor any partial sum

    page = statistics_figures(client)
    assert page["total_row"] == ["4", "non publié", "8"]
    assert sentence in page["key_figures"]

    api = api_statistics(client)
    assert api["totals"] == {
        "fabriques": 4,
        "counted_territories": 8,
        "declared_territories": None,
        "undeclared_years": [2022],
    }
    assert api["years"][0] == {
        "year": 2022,
        "declared_territories": None,
        "counted_territories": 2,
        "fabriques": 1,
    }

    # The open data publishes no total: its rows per year are the same figures.
    fabriques = Counter(int(row["year"]) for row in opendata_rows(client, "fabriques"))
    territories = Counter(int(row["year"]) for row in opendata_rows(client, "participations"))
    for row in api["years"]:
        assert fabriques[row["year"]] == row["fabriques"], row
        assert territories[row["year"]] == row["counted_territories"], row
    assert (fabriques.total(), territories.total()) == (4, 8)


def test_every_surface_publishes_the_declared_total_when_every_year_has_one(client):
    build_reference_programme()

    home = home_figures(client)
    assert (home["fabriques"], home["counted"]) == ("3", "6")
    assert "48 déclarés par l’ANCT" in home["text"]
    assert "non publié" not in home["text"]

    page = statistics_figures(client)
    assert page["total_row"] == ["3", "48", "6"]
    assert "(48 déclarés par l’ANCT)" in page["key_figures"]

    api = api_statistics(client)
    assert api["totals"] == {
        "fabriques": 3,
        "counted_territories": 6,
        "declared_territories": 48,
        "undeclared_years": [],
    }
    assert sum(row["declared_territories"] for row in api["years"]) == 48

    fabriques = Counter(int(row["year"]) for row in opendata_rows(client, "fabriques"))
    territories = Counter(int(row["year"]) for row in opendata_rows(client, "participations"))
    assert {row["year"]: row["fabriques"] for row in api["years"] if row["fabriques"]} == dict(
        fabriques
    )
    assert (fabriques.total(), territories.total()) == (3, 6)


def test_home_counts_the_years_the_catalogue_holds_and_names_them_when_not_contiguous(client):
    for year in (2018, 2019, 2026):
        fabrique = FabriqueFactory(programme_year=ProgrammeYearFactory(year=year))
        for _ in range(4):
            ParticipationFactory(fabrique=fabrique)
    # A year whose only Fabrique is still calling for volunteers is not in the catalogue.
    CallFactory(
        fabrique__status=FabriqueStatus.CALL_OPEN,
        fabrique__programme_year=ProgrammeYearFactory(year=2027),
    )
    catalogue_years = client.get(reverse("public:catalogue")).context["form"].fields["year"]
    offered = [value for value, _label in catalogue_years.choices if value]
    assert sorted(int(v) for v in offered) == [2018, 2019, 2026]
    text = home_figures(client)["text"]
    assert "3 années de programme (2018, 2019 et 2026)" in text
    assert "2018–2026" not in text
