"""Send the recommendations' review reminders of the day; meant to run daily (run_daily)."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fabriques.recommendations.services.reminders import review_reminders_send


class Command(BaseCommand):
    help = (
        "Relance par courriel les pilotes ANCT quand une préconisation publiée atteint un an "
        "ou trois ans sans constat de mise en œuvre. Une relance n’est jamais envoyée deux fois."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help="Jour de référence (AAAA-MM-JJ) ; aujourd’hui par défaut."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(
                    f"Date invalide : {options['date']} (format attendu AAAA-MM-JJ)."
                ) from error
        sent = review_reminders_send(today=today)
        self.stdout.write(f"{sent} relance(s) de suivi de préconisation pour le {today:%d/%m/%Y}.")
