"""The three renderings of one document tree, read back: same text, structure and metadata."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from docx import Document as DocxDocument
from pypdf import PdfReader

from fabriques.documents.blocks import (
    BulletList,
    Document,
    Heading,
    KeyValue,
    PageBreak,
    Paragraph,
    Table,
)
from fabriques.documents.renderers import render

from .readback import docx_text, odt_document, odt_text, pdf_text, squash

TITLE = "Feuille de route — Cœur de ville ; « l’œuvre »"
LONG = " ".join(f"Phrase {n} : l’Œuvre « commune » à Évry, 1 250,50 €." for n in range(1, 400))


def sample() -> Document:
    return Document(
        title=TITLE,
        subject="Sujet du document",
        blocks=[
            Heading(1, "Axe 1 : mobilités œcuméniques"),
            Paragraph(LONG),
            Paragraph("Un texte en italique", emphasis=True),
            BulletList(["Première puce", "Deuxième puce"]),
            KeyValue([("Pilote", "Mme Zoé Lefèvre"), ("État", "En cours")]),
            Heading(2, "Fiche 1 : piste cyclable"),
            Table(
                "Budget de la fiche 1",
                ["Année", "Nature", "Prévu"],
                [[str(2020 + n), "Investissement", f"{n} 000,00 €"] for n in range(1, 80)],
            ),
            PageBreak(),
            Heading(3, "Indicateurs"),
            Paragraph("Dernier paragraphe."),
        ],
    )


def test_the_tree_round_trips_through_json_and_its_version_follows_the_content():
    document = sample()
    assert Document.from_data(document.to_data()) == document
    assert Document.from_data(document.to_data()).content_version() == document.content_version()
    changed = sample()
    changed.blocks[-1] = Paragraph("Dernier paragraphe modifié.")
    assert changed.content_version() != document.content_version()


class TestPdf:
    content = render(sample(), "pdf")

    def test_it_is_tagged_french_titled_and_has_bookmarks(self):
        reader = PdfReader(io.BytesIO(self.content))
        catalog: Any = reader.trailer["/Root"]
        assert "/StructTreeRoot" in catalog
        assert catalog["/Lang"] == "fr"
        assert catalog["/MarkInfo"]["/Marked"]
        assert reader.metadata is not None and reader.metadata.title == TITLE
        outline = list(_flatten(reader.outline))
        pages = [reader.get_destination_page_number(item) or 0 for item in outline]
        assert [item.title for item in outline] == [
            TITLE,
            "Axe 1 : mobilités œcuméniques",
            "Fiche 1 : piste cyclable",
            "Indicateurs",
        ]
        assert pages[-1] > pages[0]  # after the page break

    def test_its_text_is_the_documents_text_without_loss(self):
        text = squash(pdf_text(self.content, TITLE))
        for needle in (
            LONG,
            "Mme Zoé Lefèvre",
            "79 000,00 €",
            "Deuxième puce",
            "Dernier paragraphe.",
        ):
            assert squash(needle) in text
        assert text.count("Investissement") == 79

    def test_table_headers_are_th_with_scope(self):
        from django.template.loader import render_to_string

        document = sample()
        html = render_to_string(
            "documents/document.html",
            {
                "document": document,
                "blocks": [(type(b).__name__.lower(), b) for b in document.blocks],
            },
        )
        assert '<th scope="col">Année</th>' in html
        assert '<th scope="row">2021</th>' in html
        assert "<caption>Budget de la fiche 1</caption>" in html


def _flatten(outline):
    for item in outline:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


class TestDocx:
    content = render(sample(), "docx")

    def test_properties_headings_and_repeated_header_rows(self):
        document = DocxDocument(io.BytesIO(self.content))
        assert document.core_properties.title == TITLE
        assert document.core_properties.language == "fr-FR"
        named = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
        styles = [(name, text) for name, text in named if name.startswith(("Heading", "Title"))]
        assert styles == [
            ("Title", TITLE),
            ("Heading 1", "Axe 1 : mobilités œcuméniques"),
            ("Heading 2", "Fiche 1 : piste cyclable"),
            ("Heading 3", "Indicateurs"),
        ]
        (table,) = document.tables
        assert [c.text for c in table.rows[0].cells] == ["Année", "Nature", "Prévu"]
        assert 'w:tblHeader w:val="true"' in table.rows[0]._tr.xml
        assert len(table.rows) == 80
        xml = zipfile.ZipFile(io.BytesIO(self.content)).read("word/styles.xml").decode()
        assert 'w:lang w:val="fr-FR"' in xml

    def test_its_text_is_the_documents_text(self):
        text = squash(docx_text(self.content))
        for needle in (LONG, "Pilote\u00a0: Mme Zoé Lefèvre", "79 000,00 €", "Deuxième puce"):
            assert squash(needle) in text


class TestOdt:
    content = render(sample(), "odt")

    def test_metadata_headings_and_header_rows(self):
        document = odt_document(self.content)
        assert document.meta.get_title() == TITLE
        assert document.meta.get_language() == "fr-FR"
        headers = [(h.level, str(h).strip()) for h in document.body.get_headers()]
        assert headers == [
            ("1", "Axe 1 : mobilités œcuméniques"),
            ("2", "Fiche 1 : piste cyclable"),
            ("3", "Indicateurs"),
        ]
        (table,) = document.body.get_tables()
        assert table.get_elements("table:table-header-rows")
        rows = [[c.text_content for c in row.get_cells()] for row in table.get_rows()]
        assert rows[0] == ["Année", "Nature", "Prévu"]
        assert rows[-1] == ["2099", "Investissement", "79 000,00 €"]

    def test_its_text_is_the_documents_text(self):
        text = squash(odt_text(self.content))
        for needle in (
            LONG,
            "Pilote\u00a0: Mme Zoé Lefèvre",
            "Deuxième puce",
            "Un texte en italique",
        ):
            assert squash(needle) in text
