"""Delete files of deliverable versions that no version refers to; run daily by run_daily."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fabriques.deliverables.models import VERSION_DIR
from fabriques.deliverables.services import version_files_purge_orphans


class Command(BaseCommand):
    help = _(
        "Supprime les fichiers de livrables stockés qu’aucune version ne référence, passé le délai "
        "de grâce (UPLOAD_ORPHAN_GRACE_HOURS)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(version_files_purge_orphans().summary(VERSION_DIR))
