"""Delete rendered documents past DOCUMENT_RETENTION_DAYS; run daily by run_daily."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fabriques.documents.services import rendered_documents_purge


class Command(BaseCommand):
    help = _(
        "Supprime les documents produits (PDF, DOCX, ODT) demandés il y a plus de "
        "DOCUMENT_RETENTION_DAYS jours ; ils seront produits à nouveau à la demande."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.DOCUMENT_RETENTION_DAYS
        deleted = rendered_documents_purge(days=days)
        self.stdout.write(
            _("%(count)d document(s) produit(s) de plus de %(days)d jours supprimé(s).")
            % {"count": deleted, "days": days}
        )
