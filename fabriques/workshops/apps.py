from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "fabriques.workshops"
    label = "workshops"
    verbose_name = _("Ateliers et séminaires")

    def ready(self) -> None:
        from fabriques.accounts.personal_data import PersonalDataSource, register

        from .personal_data import erase_calendar_feed, export_calendar_feed

        register(
            PersonalDataSource(
                key="workshops.calendar_feed",
                label=_("Adresse d’agenda personnelle"),
                export=export_calendar_feed,
                erase=erase_calendar_feed,
            )
        )
