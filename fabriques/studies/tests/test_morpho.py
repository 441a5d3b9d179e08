"""Morphological analysis: the components and exclusions editors, the live answer (always the
library's count), the named scenarios, the run's table, and each persona on each page."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fabriques.core.models import AuditEvent
from fabriques.programme.tests.personas import ROLE_NAMES, Personas, build_personas
from fabriques.studies import selectors, services
from fabriques.studies.models import Method, Scenario, Study
from fabriques.studies.selectors import morpho as morpho_selectors
from fabriques.studies.services import ComponentEdit
from foresight import morpho

COMPONENTS = {
    "Énergie": ["Fossile", "Mixte", "Renouvelable"],
    "Mobilité": ["Voiture", "Transports collectifs", "Vélo"],
    "Habitat": ["Diffus", "Densifié"],
}
EXCLUSIONS = [
    [["Énergie", "Fossile"], ["Mobilité", "Vélo"]],
    [["Mobilité", "Voiture"], ["Habitat", "Densifié"]],
]
WRITERS = {"admin", "pilot_a", "provider_a"}
READERS = {"partner_a", "elected_a", "technical_a"}


def morpho_study(
    *,
    fabrique: Any,
    actor: Any,
    participation: Any = None,
    components: dict[str, list[str]] | None = None,
    exclusions: list[list[list[str]]] | None = None,
    title: str = "Analyse morphologique",
) -> Study:
    """A morphological study whose components and exclusions are entered through the
    services, as the screens do."""
    study = services.study_create(
        fabrique=fabrique,
        actor=actor,
        method=Method.MORPHO,
        title=title,
        participation=participation,
    )
    comps = COMPONENTS if components is None else components
    services.morpho_components_save(
        study=study,
        actor=actor,
        components=[
            ComponentEdit(None, name, [(None, h) for h in hyps]) for name, hyps in comps.items()
        ],
        expected_version=study.lock_version,
    )
    names = list(comps)
    position = {(c, h): f"{i}-{j}" for i, c in enumerate(names) for j, h in enumerate(comps[c])}
    for excl in EXCLUSIONS if exclusions is None else exclusions:
        services.morpho_exclusions_save(
            study=study,
            actor=actor,
            added=[(position[tuple(excl[0])], position[tuple(excl[1])])],  # type: ignore[index]
            removed=(),
            expected_version=study.lock_version,
        )
    return study


def brute_force(doc: dict[str, Any], choices: dict[int, int]) -> int:
    """The count by plain enumeration, through the library's parse and clauses."""
    data = morpho.parse(doc)
    clauses = [c.clause for c in data.constraints()]
    sizes = [len(c.hypotheses) for c in data.components]
    total = 0
    for config in itertools.product(*(range(k) for k in sizes)):
        if any(config[c] != h for c, h in choices.items()):
            continue
        if all(any(mask >> config[c] & 1 for c, mask in clause) for clause in clauses):
            total += 1
    return total


class MorphoServicesTest(TestCase):
    cast: Personas
    study: Study

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()
        cls.study = morpho_study(fabrique=cls.cast.fabrique_a, actor=cls.cast.provider_a)

    def edits(self) -> list[ComponentEdit]:
        out = []
        for i, (name, hyps) in enumerate(COMPONENTS.items()):
            out.append(ComponentEdit(i, name, [(j, h) for j, h in enumerate(hyps)]))
        return out

    def test_the_study_holds_the_library_document(self) -> None:
        assert self.study.inputs["components"][1] == {
            "name": "Mobilité",
            "hypotheses": COMPONENTS["Mobilité"],
        }
        assert self.study.inputs["exclusions"] == EXCLUSIONS
        assert morpho.parse(self.study.inputs).components[0].name == "Énergie"
        assert self.study.lock_version == 4
        actions = list(
            AuditEvent.objects.filter(object_id=str(self.study.pk)).values_list("action", flat=True)
        )
        assert actions.count("study.exclusions_changed") == 2
        assert "study.components_changed" in actions

    def test_renames_follow_into_every_constraint_and_removals_drop_them(self) -> None:
        study = self.study
        study.inputs = {
            **study.inputs,
            "obligations": [[["Habitat", "Densifié"], ["Énergie", "Mixte"]]],
            "implications": [{"if": ["Énergie", "Fossile"], "then": [["Mobilité", "Voiture"]]}],
        }
        study.save()
        edits = self.edits()
        # Rename « Fossile » into « Carbonée », remove « Vélo », rename « Habitat » into « Logement ».
        edits[0] = ComponentEdit(0, "Énergie", [(0, "Carbonée"), (1, "Mixte"), (2, "Renouvelable")])
        edits[1] = ComponentEdit(1, "Mobilité", [(0, "Voiture"), (1, "Transports collectifs")])
        edits[2] = ComponentEdit(2, "Logement", [(0, "Diffus"), (1, "Densifié")])
        dropped = services.morpho_components_save(
            study=study, actor=self.cast.provider_a, components=edits, expected_version=4
        )
        study.refresh_from_db()
        assert dropped == {"exclusions": 1, "obligations": 0, "implications": 0}
        assert study.inputs["exclusions"] == [[["Mobilité", "Voiture"], ["Logement", "Densifié"]]]
        assert study.inputs["obligations"] == [[["Logement", "Densifié"], ["Énergie", "Mixte"]]]
        assert study.inputs["implications"] == [
            {"if": ["Énergie", "Carbonée"], "then": [["Mobilité", "Voiture"]]}
        ]
        assert study.lock_version == 5

    def test_bad_components_are_named_and_nothing_saved(self) -> None:
        edits = [
            ComponentEdit(0, "Énergie", [(0, "Fossile"), (1, "Fossile")]),
            ComponentEdit(1, "", [(0, "Voiture")]),
            ComponentEdit(2, "Énergie", []),
        ]
        with pytest.raises(services.InputErrors) as caught:
            services.morpho_components_save(
                study=self.study, actor=self.cast.provider_a, components=edits, expected_version=4
            )
        assert caught.value.messages == [
            "Composante 1, hypothèse 2\u00a0: l’hypothèse «\u00a0Fossile\u00a0» existe déjà "
            "(hypothèse 1).",
            "Composante 2\u00a0: le nom ne peut pas être vide.",
            "Composante 3\u00a0: la composante «\u00a0Énergie\u00a0» existe déjà (composante 1).",
            "Composante 3\u00a0: donnez-lui au moins une hypothèse.",
        ]
        self.study.refresh_from_db()
        assert self.study.lock_version == 4 and self.study.inputs["exclusions"] == EXCLUSIONS

    def test_a_stale_save_is_refused(self) -> None:
        with pytest.raises(services.EditConflict):
            services.morpho_components_save(
                study=self.study,
                actor=self.cast.provider_a,
                components=self.edits(),
                expected_version=3,
            )

    def test_bad_exclusions_are_named(self) -> None:
        def add(a: str, b: str) -> list[str]:
            with pytest.raises(services.InputErrors) as caught:
                services.morpho_exclusions_save(
                    study=self.study,
                    actor=self.cast.provider_a,
                    added=[(a, b)],
                    removed=(),
                    expected_version=4,
                )
            return caught.value.messages

        assert add("0-0", "0-1") == [
            "Exclusion à ajouter 1\u00a0: les deux hypothèses appartiennent à la même "
            "composante «\u00a0Énergie\u00a0», qui n’en retient qu’une par configuration "
            "(elles s’excluent déjà)."
        ]
        assert add("1-2", "0-0") == [
            "Exclusion à ajouter 1\u00a0: «\u00a0Énergie\u00a0: Fossile\u00a0» et "
            "«\u00a0Mobilité\u00a0: Vélo\u00a0» s’excluent déjà."
        ]
        assert add("0-9", "") == [
            "Exclusion à ajouter 1\u00a0: choisissez une hypothèse dans chacune des deux listes."
        ]
        self.study.refresh_from_db()
        assert self.study.lock_version == 4

    def test_exclusions_are_removed_by_position(self) -> None:
        count = services.morpho_exclusions_save(
            study=self.study,
            actor=self.cast.provider_a,
            added=[("0-2", "2-0")],
            removed={0},
            expected_version=4,
        )
        self.study.refresh_from_db()
        assert count == 2
        assert self.study.inputs["exclusions"] == [
            EXCLUSIONS[1],
            [["Énergie", "Renouvelable"], ["Habitat", "Diffus"]],
        ]

    def test_the_live_answer_is_the_library_count(self) -> None:
        doc = self.study.inputs
        for choices in ({}, {0: 0}, {0: 0, 1: 2}, {1: 0}, {1: 0, 2: 1}, {0: 2, 1: 1, 2: 1}):
            answer = selectors.morpho_live(self.study, choices)
            assert answer.remaining == brute_force(doc, choices), choices
            assert answer.consistent == (answer.remaining > 0)
            for comp in answer.components:
                others = {c: h for c, h in choices.items() if c != comp.position}
                for hyp in comp.hypotheses:
                    expected = brute_force(doc, {**others, comp.position: hyp.position})
                    assert hyp.count == expected
                    assert hyp.possible == (expected > 0)
        answer = selectors.morpho_live(self.study, {0: 0, 1: 2})
        assert not answer.consistent
        assert answer.violated == ["Énergie\u00a0: Fossile + Mobilité\u00a0: Vélo"]

    def test_the_engine_path_gives_the_same_answer(self) -> None:
        for choices in ({}, {0: 0}, {0: 0, 1: 2}, {1: 0, 2: 1}):
            listed = selectors.morpho_live(self.study, choices)
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(morpho_selectors, "ENUMERATION_LIMIT", 0)
                patch.setattr(morpho_selectors, "_cache", type(morpho_selectors._cache)())
                engine = selectors.morpho_live(self.study, choices)
            assert engine.remaining == listed.remaining
            assert engine.consistent == listed.consistent
            assert [[h.possible for h in c.hypotheses] for c in engine.components] == [
                [h.possible for h in c.hypotheses] for c in listed.components
            ]

    def test_a_consistent_configuration_is_saved_as_a_named_scenario(self) -> None:
        scenario = services.morpho_scenario_save(
            study=self.study,
            actor=self.cast.provider_a,
            name="Sobriété partagée",
            narrative="Un territoire qui roule à vélo.",
            choices={0: 2, 1: 2, 2: 1},
            expected_version=4,
        )
        assert scenario.configuration == {
            "Énergie": "Renouvelable",
            "Mobilité": "Vélo",
            "Habitat": "Densifié",
        }
        assert AuditEvent.objects.filter(action="study.scenario_saved").count() == 1
        with pytest.raises(services.InputErrors) as caught:
            services.morpho_scenario_save(
                study=self.study,
                actor=self.cast.provider_a,
                name="Sobriété partagée",
                narrative="",
                choices={0: 0, 1: 2, 2: 1},
                expected_version=4,
            )
        assert caught.value.messages == [
            "Nom du scénario\u00a0: le scénario «\u00a0Sobriété partagée\u00a0» existe déjà.",
            "Cette configuration n’est pas cohérente\u00a0: elle enfreint au moins une exclusion "
            "ou une contrainte de l’étude. Seule une configuration cohérente s’enregistre comme "
            "scénario.",
        ]
        with pytest.raises(services.InputErrors) as caught:
            services.morpho_scenario_save(
                study=self.study,
                actor=self.cast.provider_a,
                name="Incomplet",
                narrative="",
                choices={0: 2},
                expected_version=4,
            )
        assert caught.value.messages == [
            "Choisissez une hypothèse pour chaque composante (manque\u00a0: «\u00a0Mobilité\u00a0», "
            "«\u00a0Habitat\u00a0»)."
        ]
        with pytest.raises(services.EditConflict):
            services.morpho_scenario_save(
                study=self.study,
                actor=self.cast.provider_a,
                name="Périmé",
                narrative="",
                choices={0: 2, 1: 2, 2: 1},
                expected_version=3,
            )
        assert Scenario.objects.filter(study=self.study).count() == 1
        services.morpho_scenario_delete(scenario=scenario, actor=self.cast.provider_a)
        assert not Scenario.objects.filter(study=self.study).exists()

    def test_a_run_draws_the_table_and_explains_an_infeasible_field(self) -> None:
        run = services.study_run(study=self.study, actor=self.cast.provider_a)
        assert run.output["count"] == brute_force(self.study.inputs, {})
        results = selectors.morpho_results(run)
        excluded = [
            (row.label, cell.label)
            for row in results["cross_rows"]
            for cell in row.cells
            if cell.excluded
        ]
        assert len(excluded) == 2 and results["pair_count"] == 2
        self.study.inputs = {
            **self.study.inputs,
            "obligations": [[["Énergie", "Fossile"]], [["Mobilité", "Vélo"]]],
        }
        self.study.save()
        run = services.study_run(study=self.study, actor=self.cast.provider_a)
        results = selectors.morpho_results(run)
        assert results["count"] == 0
        assert sorted(results["conflict"]) == [
            "Exclusion\u00a0: Énergie\u00a0: Fossile + Mobilité\u00a0: Vélo ne vont pas ensemble",
            "Obligation\u00a0: au moins une de Mobilité\u00a0: Vélo",
            "Obligation\u00a0: au moins une de Énergie\u00a0: Fossile",
        ]
        assert results["conflict_minimal"] is True

    def test_an_empty_study_is_refused_by_the_run_in_french(self) -> None:
        study = services.study_create(
            fabrique=self.cast.fabrique_a,
            actor=self.cast.provider_a,
            method=Method.MORPHO,
            title="Vide",
        )
        assert study.inputs == {"components": [], "exclusions": []}
        with pytest.raises(Exception, match="au moins une composante"):
            services.study_run(study=study, actor=self.cast.provider_a)


class MorphoViewsTest(TestCase):
    cast: Personas
    study: Study

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()
        cls.study = morpho_study(
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

    def status(self, name: str, url: str, method: str = "get", data: Any = None) -> int:
        response = getattr(self.client_for(name), method)(url, data or {})
        if response.status_code == 302:
            return 401 if "/compte/connexion/" in response["Location"] else 302
        return response.status_code

    def test_each_persona_reads_and_writes_what_it_may(self) -> None:
        pk = self.study.pk
        live = reverse("studies:morpho_live", args=[pk])
        edit = [
            reverse("studies:morpho_components", args=[pk]),
            reverse("studies:morpho_exclusions", args=[pk]),
        ]
        save = reverse("studies:morpho_scenario_save", args=[pk])
        for name in ROLE_NAMES:
            with self.subTest(name):
                if name == "anonymous":
                    expected = (401, 401, 401, 401)
                elif name in WRITERS:
                    expected = (200, 200, 200, 400)
                elif name in READERS:
                    expected = (200, 403, 403, 403)
                else:
                    expected = (404, 404, 404, 404)
                got = (
                    self.status(name, live),
                    self.status(name, edit[0]),
                    self.status(name, edit[1]),
                    self.status(name, save, "post", {"lock_version": "4", "name": ""}),
                )
                assert got == expected
        assert self.status("provider_a", save) == 405

    def test_the_components_form_round_trips(self) -> None:
        client = self.client_for("provider_a")
        url = reverse("studies:morpho_components", args=[self.study.pk])
        page = client.get(url).content.decode()
        assert 'id="comp-1-h-2" name="comp-1-h-2" value="Vélo"' in page
        assert '<label class="fr-label" for="comp-1-h-2">Composante 2, hypothèse 3</label>' in page
        data = {"lock_version": "4"}
        for i, (name, hyps) in enumerate(COMPONENTS.items()):
            data[f"comp-{i}-name"] = name
            data |= {f"comp-{i}-h-{j}": h for j, h in enumerate(hyps)}
        data |= {
            "comp-1-h-2": "Modes actifs",
            "comp-2-h-0-remove": "on",
            "comp-2-new": "Intermédiaire\n",
            "new-name": "Alimentation",
            "new-hypotheses": "Locale\nMondialisée",
        }
        assert client.post(url, data).status_code == 302
        page = client.get(url).content.decode()
        for value in ("Modes actifs", "Intermédiaire", "Alimentation", "Mondialisée"):
            assert f'value="{value}"' in page
        self.study.refresh_from_db()
        assert self.study.inputs["components"][2]["hypotheses"] == ["Densifié", "Intermédiaire"]
        assert self.study.inputs["exclusions"] == [
            [["Énergie", "Fossile"], ["Mobilité", "Modes actifs"]],
            [["Mobilité", "Voiture"], ["Habitat", "Densifié"]],
        ]
        response = client.post(url, data | {"lock_version": "5", "comp-0-h-1": ""})
        assert response.status_code == 400
        assert "Composante 1, hypothèse 2\u00a0: le nom ne peut pas être vide." in (
            response.content.decode()
        )

    def test_the_exclusions_form_round_trips(self) -> None:
        client = self.client_for("pilot_a")
        url = reverse("studies:morpho_exclusions", args=[self.study.pk])
        page = client.get(url).content.decode()
        assert "Énergie\u00a0: Fossile + Mobilité\u00a0: Vélo" in page
        assert '<option value="2-1">Habitat\u00a0: Densifié</option>' in page
        response = client.post(url, {"lock_version": "4", "a": "0-2", "b": "2-0", "remove-1": "on"})
        assert response.status_code == 302
        page = client.get(url).content.decode()
        assert "Énergie\u00a0: Renouvelable + Habitat\u00a0: Diffus" in page
        assert "Mobilité\u00a0: Voiture + Habitat\u00a0: Densifié" not in page
        response = client.post(url, {"lock_version": "5", "a": "0-2", "b": "0-1"})
        assert response.status_code == 400
        assert "appartiennent à la même composante" in response.content.decode()
        stale = client.post(url, {"lock_version": "4", "a": "0-1", "b": "1-1"}, follow=True)
        assert "Quelqu’un a modifié cette étude" in stale.content.decode()

    def test_the_live_screen_answers_as_a_plain_get_and_as_a_fragment(self) -> None:
        client = self.client_for("elected_a")
        url = reverse("studies:morpho_live", args=[self.study.pk])
        page = client.get(url, {"c-0": "0"}).content.decode()
        assert "<html" in page and 'id="morpho-choices-form"' in page
        assert 'id="c-0-0" name="c-0" value="0" checked' in page
        # Vélo is impossible with Fossile: greyed and written.
        assert "morpho-impossible" in page and "impossible avec les autres choix" in page
        assert "morpho-save" not in page  # a reader explores, does not save
        with CaptureQueriesContext(connection) as queries:
            fragment = client.get(url, {"c-0": "0", "c-1": "2"}, HTTP_HX_REQUEST="true")
        # Session, user, the study with its Fabrique, and the access checks.
        assert len(queries) <= 8
        html = fragment.content.decode()
        assert "<html" not in html and "Combinaison incohérente" in html
        assert "Énergie\u00a0: Fossile + Mobilité\u00a0: Vélo" in html
        assert "Aucune configuration cohérente ne reste possible avec les 2 choix faits" in html

    def test_a_scenario_is_saved_from_the_live_screen_and_listed_on_the_study(self) -> None:
        client = self.client_for("provider_a")
        save = reverse("studies:morpho_scenario_save", args=[self.study.pk])
        bad = client.post(
            save,
            {"lock_version": "4", "c-0": "0", "c-1": "2", "c-2": "0", "name": "Tout vélo"},
        )
        assert bad.status_code == 400
        assert "Cette configuration n’est pas cohérente" in bad.content.decode()
        assert 'value="Tout vélo"' in bad.content.decode()
        good = client.post(
            save,
            {
                "lock_version": "4",
                "c-0": "2",
                "c-1": "2",
                "c-2": "1",
                "name": "Sobriété partagée",
                "narrative": "Un récit.",
            },
        )
        assert good.status_code == 302
        page = client.get(reverse("studies:detail", args=[self.study.pk])).content.decode()
        assert "Sobriété partagée" in page and "Renouvelable" in page and "Un récit." in page
        scenario = Scenario.objects.get(study=self.study)
        delete = reverse("studies:morpho_scenario_delete", args=[self.study.pk, scenario.pk])
        assert self.status("partner_a", delete, "post") == 403
        assert client.post(delete).status_code == 302
        assert not Scenario.objects.exists()

    def test_the_run_page_shows_the_table_with_excluded_pairs_in_words(self) -> None:
        client = self.client_for("provider_a")
        response = client.post(reverse("studies:run", args=[self.study.pk]))
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "configurations cohérentes sur 18 combinaisons" in page
        assert page.count("✕ exclue") == 2
        assert "Tableau morphologique" in page

    def test_the_study_page_stays_within_its_query_budget(self) -> None:
        client = self.client_for("provider_a")
        url = reverse("studies:detail", args=[self.study.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        # Session, user, study, access, meetings, runs (count, page), scenarios, messages.
        assert len(queries) <= 12

    def test_a_micmac_study_has_no_morphological_pages(self) -> None:
        from .factories import micmac_study

        other = micmac_study(fabrique=self.cast.fabrique_a, actor=self.cast.provider_a)
        url = reverse("studies:morpho_live", args=[other.pk])
        assert self.status("provider_a", url) == 404
