"""The MACTOR screens: actors and objectives kept consistent with the MID and the MAO, the grids
saved whole (no JavaScript) or cell by cell, refused input named by its cell, the options, the
run through `foresight.mactor` and its figures and tables, each persona's access and the query
budgets."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fabriques.core.audit import AUDIT_ACTIONS
from fabriques.core.models import AuditEvent
from fabriques.programme.tests.personas import ROLE_NAMES, Personas, build_personas
from fabriques.studies import services, tables
from fabriques.studies.models import CellEntry, Method, Study, StudyRun, StudyStatus
from foresight import mactor

from .factories import micmac_study
from .factories_mactor import ACTORS, MID, OBJECTIVES, POSITIONS, mactor_study

WRITERS = {"admin", "pilot_a", "provider_a"}
READERS = {"partner_a", "elected_a", "technical_a"}
MINUS = "\u2212"
PAGES = ("mactor_actors", "mactor_objectives", "mactor_mid", "mactor_positions", "mactor_options")


def authors(study: Study, matrix: str) -> dict[tuple[int, int], int | None]:
    return {
        (e.row, e.column): e.filled_by_id
        for e in CellEntry.objects.filter(study=study, matrix=matrix)
    }


def grid_form(study: Study, matrix: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
    data: dict[str, str] = {"lock_version": str(study.lock_version)}
    for i, row in enumerate(study.inputs[matrix]):
        for j, value in enumerate(row):
            if matrix != "mid" or i != j:
                data[f"c-{i}-{j}"] = str(value)
    return data | (overrides or {})


class MactorServicesTest(TestCase):
    cast: Personas

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()

    def study(self) -> Study:
        return mactor_study(fabrique=self.cast.fabrique_a, actor=self.cast.provider_a)

    def test_a_new_study_starts_with_the_librarys_empty_document(self) -> None:
        study = services.study_create(
            fabrique=self.cast.fabrique_a,
            actor=self.cast.pilot_a,
            method=Method.MACTOR,
            title="Acteurs",
        )
        study.refresh_from_db()
        assert study.inputs == {
            "actors": [],
            "objectives": [],
            "mid": [],
            "positions": [],
            "balance_reading": "printed",
            "graph_threshold": 0,
        }
        assert set(study.inputs) <= set(mactor.FIELDS)

    def test_lists_and_grids_round_trip_with_their_authors_and_audit(self) -> None:
        study = Study.objects.get(pk=self.study().pk)
        assert study.inputs["actors"] == ACTORS
        assert study.inputs["objectives"] == OBJECTIVES
        assert study.inputs["mid"] == MID and study.inputs["positions"] == POSITIONS
        assert study.lock_version == 5
        provider = self.cast.provider_a.pk
        # Who filled what: the non-zero cells (a 0 typed on an empty grid changes nothing).
        assert authors(study, "mid") == {
            (i, j): provider for i, row in enumerate(MID) for j, v in enumerate(row) if v
        }
        assert len(authors(study, "positions")) == 5
        actions = set(
            AuditEvent.objects.filter(object_id=str(study.pk)).values_list("action", flat=True)
        )
        assert {
            "study.actors_changed",
            "study.objectives_changed",
            "study.mid_changed",
            "study.positions_changed",
        } <= actions
        assert actions <= set(AUDIT_ACTIONS)

    def test_renaming_reordering_removing_and_adding_actors_keep_their_cells(self) -> None:
        study = self.study()
        # C first, A renamed, B removed, D added.
        services.mactor_list_save(
            study=study,
            actor=self.cast.pilot_a,
            kind="actors",
            kept=[(2, "Associations"), (0, "Conseil régional")],
            added=["Entreprises"],
            expected_version=5,
        )
        study.refresh_from_db()
        assert study.inputs["actors"] == ["Associations", "Conseil régional", "Entreprises"]
        assert study.inputs["mid"] == [[0, 0, 0], [1, 0, 0], [0, 0, 0]]
        assert study.inputs["positions"] == [[-4, 1], [2, -1], [0, 0]]
        assert study.inputs["objectives"] == OBJECTIVES
        provider = self.cast.provider_a.pk
        # MID: A→C (0, 2) is now (1, 0); the cells of B went with it.
        assert authors(study, "mid") == {(1, 0): provider}
        assert authors(study, "positions") == {
            (0, 0): provider,
            (0, 1): provider,
            (1, 0): provider,
            (1, 1): provider,
        }
        assert study.lock_version == 6

    def test_reordering_and_removing_objectives_keep_their_positions(self) -> None:
        study = self.study()
        services.mactor_list_save(
            study=study,
            actor=self.cast.pilot_a,
            kind="objectives",
            kept=[(1, "Sobriété foncière")],
            added=["Mobilités"],
            expected_version=5,
        )
        study.refresh_from_db()
        assert study.inputs["objectives"] == ["Sobriété foncière", "Mobilités"]
        assert study.inputs["positions"] == [[-1, 0], [0, 0], [1, 0]]
        assert study.inputs["mid"] == MID
        assert set(authors(study, "positions")) == {(0, 0), (2, 0)}

    def test_empty_duplicate_or_too_many_names_save_nothing(self) -> None:
        study = self.study()
        with pytest.raises(services.InputErrors) as caught:
            services.mactor_list_save(
                study=study,
                actor=self.cast.pilot_a,
                kind="actors",
                kept=[(0, "Région"), (1, " ")],
                added=["Région"],
                expected_version=5,
            )
        assert caught.value.messages == [
            "Acteur 2\u00a0: le nom ne peut pas être vide.",
            "Acteur 3\u00a0: l’acteur «\u00a0Région\u00a0» existe déjà (acteur 1).",
        ]
        with pytest.raises(services.InputErrors) as caught:
            services.mactor_list_save(
                study=study,
                actor=self.cast.pilot_a,
                kind="objectives",
                kept=[],
                added=[f"Objectif {k}" for k in range(services.MAX_OBJECTIVES + 1)],
                expected_version=5,
            )
        assert caught.value.messages == ["60 objectifs au plus\u00a0: regroupez-en."]
        study.refresh_from_db()
        assert study.inputs["actors"] == ACTORS and study.lock_version == 5

    def test_bad_mid_cells_are_each_named_and_nothing_is_saved(self) -> None:
        study = self.study()
        cells = {(0, 1): "5", (1, 1): "2", (2, 0): "x", (1, 2): "-1"}
        with pytest.raises(services.InputErrors) as caught:
            services.mactor_mid_save(
                study=study, actor=self.cast.provider_a, cells=cells, expected_version=5
            )
        assert caught.value.messages == [
            "ligne 1, colonne 2\u00a0: la valeur doit être comprise entre 0 et 4",
            "ligne 2, colonne 2\u00a0: la diagonale vaut 0",
            "ligne 2, colonne 3\u00a0: la valeur doit être comprise entre 0 et 4",
            "ligne 3, colonne 1\u00a0: la valeur doit être comprise entre 0 et 4",
        ]
        study.refresh_from_db()
        assert study.inputs["mid"] == MID and study.lock_version == 5

    def test_bad_positions_are_each_named_and_signs_are_read(self) -> None:
        study = self.study()
        with pytest.raises(services.InputErrors) as caught:
            services.mactor_positions_save(
                study=study,
                actor=self.cast.provider_a,
                cells={(1, 0): "-5", (2, 1): "4,5", (0, 0): "2"},
                expected_version=5,
            )
        assert caught.value.messages == [
            f"ligne 2, colonne 1\u00a0: la valeur doit être comprise entre {MINUS}4 et 4",
            f"ligne 3, colonne 2\u00a0: la valeur doit être comprise entre {MINUS}4 et 4",
        ]
        study.refresh_from_db()
        assert study.inputs["positions"] == POSITIONS
        changed = services.mactor_positions_save(
            study=study,
            actor=self.cast.pilot_a,
            cells={(0, 0): f"{MINUS}3", (0, 1): "+4", (1, 0): " ", (2, 0): "-4", (2, 1): "1"},
            expected_version=5,
        )
        study.refresh_from_db()
        assert study.inputs["positions"] == [[-3, 4], [0, 0], [-4, 1]]
        assert changed == 3

    def test_a_stale_version_writes_nothing(self) -> None:
        study = self.study()
        mine = Study.objects.get(pk=study.pk)
        theirs = Study.objects.get(pk=study.pk)
        cells = {(i, j): str(v) for i, row in enumerate(MID) for j, v in enumerate(row)}
        services.mactor_mid_save(
            study=theirs,
            actor=self.cast.pilot_a,
            cells=cells | {(0, 1): "4"},
            expected_version=5,
        )
        with pytest.raises(services.EditConflict) as caught:
            services.mactor_mid_save(
                study=mine,
                actor=self.cast.provider_a,
                cells=cells | {(0, 1): "0"},
                expected_version=5,
            )
        assert caught.value.lock_version == 6
        with pytest.raises(services.EditConflict):
            services.mactor_list_save(
                study=mine, actor=self.cast.provider_a, kind="actors", kept=[], added=[],
                expected_version=5,
            )  # fmt: skip
        study.refresh_from_db()
        assert study.inputs["mid"][0][1] == 4 and study.inputs["actors"] == ACTORS

    def test_options_are_checked_and_saved(self) -> None:
        study = self.study()
        changed = services.mactor_options_save(
            study=study,
            actor=self.cast.pilot_a,
            balance_reading="diagonal_excluded",
            graph_threshold="2,5",
            expected_version=5,
        )
        study.refresh_from_db()
        assert changed == ["balance_reading", "graph_threshold"]
        assert study.inputs["balance_reading"] == "diagonal_excluded"
        assert study.inputs["graph_threshold"] == 2.5
        with pytest.raises(services.InputErrors) as caught:
            services.mactor_options_save(
                study=study,
                actor=self.cast.pilot_a,
                balance_reading="autre",
                graph_threshold="-1",
                expected_version=6,
            )
        assert caught.value.messages == [
            "Lecture du rapport de force\u00a0: choisissez l’une des deux lectures.",
            "Seuil des graphes\u00a0: un nombre positif ou nul est attendu (par exemple 2,5).",
        ]
        study.refresh_from_db()
        assert study.lock_version == 6

    def test_run_is_the_librarys_result(self) -> None:
        study = self.study()
        services.mactor_options_save(
            study=study,
            actor=self.cast.pilot_a,
            balance_reading="printed",
            graph_threshold="3,8",
            expected_version=5,
        )
        run = services.study_run(study=study, actor=self.cast.provider_a)
        expected = mactor.solve(mactor.parse(study.inputs)).to_dict()
        assert run.output == expected
        # The README's worked example: r* = (1.694, 1.086, 0.220).
        assert [round(v, 3) for v in run.output["balance_of_power"]] == [1.694, 1.086, 0.22]
        assert run.output["orders"][1]["divergence_edges"] == [{"a": 0, "b": 2, "weight": 4.0}]
        assert run.input["graph_threshold"] == 3.8

    def test_run_without_two_actors_and_an_objective_is_refused_in_french(self) -> None:
        study = mactor_study(
            fabrique=self.cast.fabrique_a,
            actor=self.cast.pilot_a,
            actors=["Seul"],
            objectives=[],
            mid=[[0]],
            positions=[[]],
        )
        with pytest.raises(ValidationError) as caught:
            services.study_run(study=study, actor=self.cast.pilot_a)
        assert caught.value.messages == [
            "Ajoutez au moins deux acteurs et un objectif avant de lancer le calcul."
        ]
        assert not StudyRun.objects.exists()

    def test_tables_export_and_import_round_trip_keeping_the_options(self) -> None:
        study = self.study()
        services.mactor_options_save(
            study=study,
            actor=self.cast.pilot_a,
            balance_reading="diagonal_excluded",
            graph_threshold="1",
            expected_version=5,
        )
        content = services.study_inputs_export(study=study, fmt="xlsx")
        assert tables.read("mactor", "m.xlsx", content)["positions"] == POSITIONS
        services.study_inputs_import(
            study=study,
            actor=self.cast.pilot_a,
            filename="m.xlsx",
            content=content,
            expected_version=6,
        )
        study.refresh_from_db()
        assert study.inputs["mid"] == MID and study.inputs["balance_reading"] == "diagonal_excluded"

    # Cell by cell ------------------------------------------------------------------------------

    def test_cells_saved_one_by_one_with_their_author_and_conflicts(self) -> None:
        study = self.study()
        value, version = services.matrix_cell_save(
            study=study,
            actor=self.cast.pilot_a,
            matrix="mid",
            row=2,
            column=0,
            expected="0",
            value="4",
        )
        assert (value, version) == (4, 6)
        value, version = services.matrix_cell_save(
            study=study,
            actor=self.cast.pilot_a,
            matrix="positions",
            row=2,
            column=0,
            expected="-4",
            value=f"{MINUS}2",
        )
        assert (value, version) == (-2, 7)
        study.refresh_from_db()
        assert study.inputs["mid"][2][0] == 4 and study.inputs["positions"][2][0] == -2
        assert authors(study, "mid")[(2, 0)] == self.cast.pilot_a.pk
        assert authors(study, "positions")[(2, 0)] == self.cast.pilot_a.pk
        # Someone read the cell before that change: refused, nothing written.
        with pytest.raises(services.CellConflict) as conflict:
            services.matrix_cell_save(
                study=study,
                actor=self.cast.provider_a,
                matrix="positions",
                row=2,
                column=0,
                expected="-4",
                value="3",
            )
        assert conflict.value.value == -2
        refused = [
            ("mid", 1, 1, "2", "ligne 2, colonne 2\u00a0: la diagonale vaut 0"),
            (
                "mid",
                0,
                1,
                "5",
                "ligne 1, colonne 2\u00a0: la valeur doit être comprise entre 0 et 4",
            ),
            (
                "positions",
                1,
                1,
                "-5",
                f"ligne 2, colonne 2\u00a0: la valeur doit être comprise entre {MINUS}4 et 4",
            ),
            ("positions", 0, 2, "1", "ligne 1, colonne 3\u00a0: hors de la matrice"),
        ]
        for matrix, row, column, text, message in refused:
            with pytest.raises(services.InputErrors) as caught:
                services.matrix_cell_save(
                    study=study,
                    actor=self.cast.provider_a,
                    matrix=matrix,
                    row=row,
                    column=column,
                    expected="0",
                    value=text,
                )
            assert caught.value.messages == [message]
        study.refresh_from_db()
        assert study.lock_version == 7


class MactorViewsTest(TestCase):
    cast: Personas
    study: Study

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()
        cls.study = mactor_study(
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

    def status(self, name: str, url: str, method: str = "get") -> int:
        response = getattr(self.client_for(name), method)(url)
        if response.status_code == 302:
            return 401 if "/compte/connexion/" in response["Location"] else 302
        return response.status_code

    def url(self, name: str, study: Study | None = None) -> str:
        return reverse(f"studies:{name}", args=[(study or self.study).pk])

    # Access ------------------------------------------------------------------------------------

    def test_each_persona_reaches_the_pages_it_may(self) -> None:
        for page in PAGES:
            url = self.url(page)
            for name in ROLE_NAMES:
                with self.subTest(page=page, persona=name):
                    if name == "anonymous":
                        expected = 401
                    elif name in WRITERS:
                        expected = 200
                    elif name in READERS:
                        expected = 403
                    else:
                        expected = 404
                    assert self.status(name, url) == expected
                    if name in READERS:
                        assert self.status(name, url, "post") == 403

    def test_the_pages_are_the_mactor_studys_only(self) -> None:
        other = micmac_study(fabrique=self.cast.fabrique_a, actor=self.cast.provider_a)
        for page in PAGES:
            assert self.status("provider_a", self.url(page, other)) == 404
        assert self.status("provider_a", reverse("studies:matrix", args=[self.study.pk])) == 404

    def test_the_study_page_links_every_input_page(self) -> None:
        page = self.client_for("provider_a").get(self.url("detail")).content.decode()
        for name in PAGES:
            assert f'href="{self.url(name)}"' in page
        assert "3 acteurs" in page and "2 objectifs" in page and "Intercommunalité" in page
        page = self.client_for("partner_a").get(self.url("detail")).content.decode()
        assert self.url("mactor_mid") not in page and "Intercommunalité" in page

    # Forms -------------------------------------------------------------------------------------

    def test_actors_form_reorders_renames_removes_and_adds(self) -> None:
        client = self.client_for("provider_a")
        url = self.url("mactor_actors")
        page = client.get(url).content.decode()
        assert 'value="Intercommunalité"' in page and 'name="rank-2" value="3"' in page
        data = {
            "lock_version": "5",
            "name-0": "Conseil régional",
            "rank-0": "2",
            "name-1": "Intercommunalité",
            "rank-1": "3",
            "remove-1": "on",
            "name-2": "Associations",
            "rank-2": "1",
            "new": "Entreprises\n\n",
        }
        assert client.post(url, data).status_code == 302
        self.study.refresh_from_db()
        assert self.study.inputs["actors"] == ["Associations", "Conseil régional", "Entreprises"]
        assert self.study.inputs["mid"][1][0] == 1  # Région → Associations followed them
        page = client.get(url).content.decode()
        assert 'name="name-0" value="Associations"' in page
        response = client.post(
            url,
            {
                "lock_version": "6",
                "name-0": "Associations",
                "rank-0": "un",
                "name-1": "Associations",
                "name-2": "Entreprises",
            },
        )
        assert response.status_code == 400
        text = response.content.decode()
        assert "Acteur 1\u00a0: le rang doit être un nombre entier." in text
        assert 'value="un"' in text  # the typed rank comes back
        response = client.post(
            url, {"lock_version": "6", "name-0": "A", "name-1": "A", "name-2": "B"}
        )
        assert "l’acteur «\u00a0A\u00a0» existe déjà (acteur 1)" in response.content.decode()
        self.study.refresh_from_db()
        assert self.study.lock_version == 6

    def test_objectives_form_round_trip(self) -> None:
        client = self.client_for("pilot_a")
        url = self.url("mactor_objectives")
        data = {
            "lock_version": "5",
            "name-0": "Rénover",
            "rank-0": "2",
            "name-1": "Sobriété foncière",
            "rank-1": "1",
        }
        assert client.post(url, data).status_code == 302
        self.study.refresh_from_db()
        assert self.study.inputs["objectives"] == ["Sobriété foncière", "Rénover"]
        assert self.study.inputs["positions"] == [[-1, 2], [0, 3], [1, -4]]

    def test_the_grids_are_labelled_tables_that_round_trip(self) -> None:
        client = self.client_for("pilot_a")
        page = client.get(self.url("mactor_mid")).content.decode()
        assert '<th scope="row">2. Intercommunalité</th>' in page
        assert 'aria-label="Influence de Région sur Intercommunalité"' in page
        assert 'data-grid="mid"' in page and 'name="c-1-2" id="c-1-2" value="3"' in page
        assert "studies-grid__diagonal" in page
        form = grid_form(self.study, "mid", {"c-2-0": "4"})
        assert client.post(self.url("mactor_mid"), form).status_code == 302
        page = client.get(self.url("mactor_positions")).content.decode()
        assert 'aria-label="Position de Associations sur l’objectif Rénover les logements"' in page
        assert 'data-grid="positions"' in page and 'name="c-2-0" id="c-2-0" value="-4"' in page
        assert "studies-grid__diagonal" not in page
        form = grid_form(Study.objects.get(pk=self.study.pk), "positions", {"c-1-1": f"{MINUS}2"})
        response = client.post(self.url("mactor_positions"), form, follow=True)
        assert "1 cellules modifiées" in response.content.decode()
        self.study.refresh_from_db()
        assert self.study.inputs["mid"][2][0] == 4
        assert self.study.inputs["positions"][1][1] == -2 and self.study.lock_version == 7

    def test_bad_cells_are_named_and_nothing_saved(self) -> None:
        client = self.client_for("provider_a")
        response = client.post(
            self.url("mactor_positions"), grid_form(self.study, "positions", {"c-1-0": "9"})
        )
        page = response.content.decode()
        assert response.status_code == 400
        assert f"ligne 2, colonne 1\u00a0: la valeur doit être comprise entre {MINUS}4 et 4" in page
        assert 'name="c-1-0" id="c-1-0" value="9"' in page
        response = client.post(self.url("mactor_mid"), grid_form(self.study, "mid", {"c-0-2": "7"}))
        assert response.status_code == 400
        assert (
            "ligne 1, colonne 3\u00a0: la valeur doit être comprise entre 0 et 4"
            in response.content.decode()
        )
        response = client.post(self.url("mactor_mid"), {"c-0-1": "1"})  # no lock_version
        assert response.status_code == 400
        self.study.refresh_from_db()
        assert self.study.inputs["positions"] == POSITIONS and self.study.lock_version == 5

    def test_a_stale_grid_shows_a_conflict_and_overwrites_nothing(self) -> None:
        form = grid_form(self.study, "mid")
        first = self.client_for("provider_a").post(self.url("mactor_mid"), form | {"c-0-1": "4"})
        assert first.status_code == 302
        response = self.client_for("pilot_a").post(self.url("mactor_mid"), form | {"c-0-1": "0"})
        assert response.status_code == 409
        assert [(d.mine, d.theirs) for d in response.context["differences"]] == [("0", "4")]
        self.study.refresh_from_db()
        assert self.study.inputs["mid"][0][1] == 4 and self.study.lock_version == 6

    def test_cells_posted_one_by_one(self) -> None:
        client = self.client_for("provider_a")
        url = self.url("cell")
        data = {"matrix": "positions", "row": "0", "column": "1", "expected": "-1", "value": "3"}
        response = client.post(url, data)
        assert response.status_code == 200
        assert response.json()["value"] == "3" and response.json()["lock_version"] == 6
        # The same cell, read before that change: 409 with its value now.
        response = self.client_for("pilot_a").post(url, data | {"value": "-2"})
        assert response.status_code == 409 and response.json()["value"] == "3"
        response = client.post(url, data | {"expected": "3", "value": "-7"})
        assert response.status_code == 400
        assert response.json()["message"] == (
            f"ligne 1, colonne 2\u00a0: la valeur doit être comprise entre {MINUS}4 et 4"
        )
        response = client.post(
            url, {"matrix": "mid", "row": "1", "column": "1", "expected": "0", "value": "1"}
        )
        assert response.status_code == 400
        assert self.status("partner_a", url, "post") == 403
        self.study.refresh_from_db()
        assert self.study.inputs["positions"][0][1] == 3 and self.study.lock_version == 6

    def test_options_form_round_trip(self) -> None:
        client = self.client_for("provider_a")
        url = self.url("mactor_options")
        page = client.get(url).content.decode()
        assert 'value="printed" checked' in page
        data = {
            "lock_version": "5",
            "balance_reading": "diagonal_excluded",
            "graph_threshold": "2,5",
        }
        assert client.post(url, data).status_code == 302
        page = client.get(url).content.decode()
        assert 'value="diagonal_excluded" checked' in page and 'value="2,50"' in page
        response = client.post(url, data | {"lock_version": "6", "graph_threshold": "beaucoup"})
        assert response.status_code == 400
        assert "Seuil des graphes\u00a0: un nombre positif ou nul" in response.content.decode()
        assert 'value="beaucoup"' in response.content.decode()

    # Results -----------------------------------------------------------------------------------

    def test_run_results_figures_and_tables(self) -> None:
        client = self.client_for("provider_a")
        response = client.post(self.url("run"))
        run = StudyRun.objects.get(study=self.study)
        assert response["Location"] == reverse("studies:run_detail", args=[self.study.pk, run.pk])
        page = self.client_for("partner_a").get(response["Location"]).content.decode()
        # Five figures, each followed by its data table, then three tables of results.
        results, retain = page.split('id="retenir"', 1)
        assert results.count("<svg") == 5 and results.count("<table") == 8
        assert retain.count("<table") == 1  # the run's candidates to retain
        for title in (
            "Plan influence–dépendance des acteurs",
            "Rapport de force des acteurs (r*)",
            "Graphe des convergences entre acteurs (ordre 2)",
            "Graphe des divergences entre acteurs (ordre 2)",
            "Mobilisation des acteurs sur les objectifs (ordre 2)",
            "Rapport de force net entre acteurs",
            "Positions des acteurs sur les objectifs",
        ):
            assert title in page, title
        assert "<td>1,69</td>" in page  # Région's r*
        assert "<td>+2</td>" in page  # net balance Région over Intercommunalité
        data = json.loads(
            client.get(reverse("studies:run_json", args=[self.study.pk, run.pk])).content
        )
        assert data["input"]["positions"] == POSITIONS

    def test_published_study_is_public_without_names(self) -> None:
        services.study_run(study=self.study, actor=self.cast.provider_a)
        Study.objects.filter(pk=self.study.pk).update(status=StudyStatus.PUBLISHED)
        response = self.client_for("anonymous").get(reverse("studies:public", args=[self.study.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Intercommunalité" in page and page.count("<svg") == 5
        assert self.cast.provider_a.email not in page
        assert self.cast.provider_a.last_name not in page

    # Query budgets -----------------------------------------------------------------------------

    def test_query_budgets(self) -> None:
        run = services.study_run(study=self.study, actor=self.cast.provider_a)
        client = self.client_for("provider_a")
        budgets: dict[str, int] = {
            # session, user, grants (2), study, meetings, runs count, runs page
            self.url("detail"): 9,  # + retained results
            # session, user, grants (2), study
            self.url("mactor_actors"): 5,
            self.url("mactor_objectives"): 5,
            self.url("mactor_options"): 5,
            # + who filled each cell
            self.url("mactor_mid"): 6,
            self.url("mactor_positions"): 6,
            # session, user, grants (2), study, run
            reverse("studies:run_detail", args=[self.study.pk, run.pk]): 7,  # + retained
        }
        for url, budget in budgets.items():
            client.get(url)  # warm the session
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            assert len(queries) <= budget, (url, "\n".join(q["sql"][:90] for q in queries))

    def test_grid_query_count_does_not_grow_with_the_grid(self) -> None:
        big = mactor_study(
            fabrique=self.cast.fabrique_a,
            actor=self.cast.provider_a,
            title="Grand jeu",
            actors=[f"Acteur {k}" for k in range(20)],
            objectives=[f"Objectif {k}" for k in range(15)],
            mid=[[(i + j) % 5 if i != j else 0 for j in range(20)] for i in range(20)],
            positions=[[(i * j) % 9 - 4 for j in range(15)] for i in range(20)],
        )
        client = self.client_for("provider_a")
        for page in ("mactor_mid", "mactor_positions"):
            client.get(self.url(page, big))
            with CaptureQueriesContext(connection) as queries:
                assert client.get(self.url(page, big)).status_code == 200
            assert len(queries) <= 6, page
