from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudiesConfig(AppConfig):
    name = "fabriques.studies"
    label = "studies"
    verbose_name = _("Études prospectives")

    def ready(self) -> None:
        from fabriques.accounts.personal_data import PersonalDataSource, register

        from . import personal_data

        register(
            PersonalDataSource(
                key="studies.contributions",
                label=_("Études prospectives créées, calculs, saisies et résultats retenus"),
                export=personal_data.export_studies,
                erase=personal_data.erase_studies,
            )
        )
        register(
            PersonalDataSource(
                key="studies.voters",
                label=_("Participations aux votes des études prospectives"),
                export=personal_data.export_voters,
                erase=personal_data.erase_voters,
            )
        )
