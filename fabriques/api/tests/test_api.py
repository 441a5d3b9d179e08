"""Public API: responses against golden files, filters, pagination, visibility."""

import pytest
from django.urls import reverse

from fabriques.programme.models import FabriqueStatus
from fabriques.programme.tests.dataset import build_reference_programme

from .golden import assert_golden

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return build_reference_programme()


def get_json(client, url, params=None, status=200):
    response = client.get(url, params or {})
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def slugs(data):
    return [item["slug"] for item in data["results"]]


GOLDEN = [
    ("root", "api:root", {}, {}),
    ("fabriques", "api:fabrique-list", {}, {}),
    ("fabriques_year_2020", "api:fabrique-list", {}, {"year": "2020"}),
    ("fabrique_detail", "api:fabrique-detail", {"slug": "2020-alimentation-durable"}, {}),
    ("territories", "api:territory-list", {}, {}),
    (
        "territory_detail_qpv",
        "api:territory-detail",
        {"identifier": "qpv-16-basseau-grande-garenne"},
        {},
    ),
    ("territory_detail_epci", "api:territory-detail", {"identifier": "epci-200071827"}, {}),
    ("organisations", "api:organisation-list", {}, {}),
    ("organisation_detail", "api:organisation-detail", {"slug": "anct"}, {}),
    ("themes", "api:theme-list", {}, {}),
    ("programmes", "api:programme-list", {}, {}),
    ("statistics", "api:statistics", {}, {}),
    ("error_unknown_year", "api:fabrique-list", {}, {"year": "2017"}),
]


@pytest.mark.parametrize(("name", "view", "kwargs", "params"), GOLDEN, ids=[g[0] for g in GOLDEN])
def test_responses_match_golden_files(client, programme, name, view, kwargs, params):
    response = client.get(reverse(view, kwargs=kwargs), params)
    assert response["Content-Type"] == "application/json"
    assert_golden(name, {"status": response.status_code, "body": response.json()})


def test_fabrique_item_has_the_documented_fields(client, programme):
    item = get_json(client, reverse("api:fabrique-list"), {"year": "2019"})["results"][0]
    assert list(item) == [
        "slug",
        "url",
        "title",
        "year",
        "status",
        "start_month",
        "end_month",
        "themes",
        "associations",
        "partners",
        "cofunders",
        "providers",
        "anct_programmes",
        "participations",
    ]
    assert item["start_month"] == "2019-11"
    assert item["end_month"] == "2021-06"
    assert item["participations"][0] == {
        "label": "Saint-Péray",
        "kind": "commune",
        "code": "07281",
        "departement": "07",
        "region": "84",
        "territory": "commune-07281",
    }


def test_unpublished_fabrique_is_invisible_everywhere(client, programme):
    hidden = programme.fabriques["2021-idee-non-publiee"]
    assert hidden.status == FabriqueStatus.IDEA
    everything = get_json(client, reverse("api:fabrique-list"), {"page_size": "200"})
    assert hidden.slug not in slugs(everything)
    get_json(client, reverse("api:fabrique-detail", kwargs={"slug": hidden.slug}), status=404)
    # Angoulême only took part in the hidden Fabrique; the hidden organisation only played a
    # role there; the 2021 figures count only the public Fabrique.
    get_json(
        client, reverse("api:territory-detail", kwargs={"identifier": "commune-16015"}), status=404
    )
    organisations = get_json(client, reverse("api:organisation-list"))
    assert "organisation-cachee" not in slugs(organisations)
    get_json(
        client,
        reverse("api:organisation-detail", kwargs={"slug": "organisation-cachee"}),
        status=404,
    )
    apvf = get_json(client, reverse("api:organisation-detail", kwargs={"slug": "apvf"}))
    assert apvf["fabriques_count"] == 2
    assert hidden.slug not in [f["slug"] for f in apvf["fabriques"]["elected_association"]]
    themes = {
        t["slug"]: t["fabriques_count"] for t in get_json(client, "/api/v1/themes/")["results"]
    }
    assert themes == {"alimentation": 1, "sante": 2}
    years = get_json(client, reverse("api:statistics"))["years"]
    assert years[0] == {
        "year": 2021,
        "declared_territories": 4,
        "counted_territories": 1,
        "fabriques": 1,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year": "2020"}, ["2020-alimentation-durable"]),
        ({"theme": "sante"}, ["2020-alimentation-durable", "2019-sante-environnementale"]),
        ({"theme": "alimentation", "year": "2019"}, []),
        ({"departement": "974"}, ["2020-alimentation-durable", "2019-sante-environnementale"]),
        ({"departement": "16"}, ["2021-temps-des-villes", "2020-alimentation-durable"]),
        ({"region": "84"}, ["2019-sante-environnementale"]),
        ({"association": "adcf"}, ["2020-alimentation-durable"]),
        # INRAE is a partner, not an association of elected officials.
        ({"association": "inrae"}, []),
        ({"programme": "petites-villes-de-demain"}, ["2019-sante-environnementale"]),
        ({"q": "SANTE"}, ["2019-sante-environnementale"]),
        ({"q": "santé  petites"}, ["2019-sante-environnementale"]),
        ({"q": "alimentation accessible"}, ["2020-alimentation-durable"]),
        ({"q": "rythmes absent"}, []),
        (
            {"q": "   "},
            ["2021-temps-des-villes", "2020-alimentation-durable", "2019-sante-environnementale"],
        ),
    ],
)
def test_fabrique_filters(client, programme, params, expected):
    data = get_json(client, reverse("api:fabrique-list"), params)
    assert slugs(data) == expected
    assert data["count"] == len(expected)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {},
            [
                "qpv-16-basseau-grande-garenne",
                "epci-200071827",
                "commune-97412",
                "commune-07281",
                "qpv-QPTEST01",
            ],
        ),
        ({"kind": "commune"}, ["commune-97412", "commune-07281"]),
        ({"kind": "qpv", "departement": "93"}, ["qpv-QPTEST01"]),
        ({"departement": "16"}, ["qpv-16-basseau-grande-garenne", "epci-200071827"]),
        ({"region": "04"}, ["commune-97412"]),
        ({"region": "84", "kind": "epci"}, []),
    ],
)
def test_territory_filters(client, programme, params, expected):
    data = get_json(client, reverse("api:territory-list"), params)
    assert [t["id"] for t in data["results"]] == expected
    assert data["count"] == len(expected)


def test_territory_groups_the_participations_of_one_entity(client, programme):
    data = get_json(client, reverse("api:territory-detail", kwargs={"identifier": "commune-97412"}))
    assert data["name"] == "Saint-Joseph"
    assert data["population"] == 38137
    assert [f["slug"] for f in data["fabriques"]] == [
        "2020-alimentation-durable",
        "2019-sante-environnementale",
    ]


@pytest.mark.parametrize(
    "identifier",
    ["commune-99999", "epci-", "qpv-16-inconnu", "qpv-QPINCONNU", "region-75", "n'importe quoi"],
)
def test_unknown_territory_is_404(client, programme, identifier):
    url = reverse("api:territory-detail", kwargs={"identifier": identifier})
    body = get_json(client, url, status=404)
    assert body["errors"][0]["field"] is None


def test_every_participation_links_to_its_territory(client, programme):
    fabriques = get_json(client, reverse("api:fabrique-list"))["results"]
    for fabrique in fabriques:
        for participation in fabrique["participations"]:
            url = reverse("api:territory-detail", kwargs={"identifier": participation["territory"]})
            territory = get_json(client, url)
            assert fabrique["slug"] in [f["slug"] for f in territory["fabriques"]]
            assert territory["kind"] == participation["kind"]
            assert territory["code"] == participation["code"]


def test_organisation_filters(client, programme):
    data = get_json(client, reverse("api:organisation-list"), {"kind": "elected_association"})
    assert slugs(data) == ["adcf", "apvf"]
    data = get_json(client, reverse("api:organisation-list"), {"q": "cohesion"})
    assert slugs(data) == ["anct"]


def test_pagination_links_keep_the_filters(client, programme):
    url = reverse("api:fabrique-list")
    first = get_json(client, url, {"page_size": "2", "theme": "sante"})
    assert first["count"] == 2
    assert first["next"] is None
    first = get_json(client, url, {"page_size": "2"})
    assert first["count"] == 3
    assert slugs(first) == ["2021-temps-des-villes", "2020-alimentation-durable"]
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/fabriques/?page=2&page_size=2"
    second = client.get(first["next"]).json()
    assert slugs(second) == ["2019-sante-environnementale"]
    assert second["next"] is None
    assert second["previous"] == "http://testserver/api/v1/fabriques/?page_size=2"


def test_empty_list_is_one_empty_page(client, db):
    data = get_json(client, reverse("api:fabrique-list"))
    assert data == {"count": 0, "next": None, "previous": None, "results": []}
    data = get_json(client, reverse("api:territory-list"), {"page": "1"})
    assert data["results"] == []
