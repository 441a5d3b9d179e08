from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fabriques.accounts.services import ACCOUNT_INACTIVITY_DAYS, users_purge_inactive


class Command(BaseCommand):
    help = (
        "Efface les comptes inutilisés depuis un an (dernière connexion, ou création si aucune), "
        "comme l’annonce la page « Données personnelles » ; à lancer chaque jour."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=ACCOUNT_INACTIVITY_DAYS,
            help=f"Durée d’inactivité en jours (par défaut {ACCOUNT_INACTIVITY_DAYS}).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Compte sans rien effacer.")

    def handle(self, *args: Any, days: int, dry_run: bool, **options: Any) -> None:
        ids = users_purge_inactive(days=days, dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"{len(ids)} compte(s) inutilisé(s) depuis {days} jours à effacer.")
        else:
            self.stdout.write(f"{len(ids)} compte(s) inutilisé(s) depuis {days} jours effacé(s).")
