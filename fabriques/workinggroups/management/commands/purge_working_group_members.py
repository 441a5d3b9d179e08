from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fabriques.workinggroups.services import members_purge


class Command(BaseCommand):
    help = _(
        "Supprime les membres des groupes de travail des Fabriques publiées depuis plus de "
        "WORKING_GROUP_RETENTION_DAYS jours."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.WORKING_GROUP_RETENTION_DAYS
        deleted = members_purge(days=days)
        self.stdout.write(
            _(
                "%(deleted)d membre(s) de groupes de travail supprimé(s) (conservation : %(days)d jours après la publication)."
            )
            % {"deleted": deleted, "days": days}
        )
