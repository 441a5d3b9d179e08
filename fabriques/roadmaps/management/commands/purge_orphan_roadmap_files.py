"""Delete roadmap files (deliberations, attachments) that no row refers to; run daily."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fabriques.roadmaps.services.files import ROADMAP_DIR, roadmap_files_purge_orphans


class Command(BaseCommand):
    help = _(
        "Supprime les délibérations et pièces jointes de feuilles de route stockées qu’aucune "
        "ligne ne référence, passé le délai de grâce (UPLOAD_ORPHAN_GRACE_HOURS)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(roadmap_files_purge_orphans().summary(ROADMAP_DIR))
