"""The upload corpus: genuine documents and the hostile files of the hardening issue.

Every file is built here, in a few milliseconds and a few kilobytes, rather than stored: the
bytes that matter (a JavaScript action, a declared size of 1 GiB, 20,000 members) read better
as code than as opaque binaries, and nothing needs regenerating when pypdf changes its output.
`CORPUS` lists each file with the kind of upload it poses as and the code of the error that
must refuse it now (None: accepted).
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

OOXML_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/>'
    b"%(extra)s</Types>"
)
OOXML_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
OOXML_DOCUMENT = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>D\xc3\xa9lib\xc3\xa9ration</w:t></w:r></w:p></w:body></w:document>"
)
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
ODT_CONTENT = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
    b"<office:body><office:text><text:p>Synth\xc3\xa8se</text:p></office:text></office:body>"
    b"</office:document-content>"
)
ODT_MANIFEST = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    b'manifest:version="1.3">'
    b'<manifest:file-entry manifest:full-path="/" manifest:media-type="'
    + ODT_MIMETYPE
    + b'"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    b"</manifest:manifest>"
)


# PDF ---------------------------------------------------------------------------------------------


def _pdf(edit: Callable[[PdfWriter], object] | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if edit is not None:
        edit(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _javascript(code: str) -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(code)}
    )


def valid_pdf() -> bytes:
    """A one-page PDF as pypdf writes it."""
    return _pdf()


def pdf_open_action_javascript() -> bytes:
    """The issue's sample: JavaScript run as soon as the document opens."""

    def edit(writer: PdfWriter) -> None:
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(
            _javascript("app.alert('Fabriques');")
        )

    return _pdf(edit)


def pdf_names_javascript() -> bytes:
    """Document-level JavaScript in the catalogue's name tree."""

    def edit(writer: PdfWriter) -> None:
        names = ArrayObject([TextStringObject("init"), writer._add_object(_javascript("1;"))])
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): names})}
        )

    return _pdf(edit)


def pdf_annotation_javascript() -> bytes:
    """A link annotation whose action, and whose page's additional action, are scripts."""

    def edit(writer: PdfWriter) -> None:
        link = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
                NameObject("/A"): _javascript("this.print();"),
            }
        )
        page = writer.pages[0]
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])

    return _pdf(edit)


def pdf_launch_action() -> bytes:
    """An action that asks the reader to run a program."""

    def edit(writer: PdfWriter) -> None:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject("cmd.exe"),
            }
        )

    return _pdf(edit)


def pdf_encrypted() -> bytes:
    return _pdf(lambda writer: writer.encrypt("", "proprietaire", algorithm="AES-128"))


def pdf_embedded_file() -> bytes:
    return _pdf(lambda writer: writer.add_attachment("annexe.txt", b"Pi\xc3\xa8ce jointe"))


def pdf_html_polyglot() -> bytes:
    """A PDF that pypdf reads, with an HTML page in a comment right after the header.

    A browser sniffing the first bytes, or a user who renames it « .html », gets a script.
    """
    body = valid_pdf()
    header, rest = body.split(b"\n", 1)
    payload = b"%<html><body><script>alert(document.domain)</script></body></html>\n"
    # Offsets in the cross-reference table shift by the payload's length; pypdf recovers them.
    return header + b"\n" + payload + rest


def pdf_svg_polyglot() -> bytes:
    """The issue's sample: an SVG image with a script behind a `%PDF-` header."""
    return (
        b"%PDF-1.7\n"
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>'
        b"</svg>\n%%EOF\n"
    )


def pdf_garbage() -> bytes:
    """Header and trailer markers around bytes that are no PDF at all."""
    return b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


# Office containers -------------------------------------------------------------------------------


def _zip(members: list[tuple[str, bytes]], *, stored: tuple[str, ...] = ("mimetype",)) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            method = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data, method)
    return buffer.getvalue()


def _docx_members(extra_types: bytes = b"") -> list[tuple[str, bytes]]:
    return [
        ("[Content_Types].xml", OOXML_CONTENT_TYPES % {b"extra": extra_types}),
        ("_rels/.rels", OOXML_RELS),
        ("word/document.xml", OOXML_DOCUMENT),
    ]


def _odt_members() -> list[tuple[str, bytes]]:
    return [
        ("mimetype", ODT_MIMETYPE),
        ("content.xml", ODT_CONTENT),
        ("META-INF/manifest.xml", ODT_MANIFEST),
    ]


def valid_docx() -> bytes:
    return _zip(_docx_members())


def valid_odt() -> bytes:
    return _zip(_odt_members())


def _declare_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size a zip declares for one member, in both of its headers.

    A real 1 GiB bomb would cost seconds of CPU to deflate; what the checks read is the size
    declared in the central directory (they never inflate), so declaring it is enough and the
    test stays at a few kilobytes of memory and no disk.
    """
    patched = bytearray(data)
    encoded = member.encode()
    # (signature, offset of the uncompressed size, of the name's length, of the name): the
    # local file header, then the central directory's entry.
    for signature, size_at, length_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        start = 0
        while (start := patched.find(signature, start)) != -1:
            (length,) = struct.unpack_from("<H", patched, start + length_at)
            if bytes(patched[start + name_at : start + name_at + length]) == encoded:
                struct.pack_into("<I", patched, start + size_at, size)
            start += 4
    return bytes(patched)


GIB = 1024**3


def docx_bomb_declared_1gib() -> bytes:
    """A docx whose document part declares 1 GiB once inflated (the issue's zip bomb)."""
    return _declare_size(valid_docx(), "word/document.xml", GIB)


def odt_bomb_declared_1gib() -> bytes:
    return _declare_size(valid_odt(), "content.xml", GIB)


def docx_bomb_ratio() -> bytes:
    """A genuine bomb at a small scale: 8 MiB of zeros deflate to about 8 KiB (ratio ~1000)."""
    members = _docx_members()
    members.append(("word/media/image1.png", bytes(8 * 1024 * 1024)))
    return _zip(members)


def docx_html_altchunk() -> bytes:
    """HTML pulled into a Word document through an altChunk part."""
    members = _docx_members(b'<Override PartName="/word/afchunk.htm" ContentType="text/html"/>')
    members.append(("word/afchunk.htm", b"<html><body><script>alert(1)</script></body></html>"))
    return _zip(members)


def docx_html_member() -> bytes:
    """An HTML page stored among the parts, under an innocent-looking name and type."""
    members = _docx_members()
    members.append(("word/page.html", b"<html><script>alert(1)</script></html>"))
    return _zip(members)


def docx_20000_members() -> bytes:
    """The issue's sample: 20,000 empty members (a directory that costs memory to parse)."""
    members = _docx_members()
    members.extend((f"word/media/m{index}.xml", b"") for index in range(20_000))
    return _zip(members)


def docx_vba_macro() -> bytes:
    members = _docx_members(
        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    )
    members.append(("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + bytes(60)))
    return _zip(members)


def docx_activex() -> bytes:
    members = _docx_members()
    members.append(("word/activeX/activeX1.bin", b"\xd0\xcf\x11\xe0" + bytes(60)))
    return _zip(members)


def xlsx_macro_enabled() -> bytes:
    """An .xlsm workbook renamed .xlsx: its content types say macro-enabled."""
    return _zip(
        [
            (
                "[Content_Types].xml",
                b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                b'<Override PartName="/xl/workbook.xml" '
                b'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
            ),
            ("xl/workbook.xml", b"<workbook/>"),
        ]
    )


def odt_basic_macro() -> bytes:
    members = _odt_members()
    members.append(("Basic/Standard/Module1.xml", b'<script:module>Shell("calc")</script:module>'))
    return _zip(members)


def odt_mimetype_not_first() -> bytes:
    members = _odt_members()
    return _zip([members[1], members[0], members[2]])


def docx_missing_document() -> bytes:
    return _zip(_docx_members()[:2])


@dataclass(frozen=True)
class Sample:
    name: str
    build: Callable[[], bytes]
    # The error code the checks give now; None when the file is accepted.
    refused_with: str | None


PDF_CORPUS = (
    Sample("valide.pdf", valid_pdf, None),
    Sample("openaction-javascript.pdf", pdf_open_action_javascript, "pdf_javascript"),
    Sample("names-javascript.pdf", pdf_names_javascript, "pdf_javascript"),
    Sample("annotation-javascript.pdf", pdf_annotation_javascript, "pdf_javascript"),
    Sample("launch.pdf", pdf_launch_action, "pdf_launch"),
    Sample("chiffre.pdf", pdf_encrypted, "pdf_encrypted"),
    Sample("piece-jointe.pdf", pdf_embedded_file, "pdf_embedded_files"),
    Sample("html-polyglotte.pdf", pdf_html_polyglot, "markup_polyglot"),
    Sample("svg-polyglotte.pdf", pdf_svg_polyglot, "markup_polyglot"),
    Sample("illisible.pdf", pdf_garbage, "pdf_unreadable"),
)
OFFICE_CORPUS = (
    Sample("valide.docx", valid_docx, None),
    Sample("valide.odt", valid_odt, None),
    Sample("bombe-1gio.docx", docx_bomb_declared_1gib, "office_too_large"),
    Sample("bombe-1gio.odt", odt_bomb_declared_1gib, "office_too_large"),
    Sample("bombe-ratio.docx", docx_bomb_ratio, "office_ratio"),
    Sample("altchunk-html.docx", docx_html_altchunk, "office_html"),
    Sample("page-html.docx", docx_html_member, "office_html"),
    Sample("20000-elements.docx", docx_20000_members, "office_too_many_members"),
    Sample("macro-vba.docx", docx_vba_macro, "office_active_content"),
    Sample("activex.docx", docx_activex, "office_active_content"),
    Sample("macros.xlsx", xlsx_macro_enabled, "office_active_content"),
    Sample("macro-basic.odt", odt_basic_macro, "office_active_content"),
    Sample("mimetype-pas-en-tete.odt", odt_mimetype_not_first, "content"),
    Sample("sans-document.docx", docx_missing_document, "content"),
)
