"""Checks on uploaded files, shared by deliberations (calls) and deliverables.

A header and a trailer prove little: a PDF may carry a script run at opening, an HTML page may
hide behind `%PDF-`, and a ten-kilobyte .docx may declare a gigabyte once inflated. So a PDF is
parsed (pypdf) and its objects walked; an office document is judged on its zip central directory
alone, never inflated, apart from a capped read of the small manifests. The limits are settings
(UPLOAD_* in config/settings.py); every refusal is a French ValidationError with its own code.

The module also sweeps stored files no row references (`sweep_orphans`): each app passes its own
prefix and names, since core must not know the apps' models.
"""

from __future__ import annotations

import datetime
import io
import re
import struct
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

PDF_MAGIC = b"%PDF-"

# Office Open XML: the content-types part, and the main part of each kind of document.
OOXML_MAIN_PART = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
OOXML_CONTENT_TYPES = "[Content_Types].xml"
# OpenDocument: the first member, « mimetype », stored uncompressed, holds the media type.
ODF_MIMETYPES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
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

# What a browser or a careless viewer would take for markup in the first bytes of a file.
MARKUP_MARKERS = (b"<html", b"<svg", b"<script", b"<!doctype", b"<body", b"<iframe")
MARKUP_WINDOW = 1024

# PDF keys and action types that run something. /AA (additional actions) and /OpenAction are
# not listed: they are containers, and the actions inside them are walked like any other.
PDF_SCRIPT_KEYS = frozenset({"/JS", "/JavaScript"})
# Direct values visited in one PDF (names, numbers, array items…), all objects together: a
# bound on the walk's time that no genuine file of the size limit comes near.
PDF_MAX_NODES = 2_000_000

# Members read in full to check them (the OOXML content types), capped whatever they declare.
MANIFEST_MAX_BYTES = 1024 * 1024
# The compression ratio is judged on members that inflate past this size: a few kilobytes of
# repeated XML legitimately compress a hundredfold and threaten nothing.
RATIO_FLOOR_BYTES = 1024 * 1024
# A central directory entry is 46 bytes plus the member's name: more than this per member
# allowed means a directory stuffed beyond what zipfile should be asked to parse.
DIRECTORY_BYTES_PER_MEMBER = 1024
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".mht", ".mhtml")
HTML_CONTENT_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "message/rfc822", "multipart/related"}
)
ACTIVE_CONTENT_TYPE_MARKERS = ("macroenabled", "vbaproject", "activex", "macrosheet")
CONTENT_TYPE_PATTERN = re.compile(rb"contenttype\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)


# Shared ---------------------------------------------------------------------------------------


def _size(file: IO[bytes]) -> int:
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    return size


def _refuse_too_large(size: int, limit: int) -> None:
    if size > limit:
        raise ValidationError(
            _("Le fichier pèse %(size)s ; la taille maximale est de %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )


def refuse_markup_polyglot(file: IO[bytes] | bytes) -> None:
    """Refuse a file whose first kilobyte holds HTML, SVG or a script, whatever follows."""
    if isinstance(file, bytes):
        head = file[:MARKUP_WINDOW]
    else:
        file.seek(0)
        head = file.read(MARKUP_WINDOW)
        file.seek(0)
    head = head.lower()
    for marker in MARKUP_MARKERS:
        if marker in head:
            raise ValidationError(
                _(
                    "Ce fichier contient du code de page web (balise « %(marker)s ») en plus de "
                    "son contenu : il est refusé par sécurité. Enregistrez le document de "
                    "nouveau depuis votre logiciel puis déposez-le."
                )
                % {"marker": marker.decode("ascii") + ">"},
                code="markup_polyglot",
            )


# PDF ------------------------------------------------------------------------------------------


def _pdf_unreadable() -> ValidationError:
    return ValidationError(
        _(
            "Ce PDF est illisible ou endommagé : sa structure n’a pas pu être lue. Enregistrez "
            "le document de nouveau au format PDF puis déposez-le."
        ),
        code="pdf_unreadable",
    )


def check_pdf(file: IO[bytes], *, allow_embedded_files: bool, max_bytes: int) -> None:
    """Parse a PDF and refuse scripts, launch actions, encryption and (unless allowed) attachments.

    Never reads more than `max_bytes`; the walk is bounded by UPLOAD_PDF_MAX_OBJECTS indirect
    objects and PDF_MAX_NODES values, and pypdf caps what it inflates (object streams).
    """
    size = _size(file)
    _refuse_too_large(size, max_bytes)
    data = file.read(max_bytes)
    file.seek(0)
    refuse_markup_polyglot(data)
    if not data.startswith(PDF_MAGIC):
        raise _pdf_unreadable()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if "/Encrypt" in reader.trailer:
            raise ValidationError(
                _(
                    "Ce PDF est chiffré ou protégé par un mot de passe : déposez une version "
                    "sans protection."
                ),
                code="pdf_encrypted",
            )
        _check_pdf_structure(reader)
        _walk_pdf(reader, allow_embedded_files=allow_embedded_files)
    except ValidationError:
        raise
    except Exception:
        # pypdf raises a dozen kinds of errors on hostile input (its own, KeyError, ValueError,
        # RecursionError, zlib.error…): whichever it is, the file cannot be vouched for.
        raise _pdf_unreadable() from None


def _check_pdf_structure(reader: Any) -> None:
    root = reader.trailer.get("/Root")
    root = root.get_object() if root is not None else None
    pages = root.get("/Pages") if isinstance(root, DictionaryObject) else None
    pages = pages.get_object() if pages is not None else None
    count = pages.get("/Count") if isinstance(pages, DictionaryObject) else None
    if not isinstance(count, int) or count < 1:
        raise _pdf_unreadable()
    limit = settings.UPLOAD_PDF_MAX_PAGES
    if count > limit:
        raise ValidationError(
            _("Ce PDF compte %(count)s pages ; %(limit)s au maximum.")
            % {
                "count": number_format(count, force_grouping=True),
                "limit": number_format(limit, force_grouping=True),
            },
            code="pdf_too_many_pages",
        )


def _pdf_too_complex(count: int | None = None) -> ValidationError:
    limit = settings.UPLOAD_PDF_MAX_OBJECTS
    if count is None:
        message = _(
            "Ce PDF est trop complexe pour être vérifié : enregistrez-le de nouveau, par "
            "exemple en l’imprimant au format PDF, puis déposez-le."
        )
    else:
        message = _(
            "Ce PDF est trop complexe pour être vérifié (%(count)s objets ; %(limit)s au "
            "maximum) : enregistrez-le de nouveau, par exemple en l’imprimant au format PDF, "
            "puis déposez-le."
        ) % {
            "count": number_format(count, force_grouping=True),
            "limit": number_format(limit, force_grouping=True),
        }
    return ValidationError(message, code="pdf_too_complex")


def _walk_pdf(reader: Any, *, allow_embedded_files: bool) -> None:
    """Visit every object the cross-reference tables name, and the trailer, once each."""
    references = [
        (number, generation)
        for generation, table in reader.xref.items()
        for number in table
        if number
    ]
    references += [(number, 0) for number in reader.xref_objStm]
    if len(references) > settings.UPLOAD_PDF_MAX_OBJECTS:
        raise _pdf_too_complex(len(references))
    budget = [PDF_MAX_NODES]
    _scan_pdf_value(reader.trailer, allow_embedded_files, budget)
    for number, generation in references:
        value = reader.get_object(IndirectObject(number, generation, reader))
        if value is not None:
            _scan_pdf_value(value, allow_embedded_files, budget)


def _scan_pdf_value(value: Any, allow_embedded_files: bool, budget: list[int]) -> None:
    """Walk one object's direct values (indirect ones are visited on their own)."""
    stack = [value]
    while stack:
        item = stack.pop()
        budget[0] -= 1
        if budget[0] < 0:
            raise _pdf_too_complex()
        if isinstance(item, DictionaryObject):
            # Streams are dictionaries too: their keys are read, their data never inflated.
            for key, child in item.items():
                _refuse_pdf_entry(str(key), child, allow_embedded_files)
                if not isinstance(child, IndirectObject):
                    stack.append(child)
        elif isinstance(item, ArrayObject):
            stack.extend(child for child in item if not isinstance(child, IndirectObject))


def _refuse_pdf_entry(key: str, value: Any, allow_embedded_files: bool) -> None:
    if key in PDF_SCRIPT_KEYS or (key == "/S" and value == "/JavaScript"):
        raise ValidationError(
            _(
                "Ce PDF contient du JavaScript : il est refusé par sécurité. Imprimez-le de "
                "nouveau au format PDF (« Enregistrer au format PDF ») pour obtenir un document "
                "sans script, puis déposez-le."
            ),
            code="pdf_javascript",
        )
    if key == "/S" and value == "/Launch":
        raise ValidationError(
            _(
                "Ce PDF contient une action qui lance un programme ou ouvre un fichier (action "
                "« Launch ») : il est refusé par sécurité. Imprimez-le de nouveau au format PDF "
                "puis déposez-le."
            ),
            code="pdf_launch",
        )
    if not allow_embedded_files and (
        key == "/EmbeddedFiles" or (key == "/Type" and value == "/EmbeddedFile")
    ):
        raise ValidationError(
            _(
                "Ce PDF contient des fichiers joints : déposez un PDF sans pièce jointe, et "
                "chaque annexe dans son propre fichier."
            ),
            code="pdf_embedded_files",
        )


# Office documents and zip archives --------------------------------------------------------------


def _office_content_error(kind: str, member: str) -> ValidationError:
    return ValidationError(
        _(
            "Le contenu de ce fichier ne correspond pas à un document %(format)s (élément "
            "« %(member)s » absent ou non conforme) : vérifiez le fichier ou enregistrez-le de "
            "nouveau dans ce format."
        )
        % {"format": FORMAT_LABELS.get(kind, kind.upper()), "member": member},
        code="content",
    )


def _too_many_members(count: int | None, limit: int) -> ValidationError:
    if count is None:
        message = _(
            "Ce document contient trop d’éléments (%(limit)s au maximum) : il ressemble à une "
            "archive piégée et il est refusé."
        ) % {"limit": number_format(limit, force_grouping=True)}
    else:
        message = _(
            "Ce document contient %(count)s éléments ; %(limit)s au maximum : il ressemble à une "
            "archive piégée et il est refusé."
        ) % {
            "count": number_format(count, force_grouping=True),
            "limit": number_format(limit, force_grouping=True),
        }
    return ValidationError(message, code="office_too_many_members")


def _end_of_directory(file: IO[bytes], size: int) -> tuple[int, int] | None:
    """The member count and central directory size the zip's last record declares."""
    window = min(size, 22 + 0xFFFF)  # the record, then a comment of up to 64 KiB
    file.seek(size - window)
    tail = file.read(window)
    file.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at == -1 or len(tail) - at < 22:
        return None
    _disk, _start, _here, total, directory_size, _offset = struct.unpack_from(
        "<HHHHII", tail, at + 4
    )
    return total, directory_size


def check_office_container(file: IO[bytes], kind: str, *, max_bytes: int) -> None:
    """Judge an OOXML/ODF document (or, for « zip », a plain archive) without inflating it.

    Refuses: too many members, a declared inflated size or compression ratio past the limits,
    missing required members, macros and other active content, HTML pages. A plain zip archive
    is only held to the limits against decompression bombs.
    """
    size = _size(file)
    _refuse_too_large(size, max_bytes)
    refuse_markup_polyglot(file)
    max_members = settings.UPLOAD_ZIP_MAX_MEMBERS
    # Read before zipfile parses the directory: 500,000 entries would cost it seconds and
    # hundreds of megabytes.
    declared = _end_of_directory(file, size)
    if declared is None:
        raise _office_content_error(kind, _("archive ZIP"))
    total, directory_size = declared
    if total > max_members:
        raise _too_many_members(total, max_members)
    if directory_size > max_members * DIRECTORY_BYTES_PER_MEMBER:
        raise _too_many_members(None, max_members)
    try:
        with zipfile.ZipFile(file) as archive:
            _check_members(archive, kind)
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise _office_content_error(kind, _("archive ZIP")) from None
    except (RuntimeError, NotImplementedError):
        raise _unsupported(_("archive")) from None
    finally:
        file.seek(0)


def _unsupported(member: str) -> ValidationError:
    return ValidationError(
        _(
            "Ce document utilise une compression ou une structure d’archive inhabituelle "
            "(élément « %(member)s ») : enregistrez-le de nouveau depuis votre logiciel puis "
            "déposez-le."
        )
        % {"member": member},
        code="office_unsupported",
    )


def _check_members(archive: zipfile.ZipFile, kind: str) -> None:
    infos = archive.infolist()
    if len(infos) > settings.UPLOAD_ZIP_MAX_MEMBERS:
        raise _too_many_members(len(infos), settings.UPLOAD_ZIP_MAX_MEMBERS)
    _check_sizes(infos)
    if kind in OOXML_MAIN_PART:
        _check_ooxml(archive, kind)
    elif kind in ODF_MIMETYPES:
        _check_odf(archive, kind)
    else:
        return  # A plain archive: its members are the person's own files.
    for info in infos:
        _refuse_active_member(info.filename)


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    total = compressed = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ValidationError(
                _(
                    "Ce document est chiffré ou protégé par un mot de passe : déposez une version "
                    "sans protection."
                ),
                code="office_encrypted",
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or (
            info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size
        ):
            raise _unsupported(info.filename)
        total += info.file_size
        compressed += info.compress_size
    limit = settings.UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES
    if total > limit:
        raise ValidationError(
            _(
                "Ce document occuperait %(size)s une fois décompressé ; %(limit)s au maximum : "
                "il ressemble à une archive piégée (« bombe de décompression ») et il est refusé."
            )
            % {"size": filesizeformat(total), "limit": filesizeformat(limit)},
            code="office_too_large",
        )
    max_ratio = settings.UPLOAD_ZIP_MAX_RATIO
    for info in infos:
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > max_ratio * max(
            info.compress_size, 1
        ):
            raise _ratio_error(info.filename, info.file_size, info.compress_size)
    if total > RATIO_FLOOR_BYTES and total > max_ratio * max(compressed, 1):
        raise _ratio_error(_("l’ensemble du document"), total, compressed)


def _ratio_error(member: str, size: int, compressed: int) -> ValidationError:
    return ValidationError(
        _(
            "Ce document contient un élément qui se décompresse %(ratio)s fois plus gros que sa "
            "taille dans le fichier (« %(member)s ») ; %(limit)s fois au maximum : il ressemble "
            "à une archive piégée (« bombe de décompression ») et il est refusé."
        )
        % {
            "ratio": number_format(size // max(compressed, 1), force_grouping=True),
            "member": member,
            "limit": number_format(settings.UPLOAD_ZIP_MAX_RATIO, force_grouping=True),
        },
        code="office_ratio",
    )


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """A small member's content, or None if it declares or inflates past MANIFEST_MAX_BYTES."""
    if info.file_size > MANIFEST_MAX_BYTES:
        return None
    with archive.open(info) as member:
        data = member.read(MANIFEST_MAX_BYTES + 1)
    return data if len(data) <= MANIFEST_MAX_BYTES else None


def _check_ooxml(archive: zipfile.ZipFile, kind: str) -> None:
    for required in (OOXML_CONTENT_TYPES, OOXML_MAIN_PART[kind]):
        try:
            archive.getinfo(required)
        except KeyError:
            raise _office_content_error(kind, required) from None
    content_types = _read_capped(archive, archive.getinfo(OOXML_CONTENT_TYPES))
    if content_types is None:
        raise _office_content_error(kind, OOXML_CONTENT_TYPES)
    for declared in CONTENT_TYPE_PATTERN.findall(content_types):
        media_type = declared.decode("ascii", "replace").strip()
        if any(marker in media_type.lower() for marker in ACTIVE_CONTENT_TYPE_MARKERS):
            raise _active_content_error(media_type)
        if media_type.lower() in HTML_CONTENT_TYPES:
            raise _html_error(media_type)


def _check_odf(archive: zipfile.ZipFile, kind: str) -> None:
    first = archive.infolist()[0] if archive.infolist() else None
    if first is None or first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED:
        raise _office_content_error(kind, "mimetype")
    with archive.open(first) as member:
        declared = member.read(100).decode("ascii", "replace").strip()
    if declared != ODF_MIMETYPES[kind]:
        raise _office_content_error(kind, "mimetype")
    try:
        archive.getinfo("content.xml")
    except KeyError:
        raise _office_content_error(kind, "content.xml") from None


def _refuse_active_member(name: str) -> None:
    path = PurePosixPath(name.lower())
    parts = path.parts
    if (
        path.name in ("vbaproject.bin", "vbadata.xml")
        or "activex" in parts
        or "macrosheets" in parts
        # OpenDocument keeps Basic macros under Basic/, other scripts under Scripts/.
        or (parts and parts[0] in ("basic", "scripts"))
    ):
        raise _active_content_error(name)
    if path.suffix in HTML_SUFFIXES or "afchunk" in path.name:
        raise _html_error(name)


def _active_content_error(what: str) -> ValidationError:
    return ValidationError(
        _(
            "Ce document contient des macros ou du contenu actif (« %(what)s ») : il est "
            "refusé par sécurité. Enregistrez-le sans macros (.docx, .xlsx, .pptx ou "
            "OpenDocument sans script) puis déposez-le."
        )
        % {"what": what},
        code="office_active_content",
    )


def _html_error(what: str) -> ValidationError:
    return ValidationError(
        _(
            "Ce document contient une page web incorporée (« %(what)s ») : il est refusé par "
            "sécurité. Copiez-en le texte dans le document lui-même puis déposez-le de nouveau."
        )
        % {"what": what},
        code="office_html",
    )


# Orphaned files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepReport:
    scanned: int = 0
    deleted: int = 0

    def summary(self, folder: str) -> str:
        """The line the daily sweep commands print."""
        return _(
            "%(deleted)d fichier(s) orphelin(s) supprimé(s) sur %(scanned)d dans "
            "« %(folder)s/ » (délai de grâce : %(hours)d heures)."
        ) % {
            "deleted": self.deleted,
            "scanned": self.scanned,
            "folder": folder,
            "hours": settings.UPLOAD_ORPHAN_GRACE_HOURS,
        }


def _stored_names(storage: Storage, directory: str) -> Iterator[str]:
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{directory}/{name}"
    for name in directories:
        yield from _stored_names(storage, f"{directory}/{name}")


def sweep_orphans(
    storage: Storage,
    prefix: str,
    referenced_names: Iterable[str],
    older_than: datetime.datetime,
) -> SweepReport:
    """Delete files under `prefix` that no row references and that were last written before
    `older_than` (younger ones may belong to a request whose transaction is still open)."""
    referenced = set(referenced_names)
    scanned = deleted = 0
    for name in list(_stored_names(storage, prefix.rstrip("/"))):
        scanned += 1
        if name in referenced:
            continue
        try:
            if storage.get_modified_time(name) >= older_than:
                continue
        except FileNotFoundError:
            continue  # deleted meanwhile
        except Exception:
            # An object store reports a vanished file its own way (S3Storage: botocore's
            # ClientError 404): skip it as above rather than abort the whole sweep.
            if not storage.exists(name):
                continue
            raise
        storage.delete(name)
        deleted += 1
    return SweepReport(scanned=scanned, deleted=deleted)


def orphan_cutoff(now: datetime.datetime) -> datetime.datetime:
    """Files written before this moment and referenced by no row are orphans."""
    return now - datetime.timedelta(hours=settings.UPLOAD_ORPHAN_GRACE_HOURS)


# Photographs: JPEG or PNG, decoded by Pillow before they are kept. The pixel cap keeps a
# small file that would decompress to gigabytes (a "pixel bomb") from being accepted.
IMAGE_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG"}
IMAGE_MAX_PIXELS = 60_000_000


def check_image(file: IO[bytes], extension: str, *, max_bytes: int) -> None:
    """Raise a French ValidationError unless `file` is a readable image of its extension's
    format, within `max_bytes` and IMAGE_MAX_PIXELS."""
    from PIL import Image, UnidentifiedImageError

    expected = IMAGE_FORMATS.get(extension)
    if expected is None:
        raise ValidationError(_("Seules les photos JPEG et PNG sont acceptées."), code="extension")
    size = _size(file)
    if size == 0:
        raise ValidationError(_("Le fichier est vide."), code="empty")
    _refuse_too_large(size, max_bytes)
    not_an_image = ValidationError(
        _(
            "Ce fichier n’est pas une photo %(format)s lisible : enregistrez-la de nouveau "
            "dans ce format."
        )
        % {"format": expected},
        code="content",
    )
    file.seek(0)
    try:
        with Image.open(file) as image:
            if image.format != expected:
                raise not_an_image
            width, height = image.size
            if width * height > IMAGE_MAX_PIXELS:
                raise ValidationError(
                    _("La photo est trop grande (%(width)d × %(height)d pixels).")
                    % {"width": width, "height": height},
                    code="pixels",
                )
            image.verify()
    except Image.DecompressionBombError as error:
        raise ValidationError(
            _("La photo est trop grande pour être lue."), code="pixels"
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise not_an_image from error
    finally:
        file.seek(0)
