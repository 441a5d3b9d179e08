"""Multipol screens: actions and criteria, the notes grid (whole form and cell by cell), the
policies with their weights, probabilities and the sensitivity option, runs through
`foresight.multipol` and the results page; each persona, each form round-tripped, bad input
refused with its place named, conflicts, query budgets."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fabriques.core.models import AuditEvent
from fabriques.programme.tests.personas import ROLE_NAMES, Personas, build_personas
from fabriques.studies import services
from fabriques.studies.models import CellEntry, Method, Study, StudyRun

WRITERS = {"admin", "pilot_a", "provider_a"}
READERS = {"partner_a", "elected_a", "technical_a"}


def multipol_study(*, fabrique: Any, actor: Any, participation: Any = None) -> Study:
    """The worked example of foresight/README.md: A1 (10, 4), A2 (6, 8); thrift (3, 1) with
    probability 0.25, ambition (1, 3) with 0.75; sensitivity 0.6."""
    study = services.study_create(
        fabrique=fabrique,
        actor=actor,
        method=Method.MULTIPOL,
        title="Évaluation des actions",
        participation=participation,
    )
    services.multipol_lists_save(
        study=study,
        actor=actor,
        actions=[(None, "A1"), (None, "A2")],
        criteria=[(None, "Coût"), (None, "Impact")],
        expected_version=study.lock_version,
    )
    services.multipol_scores_save(
        study=study,
        actor=actor,
        cells={(0, 0): "10", (0, 1): "4", (1, 0): "6", (1, 1): "8"},
        expected_version=study.lock_version,
    )
    services.multipol_policies_save(
        study=study,
        actor=actor,
        rows=[("Sobriété", ["3", "1"], "0,25"), ("Ambition", ["1", "3"], "0,75")],
        sensitivity="0,6",
        expected_version=study.lock_version,
    )
    return study


class MultipolServicesTest(TestCase):
    cast: Personas

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()

    def study(self) -> Study:
        return multipol_study(fabrique=self.cast.fabrique_a, actor=self.cast.provider_a)

    def test_inputs_are_the_librarys_document_and_the_run_computes_through_it(self) -> None:
        study = self.study()
        assert study.inputs == {
            "actions": ["A1", "A2"],
            "criteria": ["Coût", "Impact"],
            "scores": [[10, 4], [6, 8]],
            "policies": [
                {"name": "Sobriété", "weights": [3, 1], "probability": 0.25},
                {"name": "Ambition", "weights": [1, 3], "probability": 0.75},
            ],
            "sensitivity": 0.6,
        }
        run = services.study_run(study=study, actor=self.cast.provider_a)
        assert run.output["expected_ranking"] == ["A2", "A1"]
        assert len(run.output["sensitivity"]) == 4

    def test_lists_keep_the_notes_and_weights_of_what_is_kept(self) -> None:
        study = self.study()
        services.multipol_lists_save(
            study=study,
            actor=self.cast.pilot_a,
            actions=[(1, "A2 bis"), (None, "A3")],
            criteria=[(1, "Impact"), (None, "Délai")],
            expected_version=study.lock_version,
        )
        study.refresh_from_db()
        assert study.inputs["scores"] == [[8, 0], [0, 0]]
        assert [p["weights"] for p in study.inputs["policies"]] == [[1, 0], [3, 0]]
        # Who filled A2 × Impact now fills row 1, column 1.
        entries = set(CellEntry.objects.filter(study=study).values_list("row", "column"))
        assert entries == {(0, 0)}
        with pytest.raises(services.InputErrors) as refused:
            services.multipol_lists_save(
                study=study,
                actor=self.cast.pilot_a,
                actions=[(0, "A3"), (1, "A3")],
                criteria=[(0, "")],
                expected_version=study.lock_version,
            )
        assert refused.value.messages == [
            "Action 2\u00a0: l’action «\u00a0A3\u00a0» existe déjà (action 1).",
            "Critère 1\u00a0: le nom ne peut pas être vide.",
        ]

    def test_bad_notes_are_named_and_nothing_is_saved(self) -> None:
        study = self.study()
        version = study.lock_version
        with pytest.raises(services.InputErrors) as refused:
            services.multipol_scores_save(
                study=study,
                actor=self.cast.pilot_a,
                cells={(0, 0): "12,5", (1, 1): "beaucoup"},
                expected_version=version,
            )
        assert refused.value.messages == [
            "ligne 2, colonne 2\u00a0: la note doit être un nombre (virgule décimale acceptée)"
        ]
        study.refresh_from_db()
        assert study.inputs["scores"] == [[10, 4], [6, 8]] and study.lock_version == version
        changed = services.multipol_scores_save(
            study=study,
            actor=self.cast.pilot_a,
            cells={(0, 0): "12,5", (0, 1): "4", (1, 0): "6", (1, 1): ""},
            expected_version=version,
        )
        study.refresh_from_db()
        assert changed == 2 and study.inputs["scores"] == [[12.5, 4], [6, 0]]
        with pytest.raises(services.EditConflict):
            services.multipol_scores_save(
                study=study, actor=self.cast.pilot_a, cells={}, expected_version=version
            )

    def test_bad_policies_are_named_and_nothing_is_saved(self) -> None:
        study = self.study()
        version = study.lock_version
        with pytest.raises(services.InputErrors) as refused:
            services.multipol_policies_save(
                study=study,
                actor=self.cast.pilot_a,
                rows=[
                    ("Sobriété", ["3", "-1"], "0,5"),
                    ("Sobriété", ["0", ""], "1,5"),
                    ("", ["", ""], ""),
                ],
                sensitivity="2",
                expected_version=version,
            )
        assert refused.value.messages == [
            "ligne 1, colonne 2\u00a0: le poids doit être un nombre positif ou nul",
            "Politique 2\u00a0: la politique «\u00a0Sobriété\u00a0» existe déjà (politique 1).",
            "Politique 2\u00a0: au moins un critère doit avoir un poids positif.",
            "Politique 2\u00a0: la probabilité doit être comprise entre 0 et 1.",
            "Sensibilité\u00a0: δ doit être un nombre strictement positif et au plus 1.",
        ]
        with pytest.raises(services.InputErrors) as refused:
            services.multipol_policies_save(
                study=study,
                actor=self.cast.pilot_a,
                rows=[("Sobriété", ["3", "1"], "0,5"), ("Ambition", ["1", "3"], "0,4")],
                sensitivity="",
                expected_version=version,
            )
        assert refused.value.messages == [
            "Probabilités\u00a0: leur somme doit valoir 1 (elle vaut 0,9)."
        ]
        with pytest.raises(services.InputErrors) as refused:
            services.multipol_policies_save(
                study=study,
                actor=self.cast.pilot_a,
                rows=[("Sobriété", ["3", "1"], "0,5"), ("Ambition", ["1", "3"], "")],
                sensitivity="",
                expected_version=version,
            )
        assert "ou d’aucune" in refused.value.messages[0]
        study.refresh_from_db()
        assert study.lock_version == version and len(study.inputs["policies"]) == 2
        services.multipol_policies_save(
            study=study,
            actor=self.cast.pilot_a,
            rows=[("Sobriété", ["3", "1"], "")],
            sensitivity="",
            expected_version=version,
        )
        study.refresh_from_db()
        assert study.inputs["policies"] == [{"name": "Sobriété", "weights": [3, 1]}]
        assert "sensitivity" not in study.inputs
        assert AuditEvent.objects.filter(
            action="study.multipol_policies_changed", object_id=str(study.pk)
        ).exists()

    def test_one_note_at_a_time(self) -> None:
        study = self.study()
        value, _version = services.matrix_cell_save(
            study=study,
            actor=self.cast.pilot_a,
            matrix="scores",
            row=1,
            column=0,
            expected="6",
            value="7,5",
        )
        assert value == 7.5
        with pytest.raises(services.InputErrors) as refused:
            services.matrix_cell_save(
                study=study,
                actor=self.cast.pilot_a,
                matrix="scores",
                row=0,
                column=1,
                expected="4",
                value="x",
            )
        assert refused.value.messages == [
            "ligne 1, colonne 2\u00a0: la note doit être un nombre (virgule décimale acceptée)"
        ]


def _lists_form(study: Study, **overrides: str) -> dict[str, str]:
    data = {"lock_version": str(study.lock_version), "action-new": "", "criterion-new": ""}
    for i, name in enumerate(study.inputs["actions"]):
        data[f"action-{i}"] = name
    for j, name in enumerate(study.inputs["criteria"]):
        data[f"criterion-{j}"] = name
    return data | overrides


def _scores_form(study: Study, **overrides: str) -> dict[str, str]:
    data = {"lock_version": str(study.lock_version)}
    for i, row in enumerate(study.inputs["scores"]):
        for j, value in enumerate(row):
            data[f"c-{i}-{j}"] = services.format_decimal(value)
    return data | overrides


def _policies_form(study: Study, **overrides: str) -> dict[str, str]:
    data = {
        "lock_version": str(study.lock_version),
        "sensitivity": services.format_decimal(study.inputs.get("sensitivity")),
    }
    for k, policy in enumerate(study.inputs["policies"]):
        data[f"name-{k}"] = policy["name"]
        data[f"prob-{k}"] = services.format_decimal(policy.get("probability"))
        for j, weight in enumerate(policy["weights"]):
            data[f"w-{k}-{j}"] = services.format_decimal(weight)
    return data | overrides


class MultipolViewsTest(TestCase):
    cast: Personas
    study: Study
    multipol_run: StudyRun

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()
        cls.study = multipol_study(
            fabrique=cls.cast.fabrique_a,
            actor=cls.cast.provider_a,
            participation=cls.cast.participation_a,
        )
        cls.multipol_run = services.study_run(study=cls.study, actor=cls.cast.provider_a)

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

    def test_each_persona_gets_what_it_may(self) -> None:
        pages = [
            reverse(name, args=[self.study.pk])
            for name in (
                "studies:multipol_lists",
                "studies:multipol_scores",
                "studies:multipol_policies",
            )
        ]
        for name in ROLE_NAMES:
            with self.subTest(name):
                if name == "anonymous":
                    expected = 401
                elif name in WRITERS:
                    expected = 200
                elif name in READERS:
                    expected = 403
                else:
                    expected = 404
                assert [self.status(name, url) for url in pages] == [expected] * 3

    def test_lists_form_round_trips(self) -> None:
        client = self.client_for("pilot_a")
        url = reverse("studies:multipol_lists", args=[self.study.pk])
        page = client.get(url).content.decode()
        assert 'id="criterion-1" name="criterion-1" value="Impact"' in page
        form = _lists_form(self.study, **{"criterion-new": "Délai\n", "action-remove-0": "on"})
        assert client.post(url, form).status_code == 302
        page = client.get(url).content.decode()
        assert 'id="criterion-2" name="criterion-2" value="Délai"' in page
        assert 'id="action-0" name="action-0" value="A2"' in page
        response = client.post(
            url, _lists_form(Study.objects.get(pk=self.study.pk), **{"action-new": "A2"})
        )
        assert response.status_code == 400
        assert (
            "Action 2\u00a0: l’action «\u00a0A2\u00a0» existe déjà (action 1)."
            in response.content.decode()
        )

    def test_notes_grid_round_trips_and_names_bad_cells(self) -> None:
        client = self.client_for("provider_a")
        url = reverse("studies:multipol_scores", args=[self.study.pk])
        page = client.get(url).content.decode()
        assert (
            'data-grid="scores"' in page and 'aria-label="Note de A1 sur le critère Coût"' in page
        )
        assert client.post(url, _scores_form(self.study, **{"c-1-1": "8,5"})).status_code == 302
        page = client.get(url).content.decode()
        assert 'name="c-1-1" id="c-1-1" value="8,5"' in page
        response = client.post(url, _scores_form(self.study, **{"c-0-1": "?"}))
        assert response.status_code == 400
        assert "ligne 1, colonne 2\u00a0: la note doit être un nombre" in response.content.decode()
        stale = _scores_form(self.study, **{"c-0-0": "11"})
        response = self.client_for("pilot_a").post(url, stale)
        page = response.content.decode()
        assert response.status_code == 409
        assert 'name="c-1-1" value="8">' in page and 'name="c-1-1" value="8,5" checked' in page
        presentation = reverse("studies:presentation", args=[self.study.pk, "scores"])
        page = client.get(presentation).content.decode()
        assert "Notes des actions" in page and ">Coût</th>" in page

    def test_policies_form_round_trips_and_names_bad_cells(self) -> None:
        client = self.client_for("provider_a")
        url = reverse("studies:multipol_policies", args=[self.study.pk])
        page = client.get(url).content.decode()
        assert 'id="w-0-0" name="w-0-0" value="3"' in page
        assert 'id="prob-1" name="prob-1" value="0,75"' in page
        assert 'id="sensitivity" name="sensitivity" value="0,6"' in page
        form = _policies_form(
            self.study,
            **{
                "prob-0": "0,5",
                "prob-1": "0,3",
                "name-2": "Équilibre",
                "w-2-0": "1",
                "w-2-1": "1",
                "prob-2": "0,2",
            },
        )
        assert client.post(url, form).status_code == 302
        page = client.get(url).content.decode()
        assert 'id="name-2" name="name-2" value="Équilibre"' in page
        assert 'id="prob-2" name="prob-2" value="0,2"' in page
        response = client.post(
            url, _policies_form(Study.objects.get(pk=self.study.pk), **{"w-1-0": "-2"})
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "ligne 2, colonne 1\u00a0: le poids doit être un nombre positif ou nul" in page
        assert 'name="w-1-0" value="-2"' in page

    def test_results_rank_the_actions_per_policy_with_the_sensitivity(self) -> None:
        url = reverse("studies:run_detail", args=[self.study.pk, self.multipol_run.pk])
        page = self.client_for("partner_a").get(url).content.decode()
        assert "Classement des actions par politique" in page
        assert "<td>A1 (8,50)</td>" in page and "<td>A2 (7,50)</td>" in page
        assert "Rang selon l’espérance" in page and "<td>7,25</td>" in page
        assert "Déplacements de poids qui changent un classement" in page
        assert page.count("A1 / A2") == 2 and page.count("A2 / A1") == 2

    def test_study_page_summarises_the_inputs(self) -> None:
        text = (
            self.client_for("partner_a")
            .get(reverse("studies:detail", args=[self.study.pk]))
            .content.decode()
        )
        assert "2 actions" in text and "2 critères" in text and "2 politiques" in text
        assert "Sobriété — probabilité 0,25" in text
        assert reverse("studies:multipol_scores", args=[self.study.pk]) not in text

    def test_query_budgets(self) -> None:
        client = self.client_for("provider_a")
        budgets = {
            # session, user, grants (2), study
            reverse("studies:multipol_lists", args=[self.study.pk]): 5,
            # session, user, grants (2), study, who filled each cell
            reverse("studies:multipol_scores", args=[self.study.pk]): 6,
            # session, user, grants (2), study
            reverse("studies:multipol_policies", args=[self.study.pk]): 5,
            # session, user, grants (2), study, run
            reverse(
                "studies:run_detail", args=[self.study.pk, self.multipol_run.pk]
            ): 7,  # + retained
        }
        for url, budget in budgets.items():
            client.get(url)  # warm the session
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            assert len(queries) <= budget, (url, "\n".join(q["sql"][:90] for q in queries))
