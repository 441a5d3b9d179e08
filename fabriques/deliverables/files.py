"""Checks on an uploaded deliverable file: extension, size, and content matching the extension.

The extension alone proves nothing (an executable renamed « rapport.pdf »), so the first bytes
and, for office documents, the ZIP container's members are read back.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"

# Office Open XML: the content-types part, and the main part of each kind of document.
OOXML_MAIN_PART = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
# OpenDocument: the first member, « mimetype », holds the document's media type.
ODF_MIMETYPES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "zip": "application/zip",
    **ODF_MIMETYPES,
}
FORMAT_LABELS = {
    "pdf": "PDF",
    "docx": "Word (DOCX)",
    "odt": "OpenDocument texte (ODT)",
    "xlsx": "Excel (XLSX)",
    "ods": "OpenDocument tableur (ODS)",
    "pptx": "PowerPoint (PPTX)",
    "odp": "OpenDocument présentation (ODP)",
    "zip": "archive ZIP",
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
    try:
        matches = _content_matches(upload, extension)
    finally:
        upload.seek(0)
    if not matches:
        raise ValidationError(
            _(
                "Le contenu du fichier %(name)s ne correspond pas à un document %(format)s : "
                "vérifiez le fichier ou enregistrez-le de nouveau dans ce format."
            )
            % {"name": name, "format": FORMAT_LABELS.get(extension, extension.upper())},
            code="content",
        )
    return extension


def _content_matches(stream: IO[bytes], extension: str) -> bool:
    head = stream.read(8)
    stream.seek(0)
    if extension == "pdf":
        return head.startswith(PDF_MAGIC)
    if not head.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if extension in OOXML_MAIN_PART:
                return "[Content_Types].xml" in names and OOXML_MAIN_PART[extension] in names
            if extension in ODF_MIMETYPES:
                if "mimetype" not in names:
                    return False
                with archive.open("mimetype") as member:
                    declared = member.read(100).decode("ascii", "replace").strip()
                return declared == ODF_MIMETYPES[extension]
            return extension == "zip"
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        return False
