"""Checks on uploaded deliberations: a real PDF of bounded size, whatever its name claims."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from fabriques.core.uploads import PDF_MAGIC, check_pdf

PDF_TRAILER = b"%%EOF"
# The trailer marker sits at the very end, possibly followed by a few bytes of padding.
TRAILER_WINDOW = 1024


def validate_deliberation(file: Any) -> None:
    """Refuse anything that is not a complete PDF within the size limit.

    The content is checked, not the name or the declared type: a Word document or a text
    file renamed « .pdf » is refused. The header and trailer markers turn away
    what is plainly not a PDF; then the file is parsed, and scripts, launch actions,
    encryption, attached files and markup hidden behind the header are refused.
    """
    limit = settings.APPLICATION_MAX_UPLOAD_BYTES
    size = file.size or 0
    if size == 0:
        raise ValidationError(_("Le fichier est vide."), code="empty")
    if size > limit:
        raise ValidationError(
            _("Le fichier pèse %(size)s ; la taille maximale est de %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if not str(getattr(file, "name", "")).lower().endswith(".pdf"):
        raise ValidationError(
            _("Seuls les fichiers PDF (.pdf) sont acceptés."), code="not_pdf_name"
        )
    file.seek(0)
    header = file.read(len(PDF_MAGIC))
    file.seek(max(0, size - TRAILER_WINDOW))
    tail = file.read(TRAILER_WINDOW)
    file.seek(0)
    if header != PDF_MAGIC or PDF_TRAILER not in tail:
        raise ValidationError(
            _(
                "Ce fichier n’est pas un PDF valide (son contenu ne correspond pas au format "
                "PDF) ; enregistrez la délibération au format PDF puis déposez-la à nouveau."
            ),
            code="not_pdf",
        )
    check_pdf(file, allow_embedded_files=settings.UPLOAD_PDF_ALLOW_EMBEDDED_FILES, max_bytes=limit)
