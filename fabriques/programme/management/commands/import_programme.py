import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fabriques.core.locks import IMPORTS_LOCK, Busy, exclusive
from fabriques.programme.imports import ProgrammeImportError, programme_import


class Command(BaseCommand):
    help = "Importe l'historique du programme (data/programme/) ; idempotent et transactionnel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", type=Path, default=None, help="Dossier des données.")

    def handle(self, *args: Any, directory: Path | None = None, **options: Any) -> None:
        start = time.perf_counter()
        try:
            with exclusive(IMPORTS_LOCK):
                report = programme_import(directory=directory)
        except (ProgrammeImportError, Busy) as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.perf_counter() - start
        if not report.changed:
            self.stdout.write(f"Historique du programme déjà à jour ({elapsed:.1f} s).")
            return
        for label, counter in (
            ("créés", report.created),
            ("mis à jour", report.updated),
            ("supprimés", report.deleted),
        ):
            if counter:
                detail = ", ".join(f"{k} : {v}" for k, v in sorted(counter.items()))
                self.stdout.write(f"  {label} — {detail}")
        self.stdout.write(self.style.SUCCESS(f"Historique du programme importé ({elapsed:.1f} s)."))
