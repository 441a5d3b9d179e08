"""The mobilisation dataset: per meeting held by a published Fabrique and per family, the count
of people present, small counts suppressed; valid against its Table Schema."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from fabriques.opendata.datasets import DATASETS, csv_value
from fabriques.opendata.tests.test_exports import download, read_csv, validate_csv
from fabriques.programme.models import Fabrique, FabriqueStatus
from fabriques.workinggroups.models import StakeholderFamily
from fabriques.workinggroups.tests.factories import MemberFactory
from fabriques.workshops.models import Attendance, WorkshopStatus
from fabriques.workshops.tests.conftest import build_workshop_world
from fabriques.workshops.tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    WorkshopFactory,
    in_days,
)

pytestmark = pytest.mark.django_db

NAME = "mobilisation"
FAMILIES = len(StakeholderFamily.values)


def _publish(fabrique: Fabrique) -> None:
    fabrique.status = FabriqueStatus.PUBLISHED
    fabrique.save(update_fields=["status"])


def _present(world, workshop, family: str, count: int, group="a") -> None:
    for _ in range(count):
        RegistrationFactory(
            workshop=workshop,
            member=MemberFactory(working_group=world.groups[group], family=family),
            attendance=Attendance.ATTENDED,
        )


@pytest.fixture
def world(db):
    world = build_workshop_world()
    _publish(world.cast.fabrique_a)
    local = WorkshopFactory(participation=world.cast.participation_a, starts_at=in_days(-20))
    _present(world, local, "elected", 6)
    _present(world, local, "inhabitant", 2)
    seminar = SeminarFactory(fabrique=world.cast.fabrique_a, starts_at=in_days(-10))
    _present(world, seminar, "business", 5, group="a2")
    # Not exported: a cancelled meeting, a meeting to come, a running Fabrique's meeting.
    cancelled = WorkshopFactory(
        participation=world.cast.participation_a,
        starts_at=in_days(-5),
        status=WorkshopStatus.CANCELLED,
    )
    _present(world, cancelled, "elected", 7)
    _present(world, world.local_a, "elected", 7)
    running = WorkshopFactory(participation=world.cast.participation_b, starts_at=in_days(-5))
    _present(world, running, "elected", 7, group="b")
    world.local, world.seminar = local, seminar
    return world


def test_rows_per_meeting_and_family_with_small_counts_suppressed(client, world):
    rows = read_csv(download(client, NAME, "csv"))
    assert len(rows) == 2 * FAMILIES
    assert {row["fabrique_slug"] for row in rows} == {"fabrique-a"}
    local = {row["family"]: row for row in rows if row["meeting_kind"] == "local"}
    assert local["elected"]["attendees"] == "6"
    assert local["elected"]["attendees_suppressed"] == "false"
    assert local["inhabitant"]["attendees"] == ""  # 2 people: not published
    assert local["inhabitant"]["attendees_suppressed"] == "true"
    assert local["business"]["attendees"] == "0"  # nobody: published as is
    participation = world.cast.participation_a
    assert local["elected"]["territory_label"] == participation.label
    assert local["elected"]["territory_code"] == participation.code
    assert local["elected"]["meeting_date"] == f"{world.local.starts_at:%Y-%m-%d}"
    seminar = {row["family"]: row for row in rows if row["meeting_kind"] == "seminar"}
    assert seminar["business"]["attendees"] == "5"
    assert seminar["business"]["territory_code"] == seminar["business"]["territory_label"] == ""


def test_no_personal_data(client, world):
    content = download(client, NAME, "csv").decode()
    for member in world.members.values():
        assert member.last_name not in content and member.email not in content
    assert "title" not in DATASETS[NAME].field_names  # meeting titles may name people


def test_csv_is_valid_against_its_schema(client, world):
    content = download(client, NAME, "csv")
    descriptor = json.loads(download(client, NAME, "schema.json"))
    report = validate_csv(content, descriptor)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert content.split(b"\r\n", 1)[0].decode().split(",") == DATASETS[NAME].field_names


def test_validation_catches_a_bad_flag(client, world):
    content = download(client, NAME, "csv").decode()
    rows = content.split("\r\n")
    bad = rows[1].replace(",false", ",yes")
    assert not validate_csv("\r\n".join([rows[0], bad]).encode(), DATASETS[NAME].schema).valid


def test_json_holds_the_same_records_as_the_csv(client, world):
    records = json.loads(download(client, NAME, "json"))
    rows = read_csv(download(client, NAME, "csv"))
    assert len(records) == len(rows)
    for record, row in zip(records, rows, strict=True):
        assert list(record) == DATASETS[NAME].field_names
        assert {key: csv_value(value) for key, value in record.items()} == row
    assert {r["attendees_suppressed"] for r in records} == {True, False}


def test_export_query_count_does_not_grow_with_data(client, world, django_assert_num_queries):
    url = reverse("opendata:download", kwargs={"dataset": NAME, "ext": "csv"})
    # The look-up of the published files (2: none yet), the meetings held, one aggregate per
    # meeting × family.
    with django_assert_num_queries(4):
        small = b"".join(client.get(url).streaming_content)
    for day in range(10):
        workshop = WorkshopFactory(
            participation=world.cast.participation_a, starts_at=in_days(-30 - day)
        )
        _present(world, workshop, "state", 1)
    with django_assert_num_queries(4):
        large = b"".join(client.get(url).streaming_content)
    assert len(read_csv(large)) == len(read_csv(small)) + 10 * FAMILIES
