"""The three renderings of a Document: PDF/UA-1 (WeasyPrint), DOCX (python-docx), ODT (odfdo).

Typography and colours follow the DSFR: Marianne is not vendored in this repository (no font
file in fabriques/static) nor installed, so the PDF uses Liberation Sans (Arial's metric
twin), then DejaVu Sans, both installed with WeasyPrint's system packages. Naming the absent
Marianne first cost a fifth of the PDF's time in font fallbacks (bench/documents.py). DOCX and
ODT name Arial, which every office suite has or substitutes. Headings are blue France
(#000091), table headers on the DSFR's light blue (#e3e3fd).

Accessibility: the PDF is tagged (PDF/UA-1), in French, titled, with bookmarks from the
headings and `<th scope>` headers; the DOCX and ODT use real heading styles, declare their
language and title, and repeat table header rows on each page. A figure is the SVG itself in
the PDF (tagged Figure, its <title> as alternative text) and a PNG in the DOCX and ODT, with
its title and description as the picture's title and alternative text (raster.py).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string

from fabriques.core.pdf import html_to_pdf

from .blocks import (
    BulletList,
    Document,
    Figure,
    Format,
    Heading,
    KeyValue,
    PageBreak,
    Paragraph,
    Table,
)
from .raster import svg_to_png

BLUE_FRANCE = "000091"
BLUE_FRANCE_LIGHT = "e3e3fd"
GREY_TEXT = "3a3a3a"
FONT_FALLBACK = "Arial"

CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


def _kind(block: object) -> str:
    return type(block).__name__.lower()


def to_pdf(document: Document) -> bytes:
    """A tagged PDF/UA-1 from the documents/document.html template."""
    blocks = [(_kind(block), block) for block in document.blocks]
    html = render_to_string("documents/document.html", {"document": document, "blocks": blocks})
    return html_to_pdf(html)


def to_docx(document: Document) -> bytes:
    from docx import Document as DocxDocument
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    docx = DocxDocument()
    properties = docx.core_properties
    properties.title = document.title
    properties.subject = document.subject
    properties.author = document.author
    properties.language = _language_tag(document.lang)

    # Default font and language of every run: spell checkers and screen readers read French.
    defaults = docx.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_defaults.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_defaults.append(lang)
    lang.set(qn("w:val"), _language_tag(document.lang))
    normal = docx.styles["Normal"]
    normal.font.name = FONT_FALLBACK
    normal.font.size = Pt(10)
    for level in range(1, 5):
        style = docx.styles[f"Heading {level}"]
        style.font.name = FONT_FALLBACK
        style.font.color.rgb = RGBColor.from_string(BLUE_FRANCE)
    docx.styles["Title"].font.color.rgb = RGBColor.from_string(BLUE_FRANCE)
    docx.styles["Title"].font.name = FONT_FALLBACK

    docx.add_heading(document.title, level=0)
    if document.subject:
        docx.add_paragraph(document.subject)
    for block in document.blocks:
        if isinstance(block, Heading):
            docx.add_heading(block.text, level=min(max(block.level, 1), 4))
        elif isinstance(block, Paragraph):
            paragraph = docx.add_paragraph()
            run = paragraph.add_run(block.text)
            run.italic = block.emphasis
        elif isinstance(block, BulletList):
            for item in block.items:
                docx.add_paragraph(item, style="List Bullet")
        elif isinstance(block, KeyValue):
            for term, value in block.items:
                paragraph = docx.add_paragraph()
                paragraph.add_run(f"{term}\u00a0: ").bold = True
                paragraph.add_run(value)
        elif isinstance(block, Table):
            docx.add_paragraph(block.caption, style="Caption")
            table = docx.add_table(rows=1, cols=len(block.header_row))
            table.style = "Table Grid"
            header = table.rows[0]
            # Marks the row as a header row, repeated at the top of each page.
            row_properties = header._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            row_properties.append(repeat)
            for cell, text in zip(header.cells, block.header_row, strict=True):
                cell.text = ""
                cell.paragraphs[0].add_run(text).bold = True
            for values in block.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, values, strict=True):
                    cell.text = text
        elif isinstance(block, Figure):
            raster = svg_to_png(block.svg)
            docx.add_picture(
                io.BytesIO(raster.png), width=Cm(raster.width_cm), height=Cm(raster.height_cm)
            )
            # The picture's alternative text (Word's « Texte de remplacement »).
            properties = docx.paragraphs[-1]._p.xpath(".//wp:docPr")[0]
            properties.set("title", block.title)
            properties.set("descr", block.description)
        elif isinstance(block, PageBreak):
            docx.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()


def to_odt(document: Document) -> bytes:
    from odfdo import Cell, Frame, HeaderRows, Row, Span, Style
    from odfdo import Document as OdfDocument
    from odfdo import Header as OdfHeader
    from odfdo import List as OdfList
    from odfdo import PageBreak as OdfPageBreak
    from odfdo import Paragraph as OdfParagraph
    from odfdo import Table as OdfTable

    odt = OdfDocument("text")
    odt.body.clear()
    meta = odt.meta
    meta.set_title(document.title)
    meta.set_subject(document.subject)
    meta.set_initial_creator(document.author)
    meta.set_language(_language_tag(document.lang))

    # The default paragraph style's language and font; headings in blue France.
    styles: list[Any] = list(odt.get_styles("paragraph"))
    for style in styles:
        if style.name is None:  # the default style (style:default-style)
            style.set_properties(
                area="text",
                **{
                    "fo:language": document.lang,
                    "fo:country": "FR",
                    "style:font-name": FONT_FALLBACK,
                    "fo:font-size": "10pt",
                },
            )
    for level in range(1, 5):
        heading_style: Any = odt.get_style("paragraph", f"Heading_20_{level}")
        if heading_style is not None:
            heading_style.set_properties(area="text", color=f"#{BLUE_FRANCE}")
    odt.insert_style(Style("text", name="Strong", bold=True))
    odt.insert_style(Style("text", name="Emphasis", italic=True))
    odt.insert_style(
        Style(
            "table-cell",
            name="TableHeaderCell",
            background_color=f"#{BLUE_FRANCE_LIGHT}",
            border="0.5pt solid #000000",
        ),
        automatic=True,
    )
    odt.insert_style(
        Style("table-cell", name="TableCell", border="0.5pt solid #000000"), automatic=True
    )
    odt.add_page_break_style()

    body = odt.body
    body.append(OdfParagraph(document.title, style="Title"))
    if document.subject:
        body.append(OdfParagraph(document.subject, style="Subtitle"))
    tables = figures = 0
    for block in document.blocks:
        if isinstance(block, Heading):
            body.append(OdfHeader(min(max(block.level, 1), 4), block.text))
        elif isinstance(block, Paragraph):
            paragraph = OdfParagraph("", style="Text_20_body")
            if block.emphasis:
                paragraph.append(Span(block.text, style="Emphasis"))
            else:
                paragraph.append_plain_text(block.text)
            body.append(paragraph)
        elif isinstance(block, BulletList):
            body.append(OdfList([OdfParagraph(item) for item in block.items]))
        elif isinstance(block, KeyValue):
            for term, value in block.items:
                paragraph = OdfParagraph("", style="Text_20_body")
                paragraph.append(Span(f"{term}\u00a0:", style="Strong"))
                paragraph.append_plain_text(f" {value}")
                body.append(paragraph)
        elif isinstance(block, Table):
            tables += 1
            body.append(OdfParagraph(block.caption, style="Table"))
            table = OdfTable(f"Tableau{tables}")
            headers = HeaderRows()
            header = Row()
            for text in block.header_row:
                header.append(_odf_cell(Cell, OdfParagraph, text, "TableHeaderCell", bold=True))
            headers.append(header)
            table.append(headers)
            for values in block.rows:
                row = Row()
                for text in values:
                    row.append(_odf_cell(Cell, OdfParagraph, text, "TableCell"))
                table.append(row)
            body.append(table)
        elif isinstance(block, Figure):
            figures += 1
            raster = svg_to_png(block.svg)
            # Named and typed as a PNG in the manifest (add_file would store it untyped).
            uri = f"Pictures/figure{figures}.png"
            assert odt.container is not None  # a new document always has one
            odt.container.set_part(uri, raster.png)
            odt.manifest.add_full_path(uri, "image/png")
            frame = Frame.image_frame(
                uri,
                name=f"Figure{figures}",
                size=(f"{raster.width_cm:.2f}cm", f"{raster.height_cm:.2f}cm"),
                anchor_type="as-char",
            )
            frame.svg_title = block.title
            frame.svg_description = block.description
            paragraph = OdfParagraph("", style="Text_20_body")
            paragraph.append(frame)
            body.append(paragraph)
        elif isinstance(block, PageBreak):
            body.append(OdfPageBreak())
    out = io.BytesIO()
    odt.save(out)
    return out.getvalue()


def _odf_cell(cell_class, paragraph_class, text: str, style: str, *, bold: bool = False):  # type: ignore[no-untyped-def]
    from odfdo import Span

    cell = cell_class(style=style)
    paragraph = paragraph_class("")
    if bold:
        paragraph.append(Span(text, style="Strong"))
    else:
        paragraph.append_plain_text(text)
    cell.append(paragraph)
    return cell


def _language_tag(lang: str) -> str:
    return "fr-FR" if lang == "fr" else lang


RENDERERS: dict[str, Callable[[Document], bytes]] = {
    "pdf": to_pdf,
    "docx": to_docx,
    "odt": to_odt,
}


def render(document: Document, fmt: Format) -> bytes:
    return RENDERERS[fmt](document)
