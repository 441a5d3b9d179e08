from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "fabriques.opendata"
    label = "opendata"
    verbose_name = _("Données ouvertes")

    def ready(self) -> None:
        from fabriques.core.versioning import data_changed

        from .publishing import on_data_changed

        data_changed.connect(on_data_changed, dispatch_uid="opendata.publish")
