"""`manage.py load_demo`: the fictional demonstration world, on a development machine only."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fabriques.cycle.services import TransitionError
from fabriques.demo.content import DEMO_PASSWORD
from fabriques.demo.services import DemoError, DemoReport, demo_load


class Command(BaseCommand):
    help = (
        "Charge les Fabriques fictives de démonstration et un compte par rôle, puis affiche "
        "les adresses et le mot de passe de développement ; rien n’est créé deux fois. "
        "Refusé tant que DJANGO_DEBUG n’est pas à 1."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "La démonstration ne se charge que sur un poste de développement : ses comptes "
                "partagent un mot de passe publié. Relancez avec DJANGO_DEBUG=1 "
                "(ou utilisez « make demo »)."
            )
        try:
            report = demo_load()
        except DemoError as error:
            raise CommandError(str(error)) from None
        except (ValidationError, TransitionError) as error:
            # A rule of the platform refused a step (a guard added since the demo was written,
            # say): nothing was written, the whole load is one transaction.
            problems = error.problems if isinstance(error, TransitionError) else error.messages
            raise CommandError(
                "La démonstration n’a pas pu être chargée, rien n’a été écrit : "
                + " ".join(problems)
            ) from None
        self._print(report)

    def _print(self, report: DemoReport) -> None:
        write = self.stdout.write
        site = settings.SITE_URL.rstrip("/")
        if report.built:
            write(self.style.SUCCESS("Démonstration chargée. Créé :"))
            for item in report.built:
                write(f"  – {item}")
        else:
            write(self.style.SUCCESS("Démonstration déjà chargée : rien à créer."))
        write("")
        write(f"Adresse : {site}/  —  connexion : {site}/compte/connexion/")
        write(f"Mot de passe de tous les comptes (développement seulement) : {DEMO_PASSWORD}")
        write(
            "Tout est fictif (personnes, organisations, textes) ; ces comptes sont refusés "
            "dès que DJANGO_DEBUG n’est plus à 1."
        )
        for account in report.accounts:
            write("")
            write(self.style.MIGRATE_HEADING(f"{account.role} — {account.name}"))
            write(f"  Adresse électronique : {account.email}")
            if account.totp_key:
                write(
                    "  Validation en deux étapes : ajoutez cette clé à votre application "
                    "d’authentification, puis saisissez le code qu’elle affiche."
                )
                write(f"  Clé : {account.totp_secret}")
                write(f"  Lien : {report.totp_url(account)}")
            for label, path in account.pages:
                write(f"  {site}{path}  ({label})")
        write("")
        write(self.style.MIGRATE_HEADING("Sans compte"))
        for label, path in report.public_pages:
            write(f"  {site}{path}  ({label})")
