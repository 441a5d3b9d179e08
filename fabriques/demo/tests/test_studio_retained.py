"""The demo's retained results: a key variable and a scenario cited by two action sheets,
idempotent (fabriques/demo/studio_retained.py)."""

from __future__ import annotations

from django.test import TestCase

from fabriques.demo.studio_retained import demo_retained
from fabriques.programme.tests.personas import build_personas
from fabriques.roadmaps.tests.factories import ActionSheetFactory, AxisFactory, RoadmapFactory
from fabriques.studies import services as study_services
from fabriques.studies.models import Method, RetainedKind, RetainedResult, Scenario
from fabriques.studies.tests.factories import micmac_study


class DemoTest(TestCase):
    def test_demo_retains_a_variable_and_a_scenario_cited_by_two_sheets(self) -> None:
        cast = build_personas()
        actor = cast.provider_a
        study = micmac_study(
            fabrique=cast.fabrique_a, actor=actor, participation=cast.participation_a
        )
        morpho = study_services.study_create(
            fabrique=cast.fabrique_a, actor=actor, method=Method.MORPHO, title="Scénarios"
        )
        Scenario.objects.create(study=morpho, name="Bourg des services", configuration={})
        roadmap = RoadmapFactory(participation=cast.participation_a)
        axis = AxisFactory(roadmap=roadmap)
        sheets = [ActionSheetFactory(axis=axis, number=n) for n in (1, 2, 3)]
        first = demo_retained(study=study, roadmap=roadmap, consultant=actor)
        again = demo_retained(study=study, roadmap=roadmap, consultant=actor)
        assert first == again
        assert {r.kind for r in first} == {RetainedKind.VARIABLE, RetainedKind.SCENARIO}
        assert RetainedResult.objects.count() == 2
        for sheet in sheets[:2]:
            assert set(sheet.answers.all()) == set(first)
        assert not sheets[2].answers.exists()
