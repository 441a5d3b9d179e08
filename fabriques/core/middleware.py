"""Middleware of the platform as a whole."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .failsafe import error_response


class RequestBodyLimitMiddleware:
    """Refuses a request body too large to be legitimate before anything reads it.

    Django spools an upload to a temporary file while parsing it, before any view can check
    who sends it or how large it is: a 500 MB body would be written to disk for an anonymous
    visitor. The announced Content-Length is checked instead (413), and a chunked body, whose
    size nobody knows in advance, is refused (411): browsers never send one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return self.refuse(
                request,
                411,
                code="length_required",
                message=_("La requête doit indiquer la taille de son contenu."),
            )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body either
        limit = settings.REQUEST_MAX_BODY_BYTES
        if length > limit:
            return self.refuse(
                request,
                413,
                code="request_too_large",
                message=_("Le contenu envoyé est trop volumineux : la limite est de %(limit)s.")
                % {"limit": filesizeformat(limit)},
            )
        return self.get_response(request)

    def refuse(self, request: HttpRequest, status: int, *, code: str, message: str) -> HttpResponse:
        return error_response(
            request, status, code=code, message=message, template="request_refused.html"
        )
