from typing import Any

from django.conf import settings
from django.core.management import BaseCommand, CommandParser

from fabriques.core.services import audit_events_purge


class Command(BaseCommand):
    help = "Supprime les événements du journal d’audit plus anciens que la durée de conservation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=settings.AUDIT_RETENTION_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = audit_events_purge(days=options["days"])
        self.stdout.write(f"Journal d’audit : {deleted} événement(s) supprimé(s).")
