"""Build the open-data files of the current data version now (run daily by run_daily)."""

from typing import Any

from django.core.management import BaseCommand

from fabriques.opendata.publishing import publish


class Command(BaseCommand):
    help = (
        "Construit les fichiers des données ouvertes (CSV, JSON et leurs copies compressées) "
        "pour la version actuelle des données, s’ils n’existent pas déjà."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        publication = publish()
        if publication is None:
            self.stdout.write("Données ouvertes : les fichiers sont à jour ou en construction.")
            return
        files = list(publication.files.all())
        self.stdout.write(
            f"Données ouvertes : version {publication.version} publiée, "
            f"{len(files)} fichiers, {sum(f.size for f in files)} octets."
        )
