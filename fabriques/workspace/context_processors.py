from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from fabriques.accounts.roles import grants_for

from .menu import menu_entries


def grants(request: HttpRequest) -> dict:
    """The person's grants and menu; computed only if a template reads them."""
    user = getattr(request, "user", None)
    return {
        "grants": SimpleLazyObject(lambda: grants_for(user)),
        "workspace_menu_entries": SimpleLazyObject(lambda: menu_entries(grants_for(user))),
    }
