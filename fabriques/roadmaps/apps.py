from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapsConfig(AppConfig):
    name = "fabriques.roadmaps"
    label = "roadmaps"
    verbose_name = _("Feuilles de route")

    def ready(self) -> None:
        from . import search_sources, signals

        search_sources.register()
        signals.connect()
