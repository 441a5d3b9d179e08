"""The workspace side menu: entries shown to those whose grants allow them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fabriques.accounts.roles import Grants


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: str | Promise
    url_name: str
    shown: Callable[[Grants], bool]


ENTRIES = (
    MenuEntry("years", _("Années du programme"), "programme:year_list", lambda g: g.is_admin),
    MenuEntry("fabriques", _("Fabriques"), "programme:fabrique_list", lambda g: g.has_workspace),
    # ANCT reviews the applications of its Fabriques; anyone signed in may fill in their own.
    MenuEntry(
        "received", _("Candidatures reçues"), "calls:received_applications", lambda g: g.is_anct
    ),
    MenuEntry(
        "applications",
        _("Mes candidatures"),
        "calls:my_applications",
        lambda g: g.is_authenticated,
    ),
    MenuEntry(
        "deliverables",
        _("Livrables"),
        "deliverables:dashboard",
        lambda g: g.is_anct or bool(g.provider_fabriques),
    ),
    MenuEntry("audit", _("Journal d’audit"), "workspace:audit", lambda g: g.is_admin),
    MenuEntry("account", _("Mon compte"), "accounts:profile", lambda g: g.is_authenticated),
)


def menu_entries(grants: Grants) -> list[dict]:
    entries = []
    for entry in ENTRIES:
        if not entry.shown(grants):
            continue
        entries.append({"key": entry.key, "label": entry.label, "url": reverse(entry.url_name)})
    return entries
