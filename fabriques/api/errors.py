"""The API's single error format.

Every error answer, whatever its status, has the same body::

    {"errors": [{"field": "year", "code": "invalid_choice", "message": "…"}]}

``field`` names the query parameter at fault, or is null when the error concerns the whole
request (unknown address, method not allowed…). Messages are in French.
"""

from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

from fabriques.core.text import strip_controls

# DRF names errors that concern no single field this way; the API reports them with field null.
NON_FIELD_KEYS = {"non_field_errors", "__all__", "detail"}


def error_entries(detail, field: str | None = None) -> list[dict]:
    """Flatten DRF's nested error details into a list of {field, code, message}."""
    if isinstance(detail, dict):
        entries = []
        for key, value in detail.items():
            name = None if key in NON_FIELD_KEYS else str(key)
            if field and name:
                name = f"{field}.{name}"
            entries.extend(error_entries(value, name or field))
        return entries
    if isinstance(detail, list):
        return [entry for item in detail for entry in error_entries(item, field)]
    # Messages may quote the value sent (« Aucun thème n'a l'identifiant « … » »): it comes
    # back without its control characters, like the name of an unknown parameter.
    return [
        {
            "field": strip_controls(field) if field else field,
            "code": getattr(detail, "code", "error"),
            "message": strip_controls(str(detail)),
        }
    ]


def error_body(entries: list[dict]) -> dict:
    return {"errors": entries}


def exception_handler(exc, context):
    """DRF's handler, with the body rewritten into the API's error format."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Aucune ressource ne correspond à cette adresse."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API exception: Django's 500 handler takes over
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    response.data = error_body(error_entries(detail))
    return response


def not_found(request, *args, **kwargs):
    """JSON 404 for any address under /api/ that no endpoint serves.

    An endpoint's address without its final slash is redirected to it, as APPEND_SLASH does
    elsewhere: CommonMiddleware cannot, since this catch-all makes every address valid.
    """
    if not request.path_info.endswith("/"):
        try:
            match = resolve(f"{request.path_info}/", getattr(request, "urlconf", None))
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    body = error_body(
        [
            {
                "field": None,
                "code": "not_found",
                "message": _("Aucune ressource ne correspond à cette adresse."),
            }
        ]
    )
    return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})


class ErrorSerializer(serializers.Serializer):
    # Schema of one error, for the OpenAPI document (a docstring would be published).

    field = serializers.CharField(
        allow_null=True,
        help_text=gettext_lazy(
            "Paramètre de requête en cause, ou null si l'erreur concerne toute la requête."
        ),
    )
    code = serializers.CharField(
        help_text=gettext_lazy("Code machine de l'erreur (invalid, not_found…).")
    )
    message = serializers.CharField(help_text=gettext_lazy("Explication en français."))


class ErrorResponseSerializer(serializers.Serializer):
    # The field shadows Serializer.errors (validation only, unused on a read-only API).
    errors = ErrorSerializer(many=True)  # type: ignore[assignment]
