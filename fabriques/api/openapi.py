"""Helpers for the OpenAPI document drf-spectacular builds from the views."""

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema_field

EMPTY_VALUE = _("Une valeur vide vaut absence du paramètre.")


def choices_help(intro, choices) -> str:
    """Lazy help text listing each code with its French label."""
    return lazy(
        lambda: f"{intro} : " + " ; ".join(f"{value} ({label})" for value, label in choices) + ".",
        str,
    )()


def documented(filter_, schema: dict):
    """Gives the OpenAPI type of a filter that drf-spectacular cannot infer (method filters,
    codes looked up in another model); the help text stays the description."""
    return extend_schema_field({**schema, "description": filter_.extra["help_text"]})(filter_)


class ApiAutoSchema(AutoSchema):
    def get_operation_id(self):
        # "fabriques_list" rather than "v1_fabriques_list": the version is in the document.
        return super().get_operation_id().removeprefix("v1_")

    def get_operation(self, *args, **kwargs):
        # Every query parameter given empty (?year=, ?q=, ?page=) counts as absent: no filter,
        # the default page. Said once here for all of them, in words and as allowEmptyValue.
        operation = super().get_operation(*args, **kwargs)
        for parameter in (operation or {}).get("parameters", []):
            if parameter["in"] == "query":
                parameter["allowEmptyValue"] = True
                parameter["description"] = " ".join(
                    filter(None, [str(parameter.get("description", "")), str(EMPTY_VALUE)])
                )
        return operation


class EnumFieldExtension(OpenApiSerializerFieldExtension):
    """Documents each serializers.EnumField as a named enum component, its codes described
    with their French labels."""

    target_class = "fabriques.api.serializers.EnumField"
    match_subclasses = True

    def get_name(self) -> str:
        return self.target.enum_name

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "string",
            "enum": [value for value, _ in self.target.choice_set],
            "description": str(choices_help(_("Valeurs"), self.target.choice_set)),
        }


def build_schema(request=None) -> dict:
    """The OpenAPI document, as /api/schema/ serves it."""
    return SchemaGenerator().get_schema(request=request, public=True)
