"""The roadmap's document in three formats and its sheets' exports, read back and compared with
the data; the routes tried by every persona."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document as DocxDocument
from openpyxl import load_workbook

from fabriques.documents.blocks import Document
from fabriques.documents.renderers import render
from fabriques.documents.tests.readback import docx_text, odt_document, odt_text, pdf_text, squash
from fabriques.programme.tests.personas import ROLE_NAMES, Personas, build_personas
from fabriques.roadmaps.documents import (
    BUDGET_COLUMNS,
    FUNDING_COLUMNS,
    SHEET_COLUMNS,
    roadmap_document,
    roadmap_for_document,
)
from fabriques.roadmaps.models import ActionSheet, Roadmap
from fabriques.roadmaps.tests.document_data import UNICODE, long_text, make_roadmap
from fabriques.territories.tests.factories import ParticipationFactory

SHEETS = 30
SENTENCES = 8


def expected_fragments(roadmap) -> list[str]:
    """What the document must say: the framing, then every part of every sheet."""
    fragments = [roadmap.diagnostic, roadmap.issues, roadmap.vision, roadmap.easy_summary]
    fragments += ["Mme Œnone Dupré-Lefèvre", "DEL-2026-042", "PVD-45-012", "Banque des Territoires"]
    for sheet in ActionSheet.objects.filter(roadmap=roadmap).order_by("number"):
        fragments += [
            sheet.title,
            sheet.description,
            sheet.objectives,
            sheet.expected_effects,
            f"Kilomètres de pistes cyclables (fiche {sheet.number})",
            "Étude de faisabilité — réalisée",
            "Travaux — 1 mars 2027 — à réaliser",
            f"Budget de la fiche {sheet.number}",
            f"Plan de financement de la fiche {sheet.number}",
        ]
    fragments += [
        "125 000,50 €",
        "0,50 ETP",
        "40 000,00 €",
        "31 décembre 2026 : 3,25",
        "Maîtrise d’œuvre",
    ]
    return fragments


class TestThirtySheetsWithLongUnicodeTexts(TestCase):
    roadmap: Roadmap
    document: Document
    files: dict[str, bytes]

    @classmethod
    def setUpTestData(cls):
        participation = ParticipationFactory()
        cls.roadmap = make_roadmap(participation, sheets=SHEETS, sentences=SENTENCES)
        cls.document = roadmap_document(roadmap_for_document(cls.roadmap.pk))
        cls.files = {fmt: render(cls.document, fmt) for fmt in ("pdf", "docx", "odt")}

    def _check(self, text: str) -> None:
        flat = squash(text)
        missing = [f for f in expected_fragments(self.roadmap) if squash(f) not in flat]
        assert missing == []
        # Each sheet exactly once, in order.
        positions = [flat.find(squash(f"Fiche {n} : piste cyclable")) for n in range(1, 31)]
        assert all(p >= 0 for p in positions)
        assert flat.count(squash("Description 17 phrase 8 :")) == 1
        # Review comments are not part of the document.
        assert "Commentairederelecture" not in flat

    def test_the_pdf_says_everything(self):
        self._check(pdf_text(self.files["pdf"], self.roadmap.title))

    def test_the_docx_says_everything(self):
        self._check(docx_text(self.files["docx"]))
        document = DocxDocument(io.BytesIO(self.files["docx"]))
        assert document.core_properties.title == self.roadmap.title
        assert document.core_properties.language == "fr-FR"
        assert len(document.tables) >= 30 * 3

    def test_the_odt_says_everything(self):
        text = odt_text(self.files["odt"])
        document = odt_document(self.files["odt"])
        tables = document.body.get_tables()
        cells = "\n".join(
            c.text_content for t in tables for r in t.get_rows() for c in r.get_cells()
        )
        self._check(text + "\n" + cells)
        assert document.meta.get_title() == self.roadmap.title

    def test_the_document_has_axes_and_sheets_as_headings(self):
        from fabriques.documents.blocks import Heading

        headings = [(b.level, b.text) for b in self.document.blocks if isinstance(b, Heading)]
        assert (1, "Axe 1 : Axe 1 — Mobilités et œuvre commune") in headings
        assert sum(1 for level, _ in headings if level == 2) == SHEETS
        assert UNICODE in self.roadmap.title

    def test_the_public_version_leaves_out_the_notes(self):
        public = roadmap_document(roadmap_for_document(self.roadmap.pk), public=True)
        assert "Note interne 1" in self.document.text()
        assert "Note interne 1" not in public.text()


@pytest.mark.django_db
def test_reading_a_roadmap_costs_the_same_queries_for_3_or_30_sheets():
    counts = []
    for sheets in (3, 30):
        roadmap = make_roadmap(ParticipationFactory(), sheets=sheets, sentences=1)
        with CaptureQueriesContext(connection) as queries:
            roadmap_document(roadmap_for_document(roadmap.pk))
        counts.append(len(queries))
    # roadmap, axes, partners, contracts, sheets, and per kind of part: sheet partners, steps,
    # budget lines, funding lines, indicators, indicator values, notes, status changes, related,
    # entries of closed follow-ups.
    assert counts == [15, 15]


@pytest.mark.django_db
def test_the_document_tells_what_closed_follow_ups_said_of_each_sheet():
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from fabriques.roadmaps.models import FollowUp, FollowUpEntry, SheetStatus

    roadmap = make_roadmap(ParticipationFactory(), sheets=2, sentences=1)
    first, second = roadmap.sheets.order_by("number")
    closed = FollowUp.objects.create(
        roadmap=roadmap,
        horizon=1,
        due_on=datetime.date(2027, 6, 30),
        closed_at=timezone.make_aware(datetime.datetime(2027, 6, 15, 10)),
    )
    still_open = FollowUp.objects.create(
        roadmap=roadmap, horizon=3, due_on=datetime.date(2029, 6, 30)
    )
    FollowUpEntry.objects.create(
        follow_up=closed,
        sheet=first,
        status=SheetStatus.DONE,
        actual_end=datetime.date(2027, 5, 2),
        spent=Decimal("48200.00"),
        granted=Decimal("20000"),
        comment="Piste ouverte au public en mai.",
    )
    FollowUpEntry.objects.create(
        follow_up=still_open, sheet=second, status=SheetStatus.DROPPED, comment="Brouillon du suivi"
    )
    text = roadmap_document(roadmap_for_document(roadmap.pk), public=True).text()
    assert "Suivi à un an, remis le 15 juin 2027" in text
    assert "Piste ouverte au public en mai." in text
    assert "Dépensé 48\u00a0200,00\u00a0€" in text
    assert "Subventions obtenues 20\u00a0000,00\u00a0€" in text
    assert "jusqu’au 2 mai 2027" in text
    # A follow-up still being filled in is not part of the document.
    assert "Brouillon du suivi" not in text
    assert "à trois ans" not in text


class TestExports(TestCase):
    cast: Personas
    roadmap: Roadmap

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_personas()
        cls.roadmap = make_roadmap(cls.cast.participation_a, sheets=4, sentences=1)

    def _get(self, name, *args, user="pilot_a"):
        self.client.force_login(self.cast.users[user])
        return self.client.get(reverse(name, args=[self.roadmap.pk, *args]))

    def _csv(self, url_name, *args):
        response = self._get(url_name, *args)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        content = response.content
        assert content.startswith("\ufeff".encode())
        return response, list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))

    def test_the_sheets_csv_has_the_fixed_columns_and_one_line_a_sheet(self):
        response, rows = self._csv("roadmaps:sheets_export", "fiches", "csv")
        assert rows[0] == list(SHEET_COLUMNS)
        assert len(rows) == 1 + 4
        first = dict(zip(SHEET_COLUMNS, rows[1], strict=True))
        assert first["fiche_numero"] == "1"
        assert first["intitule"] == "Fiche 1 : piste cyclable « cœur de bourg » n° 1"
        assert first["budget_prevu_eur_ht"] == "125000,50"  # euros only, FTE apart
        assert first["financement_demande_eur"] == "80000,00"
        assert first["financement_accorde_eur"] == "40000,00"
        assert first["etapes_realisees"] == "1" and first["etapes"] == "2"
        assert first["debut_prevu"] == "2026-03-01"
        assert first["siret_maitre_ouvrage"] == "21450012300018"
        assert response["Content-Disposition"].startswith(
            'attachment; filename="fiches-feuille-de-route-de-'
        )

    def test_budget_and_funding_csv_have_one_line_a_line(self):
        _, budget = self._csv("roadmaps:table_export", "budget", "csv")
        assert budget[0] == list(BUDGET_COLUMNS)
        assert len(budget) == 1 + 4 * 2
        assert budget[1][3:] == ["2026", "Investissement", "€ HT", "125000,50", "98000,00"]
        assert budget[2][3:] == ["2027", "Fonctionnement", "ETP", "0,50", ""]
        _, funding = self._csv("roadmaps:table_export", "financements", "csv")
        assert funding[0] == list(FUNDING_COLUMNS)
        assert len(funding) == 1 + 4 * 2
        assert funding[1][3:] == ["Préfecture du Loiret", "DETR", "50000,00", "40000,00", "Obtenu"]
        # A funder typed as a formula stays text.
        assert funding[2][3].startswith("'=HYPERLINK")

    def test_the_xlsx_has_three_worksheets_with_typed_cells(self):
        response = self._get("roadmaps:sheets_export", "fiches", "xlsx")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == ["fiches", "budget", "financements"]
        sheets = list(workbook["fiches"].values)
        assert list(sheets[0]) == list(SHEET_COLUMNS) and len(sheets) == 5
        budget = list(workbook["budget"].values)
        assert list(budget[0]) == list(BUDGET_COLUMNS)
        assert budget[1][3:] == (2026, "Investissement", "€ HT", 125000.5, 98000)
        funding = workbook["financements"]
        assert funding.cell(row=3, column=4).data_type == "s"  # the formula is text
        assert funding.cell(row=3, column=4).value.startswith("=HYPERLINK")

    def test_unknown_tables_and_formats_are_not_found(self):
        assert self._get("roadmaps:sheets_export", "fiches", "csv").status_code == 200
        self.client.force_login(self.cast.pilot_a)
        base = reverse("roadmaps:detail", args=[self.roadmap.pk])
        for tail in ("budget.xlsx", "fiches.ods", "autre.csv", "document.rtf"):
            assert self.client.get(base + tail).status_code == 404


# Who sees territory A's roadmap (roadmaps.access.may_see_roadmap): those who write it and the
# Fabrique's partners. Every other persona gets a 404; anonymous visitors are sent to log in.
SEES = {"admin", "pilot_a", "partner_a", "provider_a", "elected_a", "technical_a"}


class TestRoutesPerRole(TestCase):
    cast: Personas
    roadmap: Roadmap

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_personas()
        cls.roadmap = make_roadmap(cls.cast.participation_a, sheets=2, sentences=1)

    def test_each_persona(self):
        urls = [
            reverse("roadmaps:document", args=[self.roadmap.pk, "docx"]),
            reverse("roadmaps:sheets_export", args=[self.roadmap.pk, "fiches", "csv"]),
            reverse("roadmaps:sheets_export", args=[self.roadmap.pk, "fiches", "xlsx"]),
            reverse("roadmaps:table_export", args=[self.roadmap.pk, "budget", "csv"]),
        ]
        for name in ROLE_NAMES:
            user = self.cast.user(name)
            self.client.logout()
            if user is not None:
                self.client.force_login(user)
            for url in urls:
                with self.subTest(name=name, url=url):
                    response = self.client.get(url)
                    if name == "anonymous":
                        assert response.status_code == 302
                        assert response["Location"].startswith(reverse("accounts:login"))
                    elif name in SEES:
                        assert response.status_code == 200
                        assert response["Content-Disposition"].startswith("attachment;")
                    else:
                        assert response.status_code == 404

    def test_the_pdf_is_served_with_its_type_and_a_clean_french_name(self):
        self.client.force_login(self.cast.elected_a)
        response = self.client.get(reverse("roadmaps:document", args=[self.roadmap.pk, "pdf"]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        disposition = response["Content-Disposition"]
        filename = disposition.removeprefix('attachment; filename="').removesuffix('"')
        # ASCII, accents and « œ » spelt out, cut at 100 characters before the extension.
        assert filename.startswith("feuille-de-route-feuille-de-route-de-")
        # The territory's label holds a factory sequence number: the cut falls where it may.
        assert "-coeur-de-bourg-loeuvre-commune-ecole-a-velo-ca-rou" in filename
        assert filename.endswith(".pdf")
        assert filename.isascii() and len(filename) <= 104
        assert response.content.startswith(b"%PDF")
        assert squash(long_text("Diagnostic", 1)) in squash(
            pdf_text(response.content, self.roadmap.title)
        )

    def test_odt_type(self):
        self.client.force_login(self.cast.pilot_a)
        response = self.client.get(reverse("roadmaps:document", args=[self.roadmap.pk, "odt"]))
        assert response["Content-Type"] == "application/vnd.oasis.opendocument.text"
        assert odt_document(response.content).meta.get_title() == self.roadmap.title


class TestWaitingPage(TestCase):
    cast: Personas
    roadmap: Roadmap

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_personas()
        cls.roadmap = make_roadmap(cls.cast.participation_a, sheets=2, sentences=1)

    def test_a_large_document_shows_the_waiting_page_then_the_file(self):
        from fabriques.documents import services

        url = reverse("roadmaps:document", args=[self.roadmap.pk, "docx"])
        self.client.force_login(self.cast.provider_a)
        original = services.INLINE_MAX_CHARS
        services.INLINE_MAX_CHARS = 0
        try:
            with self.captureOnCommitCallbacks(execute=False) as callbacks:
                response = self.client.get(url)
            assert response.status_code == 200
            assert response["Content-Type"].startswith("text/html")
            page = response.content.decode()
            assert "Le document est en préparation…" in page
            assert '<meta http-equiv="refresh" content="2">' in page
            assert "no-store" in response["Cache-Control"]
            # The worker runs the task: the next look gets the file.
            for callback in callbacks:
                callback()
            response = self.client.get(url)
        finally:
            services.INLINE_MAX_CHARS = original
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "Mme Œnone Dupré-Lefèvre" in docx_text(response.content)
