"""The demo's CIB study: built through the services, with a run and a kept scenario, once."""

from __future__ import annotations

import pytest

from fabriques.demo.studio_cib import SCENARIO_NAME, demo_cib
from fabriques.programme.tests.personas import build_personas
from fabriques.studies.models import Scenario, StudyRun


@pytest.mark.django_db
def test_demo_cib_builds_one_study_with_a_run_and_a_scenario_idempotently() -> None:
    cast = build_personas()
    study = demo_cib(fabrique=cast.fabrique_a, consultant=cast.provider_a)
    again = demo_cib(fabrique=cast.fabrique_a, consultant=cast.provider_a)
    assert again.pk == study.pk
    assert len(study.inputs["descriptors"]) == 5
    assert all(len(d["variants"]) == 3 for d in study.inputs["descriptors"])
    run = StudyRun.objects.get(study=study)
    assert run.output["scenario_count"] == 3 and run.output["exhaustive"]
    scenario = Scenario.objects.get(study=study)
    assert scenario.name == SCENARIO_NAME and scenario.run == run
    assert scenario.configuration["Économie locale"] == "Dynamique"
