from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    """Site-wide values for templates, without any database query."""
    return {"SITE_URL": settings.SITE_URL}
