"""The demo's Régnier abacus and Delphi: built through the services, once, with their closed
votes and runs."""

from __future__ import annotations

from django.test import TestCase

from fabriques.demo.studio_votes import demo_delphi, demo_regnier
from fabriques.programme.tests.personas import build_personas
from fabriques.studies.models import Study, StudyRun, VoteSession, VoteStatus


class DemoVotesTest(TestCase):
    def test_the_demo_studies_have_closed_votes_and_runs_and_are_built_once(self) -> None:
        cast = build_personas()
        fabrique, consultant = cast.fabrique_a, cast.provider_a
        abacus = demo_regnier(fabrique=fabrique, consultant=consultant)
        session = VoteSession.objects.get(study=abacus)
        assert session.status == VoteStatus.CLOSED and session.run is not None
        assert len(session.run.input["participants"]) == 8
        assert len(session.run.output["statements"]) == 4
        rounds = demo_delphi(fabrique=fabrique, consultant=consultant)
        runs = StudyRun.objects.filter(study=rounds).order_by("run_at", "pk")
        assert [len(r.output["questions"][0]["rounds"]) for r in runs] == [1, 2]
        assert demo_regnier(fabrique=fabrique, consultant=consultant) == abacus
        assert demo_delphi(fabrique=fabrique, consultant=consultant) == rounds
        assert (
            Study.objects.filter(fabrique=fabrique, method__in=["regnier", "delphi"]).count() == 2
        )
