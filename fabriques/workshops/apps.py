from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "fabriques.workshops"
    label = "workshops"
    verbose_name = _("Ateliers et séminaires")

    def ready(self) -> None:
        from . import signals

        signals.connect()
