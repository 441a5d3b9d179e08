"""The PDF renderer: tagged PDF/UA-1 in the document's language, nothing fetched, a clear
refusal when the system has no font (Pango would crash the process)."""

from __future__ import annotations

import io
import logging

import pytest
from pypdf import PdfReader

from fabriques.core import pdf

HTML = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Essai</title>
<link rel="stylesheet" href="file:///etc/hostname"></head>
<body><h1>Bonjour</h1><img src="https://example.org/pixel.png" alt="pixel"></body></html>"""


def test_a_document_is_tagged_in_its_language_and_fetches_nothing(caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        reader = PdfReader(io.BytesIO(pdf.html_to_pdf(HTML)))
    catalog = reader.root_object
    assert str(catalog["/Lang"]) == "fr"
    assert "/StructTreeRoot" in catalog
    assert reader.metadata is not None
    assert reader.metadata.title == "Essai"
    assert "Bonjour" in reader.pages[0].extract_text()
    refused = [r.getMessage() for r in caplog.records if "disallowed protocol" in r.getMessage()]
    assert len(refused) == 2, caplog.text


def test_no_font_is_refused_before_pango_crashes(monkeypatch):
    monkeypatch.setattr(pdf, "_fonts_available", lambda: False)
    with pytest.raises(pdf.PdfUnavailable, match="fonts-dejavu-core"):
        pdf.html_to_pdf(HTML)
