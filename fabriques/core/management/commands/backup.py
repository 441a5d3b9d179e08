from pathlib import Path
from typing import Any

from django.core.management import BaseCommand, CommandError, CommandParser

from fabriques.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Sauvegarde la base de données configurée et les fichiers déposés dans un dossier daté "
        "(ou une archive .tar.gz), avec un manifeste d’empreintes SHA-256."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", type=Path, help="dossier où écrire la sauvegarde")
        parser.add_argument(
            "--archive", action="store_true", help="écrire une archive .tar.gz plutôt qu’un dossier"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup_create(destination=options["destination"], archive=options["archive"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Sauvegarde écrite : {path}")
