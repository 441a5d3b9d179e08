from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "fabriques.workshops"
    label = "workshops"
    verbose_name = _("Ateliers et séminaires")

    def ready(self) -> None:
        from fabriques.accounts.personal_data import PersonalDataSource, register

        from . import personal_data

        register(
            PersonalDataSource(
                key="workshops.minutes_comments",
                label=_("Commentaires sur les comptes rendus de rencontres"),
                export=personal_data.export_minutes_comments,
                erase=personal_data.erase_minutes_comments,
            )
        )
        register(
            PersonalDataSource(
                key="workshops.calendar_feed",
                label=_("Adresse d’agenda personnelle"),
                export=personal_data.export_calendar_feed,
                erase=personal_data.erase_calendar_feed,
            )
        )
        register(
            PersonalDataSource(
                key="workshops.registrations",
                label=_("Inscriptions aux ateliers et séminaires"),
                export=personal_data.export_registrations,
                erase=personal_data.erase_registrations,
                # « workinggroups.members » unlinks the member rows (account, address)
                # through which these are found.
                before=("workinggroups.members",),
            )
        )

        from . import signals

        signals.connect()

        from fabriques.programme import calendar

        from .selectors.planning import calendar_source

        calendar.register(calendar_source)
