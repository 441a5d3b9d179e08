from typing import Any

from django.core.management import BaseCommand

from fabriques.core.emails import outgoing_emails_retry


class Command(BaseCommand):
    help = "Remet en file d’envoi les courriels qui n’ont pas pu partir depuis plus d’une heure."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = outgoing_emails_retry()
        self.stdout.write(f"Courriels en attente : {queued} remis en file d’envoi.")
