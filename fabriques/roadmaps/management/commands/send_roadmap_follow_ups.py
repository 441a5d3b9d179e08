"""Open the roadmaps' follow-ups due today and remind the referents; meant to run daily."""

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fabriques.roadmaps.services.followup import follow_ups_open_due, follow_ups_remind


class Command(BaseCommand):
    help = (
        "Ouvre les suivis à un an et à trois ans des feuilles de route publiées et relance "
        "les référents des suivis non remis. À lancer une fois par jour ; relancer le même "
        "jour n’envoie rien de plus."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help="Jour de référence (AAAA-MM-JJ) ; aujourd’hui par défaut."
        )

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(
                    f"Date invalide : {options['date']} (format attendu AAAA-MM-JJ)."
                ) from error
        opened = follow_ups_open_due(today=today)
        reminded = follow_ups_remind(today=today)
        self.stdout.write(
            f"{len(opened)} suivi(s) ouvert(s), {len(reminded)} relance(s) envoyée(s) "
            f"pour le {today:%d/%m/%Y}."
        )
