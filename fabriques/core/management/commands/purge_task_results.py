from typing import Any

from django.conf import settings
from django.core.management import BaseCommand, CommandParser

from fabriques.core.services import task_results_purge


class Command(BaseCommand):
    help = "Supprime les résultats des tâches terminées depuis plus que la durée de conservation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=settings.TASK_RESULT_RETENTION_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = task_results_purge(days=options["days"])
        self.stdout.write(f"Résultats de tâches : {deleted} supprimé(s).")
