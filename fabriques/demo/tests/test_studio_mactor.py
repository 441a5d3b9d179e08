"""The demo's actors' strategies study: built through the services, once, with a run."""

from __future__ import annotations

from django.test import TestCase

from fabriques.demo.studio_mactor import DEMO_MACTOR_ACTORS, DEMO_MACTOR_TITLE, demo_mactor
from fabriques.programme.tests.personas import build_personas
from fabriques.studies.models import Method, Study, StudyRun


class DemoMactorTest(TestCase):
    def test_the_demo_study_is_built_once_with_a_run(self) -> None:
        cast = build_personas()
        study = demo_mactor(fabrique=cast.fabrique_a, consultant=cast.provider_a)
        again = demo_mactor(fabrique=cast.fabrique_a, consultant=cast.provider_a)
        assert again.pk == study.pk
        assert Study.objects.filter(title=DEMO_MACTOR_TITLE).count() == 1
        assert study.method == Method.MACTOR
        assert study.inputs["actors"] == list(DEMO_MACTOR_ACTORS)
        assert len(study.inputs["objectives"]) == 5
        run = StudyRun.objects.get(study=study)
        assert len(run.output["balance_of_power"]) == 6
        assert run.input["graph_threshold"] == 2.5
        assert "illustratif" in study.purpose
