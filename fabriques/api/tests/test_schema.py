"""The OpenAPI document is valid, lists every endpoint, and tells the truth about responses."""

import json
import re

import jsonschema
import pytest
import yaml
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from fabriques.programme.tests.dataset import build_reference_programme

from .test_api import GOLDEN

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/v1/fabriques/",
    "/api/v1/fabriques/{slug}/",
    "/api/v1/territories/",
    "/api/v1/territories/{identifier}/",
    "/api/v1/organisations/",
    "/api/v1/organisations/{slug}/",
    "/api/v1/themes/",
    "/api/v1/programmes/",
    "/api/v1/statistics/",
    # The library (published roadmaps, action sheets, recommendations).
    "/api/v1/roadmaps/",
    "/api/v1/roadmaps/{id}/",
    "/api/v1/action-sheets/",
    "/api/v1/action-sheets/{id}/",
    "/api/v1/recommendations/",
    "/api/v1/recommendations/{id}/",
}


@pytest.fixture
def schema(client):
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_is_valid_openapi_3_in_yaml_and_json(client, schema):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    assert "openapi" in response["Content-Type"]
    from_yaml = yaml.safe_load(response.content)
    assert from_yaml["openapi"].startswith("3.")
    validate_schema(from_yaml)
    validate_schema(schema)
    assert from_yaml == schema


def test_schema_lists_the_endpoints_and_only_them(schema):
    assert set(schema["paths"]) == ENDPOINTS
    for path, methods in schema["paths"].items():
        assert set(methods) == {"get"}, path  # read-only
        operation = methods["get"]
        assert operation["summary"], path
        assert {"200", "400"} <= set(operation["responses"]), path
        assert "$ref" in json.dumps(operation["responses"]["400"]), path
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), (path, parameter["name"])


def test_documented_filters(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/fabriques/"]["get"]["parameters"]}
    assert set(parameters) == {
        "year",
        "theme",
        "programme",
        "association",
        "departement",
        "region",
        "q",
        "page",
        "page_size",
    }
    assert parameters["year"]["schema"]["type"] == "integer"
    assert parameters["page_size"]["schema"]["maximum"] == 200
    assert all(p["description"] for p in parameters.values())
    territories = schema["paths"]["/api/v1/territories/"]["get"]["parameters"]
    kind = next(p for p in territories if p["name"] == "kind")
    assert kind["schema"]["enum"] == ["commune", "epci", "qpv"]


def test_every_documented_query_parameter_is_accepted(client, schema):
    """The strict check and the document agree: no documented parameter is refused."""
    for path, methods in schema["paths"].items():
        if "{" in path:
            continue
        for parameter in methods["get"].get("parameters", []):
            if parameter["in"] != "query":
                continue
            response = client.get(path, {parameter["name"]: ""})
            assert response.status_code == 200, (path, parameter["name"], response.content)


def test_schema_descriptions_are_french(schema):
    """No English docstring leaks into the document (they would become descriptions)."""
    english = re.compile(r"\b(the|of|and|for|with|which|returns?)\b")
    texts = []
    for methods in schema["paths"].values():
        operation = methods["get"]
        texts += [operation.get("description", ""), operation.get("summary", "")]
        texts += [p.get("description", "") for p in operation.get("parameters", [])]
    for component in schema["components"]["schemas"].values():
        texts.append(component.get("description", ""))
        texts += [p.get("description", "") for p in component.get("properties", {}).values()]
    leaks = [text for text in texts if english.search(text)]
    assert not leaks


def to_json_schema(node, components):
    """OpenAPI 3.0 schema → JSON Schema, strict about properties (none undocumented)."""
    if isinstance(node, list):
        return [to_json_schema(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return to_json_schema(components[node["$ref"].rsplit("/", 1)[1]], components)
    result = {
        key: to_json_schema(value, components)
        for key, value in node.items()
        if key not in {"nullable", "readOnly", "example", "format"}
    }
    if "properties" in node:
        result["properties"] = {
            name: to_json_schema(value, components) for name, value in node["properties"].items()
        }
        result["additionalProperties"] = False
    if node.get("nullable"):
        result["type"] = [node["type"], "null"]
        if "enum" in node:
            result["enum"] = [*node["enum"], None]
    return result


@pytest.mark.parametrize(("name", "view", "kwargs", "params"), GOLDEN, ids=[g[0] for g in GOLDEN])
def test_responses_conform_to_the_document(client, schema, name, view, kwargs, params):
    build_reference_programme()
    url = reverse(view, kwargs=kwargs)
    response = client.get(url, params)
    if view == "api:root":
        return  # discovery only, not in the document
    template = next(
        path for path in schema["paths"] if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", path), url)
    )
    responses = schema["paths"][template]["get"]["responses"]
    documented = responses[str(response.status_code)]["content"]["application/json"]["schema"]
    jsonschema.validate(
        response.json(), to_json_schema(documented, schema["components"]["schemas"])
    )


def test_docs_page_renders_the_document_offline(client, schema):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    for path, methods in schema["paths"].items():
        assert f"<code>{path}</code>" in html
        for parameter in methods["get"].get("parameters", []):
            assert f"<code>{parameter['name']}</code>" in html
    for name in schema["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    # Offline: no script, style sheet or font from another site (Swagger UI/Redoc CDNs…).
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', html)
    assert "Format des erreurs" in html
