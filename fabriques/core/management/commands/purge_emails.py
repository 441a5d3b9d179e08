from typing import Any

from django.conf import settings
from django.core.management import BaseCommand, CommandParser

from fabriques.core.emails import outgoing_emails_purge


class Command(BaseCommand):
    help = "Supprime les courriels sortants plus anciens que la durée de conservation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=settings.EMAIL_RETENTION_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = outgoing_emails_purge(days=options["days"])
        self.stdout.write(f"Courriels sortants : {deleted} supprimé(s).")
