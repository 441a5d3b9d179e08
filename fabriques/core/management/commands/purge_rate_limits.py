from typing import Any

from django.core.management import BaseCommand

from fabriques.core.ratelimit import rate_limit_counters_purge


class Command(BaseCommand):
    help = "Supprime les compteurs de limitation des demandes dont la période est écoulée."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = rate_limit_counters_purge()
        self.stdout.write(f"Compteurs de limitation : {deleted} supprimé(s).")
