"""The study's report in the three formats, read back; the public report without names; a
run's results as CSV, per method and through the generic flattening."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.test import Client, TestCase
from django.urls import reverse

import foresight.cib
from fabriques.documents.blocks import Figure
from fabriques.documents.tests.readback import docx_text, odt_text, pdf_text, squash
from fabriques.programme.tests.personas import Personas, build_personas
from fabriques.studies import selectors, services
from fabriques.studies.models import RetainedKind, Study, StudyRun, StudyStatus
from fabriques.studies.reports import generic_tables, run_csv, run_tables, study_document

from .factories import micmac_study


def _rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


class RunTablesTest(TestCase):
    def test_micmac_csv_lists_the_variables_by_indirect_influence(self) -> None:
        output = {
            "variables": ["A", "=B"],
            "direct": {"influence": [1, 2], "dependence": [2, 1], "influence_rank": [2, 1]},
            "indirect": {
                "power": 3,
                "influence": [5, 9],
                "dependence": [9, 5],
                "influence_rank": [2, 1],
                "dependence_rank": [1, 2],
                "quadrant": ["dependent", "influent"],
            },
        }
        rows = _rows(run_csv("micmac", output))
        assert rows[0][0] == "Variable" and rows[0][-1] == "Quadrant (plan indirect)"
        # =B first (indirect rank 1), with the apostrophe that keeps a spreadsheet from running it.
        assert rows[1][:2] == ["'=B", "2"]
        assert rows[1][-1] == "Variables d’entrée / influentes"
        assert rows[2][0] == "A"

    def test_generic_flattening_of_a_cib_output(self) -> None:
        output = foresight.cib.solve(
            foresight.cib.parse(
                {
                    "descriptors": [
                        {"name": "A", "variants": ["a1", "a2"]},
                        {"name": "B", "variants": ["b1", "b2"]},
                    ],
                    "matrix": [[0, 0, 2, -2], [0, 0, -1, 1], [1, -1, 0, 0], [-3, 3, 0, 0]],
                }
            )
        ).to_dict()
        tables = {table.name: table for table in generic_tables(output)}
        scenarios = tables["scenarios"]
        assert scenarios.header == ["variants", "inconsistency", "total_impact_score"]
        assert scenarios.rows == [["a2, b2", 0, 4], ["a1, b1", 0, 3]]
        assert ["scenario_count", 2] in tables["synthese"].rows
        rows = _rows(run_csv("cib", output))
        assert ["[scenarios]"] in rows and ["a2, b2", "0", "4"] in rows

    def test_mactor_and_regnier_have_their_own_tables(self) -> None:
        regnier = run_tables(
            "regnier",
            {
                "statements": [
                    {"name": "S1", "mean": 3.0, "dispersion": 2.0, "dissensus": True},
                ]
            },
        )
        assert regnier[0].rows[0][0] == "S1" and regnier[0].rows[0][-1] == "dissensus"
        mactor = run_tables(
            "mactor",
            {
                "actors": ["Mairie"],
                "objectives": ["O1"],
                "influence": [3],
                "dependence": [1],
                "balance_of_power": [1.0],
                "plane": {"quadrant": ["dominant"]},
                "orders": [{"order": 2, "mobilisation": [4], "objective_for": [4]}],
            },
        )
        assert [t.name for t in mactor] == ["acteurs", "objectifs"]
        assert mactor[0].rows[0][-1] == "Acteurs dominants"


class ReportTest(TestCase):
    cast: Personas
    study: Study
    study_run: StudyRun

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()
        cls.study = micmac_study(
            fabrique=cls.cast.fabrique_a,
            actor=cls.cast.provider_a,
            participation=cls.cast.participation_a,
            title="Étude du bourg",
            purpose="Comprendre ce qui fait bouger le bourg.",
        )
        cls.study_run = services.study_run(study=cls.study, actor=cls.cast.provider_a)
        services.retained_add(
            study=cls.study,
            actor=cls.cast.provider_a,
            kind=RetainedKind.VARIABLE,
            key="Offre de soins",
            run=cls.study_run,
            note="Retenue en atelier",
        )

    def client_for(self, name: str) -> Client:
        client = Client()
        user = self.cast.user(name)
        if user is not None:
            client.force_login(user)
        return client

    def download(self, client: Client, url: str) -> Any:
        """A report with figures is rendered in the task queue: the first answer is the
        « en préparation » page, the queued rendering runs (immediate backend), and the
        page's refresh gets the file."""
        with self.captureOnCommitCallbacks(execute=True):
            waiting = client.get(url)
        assert waiting.status_code == 200
        assert "Le document est en préparation…" in waiting.content.decode()
        return client.get(url)

    def test_the_document_holds_method_inputs_results_and_retained(self) -> None:
        document = study_document(
            self.study,
            run=self.study_run,
            retained=selectors.retained_for_report(self.study),
        )
        text = document.text()
        figures = [block for block in document.blocks if isinstance(block, Figure)]
        assert [figure.title for figure in figures] == [
            "Plan influence–dépendance direct",
            "Plan influence–dépendance indirect",
            "Plan influence–dépendance\u00a0: déplacement du plan direct au plan indirect",
            "Graphe des influences directes (seuil 1)",
        ]
        assert all(figure.svg.startswith("<svg") for figure in figures)
        for expected in (
            "Analyse structurelle (MICMAC)",
            "Comprendre ce qui fait bouger le bourg.",
            "Données d’entrée\u00a0: MICMAC",
            "Emploi local",
            "Résultats retenus",
            "Offre de soins — Retenue en atelier",
        ):
            assert expected in text, expected

    def test_three_formats_read_back(self) -> None:
        client = self.client_for("partner_a")
        readers: dict[str, Any] = {
            "pdf": lambda content: pdf_text(content, self.study.title),
            "docx": docx_text,
            "odt": odt_text,
        }
        for fmt, read in readers.items():
            with self.subTest(fmt):
                response = self.download(
                    client, reverse("studies:report", args=[self.study.pk, fmt])
                )
                assert response.status_code == 200
                assert response["Content-Disposition"].endswith(f'etude-etude-du-bourg.{fmt}"')
                text = squash(read(response.content))
                for expected in ("Donnéesd’entrée", "Offredesoins", "Résultatsretenus"):
                    assert squash(expected) in text, (fmt, expected)

    def test_report_access(self) -> None:
        url = reverse("studies:report", args=[self.study.pk, "docx"])
        assert self.client_for("provider_b").get(url).status_code == 404
        response = self.client_for("anonymous").get(url)
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
        assert (
            self.client_for("provider_a")
            .get(reverse("studies:report", args=[self.study.pk, "rtf"]))
            .status_code
            == 404
        )

    def test_public_report_only_once_published_and_without_names(self) -> None:
        url = reverse("studies:public_report", args=[self.study.pk, "docx"])
        assert self.client_for("anonymous").get(url).status_code == 404
        Study.objects.filter(pk=self.study.pk).update(status=StudyStatus.PUBLISHED)
        response = self.download(self.client_for("anonymous"), url)
        assert response.status_code == 200
        text = docx_text(response.content)
        assert "Offre de soins" in text
        assert "provider_a" not in text and "Rencontres" not in text

    def test_run_csv_route(self) -> None:
        url = reverse("studies:run_csv", args=[self.study.pk, self.study_run.pk])
        response = self.client_for("elected_a").get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = _rows(response.content)
        assert rows[0][0] == "Variable"
        assert {row[0] for row in rows[1:]} == {
            "Emploi local",
            "Offre de soins",
            "Transports",
            "Habitat",
        }
        assert self.client_for("provider_b").get(url).status_code == 404
        other = micmac_study(fabrique=self.cast.fabrique_a, actor=self.cast.provider_a)
        wrong = reverse("studies:run_csv", args=[other.pk, self.study_run.pk])
        assert self.client_for("provider_a").get(wrong).status_code == 404
