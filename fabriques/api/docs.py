"""The API documentation page, rendered on the server from the OpenAPI document.

No Swagger UI or Redoc: the page works offline, in French, in the State design system, and
cannot drift from the schema because it is built from it on each request.
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fabriques.core.licence import LICENCE

from .openapi import build_schema
from .pagination import MAX_PAGE_SIZE, PAGE_SIZE

REF_PREFIX = "#/components/schemas/"
TAG_ORDER = ["Fabriques", "Territoires", "Organisations", "Nomenclatures", "Statistiques"]


def type_tokens(schema: dict) -> list[dict]:
    """A field's type as words and component links, e.g. "liste de" + link to Participation."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(REF_PREFIX)
        return [{"ref": name, "text": name}]
    if "allOf" in schema:
        return [token for part in schema["allOf"] for token in type_tokens(part)]
    kind = schema.get("type")
    if kind == "array":
        return [{"text": _("liste de")}, *type_tokens(schema.get("items", {}))]
    labels: dict[str, str] = {
        "string": _("texte"),
        "integer": _("entier"),
        "number": _("nombre"),
        "boolean": _("booléen"),
        "object": _("objet"),
    }
    text = labels.get(kind, kind) if kind else _("quelconque")
    if schema.get("format") == "uri":
        text = _("adresse (URL)")
    if schema.get("pattern") and kind == "string" and "enum" not in schema:
        text = _("%(type)s de forme %(pattern)s") % {"type": text, "pattern": schema["pattern"]}
    return [{"text": text}]


def describe(schema: dict) -> dict:
    return {
        "type": type_tokens(schema),
        "enum": schema.get("enum", []),
        "nullable": schema.get("nullable", False),
        "description": schema.get("description", ""),
        "minimum": schema.get("minimum"),
        "maximum": schema.get("maximum"),
        "default": schema.get("default"),
    }


def operations_by_tag(schema: dict) -> list[dict]:
    groups: dict[str, list[dict]] = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            parameters = [
                {
                    "name": parameter["name"],
                    "location": _("chemin") if parameter["in"] == "path" else _("requête"),
                    "required": parameter.get("required", False),
                    **describe(parameter.get("schema", {})),
                    "description": parameter.get("description", ""),
                }
                for parameter in operation.get("parameters", [])
            ]
            responses = []
            for status, response in operation["responses"].items():
                content = response.get("content", {}).get("application/json", {})
                responses.append(
                    {
                        "status": status,
                        "description": response.get("description") or _("Réponse"),
                        "type": type_tokens(content["schema"]) if content else [],
                    }
                )
            tag = (operation.get("tags") or [""])[0]
            groups.setdefault(tag, []).append(
                {
                    "id": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": parameters,
                    "responses": responses,
                }
            )
    order = {tag: index for index, tag in enumerate(TAG_ORDER)}
    return [
        {"name": tag, "operations": operations}
        for tag, operations in sorted(groups.items(), key=lambda item: order.get(item[0], 99))
    ]


def components(schema: dict) -> list[dict]:
    result = []
    for name, component in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(component.get("required", []))
        result.append(
            {
                "name": name,
                "description": component.get("description", ""),
                "enum": component.get("enum", []),
                "properties": [
                    {"name": prop, "required": prop in required, **describe(prop_schema)}
                    for prop, prop_schema in component.get("properties", {}).items()
                ],
            }
        )
    return result


@require_safe
def docs(request):
    schema = build_schema()
    groups = operations_by_tag(schema)
    context = {
        "info": schema["info"],
        "groups": groups,
        "components": components(schema),
        "schema_url": reverse("api:schema"),
        "root_url": reverse("api:root"),
        "example_url": reverse("api:fabrique-list") + "?year=2020&q=sante",
        "page_size": PAGE_SIZE,
        "max_page_size": MAX_PAGE_SIZE,
        "licence": LICENCE,
        "breadcrumb_data": {"links": [], "current": _("Documentation de l'API")},
    }
    return render(request, "api/docs.html", context)
