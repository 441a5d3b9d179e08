from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliverablesConfig(AppConfig):
    name = "fabriques.deliverables"
    label = "deliverables"
    verbose_name = _("Suivi du prestataire et livrables")

    def ready(self) -> None:
        # Registers the permission rules (rules.add_perm) the access functions rely on.
        from . import access  # noqa: F401
        from .personal_data import register_sources

        register_sources()
