"""Page-number pagination that refuses bad parameters instead of guessing.

DRF's own class silently falls back to the default size on a bad ``page_size`` and answers 404
for a page out of range; here both are a 400 in the API's error format (see errors.py).
"""

import re

from django.core.paginator import Paginator
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

POSITIVE_INTEGER = re.compile(r"^[1-9][0-9]{0,8}$")

PAGE_SIZE = 20
MAX_PAGE_SIZE = 200


class Pagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    # Lazy strings, which DRF and drf-spectacular turn into text when they are read.
    page_query_description = gettext_lazy("Numéro de la page, à partir de 1.")  # type: ignore[assignment]
    page_size_query_description = format_lazy(  # type: ignore[assignment]
        gettext_lazy("Nombre de résultats par page ({default} par défaut, {max} au plus)."),
        default=PAGE_SIZE,
        max=MAX_PAGE_SIZE,
    )
    template = None  # JSON only: no browsable page controls

    query_params = ("page", "page_size")

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if not raw:  # absent or empty, as a form with an empty field sends it
            return self.page_size
        if not POSITIVE_INTEGER.match(raw) or int(raw) > self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: _(
                        "La taille de page doit être un entier entre 1 et %(max)d."
                    )
                    % {"max": self.max_page_size}
                },
                code="invalid",
            )
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        paginator = Paginator(queryset, page_size)
        raw = request.query_params.get(self.page_query_param) or "1"
        if not POSITIVE_INTEGER.match(raw):
            raise ValidationError(
                {self.page_query_param: _("Le numéro de page doit être un entier positif.")},
                code="invalid",
            )
        number = int(raw)
        if number > paginator.num_pages:
            message = ngettext(
                "La page %(number)d n'existe pas : il y a %(pages)d page.",
                "La page %(number)d n'existe pas : il y a %(pages)d pages.",
                paginator.num_pages,
            ) % {"number": number, "pages": paginator.num_pages}
            raise ValidationError({self.page_query_param: message}, code="out_of_range")
        self.page = paginator.page(number)
        return list(self.page)

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": _("Nombre total de résultats, toutes pages confondues."),
                    "example": 42,
                },
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": _("Adresse de la page suivante, ou null."),
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": _("Adresse de la page précédente, ou null."),
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["schema"]["default"] = self.page_size
        return parameters
