"""Send the deliverable reminders of the day; meant to run daily (cron, systemd timer, scheduler)."""

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fabriques.deliverables.services import reminders_send


class Command(BaseCommand):
    help = (
        "Relance par courriel le prestataire (copie aux pilotes) pour les livrables bientôt dus "
        "ou en retard. À lancer une fois par jour ; relancer le même jour n’envoie rien de plus."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            help="Jour de référence (AAAA-MM-JJ) ; aujourd’hui par défaut.",
        )

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(
                    f"Date invalide : {options['date']} (format attendu AAAA-MM-JJ)."
                ) from error
        counts = reminders_send(today=today)
        self.stdout.write(
            f"{counts.before_due} rappel(s) avant échéance, "
            f"{counts.overdue} relance(s) de retard envoyé(s) pour le {today:%d/%m/%Y}."
        )
