from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "fabriques.workshops"
    label = "workshops"
    verbose_name = _("Ateliers et séminaires")

    def ready(self) -> None:
        from fabriques.accounts.personal_data import PersonalDataSource, register

        from .personal_data import erase_minutes_comments, export_minutes_comments

        register(
            PersonalDataSource(
                key="workshops.minutes_comments",
                label=_("Commentaires sur les comptes rendus de rencontres"),
                export=export_minutes_comments,
                erase=erase_minutes_comments,
            )
        )
