"""`manage.py serve`: the development server with the task worker beside it.

`make run` and `make demo` use it so that what a person does on a laptop has its effects:
e-mails (sign-up, invitation, password reset, notifications) are sent by the task worker, and
without one they would wait in the queue forever. Both processes write to this terminal — the
console e-mail backend prints each e-mail there — and stop together.

The worker is started once, by the process that stays (runserver's auto-reloader restarts a
child process on every code change; that child has RUN_MAIN set and starts no second worker).
"""

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Sert la plateforme (serveur de développement) et lance à côté le travailleur de tâches "
        "qui envoie les courriels ; les deux s’arrêtent ensemble."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport", nargs="?", default="127.0.0.1:8000", help="Adresse et port servis."
        )
        parser.add_argument(
            "--noreload",
            action="store_true",
            help="Ne pas redémarrer le serveur quand le code change.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # A SIGTERM (a process manager, a test) stops the server like Ctrl-C does, so that the
        # worker is stopped with it instead of being left behind.
        signal.signal(signal.SIGTERM, _exit)
        worker = None
        if not os.environ.get("RUN_MAIN"):
            worker = subprocess.Popen(
                [sys.executable, str(settings.BASE_DIR / "manage.py"), "db_worker"],
                env=os.environ.copy(),
            )
            self.stdout.write(
                "Travailleur de tâches lancé : les courriels s’affichent dans ce terminal."
            )
        try:
            call_command("runserver", options["addrport"], use_reloader=not options["noreload"])
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(0)
