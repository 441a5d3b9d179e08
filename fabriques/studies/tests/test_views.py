"""The studio's pages tried by each persona, their forms round-tripped, bad input refused with
its place named, conflicts, imports, runs and the query budgets."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fabriques.accounts.models import MembershipRole
from fabriques.accounts.tests.factories import MembershipFactory, UserFactory
from fabriques.programme.tests.personas import ROLE_NAMES, Personas, build_personas
from fabriques.studies.models import Study, StudyRun, StudyStatus
from fabriques.studies.services import study_run
from fabriques.workinggroups.tests.factories import MemberFactory, WorkingGroupFactory
from fabriques.workshops.tests.factories import WorkshopFactory

from .factories import MATRIX, VARIABLES, micmac_study

WRITERS = {"admin", "pilot_a", "provider_a"}
# Territory A's study: its referents read it, as the Fabrique's partners do.
READERS = {"partner_a", "elected_a", "technical_a"}


def cells_form(
    study: Study, matrix: list[list[Any]] | None = None, overrides: dict[str, str] | None = None
) -> dict[str, str]:
    data: dict[str, str] = {"lock_version": str(study.lock_version)}
    for i, row in enumerate(matrix or study.inputs["matrix"]):
        for j, value in enumerate(row):
            if i != j:
                data[f"c-{i}-{j}"] = str(value)
    return data | (overrides or {})


class StudyViewsTest(TestCase):
    cast: Personas
    study: Study
    collective: Study
    member: Any
    combined: Any

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()
        cls.study = micmac_study(
            fabrique=cls.cast.fabrique_a,
            actor=cls.cast.provider_a,
            participation=cls.cast.participation_a,
        )
        cls.collective = micmac_study(
            fabrique=cls.cast.fabrique_a, actor=cls.cast.pilot_a, title="Étude collective"
        )
        cls.member = UserFactory(username="membre@exemple.fr", email="membre@exemple.fr")
        MemberFactory(
            working_group=WorkingGroupFactory(participation=cls.cast.participation_a),
            user=cls.member,
            email=cls.member.email,
        )
        # A consultant of Fabrique B's provider who is elected referent in territory A: the
        # provider's role stays in B, the referent's reads territory A's study only.
        cls.combined = UserFactory(username="mix@exemple.fr")
        MembershipFactory(
            user=cls.combined,
            role=MembershipRole.PROVIDER_CONSULTANT,
            organisation=cls.cast.provider_org_b,
            fabrique=cls.cast.fabrique_b,
        )
        MembershipFactory(
            user=cls.combined,
            role=MembershipRole.ELECTED_REFERENT,
            participation=cls.cast.participation_a,
        )

    def client_for(self, name: str) -> Client:
        client = Client()
        user = {"member": self.member, "combined": self.combined}.get(name) or (
            self.cast.user(name)
        )
        if user is not None:
            client.force_login(user)
        return client

    def status(self, name: str, url: str) -> int:
        response = self.client_for(name).get(url)
        if response.status_code == 302:
            return 401 if "/compte/connexion/" in response["Location"] else 302
        return response.status_code

    # Access ------------------------------------------------------------------------------------

    def test_each_persona_reads_and_writes_what_it_may(self) -> None:
        detail = reverse("studies:detail", args=[self.study.pk])
        matrix = reverse("studies:matrix", args=[self.study.pk])
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
                assert (self.status(name, detail), self.status(name, matrix)) == expected

    def test_the_group_member_and_the_combined_referent_read_territory_a_only(self) -> None:
        detail = reverse("studies:detail", args=[self.study.pk])
        collective = reverse("studies:detail", args=[self.collective.pk])
        for name in ("member", "combined"):
            assert self.status(name, detail) == 200
            assert self.status(name, reverse("studies:matrix", args=[self.study.pk])) == 403
            assert self.status(name, collective) == 404
        # The Fabrique's collective study: its team, not the territories' referents.
        assert self.status("elected_a", collective) == 404
        assert self.status("partner_a", collective) == 200

    def test_the_fabrique_list_shows_each_persona_its_studies(self) -> None:
        url = reverse("studies:fabrique_list", args=[self.cast.fabrique_a.slug])
        page = self.client_for("elected_a").get(url).content.decode()
        assert self.study.title in page and "Étude collective" not in page
        page = self.client_for("partner_a").get(url).content.decode()
        assert "Étude collective" in page and "Nouvelle étude" not in page
        assert "Nouvelle étude" in self.client_for("provider_a").get(url).content.decode()
        assert self.status("provider_b", url) == 404
        assert self.status("anonymous", url) == 401

    def test_published_study_is_public_without_names(self) -> None:
        url = reverse("studies:public", args=[self.study.pk])
        assert self.status("anonymous", url) == 404
        study_run(study=self.study, actor=self.cast.provider_a)
        Study.objects.filter(pk=self.study.pk).update(status=StudyStatus.PUBLISHED)
        response = self.client_for("anonymous").get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Emploi local" in page and "<svg" in page
        assert self.cast.provider_a.email not in page
        assert self.cast.provider_a.last_name not in page
        # The workspace pages stay the team's.
        assert self.status("outsider", reverse("studies:detail", args=[self.study.pk])) == 404

    # Forms -------------------------------------------------------------------------------------

    def test_create_then_edit_round_trip(self) -> None:
        meeting = WorkshopFactory(participation=self.cast.participation_a)
        client = self.client_for("provider_a")
        response = client.post(
            reverse("studies:create", args=[self.cast.fabrique_a.slug]),
            {
                "method": "micmac",
                "title": "Mobilités 2040",
                "purpose": "Les variables clés",
                "participation": str(self.cast.participation_a.pk),
                "meetings": [str(meeting.pk)],
            },
        )
        study = Study.objects.get(title="Mobilités 2040")
        assert response["Location"] == reverse("studies:detail", args=[study.pk])
        page = client.get(reverse("studies:edit", args=[study.pk])).content.decode()
        assert "Les variables clés" in page
        assert f'value="{meeting.pk}" checked' in page or "checked" in page
        response = client.post(
            reverse("studies:edit", args=[study.pk]),
            {
                "lock_version": "1",
                "title": "Mobilités 2045",
                "purpose": "Les variables clés",
                "participation": "",
                "meetings": [],
                "status": "draft",
            },
        )
        assert response.status_code == 302
        study.refresh_from_db()
        assert (study.title, study.participation, study.lock_version) == ("Mobilités 2045", None, 2)
        assert not study.meetings.exists()

    def test_variables_form_round_trip_and_duplicate_refused(self) -> None:
        client = self.client_for("provider_a")
        url = reverse("studies:variables", args=[self.study.pk])
        data = {f"name-{i}": name for i, name in enumerate(VARIABLES)}
        data |= {"lock_version": "3", "name-1": "Soins", "remove-3": "on", "new": "Numérique\n\n"}
        assert client.post(url, data).status_code == 302
        page = client.get(url).content.decode()
        for name in ("Emploi local", "Soins", "Transports", "Numérique"):
            assert f'value="{name}"' in page
        assert 'value="Habitat"' not in page
        data = {
            "lock_version": "4",
            "name-0": "Emploi local",
            "name-1": "Soins",
            "name-2": "Transports",
            "name-3": "Numérique",
            "new": "Soins",
        }
        response = client.post(url, data)
        assert response.status_code == 400
        assert (
            "la variable «\u00a0Soins\u00a0» existe déjà (variable 2)" in response.content.decode()
        )
        self.study.refresh_from_db()
        assert len(self.study.inputs["variables"]) == 4

    def test_matrix_grid_is_a_labelled_table_and_round_trips(self) -> None:
        client = self.client_for("pilot_a")
        url = reverse("studies:matrix", args=[self.study.pk])
        page = client.get(url).content.decode()
        assert '<th scope="col">' in page and '<th scope="row">1. Emploi local</th>' in page
        assert 'aria-label="Influence de Emploi local sur Offre de soins"' in page
        assert 'name="c-1-3" id="c-1-3" value="P"' in page
        changed = [row[:] for row in MATRIX]
        changed[2][0] = 3
        assert client.post(url, cells_form(self.study, changed)).status_code == 302
        page = client.get(url).content.decode()
        assert 'name="c-2-0" id="c-2-0" value="3"' in page
        self.study.refresh_from_db()
        assert self.study.inputs["matrix"][2][0] == 3

    def test_bad_cells_are_named_and_nothing_saved(self) -> None:
        client = self.client_for("provider_a")
        url = reverse("studies:matrix", args=[self.study.pk])
        response = client.post(url, cells_form(self.study, overrides={"c-2-3": "7", "c-0-1": "a"}))
        page = response.content.decode()
        assert response.status_code == 400
        assert "ligne 3, colonne 4\u00a0: la valeur doit être comprise entre 0 et 3" in page
        assert "ligne 1, colonne 2\u00a0: la valeur doit être comprise entre 0 et 3" in page
        assert 'name="c-2-3" id="c-2-3" value="7"' in page  # the typed value comes back
        self.study.refresh_from_db()
        assert self.study.inputs["matrix"] == MATRIX and self.study.lock_version == 3

    def test_a_stale_grid_shows_a_conflict_and_overwrites_nothing(self) -> None:
        url = reverse("studies:matrix", args=[self.study.pk])
        form = cells_form(self.study)
        first = self.client_for("provider_a").post(url, form | {"c-0-1": "3"})
        assert first.status_code == 302
        client = self.client_for("pilot_a")
        response = client.post(url, form | {"c-0-1": "0"})
        assert response.status_code == 409
        assert "Quelqu’un a enregistré la grille pendant votre saisie" in response.content.decode()
        self.study.refresh_from_db()
        assert self.study.inputs["matrix"][0][1] == 3 and self.study.lock_version == 4

    def test_import_errors_are_listed_and_a_good_file_is_read(self) -> None:
        client = self.client_for("provider_a")
        url = reverse("studies:import", args=[self.study.pk])
        bad = SimpleUploadedFile("m.csv", b"Variable;A;B\nA;0;9\nB;1;0\n")
        response = client.post(url, {"lock_version": "3", "file": bad})
        assert response.status_code == 400
        assert "ligne 2, colonne 3" in response.content.decode()
        self.study.refresh_from_db()
        assert self.study.inputs["variables"] == VARIABLES
        export = client.get(reverse("studies:export", args=[self.study.pk, "xlsx"]))
        assert export.status_code == 200
        good = SimpleUploadedFile("m.xlsx", export.content)
        assert client.post(url, {"lock_version": "3", "file": good}).status_code == 302
        self.study.refresh_from_db()
        assert self.study.inputs["matrix"] == MATRIX and self.study.lock_version == 4

    def test_run_results_and_json(self) -> None:
        client = self.client_for("provider_a")
        response = client.post(reverse("studies:run", args=[self.study.pk]))
        run = StudyRun.objects.get(study=self.study)
        assert response["Location"] == reverse("studies:run_detail", args=[self.study.pk, run.pk])
        page = self.client_for("partner_a").get(response["Location"]).content.decode()
        results, retain = page.split('id="retenir"', 1)
        assert results.count("<svg") == 4 and results.count("<table") == 4
        assert retain.count("<table") == 1  # the run's candidates to retain
        assert "Emploi local" in page
        data = json.loads(
            client.get(reverse("studies:run_json", args=[self.study.pk, run.pk])).content
        )
        assert data["input"]["matrix"] == MATRIX
        assert data["output"]["variables"] == VARIABLES
        assert self.status("partner_a", reverse("studies:run", args=[self.study.pk])) == 405
        assert (
            self.client_for("partner_a")
            .post(reverse("studies:run", args=[self.study.pk]))
            .status_code
            == 403
        )
        assert StudyRun.objects.count() == 1

    # Query budgets -----------------------------------------------------------------------------

    def test_query_budgets(self) -> None:
        for _ in range(3):
            study_run(study=self.study, actor=self.cast.provider_a)
        run = StudyRun.objects.filter(study=self.study).first()
        assert run is not None
        client = self.client_for("provider_a")
        budgets = {
            # session, user, grants (2), Fabrique, count, page
            reverse("studies:fabrique_list", args=[self.cast.fabrique_a.slug]): 7,
            # session, user, grants (2), study, meetings, runs count, runs page; retained
            # results, the roadmap axes and sheets answering them (studies/retained)
            reverse("studies:detail", args=[self.study.pk]): 11,
            # session, user, grants (2), study
            reverse("studies:matrix", args=[self.study.pk]): 6,  # + who filled each cell
            # session, user, grants (2), study, run; what is retained (the « Retenir » section)
            reverse("studies:run_detail", args=[self.study.pk, run.pk]): 7,
        }
        for url, budget in budgets.items():
            client.get(url)  # warm the session
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            assert len(queries) <= budget, (url, "\n".join(q["sql"][:90] for q in queries))
