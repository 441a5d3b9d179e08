"""The library's API endpoints: golden JSON, published content only, filters, query budgets."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fabriques.recommendations.models import Implementation
from fabriques.roadmaps.models import SheetStatus

from . import library_data as data

pytestmark = pytest.mark.django_db

# The API's golden files, compared the way fabriques/api/tests/golden.py does (the public app
# may not import the API's modules); UPDATE_GOLDEN=1 rewrites them.
GOLDEN_DIR = Path(settings.BASE_DIR) / "fabriques" / "api" / "tests" / "golden"


def assert_golden(name: str, body) -> None:
    path = GOLDEN_DIR / f"{name}.json"
    text = json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run the tests once with UPDATE_GOLDEN=1"
    assert body == json.loads(path.read_text(encoding="utf-8")), f"differs from {path.name}"


@pytest.fixture
def library():
    fabrique = data.fabrique(year=2022, slug="sante")
    other = data.fabrique(year=2023, slug="mobilite")
    roadmap = data.roadmap(fabrique_obj=fabrique, sheets=3)
    data.close_follow_up(roadmap, {2: SheetStatus.DONE})
    draft = data.roadmap(fabrique_obj=fabrique, sheets=2, published=False, title="Brouillon")
    published = data.recommendation(fabrique_obj=fabrique, degree=Implementation.PARTIALLY)
    data.recommendation(fabrique_obj=other)
    hidden = data.recommendation(fabrique_obj=fabrique, number=3, published=False)
    return {"roadmap": roadmap, "draft": draft, "published": published, "hidden": hidden}


def normalised(body):
    """Database ids replaced by their order of appearance among the ids of the same kind
    (the kind is the list they are in: results, sheets…), since they differ between runs."""
    seen: dict[tuple[str, int], int] = {}

    def number(kind: str, value: int) -> int:
        if (kind, value) not in seen:
            seen[(kind, value)] = 1 + sum(1 for k, _ in seen if k == kind)
        return seen[(kind, value)]

    def walk(value, key="", kind="item"):
        if isinstance(value, dict):
            return {k: walk(v, k, kind) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key, key) for v in value]
        if key == "id" and isinstance(value, int):
            return number(kind, value)
        if key == "roadmap" and isinstance(value, int):
            return number("roadmap", value)
        if key in ("next", "previous") and isinstance(value, str):
            return value.split("/api/")[-1]
        return value

    return walk(body)


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("library_roadmaps", "/api/v1/roadmaps/"),
        ("library_action_sheets", "/api/v1/action-sheets/"),
        ("library_recommendations", "/api/v1/recommendations/"),
        ("library_recommendations_degree", "/api/v1/recommendations/?degree=partially"),
        ("library_error_unknown_fabrique", "/api/v1/roadmaps/?fabrique=inconnue"),
    ],
)
def test_responses_match_golden_files(client, library, name, url):
    response = client.get(url)
    assert_golden(name, {"status": response.status_code, "body": normalised(response.json())})


def test_detail_endpoints_and_unpublished_404(client, library):
    roadmap = client.get(reverse("api:roadmap-detail", args=[library["roadmap"].pk])).json()
    assert roadmap["progress"]["done"] == 2  # sheet 1 done, sheet 2 done at the follow-up
    assert [len(axis["sheets"]) for axis in roadmap["axes"]] == [1, 2]
    sheet_pk = library["roadmap"].sheets.get(number=1).pk
    sheet = client.get(reverse("api:sheet-detail", args=[sheet_pk])).json()
    assert sheet["budget_planned_eur"] == "100000.00"
    reco = client.get(reverse("api:recommendation-detail", args=[library["published"].pk])).json()
    assert [p["stance"] for p in reco["positions"]] == ["support", "dissent"]
    assert reco["latest_degree"] == "partially"
    hidden_sheet = library["draft"].sheets.first().pk
    for name, pk in (
        ("api:roadmap-detail", library["draft"].pk),
        ("api:sheet-detail", hidden_sheet),
        ("api:recommendation-detail", library["hidden"].pk),
    ):
        response = client.get(reverse(name, args=[pk]))
        assert response.status_code == 404
        missing = client.get(reverse(name, args=[999999]))
        assert response.json() == missing.json()


def test_lists_hold_published_content_only_and_filter(client, library):
    ids = [r["id"] for r in client.get("/api/v1/roadmaps/").json()["results"]]
    assert ids == [library["roadmap"].pk]
    sheets = client.get("/api/v1/action-sheets/?status=done").json()["results"]
    assert [s["number"] for s in sheets] == [1]
    recos = client.get("/api/v1/recommendations/?year=2023").json()["results"]
    assert [r["fabrique"] for r in recos] == ["mobilite"]
    every = client.get("/api/v1/recommendations/").json()["results"]
    assert library["hidden"].pk not in [r["id"] for r in every]
    for url in ("/api/v1/roadmaps/", "/api/v1/action-sheets/", "/api/v1/recommendations/"):
        assert data.PRIVATE not in client.get(url).content.decode()


def test_bad_filter_is_a_400(client, library):
    response = client.get("/api/v1/action-sheets/?status=fini")
    assert response.status_code == 400


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("sheets", [3, 30])
def test_query_counts_do_not_grow_with_data(client, sheets):
    fabrique = data.fabrique(slug="sante")
    for index in range(3):
        roadmap = data.roadmap(fabrique_obj=fabrique, sheets=sheets, title=f"FdR {index}")
    data.close_follow_up(roadmap, {1: SheetStatus.DONE})
    for number in range(1, 1 + sheets // 3):
        data.recommendation(fabrique_obj=fabrique, number=number, degree="fully")
    # roadmaps: count; page; axes; their sheets; latest closed follow-ups; sheets' states;
    # follow-up entries.
    assert _count(client, "/api/v1/roadmaps/") == 7
    # sheets: count; page with roadmap, Fabrique, year and axis; budget lines; funding lines.
    assert _count(client, "/api/v1/action-sheets/") == 4
    # recommendations: count; page with Fabrique, year and latest degree; positions with
    # their organisations; reviews.
    assert _count(client, "/api/v1/recommendations/") == 4
