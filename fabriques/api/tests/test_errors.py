"""Bad requests give a 400 (or 404/405) in the single error format, never a 500."""

import pytest
from django.urls import reverse

from fabriques.programme.tests.dataset import build_reference_programme

pytestmark = pytest.mark.django_db

LISTS = [
    "api:fabrique-list",
    "api:territory-list",
    "api:organisation-list",
    "api:theme-list",
    "api:programme-list",
]


@pytest.fixture
def programme():
    return build_reference_programme()


def assert_error(response, status, field, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"errors"}
    assert body["errors"], body
    for error in body["errors"]:
        assert set(error) == {"field", "code", "message"}
        assert error["message"]
    fields = [error["field"] for error in body["errors"]]
    assert field in fields, body
    if code is not None:
        assert code in [error["code"] for error in body["errors"]], body
    return body


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"year": "2017"}, "year", "invalid_choice"),
        ({"year": "deux-mille"}, "year", "invalid_choice"),
        ({"year": "2020.0"}, "year", "invalid_choice"),
        ({"year": "99999999999999999999"}, "year", "invalid_choice"),  # beyond any integer
        ({"year": ""}, None, None),  # an empty value means "not filtered": no error
        ({"theme": "inconnu"}, "theme", "invalid_choice"),
        ({"programme": "inconnu"}, "programme", "invalid_choice"),
        ({"association": "inconnue"}, "association", "invalid_choice"),
        ({"departement": "00"}, "departement", "invalid_choice"),
        ({"departement": "16\x00"}, "departement", "null_characters_not_allowed"),
        ({"region": "99"}, "region", "invalid_choice"),
        ({"q": "x" * 201}, "q", "max_length"),
        ({"page": "0"}, "page", "invalid"),
        ({"page": "-1"}, "page", "invalid"),
        ({"page": "deux"}, "page", "invalid"),
        ({"page": "last"}, "page", "invalid"),
        ({"page": "2"}, "page", "out_of_range"),
        ({"page": "99999999999999999999"}, "page", "invalid"),
        ({"page_size": "0"}, "page_size", "invalid"),
        ({"page_size": "201"}, "page_size", "invalid"),
        ({"page_size": "dix"}, "page_size", "invalid"),
        ({"annee": "2020"}, "annee", "unknown_parameter"),
        ({"format": "xml"}, "format", "invalid"),
    ],
)
def test_bad_fabrique_parameters(client, programme, params, field, code):
    response = client.get(reverse("api:fabrique-list"), params)
    if field is None:
        assert response.status_code == 200
        return
    body = assert_error(response, 400, field, code)
    assert all(error["field"] == field for error in body["errors"])


def test_messages_are_french_and_name_the_value(client, programme):
    body = client.get(reverse("api:fabrique-list"), {"theme": "inconnu"}).json()
    assert body["errors"][0]["message"] == "Aucun thème n'a l'identifiant « inconnu »."
    body = client.get(reverse("api:fabrique-list"), {"page": "4"}).json()
    assert body["errors"][0]["message"] == "La page 4 n'existe pas : il y a 1 page."


def test_repeated_parameter_is_refused(client, programme):
    response = client.get(reverse("api:fabrique-list") + "?year=2019&year=2020")
    assert_error(response, 400, "year", "repeated_parameter")


def test_several_errors_are_reported_together(client, programme):
    response = client.get(reverse("api:fabrique-list"), {"foo": "1", "year": "1900"})
    body = assert_error(response, 400, "foo", "unknown_parameter")
    # Unknown parameters are refused before the filters are read.
    assert [e["field"] for e in body["errors"]] == ["foo"]


@pytest.mark.parametrize("view", LISTS)
@pytest.mark.parametrize(
    ("params", "field"),
    [({"page": "abc"}, "page"), ({"page_size": "1000"}, "page_size"), ({"nope": "1"}, "nope")],
)
def test_every_list_refuses_bad_parameters(client, programme, view, params, field):
    assert_error(client.get(reverse(view), params), 400, field)


@pytest.mark.parametrize(
    ("view", "params", "field"),
    [
        ("api:territory-list", {"kind": "region"}, "kind"),
        ("api:territory-list", {"departement": "2C"}, "departement"),
        ("api:territory-list", {"region": "XX"}, "region"),
        ("api:organisation-list", {"kind": "club"}, "kind"),
        ("api:statistics", {"year": "2020"}, "year"),
        ("api:statistics", {"page": "1"}, "page"),
    ],
)
def test_other_endpoints_refuse_bad_parameters(client, programme, view, params, field):
    assert_error(client.get(reverse(view), params), 400, field)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/fabriques/inconnue/",
        "/api/v1/organisations/inconnue/",
        "/api/v1/territories/commune-00000/",
        "/api/v1/inconnu/",
        "/api/v2/fabriques/",
        "/api/",
        # Without a final slash, or with a newline, a tab, a NUL or an escape in the path.
        "/api/v1/nope",
        "/api/%0A",
        "/api/%0A/",
        "/api/v1/%0A",
        "/api/v1/fabriques/x%0Ay/",
        "/api/v1/fabriques/%0A",
        "/api/v1/fabriques%0A/",
        "/api/v1/%09%00%1b[31m/",
        "/api/v1/territories/commune-16015%0A/",
    ],
)
def test_unknown_addresses_are_json_404(client, programme, url):
    assert_error(client.get(url), 404, None, "not_found")


def test_detail_refuses_query_parameters(client, programme):
    url = reverse("api:fabrique-detail", kwargs={"slug": "2020-alimentation-durable"})
    assert_error(client.get(url, {"page": "1"}), 400, "page", "unknown_parameter")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_api_is_read_only(client, programme, method):
    response = getattr(client, method)(reverse("api:fabrique-list"), {})
    assert_error(response, 405, None, "method_not_allowed")


def test_address_without_final_slash_redirects(client, programme):
    response = client.get("/api/v1/fabriques")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/fabriques/"
    response = client.get("/api/v1/fabriques", {"year": "2020"})
    assert response["Location"] == "/api/v1/fabriques/?year=2020"
    response = client.get("/api/v1/fabriques/2020-alimentation-durable")
    assert response["Location"] == "/api/v1/fabriques/2020-alimentation-durable/"
    # An address no endpoint serves, with or without the slash: a 404 at once.
    assert_error(client.get("/api/v1/inconnu"), 404, None, "not_found")


@pytest.mark.parametrize("view", LISTS)
def test_every_empty_parameter_counts_as_absent(client, programme, view):
    url = reverse(view)
    expected = client.get(url).json()
    parameters = [p["name"] for p in schema_parameters(client, url)]
    assert parameters, url
    for name in parameters:
        response = client.get(url, {name: ""})
        assert response.status_code == 200, (name, response.content)
        assert response.json() == expected, name


def schema_parameters(client, path: str) -> list[dict]:
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    return schema["paths"][path]["get"]["parameters"]


def test_schema_says_an_empty_parameter_counts_as_absent(client, programme):
    for view in LISTS:
        for parameter in schema_parameters(client, reverse(view)):
            if parameter["in"] != "query":
                continue
            assert parameter["allowEmptyValue"] is True, parameter
            assert parameter["description"].endswith(
                "Une valeur vide vaut absence du paramètre."
            ), parameter
    docs = client.get(reverse("api:docs")).content.decode()
    assert "Un paramètre donné vide (par exemple year= ou q=) vaut absence" in docs


def test_search_term_loses_its_control_characters(client, programme):
    url = reverse("api:fabrique-list")
    expected = client.get(url, {"q": "santé"}).json()
    assert expected["count"] >= 1
    for q in ("sant\x00é", "\x1bsanté\x9b", "\nsanté\t\r"):
        response = client.get(url, {"q": q})
        assert response.status_code == 200, (q, response.content)
        assert response.json() == expected, q


def test_error_messages_quote_values_without_control_characters(client, programme):
    response = client.get(reverse("api:fabrique-list"), {"theme": "\x1b[31minconnu\x07"})
    body = assert_error(response, 400, "theme", "invalid_choice")
    message = body["errors"][0]["message"]
    assert message.startswith("Aucun thème n'a l'identifiant «"), message
    assert "[31minconnu\xa0»" in message and "\x1b" not in message and "\x07" not in message
    response = client.get(reverse("api:fabrique-list"), {"x\x1by": "1"})
    assert_error(response, 400, "xy", "unknown_parameter")
