from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from fabriques.calls.services import applications_purge
from fabriques.calls.tasks import purge_applications


class Command(BaseCommand):
    help = _(
        "Supprime les candidatures non retenues et les brouillons d’appels clos au-delà de la "
        "durée de conservation (APPLICATION_RETENTION_DAYS), avec leurs délibérations."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help=_("Confie la purge au travailleur de tâches au lieu de la faire tout de suite."),
        )

    def handle(self, *args: Any, enqueue: bool = False, **options: Any) -> None:
        if enqueue:
            result = purge_applications.enqueue()
            self.stdout.write(
                _("Purge confiée au travailleur de tâches (%(id)s).") % {"id": result.id}
            )
            return
        report = applications_purge()
        self.stdout.write(
            _(
                "%(rejected)d candidature(s) non retenue(s) et %(drafts)d brouillon(s) "
                "supprimé(s), %(files)d délibération(s) effacée(s) (conservation : %(days)d jours)."
            )
            % {
                "rejected": report.rejected,
                "drafts": report.drafts,
                "files": report.files,
                "days": settings.APPLICATION_RETENTION_DAYS,
            }
        )
