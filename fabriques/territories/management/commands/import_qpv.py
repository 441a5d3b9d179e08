from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fabriques.core.locks import IMPORTS_LOCK, Busy, exclusive
from fabriques.territories.management.commands.import_referential import qpv_summary, seconds
from fabriques.territories.services import ReferentialImportError, qpv_import


class Command(BaseCommand):
    help = _(
        "Importe une liste de quartiers prioritaires (QPV) au format CSV de l'ANCT "
        "(code_qp, lib_qp, insee_dep, insee_com…). Idempotent et transactionnel."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            type=Path,
            help=_("Fichier CSV, séparé par des points-virgules ou des virgules."),
        )

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            with exclusive(IMPORTS_LOCK):
                report = qpv_import(path=path)
        except (ReferentialImportError, Busy) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(qpv_summary(report))
        self.stdout.write(
            self.style.SUCCESS(
                _("Terminé en %(duration)s.") % {"duration": seconds(report.duration)}
            )
        )
