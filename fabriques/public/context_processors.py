from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from fabriques.calls.selectors import call_calendar

# The signed-in areas: their own pages say where calls stand (the workspace's dashboard lists
# the open calls), so the menu's badge costs them nothing.
SIGNED_IN_AREAS = ("/espace/", "/compte/", "/admin/")


def open_calls(request: HttpRequest) -> dict[str, object]:
    """The open calls for the main menu's badge and the home page: one cached look-up (the
    data version, see core.versioning), and only if a template reads them."""
    if request.path.startswith(SIGNED_IN_AREAS):
        return {}
    return {"open_calls": SimpleLazyObject(lambda: call_calendar().open())}
