"""The demo's SMIC and Multipol studies (studio_smicmp): built through the services with a
saved run (and a named scenario for SMIC), once."""

from __future__ import annotations

from django.test import TestCase

from fabriques.demo.studio_smicmp import demo_multipol, demo_smic
from fabriques.programme.tests.personas import build_personas
from fabriques.studies.models import Scenario, Study


class DemoTest(TestCase):
    def test_the_demo_studies_have_a_run_and_a_scenario_and_are_built_once(self) -> None:
        cast = build_personas()
        smic = demo_smic(fabrique=cast.fabrique_a, consultant=cast.provider_a)
        multipol = demo_multipol(fabrique=cast.fabrique_a, consultant=cast.provider_a)
        assert smic.runs.count() == 1 and multipol.runs.count() == 1
        assert Scenario.objects.filter(study=smic).count() == 1
        assert smic.runs.get().output["elasticities"] is not None
        assert multipol.runs.get().output["expected_ranking"]
        assert demo_smic(fabrique=cast.fabrique_a, consultant=cast.provider_a) == smic
        assert demo_multipol(fabrique=cast.fabrique_a, consultant=cast.provider_a) == multipol
        assert Study.objects.filter(fabrique=cast.fabrique_a).count() == 2
