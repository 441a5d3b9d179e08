"""The library's open datasets: valid against their Table Schema, published content only."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from frictionless import Resource, Schema
from frictionless.formats import CsvControl

from fabriques.recommendations.models import Implementation
from fabriques.roadmaps.models import SheetStatus

from . import library_data as data

pytestmark = pytest.mark.django_db

NAMES = ["feuilles-de-route", "fiches-action", "preconisations"]


# Read through the site, as a reuser would (the public app may not import opendata's modules).
def download(client, name, ext):
    response = client.get(reverse("opendata:download", kwargs={"dataset": name, "ext": ext}))
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def schema(client, name) -> dict:
    return json.loads(download(client, name, "schema.json"))


def field_names(client, name) -> list[str]:
    return [field["name"] for field in schema(client, name)["fields"]]


def validate_csv(content: bytes, descriptor: dict):
    resource = Resource(
        data=content,
        format="csv",
        encoding="utf-8",
        schema=Schema.from_descriptor(descriptor),
        control=CsvControl(delimiter=","),
    )
    return resource.validate()


def read_csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


@pytest.fixture
def library():
    fabrique = data.fabrique(slug="sante", theme="sante")
    roadmap = data.roadmap(fabrique_obj=fabrique, sheets=5)
    data.close_follow_up(roadmap, {2: SheetStatus.DONE})
    draft = data.roadmap(fabrique_obj=fabrique, sheets=2, published=False, title="Brouillon")
    published = data.recommendation(fabrique_obj=fabrique, degree=Implementation.PARTIALLY)
    data.recommendation(fabrique_obj=fabrique, number=2)
    hidden = data.recommendation(fabrique_obj=fabrique, number=3, published=False)
    return {"roadmap": roadmap, "draft": draft, "published": published, "hidden": hidden}


@pytest.mark.parametrize("name", NAMES)
def test_records_carry_exactly_the_schema_fields(client, library, name):
    records = json.loads(download(client, name, "json"))
    assert records
    for record in records:
        assert list(record) == field_names(client, name)


@pytest.mark.parametrize("name", NAMES)
def test_csv_is_valid_against_its_schema(client, library, name):
    content = download(client, name, "csv")
    descriptor = json.loads(download(client, name, "schema.json"))
    report = validate_csv(content, descriptor)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    header = content.split(b"\r\n", 1)[0].decode()
    assert header.split(",") == field_names(client, name)


@pytest.mark.parametrize("name", NAMES)
def test_json_holds_the_same_records_as_the_csv(client, library, name):
    records = json.loads(download(client, name, "json"))
    rows = read_csv(download(client, name, "csv"))
    assert [str(r["id"]) for r in records] == [row["id"] for row in rows]


def test_a_bad_value_fails_the_schema(client, library):
    descriptor = schema(client, "fiches-action")
    names = field_names(client, "fiches-action")
    row = dict.fromkeys(names, "")
    row.update(id="1", roadmap_id="1", fabrique_slug="sante", year="2022", territory_label="X")
    row.update(number="1", title="T", axis_position="1", axis_title="A", status="done")
    row.update(status_label="Réalisée", priority="high", maturity="idea")
    row.update(budget_planned_eur="-5", funding_asked_eur="douze")
    content = (",".join(names) + "\r\n" + ",".join(row[n] for n in names) + "\r\n").encode()
    report = validate_csv(content, descriptor)
    assert not report.valid
    errors = {e[0] for e in report.flatten(["fieldName"])}
    assert errors == {"budget_planned_eur", "funding_asked_eur"}


def test_only_published_content_and_no_personal_data(client, library):
    roadmaps = read_csv(download(client, "feuilles-de-route", "csv"))
    assert [row["id"] for row in roadmaps] == [str(library["roadmap"].pk)]
    row = roadmaps[0]
    # Sheet 2 done at the one-year follow-up; 1 done, 3 dropped, 4 late, 5 not started.
    assert (row["sheets_done"], row["sheets_in_progress"], row["sheets_dropped"]) == ("2", "1", "1")
    assert row["follow_up_horizon"] == "1" and row["follow_up_date"] == "2025-06-20"
    sheets = read_csv(download(client, "fiches-action", "csv"))
    assert len(sheets) == 5
    assert {row["roadmap_id"] for row in sheets} == {str(library["roadmap"].pk)}
    assert sheets[0]["budget_planned_eur"] == "100000.0"  # the FTE line is not money
    assert sheets[0]["funding_granted_eur"] == "30000.0"
    recommendations = read_csv(download(client, "preconisations", "csv"))
    assert str(library["hidden"].pk) not in [row["id"] for row in recommendations]
    first = next(r for r in recommendations if r["id"] == str(library["published"].pk))
    assert first["latest_degree"] == "partially"
    assert (first["positions_support"], first["positions_dissent"]) == ("1", "1")
    for name in NAMES:
        content = download(client, name, "csv").decode()
        assert data.PRIVATE not in content
        assert "directeur général" not in content  # the pilot person stays on the page


def test_open_data_index_lists_the_library(client, library):
    page = client.get(reverse("opendata:index")).content.decode()
    for name in NAMES:
        assert reverse("opendata:download", kwargs={"dataset": name, "ext": "csv"}) in page
