from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fabriques.accounts.services import SIGN_IN_LINK_RETENTION_DAYS, sign_in_links_purge


class Command(BaseCommand):
    help = (
        "Supprime les liens de connexion expirés ou révoqués depuis plus de "
        f"{SIGN_IN_LINK_RETENTION_DAYS} jours ; à lancer chaque jour."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=SIGN_IN_LINK_RETENTION_DAYS)

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        deleted = sign_in_links_purge(days=days)
        self.stdout.write(f"Liens de connexion : {deleted} supprimé(s).")
