"""PDF documents rendered from HTML templates by WeasyPrint, tagged for accessibility (PDF/UA-1).

The template gives the document's language (`<html lang="fr">`) and its title (`<title>`),
which WeasyPrint writes into the PDF's catalog and metadata; PDF/UA-1 makes it a tagged PDF
(structure tree, `/MarkInfo`), and viewers show the title rather than the file name.

WeasyPrint needs Debian's Pango (libpango-1.0-0, libpangoft2-1.0-0) and at least one font
(fonts-dejavu-core): see the README. With no font at all, Pango crashes the whole process, so
the renderer refuses first. WeasyPrint is imported on first use: the rest of the platform
starts without these libraries.

Nothing is fetched while rendering: the templates carry their own styles in a `<style>`
element, and any URL in a document is refused (no file, no network).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

PDF_VARIANT = "pdf/ua-1"


class PdfUnavailable(RuntimeError):
    """The system lacks what WeasyPrint needs to render a PDF."""


@functools.cache
def _fonts_available() -> bool:
    from weasyprint.text.ffi import ffi, fontconfig

    config = ffi.gc(fontconfig.FcInitLoadConfigAndFonts(), fontconfig.FcConfigDestroy)
    fonts = fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem)
    return fonts != ffi.NULL and int(fonts.nfont) > 0


def html_to_pdf(html: str) -> bytes:
    """The PDF/UA-1 rendering of an HTML document that needs nothing from outside."""
    try:
        import weasyprint
    except OSError as error:  # Pango or its companions missing
        raise PdfUnavailable(
            "WeasyPrint cannot load Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        ) from error
    if not _fonts_available():
        raise PdfUnavailable("No font installed: apt-get install fonts-dejavu-core")
    refuse_every_url = weasyprint.URLFetcher(allowed_protocols=frozenset())
    document = weasyprint.HTML(string=html, url_fetcher=refuse_every_url)
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf


def render_pdf(
    template_name: str, context: Mapping[str, Any], request: HttpRequest | None = None
) -> bytes:
    """A Django template rendered to a tagged PDF."""
    return html_to_pdf(render_to_string(template_name, dict(context), request))
