from pathlib import Path
from typing import Any

from django.core.management import BaseCommand, CommandError, CommandParser

from fabriques.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Vérifie le manifeste d’une sauvegarde puis restaure la base de données et les fichiers "
        "déposés ; refuse une base non vide sans --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="dossier ou archive .tar.gz de sauvegarde")
        parser.add_argument(
            "--force",
            action="store_true",
            help="remplacer une base non vide et les fichiers de même nom",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(source=options["source"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(result.row_counts.values())
        self.stdout.write(
            f"Sauvegarde du {result.metadata['created_at']} restaurée : "
            f"{len(result.row_counts)} tables, {rows} lignes, {result.files} fichier(s)."
        )
        for table, count in result.row_counts.items():
            if count:
                self.stdout.write(f"  {table} : {count}")
