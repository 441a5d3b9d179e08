"""The studio's writes: studies, MICMAC variables and matrix, imports, runs."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

import foresight
from fabriques.core.models import AuditEvent
from fabriques.programme.models import Fabrique, FabriqueStatus
from fabriques.programme.tests.personas import Personas, build_personas
from fabriques.studies import services, tables
from fabriques.studies.models import Method, Study, StudyRun
from fabriques.workshops.tests.factories import WorkshopFactory
from foresight import micmac

from .factories import MATRIX, VARIABLES, micmac_study


class StudyServicesTest(TestCase):
    cast: Personas

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()

    def study(self) -> Study:
        return micmac_study(fabrique=self.cast.fabrique_a, actor=self.cast.provider_a)

    def test_create_keeps_the_description_and_meetings_and_audits(self) -> None:
        meeting = WorkshopFactory(participation=self.cast.participation_a)
        study = services.study_create(
            fabrique=self.cast.fabrique_a,
            actor=self.cast.provider_a,
            method=Method.MICMAC,
            title=" Santé 2040 ",
            purpose="Quelles variables clés ?",
            participation=self.cast.participation_a,
            meetings=[meeting],
        )
        study.refresh_from_db()
        assert study.title == "Santé 2040"
        assert study.inputs == {"variables": [], "matrix": []}
        assert list(study.meetings.all()) == [meeting]
        assert AuditEvent.objects.filter(action="study.created", object_id=str(study.pk)).exists()

    def test_create_refuses_another_fabriques_territory_or_meeting(self) -> None:
        with pytest.raises(ValidationError):
            services.study_create(
                fabrique=self.cast.fabrique_a,
                actor=self.cast.pilot_a,
                method=Method.MICMAC,
                title="Étude",
                participation=self.cast.participation_b,
            )
        with pytest.raises(ValidationError):
            services.study_create(
                fabrique=self.cast.fabrique_a,
                actor=self.cast.pilot_a,
                method=Method.MICMAC,
                title="Étude",
                meetings=[WorkshopFactory(participation=self.cast.participation_b)],
            )
        assert not Study.objects.exists()

    def test_variables_and_matrix_round_trip(self) -> None:
        study = Study.objects.get(pk=self.study().pk)
        assert study.inputs["variables"] == VARIABLES
        assert study.inputs["matrix"] == MATRIX
        assert study.lock_version == 3

    def test_rename_remove_and_add_keep_the_other_cells(self) -> None:
        study = self.study()
        services.micmac_variables_save(
            study=study,
            actor=self.cast.provider_a,
            kept=[(0, "Emploi"), (2, "Transports"), (3, "Habitat")],
            added=["Numérique"],
            expected_version=study.lock_version,
        )
        study.refresh_from_db()
        assert study.inputs["variables"] == ["Emploi", "Transports", "Habitat", "Numérique"]
        assert study.inputs["matrix"] == [
            [0, 1, 0, 0],
            [0, 0, 1, 0],
            [3, 0, 0, 0],
            [0, 0, 0, 0],
        ]

    def test_duplicate_or_empty_name_saves_nothing(self) -> None:
        study = self.study()
        before = (study.inputs, study.lock_version)
        with pytest.raises(services.InputErrors) as caught:
            services.micmac_variables_save(
                study=study,
                actor=self.cast.provider_a,
                kept=[(0, "Emploi local"), (1, "")],
                added=["Emploi local"],
                expected_version=study.lock_version,
            )
        assert caught.value.messages == [
            "Variable 2\u00a0: le nom ne peut pas être vide.",
            "Variable 3\u00a0: la variable «\u00a0Emploi local\u00a0» existe déjà (variable 1).",
        ]
        study.refresh_from_db()
        assert (study.inputs, study.lock_version) == before

    def test_bad_cells_are_each_named_and_nothing_is_saved(self) -> None:
        study = self.study()
        cells = {(i, j): str(v) for i, row in enumerate(MATRIX) for j, v in enumerate(row)}
        cells[(2, 3)] = "7"
        cells[(0, 1)] = "x"
        with pytest.raises(services.InputErrors) as caught:
            services.micmac_matrix_save(
                study=study, actor=self.cast.provider_a, cells=cells, expected_version=3
            )
        assert caught.value.messages == [
            "ligne 1, colonne 2\u00a0: la valeur doit être comprise entre 0 et 3 "
            "(ou P, influence potentielle)",
            "ligne 3, colonne 4\u00a0: la valeur doit être comprise entre 0 et 3 "
            "(ou P, influence potentielle)",
        ]
        study.refresh_from_db()
        assert study.inputs["matrix"] == MATRIX
        assert study.lock_version == 3

    def test_a_stale_version_writes_nothing(self) -> None:
        study = self.study()
        mine = Study.objects.get(pk=study.pk)
        theirs = Study.objects.get(pk=study.pk)
        cells = {(0, 1): "3"}
        services.micmac_matrix_save(
            study=theirs, actor=self.cast.pilot_a, cells=cells, expected_version=3
        )
        with pytest.raises(services.EditConflict) as caught:
            services.micmac_matrix_save(
                study=mine, actor=self.cast.provider_a, cells={(0, 1): "1"}, expected_version=3
            )
        assert caught.value.lock_version == 4
        study.refresh_from_db()
        assert study.inputs["matrix"][0][1] == 3

    def test_lowercase_p_and_empty_cells(self) -> None:
        study = self.study()
        services.micmac_matrix_save(
            study=study,
            actor=self.cast.provider_a,
            cells={(0, 1): "p", (1, 0): " 2 "},
            expected_version=3,
        )
        study.refresh_from_db()
        assert study.inputs["matrix"][0] == [0, "P", 0, 0]
        assert study.inputs["matrix"][1] == [2, 0, 0, 0]

    def test_import_replaces_the_tables_and_a_bad_file_changes_nothing(self) -> None:
        study = self.study()
        good = b"Variable;A;B\nA;0;3\nB;P;0\n"
        services.study_inputs_import(
            study=study,
            actor=self.cast.provider_a,
            filename="m.csv",
            content=good,
            expected_version=3,
        )
        study.refresh_from_db()
        assert study.inputs == {"variables": ["A", "B"], "matrix": [[0, 3], ["P", 0]]}
        bad = b"Variable;A;B\nA;0;7\nB;P;0\n"
        with pytest.raises(services.InputErrors) as caught:
            services.study_inputs_import(
                study=study,
                actor=self.cast.provider_a,
                filename="m.csv",
                content=bad,
                expected_version=4,
            )
        assert any("ligne 2, colonne 3" in m for m in caught.value.messages)
        study.refresh_from_db()
        assert study.inputs["matrix"] == [[0, 3], ["P", 0]]
        assert study.lock_version == 4

    def test_export_reads_back(self) -> None:
        study = self.study()
        for fmt in ("csv", "xlsx"):
            content = services.study_inputs_export(study=study, fmt=fmt)
            assert tables.read("micmac", f"m.{fmt}", content) == study.inputs

    def test_run_is_the_librarys_result(self) -> None:
        study = self.study()
        run = services.study_run(study=study, actor=self.cast.provider_a)
        run = StudyRun.objects.get(pk=run.pk)
        expected = micmac.solve(micmac.parse({"variables": VARIABLES, "matrix": MATRIX}))
        assert run.output == expected.to_dict()
        assert run.input == {"variables": VARIABLES, "matrix": MATRIX}
        assert run.foresight_version == foresight.__version__
        assert run.run_by == self.cast.provider_a
        assert AuditEvent.objects.filter(action="study.run").count() == 1

    def test_run_without_variables_is_refused(self) -> None:
        study = services.study_create(
            fabrique=self.cast.fabrique_a,
            actor=self.cast.pilot_a,
            method=Method.MICMAC,
            title="Vide",
        )
        with pytest.raises(ValidationError):
            services.study_run(study=study, actor=self.cast.pilot_a)
        assert not StudyRun.objects.exists()

    def test_a_study_is_published_only_with_its_fabriques_results(self) -> None:
        study = self.study()
        data = {"title": study.title, "purpose": "", "participation": None}
        with pytest.raises(ValidationError):
            services.study_update(
                study=study,
                actor=self.cast.pilot_a,
                data=data | {"status": "published"},
                meetings=[],
                expected_version=3,
            )
        study.refresh_from_db()
        assert study.status == "draft" and study.lock_version == 3

    def test_update_publishes_and_audits(self) -> None:
        Fabrique.objects.filter(pk=self.cast.fabrique_a.pk).update(status=FabriqueStatus.PUBLISHED)
        self.cast.fabrique_a.refresh_from_db()
        study = self.study()
        changed = services.study_update(
            study=study,
            actor=self.cast.pilot_a,
            data={
                "title": "Nouveau titre",
                "purpose": "",
                "participation": None,
                "status": "published",
            },
            meetings=[],
            expected_version=3,
        )
        assert changed == ["title", "status"]
        study.refresh_from_db()
        assert study.is_published and study.lock_version == 4
        assert AuditEvent.objects.filter(action="study.published").exists()
        assert study.history.count() >= 4
