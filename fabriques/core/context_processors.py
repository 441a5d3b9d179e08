from django.conf import settings


def site(request):
    """Site-wide values for templates, without any database query."""
    return {"SITE_URL": settings.SITE_URL}
