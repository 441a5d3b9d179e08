from django.http import HttpRequest, HttpResponse


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    raise NotImplementedError  # Replaced by the accounts work.
