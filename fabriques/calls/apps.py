from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "fabriques.calls"
    label = "calls"
    verbose_name = _("Appels à volontaires et candidatures")

    def ready(self) -> None:
        from fabriques.accounts.personal_data import PersonalDataSource, register

        from . import signals
        from .personal_data import (
            erase_applications,
            erase_scores,
            export_applications,
            export_scores,
        )

        register(
            PersonalDataSource(
                key="calls.applications",
                label=_("Candidatures aux appels à volontaires"),
                export=export_applications,
                erase=erase_applications,
            )
        )
        register(
            PersonalDataSource(
                key="calls.scores",
                label=_("Notes et commentaires donnés aux candidatures"),
                export=export_scores,
                erase=erase_scores,
            )
        )
        signals.connect()
