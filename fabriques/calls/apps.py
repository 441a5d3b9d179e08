from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "fabriques.calls"
    label = "calls"
    verbose_name = _("Appels à volontaires et candidatures")
