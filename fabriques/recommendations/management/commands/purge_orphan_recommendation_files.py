"""Delete answer letters that no answer refers to; run daily by run_daily."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fabriques.recommendations.services.files import ANSWER_DIR, answer_files_purge_orphans


class Command(BaseCommand):
    help = _(
        "Supprime les courriers de réponse stockés qu’aucune réponse ne référence, passé le "
        "délai de grâce (UPLOAD_ORPHAN_GRACE_HOURS)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(answer_files_purge_orphans().summary(ANSWER_DIR))
