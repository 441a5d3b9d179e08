from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "fabriques.api"
    label = "api"
    verbose_name = _("API")

    def ready(self):
        # Registers the drf-spectacular extensions wherever the schema is generated
        # (/api/schema/, `manage.py spectacular`, drf-spectacular's deploy check).
        from . import openapi  # noqa: F401
