from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkingGroupsConfig(AppConfig):
    name = "fabriques.workinggroups"
    label = "workinggroups"
    verbose_name = _("Groupes de travail locaux")

    def ready(self) -> None:
        from fabriques.accounts.personal_data import PersonalDataSource, register

        from .personal_data import erase_members, export_members

        register(
            PersonalDataSource(
                key="workinggroups.members",
                label=_("Participation aux groupes de travail locaux"),
                export=export_members,
                erase=erase_members,
            )
        )
