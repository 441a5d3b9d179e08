"""Retaining a run's results: the candidates each method offers (from the library's own
output), the services (valid, duplicate, foreign, atomic), the pages for each persona, the
study page's reverse view of the roadmap links, and the personal data of studies."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client, TestCase
from django.urls import reverse

import foresight.mactor
import foresight.micmac
import foresight.regnier
from fabriques.accounts.personal_data import sources
from fabriques.core.models import AuditEvent
from fabriques.programme.tests.personas import ROLE_NAMES, Personas, build_personas
from fabriques.studies import selectors, services
from fabriques.studies.models import (
    CellEntry,
    Method,
    RetainedKind,
    RetainedResult,
    Scenario,
    Study,
    StudyRun,
    Voter,
    VoteSession,
)
from fabriques.studies.retained import (
    TOP_INFLUENT,
    mactor_candidates,
    micmac_candidates,
    regnier_candidates,
)

from .factories import micmac_study

WRITERS = {"admin", "pilot_a", "provider_a"}
_n = iter(range(1, 1000))


# Roadmaps sit above studies: their objects are built by model name, never imported here.
def RoadmapFactory(*, participation: Any, title: str = "Feuille de route") -> Any:
    return apps.get_model("roadmaps", "Roadmap").objects.create(
        participation=participation, fabrique_id=participation.fabrique_id, title=title
    )


def AxisFactory(*, roadmap: Any) -> Any:
    return apps.get_model("roadmaps", "Axis").objects.create(roadmap=roadmap, title="Axe")


def ActionSheetFactory(*, axis: Any, number: int | None = None, title: str = "Fiche") -> Any:
    return apps.get_model("roadmaps", "ActionSheet").objects.create(
        roadmap=axis.roadmap, axis=axis, number=number or next(_n), title=title
    )


def sheet_answers_set(*, sheet: Any, actor: Any, answers: list[RetainedResult]) -> None:
    sheet.answers.set(answers)


READERS = {"partner_a", "elected_a", "technical_a"}


def _solve(module: Any, doc: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = module.solve(module.parse(doc)).to_dict()
    return result


class CandidatesTest(TestCase):
    """Pure functions over the library's output: no database."""

    def test_micmac_offers_the_relay_quadrant_of_the_indirect_plane(self) -> None:
        output = _solve(
            foresight.micmac,
            {
                "variables": ["Emploi local", "Offre de soins", "Transports", "Habitat"],
                "matrix": [[0, 2, 1, 0], [1, 0, 3, "P"], [0, 2, 0, 1], [3, 0, 0, 0]],
            },
        )
        assert output["indirect"]["quadrant"][1] == "relay"
        found = micmac_candidates(output)
        assert [c.key for c in found.items] == ["Offre de soins"]
        assert "relais" in found.rule
        assert "‰" in found.items[0].detail

    def test_micmac_without_relay_offers_the_most_influent(self) -> None:
        # The README's worked example: influent, influent, dependent — no relay.
        output = _solve(
            foresight.micmac,
            {"variables": ["A", "B", "C"], "matrix": [[0, 2, 1], [0, 0, 3], [1, 0, 0]]},
        )
        found = micmac_candidates(output)
        assert [c.key for c in found.items] == ["A", "B", "C"]
        assert str(TOP_INFLUENT) in found.rule and "influence indirecte" in found.rule

    def test_mactor_offers_the_objectives_by_mobilisation_at_order_3(self) -> None:
        output = _solve(
            foresight.mactor,
            {
                "actors": ["A", "B", "C"],
                "objectives": ["O1", "O2"],
                "mid": [[0, 2, 1], [1, 0, 3], [0, 1, 0]],
                "positions": [[2, -1], [3, 0], [-4, 1]],
            },
        )
        found = mactor_candidates(output)
        assert [c.key for c in found.items] == ["O1", "O2"]
        assert found.items[0].kind == RetainedKind.ISSUE
        # O1: 6.65 for, 0.88 against at order 3 — contested.
        assert "mobilisation 7,5" in found.items[0].detail
        assert "disputé" in found.items[0].detail
        assert "ordre 3" in found.rule

    def test_regnier_marks_consensus_and_dissensus(self) -> None:
        output = _solve(
            foresight.regnier,
            {
                "statements": ["S1", "S2", "S3"],
                "votes": [
                    ["dark_green", "dark_red", "dark_green", "dark_red"],
                    ["light_green", "light_green", "orange", "white"],
                    ["white", "white", "white", "white"],
                ],
            },
        )
        found = regnier_candidates(output)
        # S3, answered by nobody, is not offered.
        assert [c.key for c in found.items] == ["S2", "S1"]
        assert found.items[0].detail.startswith("consensus")
        assert found.items[1].detail.startswith("dissensus")


class RetainedTest(TestCase):
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
        )
        cls.study_run = services.study_run(study=cls.study, actor=cls.cast.provider_a)

    def client_for(self, name: str) -> Client:
        client = Client()
        user = self.cast.user(name)
        if user is not None:
            client.force_login(user)
        return client

    def retain(self, key: str = "Offre de soins", **extra: Any) -> RetainedResult:
        return services.retained_add(
            study=self.study,
            actor=self.cast.provider_a,
            kind=RetainedKind.VARIABLE,
            key=key,
            run=self.study_run,
            **extra,
        )

    # Services ----------------------------------------------------------------------------------

    def test_retain_a_key_variable_takes_its_label_from_the_run_and_is_audited(self) -> None:
        retained = self.retain(note="  Elle pèse sur tout le reste. ")
        assert (retained.label, retained.note, retained.position) == (
            "Offre de soins",
            "Elle pèse sur tout le reste.",
            1,
        )
        assert retained.run == self.study_run and retained.retained_by == self.cast.provider_a
        event = AuditEvent.objects.get(action="study.result_retained")
        assert event.summary == "Offre de soins"

    def test_the_same_result_twice_is_refused_in_french(self) -> None:
        self.retain()
        with self.assertRaises(ValidationError) as caught:
            self.retain()
        assert "« Offre de soins » est déjà retenu dans cette étude" in str(caught.exception)
        assert RetainedResult.objects.count() == 1

    def test_a_name_the_run_does_not_offer_is_refused_and_nothing_saved(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.retain(key="Transports")  # a dependent variable, not a key one
        assert "n’est pas un résultat que ce calcul propose" in str(caught.exception)
        with self.assertRaises(ValidationError):
            services.retained_add(
                study=self.study,
                actor=self.cast.provider_a,
                kind="opinion",
                key="Offre de soins",
                run=self.study_run,
            )
        assert not RetainedResult.objects.exists()
        assert not AuditEvent.objects.filter(action="study.result_retained").exists()

    def test_a_run_of_another_study_is_refused(self) -> None:
        other = micmac_study(fabrique=self.cast.fabrique_a, actor=self.cast.provider_a)
        with self.assertRaises(ValidationError):
            services.retained_add(
                study=other,
                actor=self.cast.provider_a,
                kind=RetainedKind.VARIABLE,
                key="Offre de soins",
                run=self.study_run,
            )

    def test_a_saved_scenario_is_retained_with_its_configuration(self) -> None:
        morpho = services.study_create(
            fabrique=self.cast.fabrique_a,
            actor=self.cast.provider_a,
            method=Method.MORPHO,
            title="Scénarios du centre-bourg",
        )
        scenario = Scenario.objects.create(
            study=morpho,
            name="Bourg des services",
            configuration={"Commerce": "Halles rénovées", "Santé": "Maison de santé"},
        )
        retained = services.retained_add(
            study=morpho,
            actor=self.cast.provider_a,
            kind=RetainedKind.SCENARIO,
            key="Bourg des services",
        )
        assert retained.scenario == scenario and retained.run is None
        groups = selectors.run_candidates(
            StudyRun.objects.create(study=morpho, input={}, output={}, foresight_version="x")
        )
        (group,) = groups
        assert group.rows[0].retained == retained
        assert "Commerce\u00a0: Halles rénovées" in group.rows[0].candidate.detail

    def test_remove_unlinks_the_roadmap_and_is_audited(self) -> None:
        retained = self.retain()
        roadmap = RoadmapFactory(participation=self.cast.participation_a)
        sheet = ActionSheetFactory(axis=AxisFactory(roadmap=roadmap))
        sheet_answers_set(sheet=sheet, actor=self.cast.provider_a, answers=[retained])
        services.retained_remove(retained=retained, actor=self.cast.provider_a)
        assert not RetainedResult.objects.exists()
        assert not sheet.answers.exists()
        event = AuditEvent.objects.get(action="study.result_unretained")
        assert event.data["cited_by_sheets"] == [sheet.pk]

    # Selectors ---------------------------------------------------------------------------------

    def test_study_retained_shows_who_answers_and_what_is_left(self) -> None:
        retained = self.retain()
        roadmap = RoadmapFactory(participation=self.cast.participation_a)
        axis = AxisFactory(roadmap=roadmap)
        sheets = [ActionSheetFactory(axis=axis) for _ in range(3)]
        with self.assertNumQueries(3):  # the results, their axes, their sheets
            found = selectors.study_retained(self.study)
        assert found.unanswered_variables == [retained]
        for sheet in sheets:
            sheet_answers_set(sheet=sheet, actor=self.cast.provider_a, answers=[retained])
        with self.assertNumQueries(3):
            found = selectors.study_retained(self.study)
            (group,) = found.groups
            assert [s.pk for s in group.results[0].answering_sheets.all()] == [  # type: ignore[attr-defined]
                s.pk for s in sheets
            ]
        assert found.unanswered_variables == []

    # Views -------------------------------------------------------------------------------------

    def test_the_run_page_offers_to_retain_with_its_rule(self) -> None:
        url = reverse("studies:run_detail", args=[self.study.pk, self.study_run.pk])
        page = self.client_for("provider_a").get(url).content.decode()
        assert "Retenir pour la suite" in page and "Offre de soins" in page
        assert "quadrant des variables relais" in page
        assert reverse("studies:retained_add", args=[self.study.pk]) in page
        # A reader sees the candidates, without the buttons.
        page = self.client_for("partner_a").get(url).content.decode()
        assert "Offre de soins" in page
        assert reverse("studies:retained_add", args=[self.study.pk]) not in page

    def test_each_persona_retains_what_it_may(self) -> None:
        url = reverse("studies:retained_add", args=[self.study.pk])
        data = {"kind": "variable", "key": "Offre de soins", "run": str(self.study_run.pk)}
        for name in ROLE_NAMES:
            with self.subTest(name):
                response = self.client_for(name).post(url, data)
                if name == "anonymous":
                    assert response.status_code == 302
                    assert "/compte/connexion/" in response["Location"]
                elif name in WRITERS:
                    assert response.status_code == 302, response.content
                    assert response["Location"].endswith(f"/calculs/{self.study_run.pk}/#retenir")
                    RetainedResult.objects.all().delete()
                elif name in READERS:
                    assert response.status_code == 403
                else:
                    assert response.status_code == 404
        assert not RetainedResult.objects.exists()

    def test_a_refused_retain_answers_400_with_the_message(self) -> None:
        url = reverse("studies:retained_add", args=[self.study.pk])
        response = self.client_for("provider_a").post(
            url, {"kind": "variable", "key": "Inconnue", "run": str(self.study_run.pk)}
        )
        assert response.status_code == 400
        assert (
            "« Inconnue » n’est pas un résultat que ce calcul propose" in response.content.decode()
        )
        assert not RetainedResult.objects.exists()

    def test_round_trip_retain_then_read_then_remove(self) -> None:
        client = self.client_for("pilot_a")
        client.post(
            reverse("studies:retained_add", args=[self.study.pk]),
            {
                "kind": "variable",
                "key": "Offre de soins",
                "run": str(self.study_run.pk),
                "note": "Décidée en atelier",
            },
        )
        retained = RetainedResult.objects.get()
        page = client.get(reverse("studies:detail", args=[self.study.pk])).content.decode()
        assert "Résultats retenus" in page and "Décidée en atelier" in page
        assert "Variables clés qu’aucune fiche action ne prend encore en charge" in page
        run_page = client.get(
            reverse("studies:run_detail", args=[self.study.pk, self.study_run.pk])
        ).content.decode()
        assert "Ne plus retenir" in run_page
        # Readers may not let it go; outsiders do not find it.
        remove = reverse("studies:retained_remove", args=[self.study.pk, retained.pk])
        assert self.client_for("partner_a").post(remove).status_code == 403
        assert self.client_for("provider_b").post(remove).status_code == 404
        response = client.post(remove, {"run": str(self.study_run.pk)})
        assert response.status_code == 302
        assert not RetainedResult.objects.exists()

    def test_the_study_page_names_the_sheets_that_answer(self) -> None:
        retained = self.retain()
        roadmap = RoadmapFactory(participation=self.cast.participation_a, title="FdR du bourg")
        sheet = ActionSheetFactory(
            axis=AxisFactory(roadmap=roadmap), number=4, title="Maison de santé"
        )
        sheet_answers_set(sheet=sheet, actor=self.cast.provider_a, answers=[retained])
        page = (
            self.client_for("elected_a")
            .get(reverse("studies:detail", args=[self.study.pk]))
            .content.decode()
        )
        assert "fiche 4. Maison de santé (FdR du bourg)" in page
        assert reverse("roadmaps:sheet_detail", args=[sheet.pk]) in page
        assert "aucune fiche action ne prend encore en charge" not in page


class PersonalDataTest(TestCase):
    def test_export_then_erase_unlinks_the_person(self) -> None:
        cast = build_personas()
        study = micmac_study(fabrique=cast.fabrique_a, actor=cast.provider_a, title="Étude RGPD")
        run = services.study_run(study=study, actor=cast.provider_a)
        services.retained_add(
            study=study,
            actor=cast.provider_a,
            kind=RetainedKind.VARIABLE,
            key="Offre de soins",
            run=run,
        )
        session = VoteSession.objects.create(study=study, code="ABC123", opened_by=cast.pilot_a)
        Voter.objects.create(session=session, token_hash="x" * 64, name="Anne", user=cast.elected_a)
        Voter.objects.create(session=session, token_hash="y" * 64, name="Anne")
        contributions = next(s for s in sources() if s.key == "studies.contributions")
        voters = next(s for s in sources() if s.key == "studies.voters")

        rows = contributions.export(cast.provider_a)
        kinds = [row["type"] for row in rows]
        assert kinds.count("étude créée") == 1 and kinds.count("calcul lancé") == 1
        assert kinds.count("cellule saisie") == CellEntry.objects.filter(study=study).count() > 0
        assert {"type": "résultat retenu", "résultat": "Offre de soins"}.items() <= rows[-1].items()
        assert contributions.export(cast.provider_b) == []
        (voter_row,) = voters.export(cast.elected_a)
        assert voter_row["nom_donné"] == "Anne" and voter_row["vote"] == "ABC123"
        # The named voter without an account is nobody the platform can tie to a person.
        assert voters.export(cast.outsider) == []

        assert contributions.erase(cast.provider_a) > 0
        assert voters.erase(cast.elected_a) == 1
        assert contributions.export(cast.provider_a) == []
        assert voters.export(cast.elected_a) == []
        study.refresh_from_db()
        assert study.created_by is None and study.inputs["variables"]
        assert RetainedResult.objects.get().retained_by is None
        assert list(Voter.objects.order_by("pk").values_list("name", "user")) == [
            ("", None),
            ("Anne", None),
        ]
