from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "fabriques.workshops"
    label = "workshops"
    verbose_name = _("Ateliers et séminaires")

    def ready(self) -> None:
        from fabriques.accounts.personal_data import PersonalDataSource, register

        from .personal_data import erase_registrations, export_registrations

        register(
            PersonalDataSource(
                # Sources are erased in the order of their keys, and « workinggroups.members »
                # unlinks the member rows (account, address) through which these are found:
                # this key sorts before it.
                key="workinggroups.member_registrations",
                label=_("Inscriptions aux ateliers et séminaires"),
                export=export_registrations,
                erase=erase_registrations,
            )
        )
