"""`manage.py invite`: give a person a role from the command line.

It lives in programme, not accounts: it finds the Fabrique or the organisation the role is
held on, and accounts sits below programme.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from fabriques.accounts.models import (
    FABRIQUE_ROLES,
    ORGANISATION_ROLES,
    PROGRAMME_ROLES,
    MembershipRole,
)
from fabriques.accounts.services import user_invite_with_link, user_staff_grant
from fabriques.programme.models import Fabrique, Organisation

COMMAND_ROLES = [role.value for role in (*PROGRAMME_ROLES, *FABRIQUE_ROLES, *ORGANISATION_ROLES)]


class Command(BaseCommand):
    help = (
        "Invite une personne et lui donne un rôle (par exemple le premier administrateur ANCT) ; "
        "affiche le lien d’invitation, utile quand les courriels partent dans la console."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="Adresse électronique de la personne invitée.")
        parser.add_argument(
            "--role",
            required=True,
            choices=COMMAND_ROLES,
            help="Rôle donné : anct_admin (tout le programme), anct_pilot (--fabrique), "
            "partner_member ou provider_consultant (--organisation).",
        )
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--fabrique", metavar="SLUG", help="Fabrique pilotée (anct_pilot).")
        target.add_argument(
            "--organisation", metavar="SLUG", help="Organisation (partenaire ou prestataire)."
        )
        parser.add_argument("--first-name", default="", help="Prénom.")
        parser.add_argument("--last-name", default="", help="Nom.")
        parser.add_argument(
            "--staff",
            action="store_true",
            help="Ouvre aussi l’administration technique (/admin/) : compte « staff » et "
            "superutilisateur, validation en deux étapes exigée.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"« {email} » n’est pas une adresse électronique valide.") from None
        role = MembershipRole(options["role"])
        fabrique = organisation = None
        if role in FABRIQUE_ROLES:
            if not options["fabrique"]:
                raise CommandError("Ce rôle porte sur une Fabrique : indiquez --fabrique SLUG.")
            fabrique = Fabrique.objects.filter(slug=options["fabrique"]).first()
            if fabrique is None:
                raise CommandError(f"Aucune Fabrique n’a l’identifiant « {options['fabrique']} ».")
        elif role in ORGANISATION_ROLES:
            if not options["organisation"]:
                raise CommandError(
                    "Ce rôle porte sur une organisation : indiquez --organisation SLUG."
                )
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(
                    f"Aucune organisation n’a l’identifiant « {options['organisation']} »."
                )
        elif options["fabrique"] or options["organisation"]:
            raise CommandError("Le rôle anct_admin porte sur tout le programme : retirez la cible.")
        try:
            with transaction.atomic():
                user, link = user_invite_with_link(
                    email=email,
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                    role=role,
                    fabrique=fabrique,
                    organisation=organisation,
                )
                if options["staff"]:
                    user_staff_grant(user=user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        target = fabrique or organisation
        granted = f"{role.label}" + (f" — {target}" if target else "")
        self.stdout.write(self.style.SUCCESS(f"{user.email} : {granted}."))
        if options["staff"]:
            self.stdout.write("Administration technique (/admin/) ouverte à cette personne.")
        if link:
            self.stdout.write("Invitation envoyée par courriel. Lien à usage unique :")
            self.stdout.write(link)
        else:
            self.stdout.write(
                "Cette personne a déjà un mot de passe : un courriel l’informe de son nouvel accès."
            )
