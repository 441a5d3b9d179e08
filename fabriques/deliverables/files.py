"""Checks on an uploaded deliverable file: extension, size, and content matching the extension.

The extension alone proves nothing (an executable renamed « rapport.pdf »), so the first bytes
are read back; then the shared checks of fabriques.core.uploads parse a PDF or judge an office
document's container (scripts, macros, HTML, decompression bombs).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from fabriques.core.uploads import (
    FORMAT_LABELS,
    ODF_MIMETYPES,
    PDF_MAGIC,
    check_office_container,
    check_pdf,
)

ZIP_MAGIC = b"PK\x03\x04"

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "zip": "application/zip",
    **ODF_MIMETYPES,
}


def allowed_extensions() -> list[str]:
    return [ext.lower().lstrip(".") for ext in settings.DELIVERABLE_ALLOWED_EXTENSIONS]


def accepted_formats_text() -> str:
    return ", ".join(FORMAT_LABELS.get(ext, ext.upper()) for ext in allowed_extensions())


def file_extension(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def content_type_for(name: str) -> str:
    return CONTENT_TYPES.get(file_extension(name), "application/octet-stream")


def validate_deliverable_file(upload: Any) -> str:
    """Raise a French ValidationError unless the file is acceptable; return its extension."""
    name = PurePath(getattr(upload, "name", "") or "").name
    extension = file_extension(name)
    if not extension or extension not in allowed_extensions():
        raise ValidationError(
            _("Ce format de fichier n’est pas accepté (%(name)s). Formats acceptés : %(formats)s.")
            % {"name": name or _("fichier sans nom"), "formats": accepted_formats_text()},
            code="extension",
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("Le fichier %(name)s est vide.") % {"name": name}, code="empty")
    limit = settings.DELIVERABLE_MAX_UPLOAD_BYTES
    if size > limit:
        raise ValidationError(
            _("Le fichier pèse %(size)s ; la taille maximale est de %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="size",
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if not head.startswith(PDF_MAGIC if extension == "pdf" else ZIP_MAGIC):
        raise ValidationError(
            _(
                "Le contenu du fichier %(name)s ne correspond pas à un document %(format)s : "
                "vérifiez le fichier ou enregistrez-le de nouveau dans ce format."
            )
            % {"name": name, "format": FORMAT_LABELS.get(extension, extension.upper())},
            code="content",
        )
    try:
        if extension == "pdf":
            check_pdf(
                upload,
                allow_embedded_files=settings.UPLOAD_PDF_ALLOW_EMBEDDED_FILES,
                max_bytes=limit,
            )
        else:
            check_office_container(upload, extension, max_bytes=limit)
    finally:
        upload.seek(0)
    return extension
