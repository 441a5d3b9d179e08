"""The matrix grid as a workshop fills it: cell by cell with the value read, who filled what,
the side-by-side page when two people saved the same grid, and the presentation mode."""

from __future__ import annotations

from django.test import Client, TestCase
from django.urls import reverse

from fabriques.core.models import AuditEvent
from fabriques.programme.tests.personas import Personas, build_personas
from fabriques.studies import selectors, services
from fabriques.studies.models import CellEntry, Study

from .factories import MATRIX, VARIABLES, micmac_study


class GridTest(TestCase):
    cast: Personas
    study: Study

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()
        cls.study = micmac_study(
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

    def cell(self, client: Client, **data: str) -> tuple[int, dict[str, str]]:
        payload = {"matrix": "matrix", "row": "0", "column": "1", "expected": "2", **data}
        response = client.post(reverse("studies:cell", args=[self.study.pk]), payload)
        return response.status_code, response.json() if response.status_code != 403 else {}

    # Who filled what ------------------------------------------------------------------------

    def test_the_grid_save_records_who_filled_each_changed_cell(self) -> None:
        entries = CellEntry.objects.filter(study=self.study, matrix="matrix")
        filled = {(e.row, e.column) for e in entries}
        assert filled == {
            (i, j) for i, row in enumerate(MATRIX) for j, value in enumerate(row) if value
        }
        assert {e.filled_by_id for e in entries} == {self.cast.provider_a.pk}
        grid = selectors.micmac_grid(self.study)
        cell = grid.rows[0].cells[1]
        assert cell.value == "2" and cell.author == self.cast.provider_a.get_full_name()
        assert grid.rows[0].cells[3].author == ""

    def test_removing_a_variable_moves_the_authors_with_their_cells(self) -> None:
        kept = [(i, name) for i, name in enumerate(VARIABLES) if i != 0]
        services.micmac_variables_save(
            study=self.study,
            actor=self.cast.pilot_a,
            kept=kept,
            added=[],
            expected_version=self.study.lock_version,
        )
        # Old (1, 2) = 3 is now (0, 1); the first variable's row and column are gone.
        positions = set(CellEntry.objects.filter(study=self.study).values_list("row", "column"))
        assert (0, 1) in positions
        assert all(r < 3 and c < 3 for r, c in positions)
        assert self.study.inputs["matrix"][0][1] == 3

    # Cell by cell ----------------------------------------------------------------------------

    def test_a_cell_saved_alone_bumps_the_version_and_names_its_author(self) -> None:
        version = self.study.lock_version
        status, data = self.cell(self.client_for("pilot_a"), value="3")
        assert status == 200, data
        assert data["value"] == "3" and data["lock_version"] == version + 1
        assert self.cast.pilot_a.get_full_name() in data["author"]
        self.study.refresh_from_db()
        assert self.study.inputs["matrix"][0][1] == 3
        entry = CellEntry.objects.get(study=self.study, matrix="matrix", row=0, column=1)
        assert entry.filled_by_id == self.cast.pilot_a.pk
        event = AuditEvent.objects.filter(action="study.cell_changed").latest("pk")
        assert event.data == {"matrix": "matrix", "row": 1, "column": 2}

    def test_a_cell_changed_by_someone_else_since_it_was_read_is_not_overwritten(self) -> None:
        assert self.cell(self.client_for("provider_a"), value="1")[0] == 200
        status, data = self.cell(self.client_for("pilot_a"), value="3", expected="2")
        assert status == 409
        assert data["value"] == "1"
        assert "Ligne 1, colonne 2" in data["message"]
        self.study.refresh_from_db()
        assert self.study.inputs["matrix"][0][1] == 1

    def test_a_refused_value_names_its_cell_and_changes_nothing(self) -> None:
        version = self.study.lock_version
        status, data = self.cell(self.client_for("pilot_a"), value="7")
        assert status == 400
        assert data["message"].startswith("ligne 1, colonne 2\u00a0: la valeur doit être")
        status, data = self.cell(self.client_for("pilot_a"), row="2", column="2", value="1")
        assert status == 400 and "diagonale" in data["message"]
        status, data = self.cell(self.client_for("pilot_a"), row="9", value="1")
        assert status == 400 and "ligne 10, colonne 2" in data["message"]
        status, data = self.cell(self.client_for("pilot_a"), matrix="mid", value="1")
        assert status == 400
        self.study.refresh_from_db()
        assert self.study.lock_version == version

    def test_readers_and_outsiders_cannot_save_a_cell(self) -> None:
        assert self.cell(self.client_for("partner_a"), value="3")[0] == 403
        url = reverse("studies:cell", args=[self.study.pk])
        assert self.client_for("provider_b").post(url, {}).status_code == 404
        assert Client().post(url, {}).status_code == 302
        self.study.refresh_from_db()
        assert self.study.inputs["matrix"][0][1] == 2

    # Side by side ----------------------------------------------------------------------------

    def test_two_consultants_saving_one_grid_choose_cell_by_cell(self) -> None:
        read_at = self.study.lock_version
        # The pilot changes (0, 1) from 2 to 1 while the consultant has the grid open.
        assert self.cell(self.client_for("pilot_a"), value="1")[0] == 200
        mine = {"lock_version": str(read_at)}
        for i, row in enumerate(MATRIX):
            for j, value in enumerate(row):
                if i != j:
                    mine[f"c-{i}-{j}"] = str(value)
        mine["c-3-2"] = "2"  # the consultant's own change
        client = self.client_for("provider_a")
        url = reverse("studies:matrix", args=[self.study.pk])
        response = client.post(url, mine)
        assert response.status_code == 409
        page = response.content.decode()
        differences = response.context["differences"]
        assert [(d.row, d.column, d.mine, d.theirs) for d in differences] == [
            ("Emploi local", "Offre de soins", "2", "1"),
            ("Habitat", "Transports", "2", "0"),
        ]
        assert differences[0].author == self.cast.pilot_a.get_full_name()
        assert "Garder la vôtre" in page and "Garder celle-ci" in page
        self.study.refresh_from_db()
        assert self.study.inputs["matrix"][3][2] == 0  # nothing saved
        # The consultant keeps the pilot's value for (0, 1) and their own for (3, 2).
        choice = {"lock_version": str(self.study.lock_version)}
        choice |= dict(response.context["unchanged"])
        choice |= {"c-0-1": "1", "c-3-2": "2"}
        response = client.post(url, choice)
        assert response.status_code == 302
        self.study.refresh_from_db()
        assert self.study.inputs["matrix"][0][1] == 1
        assert self.study.inputs["matrix"][3][2] == 2
        assert self.study.inputs["matrix"][1][3] == "P"

    # Presentation -------------------------------------------------------------------------

    def test_the_presentation_shows_one_row_at_a_time_to_whoever_sees_the_study(self) -> None:
        url = reverse("studies:presentation", args=[self.study.pk, "matrix"])
        response = self.client_for("partner_a").get(url + "?ligne=2")
        assert response.status_code == 200
        row = response.context["row"]
        assert (row.number, row.total, row.name) == (2, 4, "Offre de soins")
        assert row.values == [("Emploi local", "1"), ("Transports", "3"), ("Habitat", "P")]
        assert (row.previous, row.next) == (1, 3)
        page = response.content.decode()
        assert 'hx-trigger="every 3s"' in page and 'rel="next"' in page
        # Out of range and nonsense are clamped to the grid.
        assert self.client_for("pilot_a").get(url + "?ligne=99").context["row"].number == 4
        assert self.client_for("pilot_a").get(url + "?ligne=x").context["row"].number == 1
        other = reverse("studies:presentation", args=[self.study.pk, "mao"])
        assert self.client_for("pilot_a").get(other).status_code == 404
        assert self.client_for("provider_b").get(url).status_code == 404
        assert Client().get(url).status_code == 302

    def test_the_presentation_costs_a_bounded_number_of_queries(self) -> None:
        url = reverse("studies:presentation", args=[self.study.pk, "matrix"])
        client = self.client_for("provider_a")
        with self.assertNumQueries(5):  # session, user, study, roles (see), memberships
            client.get(url)
