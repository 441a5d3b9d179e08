from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from fabriques.core.locks import IMPORTS_LOCK, Busy, exclusive
from fabriques.territories.services import (
    PROGRAMME_QPV_PATH,
    EntityCounts,
    ImportReport,
    QpvImportReport,
    ReferentialImportError,
    qpv_import,
    referential_import,
)

# Show at most this many absent codes per entity; the audit event keeps the full list.
ABSENT_SHOWN = 20


def seconds(value: float) -> str:
    return _("%(seconds)s\u00a0s") % {"seconds": number_format(value, 1)}


def qpv_summary(report: QpvImportReport) -> str:
    return _(
        "QPV (%(path)s) — créés\u00a0: %(created)s\u00a0; mis à jour\u00a0: %(updated)s\u00a0; "
        "inchangés\u00a0: %(unchanged)s."
    ) % {
        "path": report.path,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
    }


class Command(BaseCommand):
    help = _(
        "Importe le référentiel officiel (régions, départements, communes, EPCI, EPT) depuis "
        "data/referential/, puis les QPV du programme. Idempotent et transactionnel."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--directory", type=Path, default=None, help=_("Dossier contenant manifest.json.")
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Réimporter même si cette version du paquet a déjà été importée."),
        )
        parser.add_argument(
            "--qpv",
            type=Path,
            default=PROGRAMME_QPV_PATH,
            help=_("Fichier CSV de QPV à charger après le référentiel."),
        )
        parser.add_argument(
            "--no-qpv", action="store_true", help=_("Ne pas charger de fichier de QPV.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with exclusive(IMPORTS_LOCK):
                report = referential_import(directory=options["directory"], force=options["force"])
                qpv_report = None if options["no_qpv"] else qpv_import(path=options["qpv"])
        except (ReferentialImportError, Busy) as exc:
            raise CommandError(str(exc)) from None
        self.print_report(report)
        if qpv_report is not None:
            self.stdout.write(qpv_summary(qpv_report))

    def print_report(self, report: ImportReport) -> None:
        release = f"{report.package} {report.version}"
        if report.millesime:
            release += f" ({report.millesime})"
        if report.skipped:
            self.stdout.write(
                _(
                    "Référentiel %(release)s déjà importé (même empreinte)\u00a0: rien à faire "
                    "(%(duration)s). Utilisez --force pour le réimporter."
                )
                % {"release": release, "duration": seconds(report.duration)}
            )
            return
        labels = {
            "regions": _(
                "Régions — créées\u00a0: %(created)s\u00a0; mises à jour\u00a0: %(updated)s\u00a0; "
                "inchangées\u00a0: %(unchanged)s\u00a0; absentes de la version\u00a0: %(absent)s."
            ),
            "departements": _(
                "Départements — créés\u00a0: %(created)s\u00a0; mis à jour\u00a0: %(updated)s\u00a0; "
                "inchangés\u00a0: %(unchanged)s\u00a0; absents de la version\u00a0: %(absent)s."
            ),
            "communes": _(
                "Communes — créées\u00a0: %(created)s\u00a0; mises à jour\u00a0: %(updated)s\u00a0; "
                "inchangées\u00a0: %(unchanged)s\u00a0; absentes de la version\u00a0: %(absent)s."
            ),
            "epcis": _(
                "EPCI et EPT — créés\u00a0: %(created)s\u00a0; mis à jour\u00a0: %(updated)s\u00a0; "
                "inchangés\u00a0: %(unchanged)s\u00a0; absents de la version\u00a0: %(absent)s."
            ),
        }
        for key, counts in report.entities.items():
            self.stdout.write("  " + labels[key] % self.figures(counts))
            if counts.absent:
                shown = ", ".join(counts.absent[:ABSENT_SHOWN])
                more = len(counts.absent) - ABSENT_SHOWN
                if more > 0:
                    shown += " " + _("et %(count)s autres") % {"count": more}
                self.stdout.write(
                    "    "
                    + _("Conservés car absents de la version\u00a0: %(codes)s") % {"codes": shown}
                )
        self.stdout.write(
            "  "
            + _(
                "Appartenances commune–EPCI — ajoutées\u00a0: %(added)s\u00a0; retirées\u00a0: %(removed)s."
            )
            % {
                "added": number_format(report.memberships_added, force_grouping=True),
                "removed": number_format(report.memberships_removed, force_grouping=True),
            }
        )
        message = (
            _("Référentiel %(release)s importé en %(duration)s.")
            if report.changed
            else _("Référentiel %(release)s vérifié en %(duration)s\u00a0: aucun changement.")
        )
        self.stdout.write(
            self.style.SUCCESS(message % {"release": release, "duration": seconds(report.duration)})
        )

    @staticmethod
    def figures(counts: EntityCounts) -> dict[str, str]:
        return {
            "created": number_format(counts.created, force_grouping=True),
            "updated": number_format(counts.updated, force_grouping=True),
            "unchanged": number_format(counts.unchanged, force_grouping=True),
            "absent": number_format(len(counts.absent), force_grouping=True),
        }
