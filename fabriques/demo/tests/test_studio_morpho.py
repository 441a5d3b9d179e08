"""The demo world's morphological analysis (fabriques/demo/studio_morpho.py)."""

from __future__ import annotations

from django.test import TestCase

from fabriques.demo.studio_morpho import DEMO_MORPHO_SCENARIO, demo_morpho
from fabriques.programme.tests.personas import build_personas


class MorphoDemoTest(TestCase):
    def test_the_demo_study_is_built_once_with_its_run_and_scenario(self) -> None:
        cast = build_personas()
        study = demo_morpho(fabrique=cast.fabrique_a, consultant=cast.provider_a)
        again = demo_morpho(fabrique=cast.fabrique_a, consultant=cast.provider_a)
        assert again.pk == study.pk
        assert len(study.inputs["components"]) == 6
        run = study.runs.get()
        assert 0 < run.output["count"] < run.output["space"]
        scenario = study.scenarios.get()
        assert scenario.name == DEMO_MORPHO_SCENARIO and scenario.run == run
