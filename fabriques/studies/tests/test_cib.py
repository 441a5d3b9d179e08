"""The cross-impact balances screens: descriptors and variants kept consistent with the
matrix, the impact grid (whole form and cell by cell), ScenarioWizard import, runs at once and
through the task queue, the scenarios' table and the named scenarios; each persona's access."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fabriques.core.models import AuditEvent
from fabriques.programme.tests.personas import ROLE_NAMES, Personas, build_personas
from fabriques.studies import selectors, services
from fabriques.studies.models import (
    CellEntry,
    QueuedRun,
    QueuedRunStatus,
    Scenario,
    Study,
    StudyRun,
    StudyStatus,
)
from foresight import cib, scenariowizard

from .factories import CIB_DESCRIPTORS, CIB_MATRIX, cib_study

WRITERS = {"admin", "pilot_a", "provider_a"}
READERS = {"partner_a", "elected_a", "technical_a"}


def edits(descriptors: list[dict[str, Any]]) -> list[services.DescriptorEdit]:
    """The descriptors as kept in order, each variant at its former place."""
    return [
        services.DescriptorEdit(i, d["name"], tuple(enumerate(d["variants"])))  # type: ignore[arg-type]
        for i, d in enumerate(descriptors)
    ]


def grid_form(study: Study, overrides: dict[str, str] | None = None) -> dict[str, str]:
    data = {"lock_version": str(study.lock_version)}
    for i, row in enumerate(study.inputs["matrix"]):
        for j, value in enumerate(row):
            data[f"c-{i}-{j}"] = str(value)
    return data | (overrides or {})


def weak_chain(n: int, k: int = 3) -> dict[str, Any]:
    """Every variant of descriptor i supports every variant of i + 1 alike: one island whose
    k**n scenarios are all consistent (the search's worst case)."""
    size = n * k
    return {
        "descriptors": [
            {"name": f"D{i}", "variants": [f"v{i}.{j}" for j in range(k)]} for i in range(n)
        ],
        "matrix": [[1 if j // k == i // k + 1 else 0 for j in range(size)] for i in range(size)],
    }


class CibServicesTest(TestCase):
    cast: Personas

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()

    def setUp(self) -> None:
        self.study = cib_study(fabrique=self.cast.fabrique_a, actor=self.cast.provider_a)

    # Cells --------------------------------------------------------------------------------------

    def test_cell_text_reads_the_scale_with_signs_and_the_unicode_minus(self) -> None:
        assert [services.cib_value(t) for t in ("", " 0", "+2", "-3", "−1", "3")] == [
            0,
            0,
            2,
            -3,
            -1,
            3,
        ]
        assert [services.cib_value(t) for t in ("4", "-4", "x", "1.5", "P")] == [None] * 5

    # Descriptors ------------------------------------------------------------------------------

    def test_the_empty_document_is_the_librarys(self) -> None:
        assert services.EMPTY_INPUTS["cib"] == {"descriptors": [], "matrix": []}
        assert self.study.inputs["descriptors"] == CIB_DESCRIPTORS
        assert self.study.inputs["matrix"] == CIB_MATRIX
        assert cib.parse(self.study.inputs)

    def test_rename_remove_and_add_keep_the_cells_and_their_authors(self) -> None:
        study = self.study
        services.cib_descriptors_save(
            study=study,
            actor=self.cast.pilot_a,
            descriptors=[
                # Population first, renamed; its variant « Baisse » removed, « Stable » added.
                services.DescriptorEdit(1, "Habitants", ((0, "Hausse"), (None, "Stable"))),
                services.DescriptorEdit(0, "Économie locale", ((1, "Déclin"), (0, "Croissance"))),
                services.DescriptorEdit(None, "Mobilités", ((None, "Voiture"), (None, "Train"))),
            ],
            expected_version=study.lock_version,
        )
        study.refresh_from_db()
        assert study.inputs["descriptors"] == [
            {"name": "Habitants", "variants": ["Hausse", "Stable"]},
            {"name": "Économie locale", "variants": ["Déclin", "Croissance"]},
            {"name": "Mobilités", "variants": ["Voiture", "Train"]},
        ]
        # Former flat positions: Hausse 2, Stable new, Déclin 1, Croissance 0, the rest new.
        old = [2, -1, 1, 0, -1, -1]
        expected = [[0 if a < 0 or b < 0 else CIB_MATRIX[a][b] for b in old] for a in old]
        assert study.inputs["matrix"] == expected
        assert cib.parse(study.inputs)
        # Hausse → Croissance was cell (2, 0), now (0, 3); its author followed.
        entries = {(e.row, e.column) for e in CellEntry.objects.filter(study=study)}
        assert (0, 3) in entries and all(-1 not in (a, b) for a, b in entries)
        assert len(entries) == sum(1 for row in expected for v in row if v)
        event = AuditEvent.objects.filter(action="study.descriptors_changed").latest("pk")
        assert event.data["variants"] == 6

    def test_bad_descriptors_are_refused_naming_each_place_and_nothing_is_saved(self) -> None:
        study = self.study
        version = study.lock_version
        with pytest.raises(services.InputErrors) as refused:
            services.cib_descriptors_save(
                study=study,
                actor=self.cast.provider_a,
                descriptors=[
                    services.DescriptorEdit(0, " ", ((0, "Croissance"), (1, "Croissance"))),
                    services.DescriptorEdit(1, "Population", ()),
                    services.DescriptorEdit(None, "Population", ((None, ""),)),
                ],
                expected_version=version,
            )
        assert refused.value.messages == [
            "Descripteur 1\u00a0: le nom ne peut pas être vide.",
            "Descripteur 1, variante 2\u00a0: la variante «\u00a0Croissance\u00a0» existe déjà "
            "(variante 1).",
            "Descripteur 2\u00a0: il lui faut au moins une variante.",
            "Descripteur 3\u00a0: le descripteur «\u00a0Population\u00a0» existe déjà "
            "(descripteur 2).",
            "Descripteur 3, variante 1\u00a0: le nom ne peut pas être vide.",
        ]
        study.refresh_from_db()
        assert study.lock_version == version and study.inputs["descriptors"] == CIB_DESCRIPTORS

    def test_a_stale_version_is_a_conflict(self) -> None:
        with pytest.raises(services.EditConflict):
            services.cib_descriptors_save(
                study=self.study,
                actor=self.cast.provider_a,
                descriptors=edits(CIB_DESCRIPTORS),
                expected_version=self.study.lock_version - 1,
            )

    # The grid ---------------------------------------------------------------------------------

    def test_the_grid_refuses_a_value_naming_the_cell_and_saves_nothing(self) -> None:
        study = self.study
        version = study.lock_version
        cells = {(i, j): str(v) for i, row in enumerate(CIB_MATRIX) for j, v in enumerate(row)}
        cells |= {(1, 2): "5", (3, 0): "fort"}
        with pytest.raises(services.InputErrors) as refused:
            services.cib_matrix_save(
                study=study, actor=self.cast.provider_a, cells=cells, expected_version=version
            )
        assert refused.value.messages == [
            "ligne 2, colonne 3\u00a0: la valeur doit être un entier compris entre −3 et +3",
            "ligne 4, colonne 1\u00a0: la valeur doit être un entier compris entre −3 et +3",
        ]
        study.refresh_from_db()
        assert study.lock_version == version and study.inputs["matrix"] == CIB_MATRIX

    def test_self_impacts_are_cells_like_the_others_as_the_library_counts_them(self) -> None:
        study = self.study
        # a2 → a1 +3 (inside A's own block), cell by cell with its author.
        value, version = services.matrix_cell_save(
            study=study,
            actor=self.cast.pilot_a,
            matrix="matrix",
            row=1,
            column=0,
            expected="0",
            value="+3",
        )
        assert (value, version) == (3, study.lock_version)
        entry = CellEntry.objects.get(study=study, row=1, column=0)
        assert entry.filled_by == self.cast.pilot_a
        with pytest.raises(services.InputErrors) as refused:
            services.matrix_cell_save(
                study=study,
                actor=self.cast.pilot_a,
                matrix="matrix",
                row=0,
                column=0,
                expected="0",
                value="-4",
            )
        assert refused.value.messages == [
            "ligne 1, colonne 1\u00a0: la valeur doit être un entier compris entre −3 et +3"
        ]
        with pytest.raises(services.CellConflict):
            services.matrix_cell_save(
                study=study,
                actor=self.cast.provider_a,
                matrix="matrix",
                row=1,
                column=0,
                expected="0",
                value="1",
            )

    # Runs -------------------------------------------------------------------------------------

    def test_a_small_model_is_computed_at_once_through_the_library(self) -> None:
        result = services.cib_run_start(study=self.study, actor=self.cast.provider_a)
        assert isinstance(result, StudyRun)
        expected = cib.solve(cib.parse(self.study.inputs)).to_dict()
        assert result.output == expected
        assert [s["variants"] for s in result.output["scenarios"]] == [
            ["Déclin", "Baisse"],
            ["Croissance", "Hausse"],
        ]
        assert not QueuedRun.objects.exists()

    def test_an_empty_model_is_refused_in_french(self) -> None:
        study = services.study_create(
            fabrique=self.cast.fabrique_a, actor=self.cast.provider_a, method="cib", title="Vide"
        )
        with pytest.raises(ValidationError) as refused:
            services.cib_run_start(study=study, actor=self.cast.provider_a)
        assert refused.value.messages == [
            "Ajoutez au moins un descripteur avant de lancer le calcul."
        ]

    def test_the_estimate_is_the_scenario_space_of_the_librarys_islands(self) -> None:
        assert services.cib_run_estimate(self.study.inputs) == 4
        chain = weak_chain(12)
        assert services.cib_run_estimate(chain) == 3**12 > services.QUEUE_ABOVE
        # Twelve independent descriptors: twelve islands of three scenarios.
        alone = {**chain, "matrix": [[0] * 36 for _ in range(36)]}
        assert services.cib_run_estimate(alone) == 36

    def test_a_large_model_goes_through_the_queue_and_its_run_is_saved(self) -> None:
        study = self.study
        with (
            mock.patch("fabriques.studies.services.cib.QUEUE_ABOVE", 3),
            self.captureOnCommitCallbacks(execute=True) as callbacks,
        ):
            queued = services.cib_run_start(study=study, actor=self.cast.provider_a)
        assert isinstance(queued, QueuedRun) and len(callbacks) == 1
        queued.refresh_from_db()
        assert queued.status == QueuedRunStatus.DONE
        assert queued.run is not None and queued.run.run_by == self.cast.provider_a
        assert queued.run.output == cib.solve(cib.parse(queued.input)).to_dict()
        assert queued.started_at and queued.finished_at
        actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
        assert actions[-2:] == ["study.run_queued", "study.run"]

    def test_a_queued_run_that_fails_says_why_and_a_done_one_is_left(self) -> None:
        queued = QueuedRun.objects.create(
            study=self.study, input={"descriptors": [], "matrix": []}, estimate=1
        )
        services.cib_run_queued_execute(pk=queued.pk)
        queued.refresh_from_db()
        assert queued.status == QueuedRunStatus.FAILED
        assert queued.message.startswith("Les données d’entrée sont refusées")
        assert services.cib_run_queued_execute(pk=queued.pk) == queued  # not run twice
        assert services.cib_run_queued_execute(pk=queued.pk + 100) is None

    # Results and scenarios --------------------------------------------------------------------

    def test_the_librarys_reasons_are_told_in_french(self) -> None:
        run = services.cib_run_start(study=self.study, actor=self.cast.provider_a)
        assert isinstance(run, StudyRun)
        assert selectors.cib_notes(run) == []
        run.output = {
            **run.output,
            "exhaustive": False,
            "scenario_count": None,
            "scenario_count_lower_bound": 1234567,
            "islands": [{"descriptors": ["Économie locale", "Population"], "scenario_count": None}],
        }
        (note,) = selectors.cib_notes(run)
        assert "temps imparti (10\u00a0s)" in note
        assert "«\u00a0Économie locale\u00a0», «\u00a0Population\u00a0»" in note
        assert "au moins 1\u202f234\u202f567" in note
        run.output = {**run.output, "exhaustive": True, "scenario_count": 59049}
        run.input = {**run.input, "max_inconsistency": 1}
        notes = selectors.cib_notes(run)
        assert notes[0].startswith("59\u202f049 scénarios sont cohérents\u00a0: seuls les 2")
        assert notes[1] == "Cohérence faible\u00a0: un écart d’au plus 1 point est toléré."

    def test_a_large_list_is_capped_on_the_run_page_and_paged_elsewhere(self) -> None:
        study = services.study_create(
            fabrique=self.cast.fabrique_a, actor=self.cast.provider_a, method="cib", title="Chaîne"
        )
        study.inputs = weak_chain(5)
        study.save()
        run = services.cib_run_start(study=study, actor=self.cast.provider_a)
        assert isinstance(run, StudyRun) and run.output["scenario_count"] == 243
        context = selectors.cib_results(run)
        assert len(context["cib_rows"]) == selectors.SCENARIOS_SHOWN and context["cib_more"]
        page, rows = selectors.cib_scenarios_page(run, 5)
        assert page.number == 5 and rows[0].rank == 201 and len(rows) == 43
        assert selectors.cib_run_scenario(run, 242) is not None
        assert selectors.cib_run_scenario(run, 243) is None

    def test_a_scenario_is_kept_under_a_unique_name(self) -> None:
        run = services.cib_run_start(study=self.study, actor=self.cast.provider_a)
        assert isinstance(run, StudyRun)
        configuration = selectors.cib_run_scenario(run, 0)
        assert configuration == {"Économie locale": "Déclin", "Population": "Baisse"}
        scenario = services.scenario_create(
            study=self.study,
            actor=self.cast.pilot_a,
            name="  Le repli  ",
            narrative="Moins d’emplois, moins d’habitants.",
            configuration=configuration,
            run=run,
        )
        assert (scenario.name, scenario.run, scenario.created_by) == (
            "Le repli",
            run,
            self.cast.pilot_a,
        )
        assert AuditEvent.objects.filter(action="study.scenario_created").count() == 1
        for name in ("Le repli", ""):
            with pytest.raises(ValidationError):
                services.scenario_create(
                    study=self.study,
                    actor=self.cast.pilot_a,
                    name=name,
                    configuration=configuration,
                    run=run,
                )
        assert Scenario.objects.count() == 1

    # ScenarioWizard -----------------------------------------------------------------------------

    def test_a_scenariowizard_model_replaces_the_inputs(self) -> None:
        study = self.study
        model = scenariowizard.model_from_input(
            cib.parse({"descriptors": CIB_DESCRIPTORS[::-1], "matrix": CIB_MATRIX})
        )
        services.cib_scenariowizard_import(
            study=study,
            actor=self.cast.provider_a,
            filename="modele.scw",
            content=scenariowizard.write_scw(model).encode(),
            expected_version=study.lock_version,
        )
        study.refresh_from_db()
        assert study.inputs["descriptors"] == CIB_DESCRIPTORS[::-1]
        assert study.inputs["matrix"] == CIB_MATRIX
        assert not CellEntry.objects.filter(study=study).exists()

    def test_a_scenariowizard_file_off_the_scale_or_malformed_is_refused(self) -> None:
        study = self.study
        version = study.lock_version
        big = scenariowizard.model_from_input(
            cib.parse({"descriptors": CIB_DESCRIPTORS, "matrix": [[0, 0, 5, 0], *CIB_MATRIX[1:]]})
        )
        with pytest.raises(services.InputErrors) as refused:
            services.cib_scenariowizard_import(
                study=study,
                actor=self.cast.provider_a,
                filename="m.scw",
                content=scenariowizard.write_scw(big).encode(),
                expected_version=version,
            )
        assert refused.value.messages[1] == (
            "ligne 1, colonne 3\u00a0: la valeur doit être un entier compris entre −3 et +3"
        )
        with pytest.raises(services.InputErrors) as refused:
            services.cib_scenariowizard_import(
                study=study,
                actor=self.cast.provider_a,
                filename="m.scw",
                content=b"pas un modele",
                expected_version=version,
            )
        assert refused.value.messages[0].startswith("Le fichier ScenarioWizard est refusé (scw")
        study.refresh_from_db()
        assert study.lock_version == version


class CibViewsTest(TestCase):
    cast: Personas
    study: Study

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()
        cls.study = cib_study(
            fabrique=cls.cast.fabrique_a,
            actor=cls.cast.provider_a,
            participation=cls.cast.participation_a,
        )

    def client_for(self, name: str) -> Client:
        client = Client()
        user = self.cast.user(name)
        if user is not None:
            client.force_login(user)
        return client

    def status(self, name: str, url: str) -> int:
        response = self.client_for(name).get(url)
        if response.status_code == 302:
            return 401 if "/compte/connexion/" in response["Location"] else 302
        return response.status_code

    def run_now(self) -> StudyRun:
        run = services.cib_run_start(study=self.study, actor=self.cast.provider_a)
        assert isinstance(run, StudyRun)
        return run

    def test_each_persona_reads_and_writes_what_it_may(self) -> None:
        run = self.run_now()
        writing = [
            reverse("studies:cib_descriptors", args=[self.study.pk]),
            reverse("studies:cib_matrix", args=[self.study.pk]),
            reverse("studies:cib_import", args=[self.study.pk]),
            reverse("studies:cib_scenario_create", args=[self.study.pk, run.pk, 0]),
        ]
        reading = [
            reverse("studies:run_detail", args=[self.study.pk, run.pk]),
            reverse("studies:cib_scenarios", args=[self.study.pk, run.pk]),
        ]
        for name in ROLE_NAMES:
            with self.subTest(name):
                if name == "anonymous":
                    expected = (401, 401)
                elif name in WRITERS:
                    expected = (200, 200)
                elif name in READERS:
                    expected = (200, 403)
                else:
                    expected = (404, 404)
                for url in writing:
                    assert self.status(name, url) == expected[1], url
                for url in reading:
                    assert self.status(name, url) == expected[0], url

    def test_a_micmac_study_has_no_cib_pages(self) -> None:
        study = services.study_create(
            fabrique=self.cast.fabrique_a, actor=self.cast.provider_a, method="micmac", title="M"
        )
        assert self.status("provider_a", reverse("studies:cib_matrix", args=[study.pk])) == 404

    def test_the_study_page_links_the_cib_screens_and_runs_through_cib(self) -> None:
        page = self.client_for("provider_a").get(reverse("studies:detail", args=[self.study.pk]))
        html = page.content.decode()
        assert reverse("studies:cib_run", args=[self.study.pk]) in html
        assert reverse("studies:cib_matrix", args=[self.study.pk]) in html
        assert "Économie locale\u00a0: Croissance · Déclin" in html

    def test_descriptors_form_round_trip_and_refusal(self) -> None:
        client = self.client_for("provider_a")
        url = reverse("studies:cib_descriptors", args=[self.study.pk])
        page = client.get(url).content.decode()
        assert 'value="Croissance"' in page and 'name="v-1-1-name"' in page
        data = {
            "lock_version": str(self.study.lock_version),
            "d-0-name": "Économie",
            "v-0-0-name": "Croissance",
            "v-0-1-name": "Déclin",
            "d-0-new": "Stagnation\n",
            "d-1-name": "Population",
            "v-1-0-name": "Hausse",
            "v-1-1-name": "Baisse",
            "v-1-1-remove": "on",
            "new-name": "Mobilités",
            "new-variants": "Voiture\nTrain\n",
        }
        assert client.post(url, data).status_code == 302
        self.study.refresh_from_db()
        assert self.study.inputs["descriptors"] == [
            {"name": "Économie", "variants": ["Croissance", "Déclin", "Stagnation"]},
            {"name": "Population", "variants": ["Hausse"]},
            {"name": "Mobilités", "variants": ["Voiture", "Train"]},
        ]
        page = client.get(url).content.decode()
        assert 'value="Stagnation"' in page and 'value="Mobilités"' in page
        refused = client.post(
            url,
            {
                "lock_version": str(self.study.lock_version),
                "d-0-name": "Économie",
                "v-0-0-name": "Croissance",
                "v-0-1-name": "Croissance",
                "v-0-2-name": "Stagnation",
                "d-1-name": "Population",
                "v-1-0-name": "Hausse",
                "v-1-0-remove": "on",
                "d-2-remove": "on",
            },
        )
        assert refused.status_code == 400
        html = refused.content.decode()
        assert "Descripteur 1, variante 2\u00a0: la variante" in html
        assert "Descripteur 2\u00a0: il lui faut au moins une variante." in html
        stale = client.post(url, {"lock_version": "1", "d-0-name": "X"})
        assert stale.status_code == 302 and stale["Location"] == url

    def test_the_grid_page_draws_groups_and_saves_as_a_plain_form(self) -> None:
        client = self.client_for("pilot_a")
        url = reverse("studies:cib_matrix", args=[self.study.pk])
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        # Session, user, the study with its Fabrique and territory, access checks, cell authors.
        assert len(queries) <= 12
        assert '<th scope="colgroup" colspan="2">Économie locale</th>' in page
        assert (
            'aria-label="Impact de Économie locale\u00a0: Croissance sur Population\u00a0: Hausse"'
            in page
        )
        assert "studies-grid__own-block" in page and 'name="c-0-0"' in page
        response = client.post(url, grid_form(self.study, {"c-0-2": "+3", "c-1-0": "−2"}))
        assert response.status_code == 302
        self.study.refresh_from_db()
        assert self.study.inputs["matrix"][0][2] == 3 and self.study.inputs["matrix"][1][0] == -2
        refused = client.post(url, grid_form(self.study, {"c-2-3": "9"}))
        assert refused.status_code == 400
        html = refused.content.decode()
        assert (
            "ligne 3, colonne 4\u00a0: la valeur doit être un entier compris entre −3 et +3" in html
        )
        assert 'name="c-2-3" id="c-2-3" value="9"' in html
        before = self.study.lock_version
        stale = client.post(
            url, grid_form(self.study, {"c-0-3": "1"}) | {"lock_version": str(before - 1)}
        )
        # Someone saved in between: the conflict page shows the cells side by side.
        assert stale.status_code == 409
        self.study.refresh_from_db()
        assert self.study.lock_version == before

    def test_the_cell_route_saves_a_cib_cell(self) -> None:
        response = self.client_for("provider_a").post(
            reverse("studies:cell", args=[self.study.pk]),
            {"matrix": "matrix", "row": "0", "column": "1", "expected": "0", "value": "-1"},
        )
        assert response.status_code == 200 and response.json()["value"] == "-1"

    def test_run_then_results_then_keep_a_scenario(self) -> None:
        client = self.client_for("provider_a")
        response = client.post(reverse("studies:cib_run", args=[self.study.pk]))
        run = StudyRun.objects.get(study=self.study)
        assert response["Location"] == reverse("studies:run_detail", args=[self.study.pk, run.pk])
        page = client.get(response["Location"]).content.decode()
        assert "2 scénarios cohérents sur 4 combinaisons possibles." in page
        assert "<td>Déclin</td>" in page and "<td>Baisse</td>" in page
        create = reverse("studies:cib_scenario_create", args=[self.study.pk, run.pk, 1])
        assert create in page
        form = client.get(create).content.decode()
        assert "Économie locale\u00a0: <strong>Croissance</strong>" in form
        refused = client.post(create, {"name": "", "narrative": "x"})
        assert (
            refused.status_code == 400 and "Donnez un nom au scénario." in refused.content.decode()
        )
        saved = client.post(create, {"name": "L’essor", "narrative": "Emplois et habitants."})
        assert saved.status_code == 302
        scenario = Scenario.objects.get(study=self.study)
        assert scenario.configuration == {"Économie locale": "Croissance", "Population": "Hausse"}
        listing = client.get(saved["Location"]).content.decode()
        assert "L’essor" in listing and "Emplois et habitants." in listing
        # Readers see the table without the buttons.
        page = self.client_for("partner_a").get(response["Location"]).content.decode()
        assert "<td>Déclin</td>" in page and create not in page

    def test_a_large_run_waits_on_a_page_that_reloads_until_it_is_saved(self) -> None:
        client = self.client_for("provider_a")
        with mock.patch("fabriques.studies.services.cib.QUEUE_ABOVE", 3):
            # Without executing the commit callbacks: the task stays queued.
            response = client.post(reverse("studies:cib_run", args=[self.study.pk]))
        queued = QueuedRun.objects.get(study=self.study)
        url = reverse("studies:cib_pending", args=[self.study.pk, queued.pk])
        assert response["Location"] == url
        page = client.get(url).content.decode()
        assert "Calcul en cours…" in page and 'http-equiv="refresh"' in page
        assert "Le calcul attend son tour dans la file." in page
        assert self.status("partner_a", url) == 200
        assert self.status("outsider", url) == 404
        services.cib_run_queued_execute(pk=queued.pk)
        queued.refresh_from_db()
        done = client.get(url)
        assert done.status_code == 302
        assert done["Location"] == reverse(
            "studies:run_detail", args=[self.study.pk, queued.run_id]
        )

    def test_a_failed_queued_run_says_so_without_reloading(self) -> None:
        queued = QueuedRun.objects.create(
            study=self.study,
            input={},
            status=QueuedRunStatus.FAILED,
            message="Le calcul a échoué\u00a0: raison.",
        )
        url = reverse("studies:cib_pending", args=[self.study.pk, queued.pk])
        page = self.client_for("provider_a").get(url).content.decode()
        assert "Le calcul a échoué\u00a0: raison." in page and "http-equiv" not in page

    def test_the_scenarios_pages_cost_a_fixed_number_of_queries(self) -> None:
        run = self.run_now()
        client = self.client_for("provider_a")
        url = reverse("studies:cib_scenarios", args=[self.study.pk, run.pk])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        # Session, user, the study, access checks, the run, the saved scenarios.
        assert len(queries) <= 12

    def test_the_scenariowizard_import_page(self) -> None:
        client = self.client_for("provider_a")
        url = reverse("studies:cib_import", args=[self.study.pk])
        model = scenariowizard.model_from_input(
            cib.parse({"descriptors": CIB_DESCRIPTORS, "matrix": CIB_MATRIX})
        )
        upload = SimpleUploadedFile("m.scw", scenariowizard.write_scw(model).encode())
        response = client.post(url, {"lock_version": str(self.study.lock_version), "file": upload})
        assert response.status_code == 302
        refused = client.post(
            url,
            {
                "lock_version": str(self.study.lock_version + 1),
                "file": SimpleUploadedFile("m.scw", b"$ ScenarioWizard 4.0\n"),
            },
        )
        assert refused.status_code == 400
        assert "Le fichier ScenarioWizard est refusé" in refused.content.decode()

    def test_the_public_page_shows_the_scenarios_without_buttons_or_names(self) -> None:
        self.run_now()
        Study.objects.filter(pk=self.study.pk).update(status=StudyStatus.PUBLISHED)
        page = self.client_for("anonymous").get(reverse("studies:public", args=[self.study.pk]))
        html = page.content.decode()
        assert "<td>Croissance</td>" in html and "Enregistrer" not in html
        assert self.cast.provider_a.last_name not in html

    def test_the_projector_shows_one_row_of_the_impact_grid(self) -> None:
        url = reverse("studies:presentation", args=[self.study.pk, "matrix"])
        page = self.client_for("partner_a").get(url + "?ligne=4").content.decode()
        assert "Matrice des impacts croisés" in page
        assert "Population\u00a0: Baisse" in page and "-3" in page
