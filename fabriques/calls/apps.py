from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "fabriques.calls"
    label = "calls"
    verbose_name = _("Appels à volontaires et candidatures")

    def ready(self) -> None:
        from fabriques.accounts.personal_data import PersonalDataSource, register

        from .personal_data import erase_applications, export_applications

        register(
            PersonalDataSource(
                key="calls.applications",
                label=_("Candidatures aux appels à volontaires"),
                export=export_applications,
                erase=erase_applications,
            )
        )
