"""Delete deliberation files that no application refers to; run daily by run_daily."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fabriques.calls.models import DELIBERATION_DIR
from fabriques.calls.services import deliberations_purge_orphans


class Command(BaseCommand):
    help = _(
        "Supprime les délibérations stockées qu’aucune candidature ne référence, passé le délai "
        "de grâce (UPLOAD_ORPHAN_GRACE_HOURS)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(deliberations_purge_orphans().summary(DELIBERATION_DIR))
