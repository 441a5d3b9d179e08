"""SMIC-Prob-Expert screens: the hypotheses and options, the two grids of conditional
probabilities (whole form and cell by cell), runs through `foresight.smic`, the results page
and a scenario saved under a name; each persona, each form round-tripped, bad input refused
with its place named, conflicts, query budgets."""

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
from fabriques.studies.models import CellEntry, Method, Scenario, Study, StudyRun, StudyStatus

WRITERS = {"admin", "pilot_a", "provider_a"}
READERS = {"partner_a", "elected_a", "technical_a"}


def smic_study(*, fabrique: Any, actor: Any, participation: Any = None) -> Study:
    """Fréchet's worked example (foresight/README.md): P(A) = 0.6, P(B) = 0.5, P(A|B) = 0.8."""
    study = services.study_create(
        fabrique=fabrique,
        actor=actor,
        method=Method.SMIC,
        title="Probabilités des scénarios",
        participation=participation,
    )
    services.smic_hypotheses_save(
        study=study,
        actor=actor,
        rows=[(None, "A", "0,6"), (None, "B", "0.5")],
        options={"objective": "linear", "intervals": "all"},
        expected_version=study.lock_version,
    )
    services.smic_conditionals_save(
        study=study,
        actor=actor,
        matrix="p_if",
        cells={(0, 1): "0,8"},
        expected_version=study.lock_version,
    )
    return study


class SmicServicesTest(TestCase):
    cast: Personas

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()

    def study(self) -> Study:
        return smic_study(fabrique=self.cast.fabrique_a, actor=self.cast.provider_a)

    def test_a_new_study_starts_with_the_librarys_empty_document(self) -> None:
        study = services.study_create(
            fabrique=self.cast.fabrique_a,
            actor=self.cast.pilot_a,
            method=Method.SMIC,
            title="SMIC",
        )
        assert study.inputs == {"hypotheses": [], "p": [], "p_if": [], "p_if_not": []}

    def test_inputs_are_the_librarys_document_and_the_run_computes_through_it(self) -> None:
        study = self.study()
        assert study.inputs["hypotheses"] == ["A", "B"]
        assert study.inputs["p"] == [0.6, 0.5]
        assert study.inputs["p_if"] == [[None, 0.8], [None, None]]
        assert study.inputs["p_if_not"] == [[None, None], [None, None]]
        run = services.study_run(study=study, actor=self.cast.provider_a)
        probabilities = {s["bits"]: round(s["probability"], 6) for s in run.output["scenarios"]}
        assert probabilities == {"11": 0.4, "10": 0.2, "01": 0.1, "00": 0.3}
        assert run.output["determined"] is True

    def test_renaming_removing_and_adding_hypotheses_keeps_the_kept_cells(self) -> None:
        study = self.study()
        services.smic_conditionals_save(
            study=study,
            actor=self.cast.pilot_a,
            matrix="p_if_not",
            cells={(1, 0): "0,25", (0, 1): "0,4"},
            expected_version=study.lock_version,
        )
        # B first, renamed; A removed; C added.
        services.smic_hypotheses_save(
            study=study,
            actor=self.cast.pilot_a,
            rows=[(1, "B bis", "0,5"), (None, "C", "1"), (None, "", "")],
            options={"objective": "duperrin_godet_1975", "intervals": "3", "elasticities": "on"},
            expected_version=study.lock_version,
        )
        study.refresh_from_db()
        assert study.inputs["hypotheses"] == ["B bis", "C"]
        assert study.inputs["p"] == [0.5, 1]
        assert study.inputs["p_if"] == [[None, None], [None, None]]
        assert study.inputs["objective"] == "duperrin_godet_1975"
        assert study.inputs["intervals"] == 3 and study.inputs["elasticities"] is True
        # Who filled P(B | non A) went with A.
        assert not CellEntry.objects.filter(study=study, matrix="p_if_not").exists()
        assert AuditEvent.objects.filter(
            action="study.smic_hypotheses_changed", object_id=str(study.pk)
        ).exists()

    def test_bad_hypotheses_and_options_are_named_and_nothing_is_saved(self) -> None:
        study = self.study()
        version = study.lock_version
        with pytest.raises(services.InputErrors) as refused:
            services.smic_hypotheses_save(
                study=study,
                actor=self.cast.pilot_a,
                rows=[(0, "A", "1,5"), (1, "A", "0,2"), (None, "", "0,3"), (None, "D", "")],
                options={"objective": "nope", "intervals": "-2"},
                expected_version=version,
            )
        assert refused.value.messages == [
            "Hypothèse 1\u00a0: la probabilité P(i) doit être comprise entre 0 et 1.",
            "Hypothèse 2\u00a0: l’hypothèse «\u00a0A\u00a0» existe déjà (hypothèse 1).",
            "Hypothèse 3\u00a0: le nom ne peut pas être vide.",
            "Hypothèse 4\u00a0: donnez sa probabilité P(i).",
            "Objectif\u00a0: choisissez l’un des objectifs proposés.",
            "Intervalles\u00a0: indiquez « tous », « aucun » ou un nombre entier de scénarios "
            "(1 ou plus).",
        ]
        study.refresh_from_db()
        assert study.lock_version == version and study.inputs["p"] == [0.6, 0.5]

    def test_more_than_ten_hypotheses_or_elasticities_past_eight_are_refused(self) -> None:
        study = self.study()
        rows: list[tuple[int | None, str, str]] = [(None, f"H{k}", "0,5") for k in range(11)]
        with pytest.raises(services.InputErrors) as refused:
            services.smic_hypotheses_save(
                study=study,
                actor=self.cast.pilot_a,
                rows=rows,
                options={"elasticities": "on"},
                expected_version=study.lock_version,
            )
        assert "10 hypothèses au plus" in refused.value.messages[0]
        assert "8 hypothèses au plus" in refused.value.messages[1]

    def test_bad_conditional_cells_are_named_and_nothing_is_saved(self) -> None:
        study = self.study()
        version = study.lock_version
        with pytest.raises(services.InputErrors) as refused:
            services.smic_conditionals_save(
                study=study,
                actor=self.cast.pilot_a,
                matrix="p_if",
                cells={(0, 1): "0,9", (1, 0): "1,2"},
                expected_version=version,
            )
        assert refused.value.messages == [
            "P(i | j) — ligne 2, colonne 1\u00a0: la probabilité doit être comprise entre 0 et 1"
        ]
        study.refresh_from_db()
        assert study.inputs["p_if"][0][1] == 0.8 and study.lock_version == version

    def test_a_stale_conditional_grid_is_an_edit_conflict(self) -> None:
        study = self.study()
        stale = study.lock_version
        services.smic_conditionals_save(
            study=study,
            actor=self.cast.pilot_a,
            matrix="p_if",
            cells={(0, 1): "0,7"},
            expected_version=stale,
        )
        other = Study.objects.get(pk=study.pk)
        with pytest.raises(services.EditConflict):
            services.smic_conditionals_save(
                study=other,
                actor=self.cast.provider_a,
                matrix="p_if",
                cells={(0, 1): "0,1"},
                expected_version=stale,
            )
        other.refresh_from_db()
        assert other.inputs["p_if"][0][1] == 0.7

    def test_one_cell_at_a_time_empty_means_not_given(self) -> None:
        study = self.study()
        value, _version = services.matrix_cell_save(
            study=study,
            actor=self.cast.pilot_a,
            matrix="p_if_not",
            row=1,
            column=0,
            expected="",
            value="0,25",
        )
        assert value == 0.25
        value, _version = services.matrix_cell_save(
            study=study,
            actor=self.cast.pilot_a,
            matrix="p_if",
            row=0,
            column=1,
            expected="0,8",
            value="",
        )
        assert value is None
        study.refresh_from_db()
        assert study.inputs["p_if_not"][1][0] == 0.25 and study.inputs["p_if"][0][1] is None
        with pytest.raises(services.InputErrors) as refused:
            services.matrix_cell_save(
                study=study,
                actor=self.cast.pilot_a,
                matrix="p_if",
                row=1,
                column=0,
                expected="",
                value="2",
            )
        assert refused.value.messages == [
            "ligne 2, colonne 1\u00a0: la probabilité doit être comprise entre 0 et 1"
        ]
        with pytest.raises(services.CellConflict):
            services.matrix_cell_save(
                study=study,
                actor=self.cast.provider_a,
                matrix="p_if_not",
                row=1,
                column=0,
                expected="",
                value="0,5",
            )

    def test_a_scenario_is_saved_under_a_name_with_its_configuration(self) -> None:
        study = self.study()
        run = services.study_run(study=study, actor=self.cast.provider_a)
        scenario = services.smic_scenario_save(
            study=study,
            run=run,
            actor=self.cast.pilot_a,
            bits="10",
            name=" A sans B ",
            narrative="A se réalise, B non.",
        )
        assert scenario.configuration == {"A": True, "B": False}
        assert scenario.name == "A sans B" and scenario.run == run
        assert AuditEvent.objects.filter(
            action="study.smic_scenario_saved", object_id=str(study.pk)
        ).exists()
        with pytest.raises(services.InputErrors) as refused:
            services.smic_scenario_save(
                study=study, run=run, actor=self.cast.pilot_a, bits="12", name="A sans B"
            )
        assert refused.value.messages == [
            "Scénario\u00a0: choisissez l’un des scénarios du calcul.",
            "Nom\u00a0: l’étude a déjà un scénario nommé «\u00a0A sans B\u00a0».",
        ]
        assert Scenario.objects.filter(study=study).count() == 1


def _hypotheses_form(study: Study, **overrides: str) -> dict[str, str]:
    data = {
        "lock_version": str(study.lock_version),
        "objective": study.inputs.get("objective", "linear"),
        "interval_mode": "all",
        "interval_count": "",
    }
    for i, (name, p) in enumerate(zip(study.inputs["hypotheses"], study.inputs["p"], strict=True)):
        data[f"name-{i}"] = name
        data[f"p-{i}"] = services.format_decimal(p)
    return data | overrides


def _grid_form(study: Study, matrix: str, **overrides: str) -> dict[str, str]:
    data = {"lock_version": str(study.lock_version)}
    for i, row in enumerate(study.inputs[matrix]):
        for j, value in enumerate(row):
            if i != j:
                data[f"c-{i}-{j}"] = services.format_decimal(value)
    return data | overrides


class SmicViewsTest(TestCase):
    cast: Personas
    study: Study
    smic_run: StudyRun

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()
        cls.study = smic_study(
            fabrique=cls.cast.fabrique_a,
            actor=cls.cast.provider_a,
            participation=cls.cast.participation_a,
        )
        cls.smic_run = services.study_run(study=cls.study, actor=cls.cast.provider_a)

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
            reverse("studies:smic_hypotheses", args=[self.study.pk]),
            reverse("studies:smic_p_if", args=[self.study.pk]),
            reverse("studies:smic_p_if_not", args=[self.study.pk]),
            reverse("studies:smic_scenario", args=[self.study.pk, self.smic_run.pk]),
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
                assert [self.status(name, url) for url in pages] == [expected] * 4

    def test_another_methods_study_has_no_smic_pages(self) -> None:
        other = services.study_create(
            fabrique=self.cast.fabrique_a, actor=self.cast.pilot_a, method="micmac", title="M"
        )
        assert self.status("pilot_a", reverse("studies:smic_p_if", args=[other.pk])) == 404

    def test_hypotheses_form_round_trips(self) -> None:
        client = self.client_for("pilot_a")
        url = reverse("studies:smic_hypotheses", args=[self.study.pk])
        page = client.get(url).content.decode()
        assert 'id="name-0" name="name-0" value="A"' in page
        assert 'id="p-0" name="p-0" value="0,6"' in page
        assert '<label class="fr-label" for="p-n0">' in page
        form = _hypotheses_form(
            self.study,
            **{
                "name-n0": "C",
                "p-n0": "0,25",
                "interval_mode": "top",
                "interval_count": "2",
                "elasticities": "on",
            },
        )
        assert client.post(url, form).status_code == 302
        page = client.get(url).content.decode()
        assert 'id="name-2" name="name-2" value="C"' in page
        assert 'id="p-2" name="p-2" value="0,25"' in page
        assert 'value="top" selected' in page and 'name="interval_count" value="2"' in page
        assert 'id="elasticities" name="elasticities" checked' in page
        self.study.refresh_from_db()
        assert self.study.inputs["intervals"] == 2 and len(self.study.inputs["p_if"]) == 3

    def test_bad_hypotheses_come_back_named_with_what_was_typed(self) -> None:
        client = self.client_for("provider_a")
        url = reverse("studies:smic_hypotheses", args=[self.study.pk])
        response = client.post(url, _hypotheses_form(self.study, **{"p-1": "1,4"}))
        page = response.content.decode()
        assert response.status_code == 400
        assert "Hypothèse 2\u00a0: la probabilité P(i) doit être comprise entre 0 et 1." in page
        assert 'name="p-1" value="1,4"' in page
        self.study.refresh_from_db()
        assert self.study.inputs["p"] == [0.6, 0.5]

    def test_conditional_grids_round_trip_and_name_bad_cells(self) -> None:
        client = self.client_for("provider_a")
        url = reverse("studies:smic_p_if_not", args=[self.study.pk])
        page = client.get(url).content.decode()
        assert 'data-grid="p_if_not"' in page
        assert 'aria-label="Probabilité de B si non A"' in page
        assert (
            client.post(url, _grid_form(self.study, "p_if_not", **{"c-1-0": "0,25"})).status_code
            == 302
        )
        page = client.get(url).content.decode()
        assert 'name="c-1-0" id="c-1-0" value="0,25"' in page
        response = client.post(url, _grid_form(self.study, "p_if_not", **{"c-0-1": "abc"}))
        assert response.status_code == 400
        assert (
            "P(i | non j) — ligne 1, colonne 2\u00a0: la probabilité doit être comprise entre 0 et 1"
            in response.content.decode()
        )
        page = client.get(reverse("studies:smic_p_if", args=[self.study.pk])).content.decode()
        assert 'name="c-0-1" id="c-0-1" value="0,8"' in page

    def test_a_stale_grid_shows_the_differing_cells_side_by_side(self) -> None:
        url = reverse("studies:smic_p_if", args=[self.study.pk])
        form = _grid_form(self.study, "p_if")
        assert self.client_for("provider_a").post(url, form | {"c-1-0": "0,5"}).status_code == 302
        client = self.client_for("pilot_a")
        response = client.post(url, form | {"c-1-0": "0,1"})
        page = response.content.decode()
        assert response.status_code == 409
        assert 'name="c-1-0" value="0,1"' in page and 'name="c-1-0" value="0,5" checked' in page
        # The unchanged cells come back as the grid shows them (an empty one stays empty).
        assert '<input type="hidden" name="c-0-1" value="0,8">' in page
        self.study.refresh_from_db()
        assert self.study.inputs["p_if"][1][0] == 0.5
        # Keeping one's own value goes through at the new version.
        version = str(self.study.lock_version)
        data = {"lock_version": version, "c-0-1": "0,8", "c-1-0": "0,1"}
        assert client.post(url, data).status_code == 302
        self.study.refresh_from_db()
        assert self.study.inputs["p_if"] == [[None, 0.8], [0.1, None]]

    def test_the_cell_route_saves_one_probability(self) -> None:
        response = self.client_for("pilot_a").post(
            reverse("studies:cell", args=[self.study.pk]),
            {"matrix": "p_if", "row": "1", "column": "0", "expected": "", "value": "0,75"},
        )
        assert response.status_code == 200
        assert response.json()["value"] == "0.75"
        response = self.client_for("pilot_a").post(
            reverse("studies:cell", args=[self.study.pk]),
            {"matrix": "p_if", "row": "0", "column": "1", "expected": "0,8", "value": "7"},
        )
        assert response.status_code == 400
        assert "ligne 1, colonne 2\u00a0: la probabilité" in response.json()["message"]

    def test_results_list_scenarios_by_probability_and_save_one(self) -> None:
        url = reverse("studies:run_detail", args=[self.study.pk, self.smic_run.pk])
        page = self.client_for("partner_a").get(url).content.decode()
        assert "Scénarios du plus probable au moins probable" in page
        # 11 (0.4), 00 (0.3), 10 (0.2), 01 (0.1); determined: intervals are points.
        assert page.index("0,400") < page.index("0,300") < page.index("0,200") < page.index("0,100")
        assert "[0,400 ; 0,400]" in page
        assert "déterminent entièrement" in page
        scenario_url = reverse("studies:smic_scenario", args=[self.study.pk, self.smic_run.pk])
        assert f"{scenario_url}?scenario=10" in page
        client = self.client_for("provider_a")
        form_page = client.get(scenario_url + "?scenario=10").content.decode()
        assert '<option value="10" selected>' in form_page
        response = client.post(scenario_url, {"scenario": "10", "name": "", "narrative": ""})
        assert response.status_code == 400
        assert "Nom\u00a0: donnez un nom au scénario." in response.content.decode()
        response = client.post(
            scenario_url, {"scenario": "10", "name": "A sans B", "narrative": "Récit."}
        )
        assert response.status_code == 302 and response["Location"] == url
        scenario = Scenario.objects.get(study=self.study)
        assert scenario.configuration == {"A": True, "B": False}
        assert "A sans B" in client.get(scenario_url).content.decode()
        assert (
            self.client_for("partner_a").post(scenario_url, {"scenario": "11"}).status_code == 403
        )

    def test_the_public_page_offers_no_saving(self) -> None:
        Study.objects.filter(pk=self.study.pk).update(status=StudyStatus.PUBLISHED)
        page = Client().get(reverse("studies:public", args=[self.study.pk])).content.decode()
        assert "Scénarios du plus probable au moins probable" in page
        assert "Enregistrer comme scénario" not in page

    def test_study_page_summarises_the_inputs(self) -> None:
        page = self.client_for("provider_a").get(reverse("studies:detail", args=[self.study.pk]))
        text = page.content.decode()
        assert "2 hypothèses" in text and "1 probabilités P(i | j) données sur 2" in text
        assert reverse("studies:smic_p_if_not", args=[self.study.pk]) in text

    def test_query_budgets(self) -> None:
        client = self.client_for("provider_a")
        budgets = {
            # session, user, grants (2), study
            reverse("studies:smic_hypotheses", args=[self.study.pk]): 5,
            # session, user, grants (2), study, who filled each cell
            reverse("studies:smic_p_if", args=[self.study.pk]): 6,
            # session, user, grants (2), study, run
            reverse(
                "studies:run_detail", args=[self.study.pk, self.smic_run.pk]
            ): 8,  # + retained, scenarios
            # session, user, grants (2), study, run, saved scenarios
            reverse("studies:smic_scenario", args=[self.study.pk, self.smic_run.pk]): 7,
        }
        for url, budget in budgets.items():
            client.get(url)  # warm the session
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            assert len(queries) <= budget, (url, "\n".join(q["sql"][:90] for q in queries))
