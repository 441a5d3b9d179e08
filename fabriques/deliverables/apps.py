from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliverablesConfig(AppConfig):
    name = "fabriques.deliverables"
    label = "deliverables"
    verbose_name = _("Suivi du prestataire et livrables")

    def ready(self) -> None:
        from .personal_data import register_sources

        register_sources()
