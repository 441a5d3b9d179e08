"""Reading the three formats back, for the tests: their text, their metadata."""

from __future__ import annotations

import io
import re
import zipfile

from pypdf import PdfReader

PAGE_NUMBER = re.compile(r"\b\d+ / \d+\b")
# A list's bullet is drawn apart from its item's text; pypdf may read it out of order, in the
# middle of a paragraph that runs across the item (it is a label, not text, in the tags).
BULLET_LINE = re.compile(r"^[ \t]*•[ \t]*\n", re.MULTILINE)


def squash(text: str) -> str:
    """Text without any whitespace: line breaks and justification do not matter."""
    return re.sub(r"\s+", "", text)


def pdf_text(content: bytes, title: str) -> str:
    """The text of every page, without the running footer (the title and « 3 / 57 »), which
    WeasyPrint writes last on each page: a paragraph cut by a page break reads on. Lines
    holding only a list's bullet are left out (see BULLET_LINE)."""
    reader = PdfReader(io.BytesIO(content))
    pages = []
    for page in reader.pages:
        text = (page.extract_text() or "").rstrip()
        footer = text.rfind(title)
        if footer != -1 and PAGE_NUMBER.fullmatch(text[footer + len(title) :].strip()):
            text = text[:footer]
        pages.append(BULLET_LINE.sub("", text))
    return "\n".join(pages)


def docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def odt_document(content: bytes):  # type: ignore[no-untyped-def]
    from odfdo import Document

    return Document(io.BytesIO(content))


def odt_text(content: bytes) -> str:
    document = odt_document(content)
    parts = [str(p) for p in document.body.get_paragraphs()]
    parts += [str(h) for h in document.body.get_headers()]
    return "\n".join(parts)


def zip_names(content: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(content)).namelist()
