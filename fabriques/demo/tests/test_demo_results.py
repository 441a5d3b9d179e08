"""The demo's published Fabrique: its roadmaps, follow-up and recommendations, its pages, its
search. Two loads in all (about ten seconds each): one for what was built, one for what is
shown. Loading twice builds nothing: test_load_demo's row count covers this Fabrique too."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from fabriques.accounts.models import User
from fabriques.core.models import AuditEvent
from fabriques.demo.content import (
    PARTNER,
    PILOT,
    PROVIDER,
    PUBLISHED_RECOMMENDATIONS,
    PUBLISHED_ROADMAPS,
    PUBLISHED_SLUG,
)
from fabriques.demo.services import DemoReport, demo_load
from fabriques.programme.models import Fabrique, FabriqueStatus
from fabriques.recommendations.models import (
    Implementation,
    Recommendation,
    RecommendationStatus,
    Stance,
)
from fabriques.roadmaps.models import (
    FollowUp,
    FollowUpHorizon,
    FundingScheme,
    IndicatorValue,
    Roadmap,
    RoadmapStatus,
    SheetStatus,
)
from fabriques.search import selectors as search_selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(referential, settings) -> tuple[DemoReport, Fabrique]:
    settings.DEBUG = True  # the demo's accounts sign in only then
    report = demo_load()
    return report, Fabrique.objects.get(slug=PUBLISHED_SLUG)


def test_the_published_fabrique_its_roadmaps_follow_up_and_recommendations(loaded):
    _report, fabrique = loaded

    assert fabrique.status == FabriqueStatus.PUBLISHED
    assert fabrique.programme_year.year == timezone.localdate().year - 2
    roadmaps = list(
        Roadmap.objects.filter(fabrique=fabrique)
        .order_by("participation__position")
        .prefetch_related("axes", "sheets__funding_lines", "versions")
    )
    assert [r.participation.label for r in roadmaps] == ["Mauriac", "Ussel", "Issoudun"]
    for roadmap, spec in zip(roadmaps, PUBLISHED_ROADMAPS, strict=True):
        assert roadmap.title == spec.title
        assert roadmap.status == RoadmapStatus.PUBLISHED
        assert roadmap.deliberation_file and roadmap.deliberation_date
        assert 2 <= roadmap.axes.count() <= 3
        assert 4 <= roadmap.sheets.count() <= 6
        # Adopted, then published: two frozen versions.
        assert [v.status for v in roadmap.versions.all()] == ["adopted", "published"]
    schemes = {
        line.scheme for r in roadmaps for s in r.sheets.all() for line in s.funding_lines.all()
    }
    assert {FundingScheme.DETR, FundingScheme.FONDS_VERT} <= schemes
    assert IndicatorValue.objects.filter(indicator__sheet__roadmap__fabrique=fabrique).count() > 10
    # Made through the services: their audit trail is there.
    for action, count in (
        ("roadmap.published", 3),
        ("roadmap.adopted", 3),
        ("roadmap.follow_up_closed", 1),
        ("recommendation.published", 4),
        ("recommendation.answered", 1),
    ):
        assert AuditEvent.objects.filter(action=action).count() == count, action

    # The one-year follow-up of the first roadmap, handed in.
    follow_up = FollowUp.objects.get(roadmap__fabrique=fabrique)
    assert follow_up.horizon == FollowUpHorizon.ONE_YEAR
    assert follow_up.is_closed
    assert follow_up.roadmap.participation.label == "Mauriac"
    entries = {e.sheet.title: e for e in follow_up.entries.select_related("sheet")}
    centre = entries["Ouvrir un centre de santé municipal"]
    assert (centre.status, centre.spent, centre.granted) == (SheetStatus.DONE, 455_000, 210_000)
    assert all(e.comment for e in entries.values())
    # Handing it in moved the sheets: the late one is late now, with its dated history.
    late = entries["Accueillir les internes en médecine"].sheet
    late.refresh_from_db()
    assert late.status == SheetStatus.LATE
    assert late.status_changes.filter(status=SheetStatus.LATE).exists()

    # Four recommendations, endorsed, published, the first one answered.
    recommendations = list(
        Recommendation.objects.filter(fabrique=fabrique)
        .order_by("number")
        .prefetch_related("positions", "answers", "reviews")
    )
    assert [r.number for r in recommendations] == [1, 2, 3, 4]
    assert [r.title for r in recommendations] == [s.title for s in PUBLISHED_RECOMMENDATIONS]
    assert {r.status for r in recommendations} == {RecommendationStatus.PUBLISHED}
    stances = [p.stance for r in recommendations for p in r.positions.all()]
    assert len(stances) == 8
    assert {Stance.SUPPORT, Stance.RESERVATIONS, Stance.DISSENT} <= set(stances)
    (dissent,) = [p for r in recommendations for p in r.positions.all() if p.stance == "dissent"]
    assert dissent.comment
    answered = recommendations[0]
    assert answered.correspondent and answered.sent_on
    assert answered.answers.count() == 1
    (review,) = answered.reviews.all()
    assert review.degree == Implementation.PARTIALLY and review.measure
    assert not any(r.answers.exists() for r in recommendations[1:])


def test_the_listed_pages_answer_and_the_search_finds_the_roadmap(loaded):
    report, fabrique = loaded
    roadmap = Roadmap.objects.filter(fabrique=fabrique).order_by("participation__position")[0]
    recommendation = Recommendation.objects.get(fabrique=fabrique, number=1)
    anonymous = Client()
    public = [path for _label, path in report.public_pages]
    for path in (
        "/bibliotheque/",
        f"/bibliotheque/feuilles-de-route/{roadmap.pk}/",
        f"/bibliotheque/preconisations/{recommendation.pk}/",
        "/recherche/?q=sante",
    ):
        assert path in public, path
    for path in public:
        assert anonymous.get(path).status_code == 200, path
    page = anonymous.get(f"/bibliotheque/feuilles-de-route/{roadmap.pk}/").content.decode()
    assert "Mauriac" in page
    # The workspace pages listed for the pilot, the provider and the partner.
    workspace = {
        PILOT.email: [f"/espace/feuilles-de-route/{roadmap.pk}/", "/preconisations/"],
        PROVIDER.email: [f"/espace/feuilles-de-route/{roadmap.pk}/"],
        PARTNER.email: [f"/espace/preconisations/{recommendation.pk}/"],
    }
    accounts = {account.email: account for account in report.accounts}
    for email, expected in workspace.items():
        paths = [path for _label, path in accounts[email].pages]
        for part in expected:
            assert any(part in path for path in paths), (email, part)
        client = Client()
        client.force_login(User.objects.get(email__iexact=email))
        for path in paths:
            assert client.get(path).status_code == 200, (email, path)
    # A workspace page is not for anonymous visitors.
    assert anonymous.get(f"/espace/feuilles-de-route/{roadmap.pk}/").status_code == 302

    # The search finds the demo roadmap for « sante », without its accent.
    results = search_selectors.search(q="sante", kinds=["roadmap"])

    assert f"/bibliotheque/feuilles-de-route/{roadmap.pk}/" in [hit.url for hit in results.hits]
    quartiers = search_selectors.search(q="quartier prioritaire")
    assert quartiers.total > 0


def test_the_published_fabrique_has_a_structural_analysis_with_a_run(loaded):
    from fabriques.demo.content import DEMO_STUDY_TITLE, DEMO_STUDY_VARIABLES
    from fabriques.studies.models import Study

    _report, fabrique = loaded
    study = Study.objects.get(fabrique=fabrique, title=DEMO_STUDY_TITLE)
    assert study.method == "micmac"
    assert study.inputs["variables"] == list(DEMO_STUDY_VARIABLES)
    assert len(study.inputs["variables"]) == 12
    assert sum(1 for row in study.inputs["matrix"] for v in row if v) > 50
    run = study.runs.get()
    assert run.output["variables"] == list(DEMO_STUDY_VARIABLES)
    assert run.output["indirect"]["status"] in ("stable", "oscillating")
    client = Client()
    client.force_login(User.objects.get(email__iexact=PROVIDER.email))
    page = client.get(f"/espace/etudes/{study.pk}/calculs/{run.pk}/")
    assert page.status_code == 200
    assert page.content.decode().count("<svg") == 4


def test_the_published_roadmap_shows_its_vision_from_the_published_studies(loaded):
    from fabriques.demo.content import DEMO_STUDY_TITLE
    from fabriques.studies.models import RetainedResult, Study

    _report, fabrique = loaded
    study = Study.objects.get(fabrique=fabrique, title=DEMO_STUDY_TITLE)
    assert study.is_published
    roadmap = Roadmap.objects.filter(fabrique=fabrique).order_by("participation__position")[0]
    retained = RetainedResult.objects.get(study=study)
    anonymous = Client()
    text = anonymous.get(f"/bibliotheque/feuilles-de-route/{roadmap.pk}/").content.decode()
    assert "Vision prospective" in text and retained.label in text
    assert anonymous.get(f"/etudes/{study.pk}/").status_code == 200
