"""A figure block (an SVG the platform draws) in the three renderings: the SVG itself in the
tagged PDF, a PNG with its title and alternative text in the DOCX and the ODT; nothing
fetched from outside."""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader

from fabriques.documents.blocks import Document, Figure, Heading, Paragraph
from fabriques.documents.raster import TARGET_WIDTH_PX, svg_size, svg_to_png
from fabriques.documents.renderers import render

from .readback import odt_document

TITLE = "Plan influence–dépendance « exemple »"
DESCRIPTION = "Trois variables : A en haut à gauche, B au centre, C en bas à droite."
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" role="img">'
    f"<title>{TITLE}</title><desc>{DESCRIPTION}</desc>"
    '<rect width="400" height="200" fill="#ffffff"/>'
    '<circle cx="50" cy="40" r="8" fill="#000091"/><text x="62" y="44">A</text>'
    '<rect x="190" y="90" width="16" height="16" fill="#000091"/>'
    '<path d="M340 150L356 166L340 182Z" fill="#000091"/></svg>'
)


def sample() -> Document:
    return Document(
        title="Rapport d’étude",
        blocks=[
            Heading(1, "Résultats"),
            Paragraph(DESCRIPTION),
            Figure(title=TITLE, description=DESCRIPTION, svg=SVG),
            Paragraph("Après la figure."),
        ],
    )


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_the_figure_round_trips_through_json_and_weighs_in_the_size():
    document = sample()
    assert Document.from_data(document.to_data()) == document
    without = Document(title=document.title, blocks=document.blocks[:2] + document.blocks[3:])
    assert document.size() > without.size() + 5_000
    assert TITLE in document.text() and DESCRIPTION in document.text()


def test_the_raster_keeps_the_proportions_and_is_drawn():
    raster = svg_to_png(SVG)
    assert _png_size(raster.png) == (TARGET_WIDTH_PX, TARGET_WIDTH_PX // 2)
    assert raster.width_cm == 16.0 and raster.height_cm == 8.0
    blank = svg_to_png(SVG.split("<circle")[0] + "</svg>")
    assert len(raster.png) > len(blank.png)  # the marks are drawn, not a white page


def test_the_raster_refuses_a_figure_without_viewbox_or_with_an_outside_reference():
    with pytest.raises(ValueError, match="viewBox"):
        svg_size('<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    outside = SVG.replace(
        "</svg>",
        '<image href="http://127.0.0.1:9/x.png" width="10" height="10"/></svg>',
    )
    with pytest.raises(ValueError, match="outside resource"):
        svg_to_png(outside)


def test_the_pdf_keeps_the_svg_as_a_tagged_figure_with_its_title_as_alternative_text():
    content = render(sample(), "pdf")
    reader = PdfReader(io.BytesIO(content))
    catalog: Any = reader.trailer["/Root"]
    root = catalog["/StructTreeRoot"]
    figures = list(_elements(root, "/Figure"))
    assert len(figures) == 1
    assert figures[0]["/Alt"] == TITLE


def test_the_docx_has_the_picture_with_its_title_and_alternative_text():
    content = render(sample(), "docx")
    document = DocxDocument(io.BytesIO(content))
    (shape,) = document.inline_shapes
    assert round(shape.width.cm, 1) == 16.0 and round(shape.height.cm, 1) == 8.0
    properties = shape._inline.docPr
    assert properties.get("title") == TITLE and properties.get("descr") == DESCRIPTION
    (media,) = [n for n in zipfile.ZipFile(io.BytesIO(content)).namelist() if "media/" in n]
    png = zipfile.ZipFile(io.BytesIO(content)).read(media)
    assert _png_size(png) == (TARGET_WIDTH_PX, TARGET_WIDTH_PX // 2)


def test_the_odt_has_the_picture_typed_with_its_title_and_description():
    content = render(sample(), "odt")
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert _png_size(archive.read("Pictures/figure1.png"))[0] == TARGET_WIDTH_PX
    manifest = archive.read("META-INF/manifest.xml").decode()
    assert (
        'manifest:media-type="image/png" manifest:full-path="Pictures/figure1.png"' in (manifest)
        or 'manifest:full-path="Pictures/figure1.png" manifest:media-type="image/png"' in manifest
    )
    document = odt_document(content)
    (frame,) = document.body.get_frames()
    assert frame.svg_title == TITLE and frame.svg_description == DESCRIPTION
    assert frame.size == ("16.00cm", "8.00cm")
    image = frame.get_image()
    assert image is not None and image.url == "Pictures/figure1.png"


def _elements(node: Any, tag: str):
    node = node.get_object()
    if node.get("/S") == tag:
        yield node
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict):
            yield from _elements(kid, tag)
