from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "fabriques.recommendations"
    label = "recommendations"
    verbose_name = _("Préconisations")

    def ready(self) -> None:
        from . import search_sources

        search_sources.register()
