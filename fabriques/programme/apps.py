from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "fabriques.programme"
    label = "programme"
    verbose_name = _("Programme")

    def ready(self) -> None:
        from . import signals

        signals.connect()

        from . import search_sources

        search_sources.register()
