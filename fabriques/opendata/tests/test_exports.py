"""Exports: CSVs valid against their Table Schema, JSON equal to CSV, bounded queries."""

import csv
import io
import json

import pytest
from django.urls import reverse
from frictionless import Resource, Schema
from frictionless.formats import CsvControl

from fabriques.opendata.datasets import DATASETS, LIST_SEPARATOR, csv_value
from fabriques.programme.tests.dataset import build_reference_programme, make_fabriques

pytestmark = pytest.mark.django_db

# The programme's datasets, built from the reference programme; the mobilisation dataset needs
# workshops and attendance: the same checks run on it in test_mobilisation.py; the library's
# need published roadmaps and recommendations: in public/tests/test_library_opendata.py.
LIBRARY = {"feuilles-de-route", "fiches-action", "preconisations"}
NAMES = sorted(set(DATASETS) - {"mobilisation"} - LIBRARY)


@pytest.fixture
def programme():
    return build_reference_programme()


def download(client, name, ext):
    response = client.get(reverse("opendata:download", kwargs={"dataset": name, "ext": ext}))
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def validate_csv(content: bytes, descriptor: dict):
    """Frictionless report for CSV bytes against a Table Schema descriptor."""
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


def test_schemas_follow_the_schema_data_gouv_fr_conventions():
    for dataset in DATASETS.values():
        schema = dataset.schema
        for key in ("name", "title", "description", "version", "licenses", "fields"):
            assert schema[key], (dataset.name, key)
        assert schema["licenses"][0]["name"] == "etalab-2.0"
        Schema.from_descriptor(schema)  # a valid Table Schema
        for field in schema["fields"]:
            assert {"name", "title", "description", "type", "example"} <= set(field), field
            assert field["name"] == field["name"].lower()
            assert " " not in field["name"]


@pytest.mark.parametrize("name", NAMES)
def test_rows_carry_exactly_the_schema_fields(programme, name):
    dataset = DATASETS[name]
    rows = list(dataset.rows())
    assert rows
    for row in rows:
        assert list(row) == dataset.field_names


@pytest.mark.parametrize("name", NAMES)
def test_csv_is_valid_against_its_schema(client, programme, name):
    content = download(client, name, "csv")
    descriptor = json.loads(download(client, name, "schema.json"))
    report = validate_csv(content, descriptor)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert not content.startswith(b"\xef\xbb\xbf")  # UTF-8 without BOM
    header = content.split(b"\r\n", 1)[0].decode()
    assert header.split(",") == DATASETS[name].field_names


@pytest.mark.parametrize(
    ("name", "column", "bad_value", "error"),
    [
        ("fabriques", "year", "deux mille vingt", "type-error"),
        ("fabriques", "start_month", "2020-13", "type-error"),
        ("fabriques", "status", "idea", "constraint-error"),
        ("participations", "kind", "region", "constraint-error"),
        ("participations", "departement", "", "constraint-error"),
        ("organisations", "siren", "12345", "constraint-error"),
        ("roles", "role", "sponsor", "constraint-error"),
    ],
)
def test_validation_catches_a_bad_value(client, programme, name, column, bad_value, error):
    """The validator used above is not a rubber stamp: a single wrong cell fails it."""
    rows = read_csv(download(client, name, "csv"))
    rows[0][column] = bad_value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=DATASETS[name].field_names, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    report = validate_csv(out.getvalue().encode(), DATASETS[name].schema)
    assert not report.valid
    assert error in [e[0] for e in report.flatten(["type"])]


def test_validation_catches_a_missing_column(client, programme):
    content = download(client, "organisations", "csv").decode()
    truncated = "\r\n".join(line.rsplit(",", 1)[0] for line in content.splitlines())
    report = validate_csv(truncated.encode(), DATASETS["organisations"].schema)
    assert not report.valid


@pytest.mark.parametrize("name", NAMES)
def test_json_holds_the_same_records_as_the_csv(client, programme, name):
    records = json.loads(download(client, name, "json"))
    rows = read_csv(download(client, name, "csv"))
    assert len(records) == len(rows)
    for record, row in zip(records, rows, strict=True):
        assert list(record) == DATASETS[name].field_names
        assert {key: csv_value(value) for key, value in record.items()} == row


def test_fabriques_csv_reads_back(client, programme):
    rows = {row["slug"]: row for row in read_csv(download(client, "fabriques", "csv"))}
    assert list(rows) == [
        "2021-temps-des-villes",
        "2020-alimentation-durable",
        "2019-sante-environnementale",
    ]  # the unpublished Fabrique is not exported
    alimentation = rows["2020-alimentation-durable"]
    assert alimentation["year"] == "2020"
    assert alimentation["start_month"] == "2021-06"
    assert alimentation["themes"] == "Alimentation | Santé"
    assert alimentation["associations"].split(LIST_SEPARATOR) == [
        "Assemblée des communautés de France",
        "Association des petites villes de France",
    ]
    assert alimentation["providers"] == "Cabinet Exemple (fictif)"
    assert alimentation["territories_count"] == "3"
    assert alimentation["objective"] == "Une alimentation durable, accessible à tous."
    temps = rows["2021-temps-des-villes"]
    assert temps["start_month"] == temps["end_month"] == temps["themes"] == ""
    sante = rows["2019-sante-environnementale"]
    assert sante["objective"] == "Aider quatre **petites villes**."


def test_participations_csv_keeps_codes_and_hosts(client, programme):
    rows = read_csv(download(client, "participations", "csv"))
    by_id = {(row["fabrique_slug"], row["territory_id"]): row for row in rows}
    assert len(by_id) == len(rows) == 6
    peray = by_id[("2019-sante-environnementale", "commune-07281")]
    assert peray["code"] == peray["commune_code"] == "07281"  # leading zero kept
    assert peray["departement"] == "07"
    assert peray["region_name"] == "Auvergne-Rhône-Alpes"
    basseau = by_id[("2020-alimentation-durable", "qpv-16-basseau-grande-garenne")]
    assert basseau["kind"] == "qpv"
    assert basseau["code"] == basseau["qpv_code"] == ""  # unknown, not invented
    assert basseau["epci_siren"] == "200071827"  # its host authority
    assert basseau["commune_code"] == ""
    assert "Angoulême" not in [row["label"] for row in rows]  # only in the unpublished one


def test_roles_and_organisations_exclude_unpublished_fabriques(client, programme):
    organisations = read_csv(download(client, "organisations", "csv"))
    assert "organisation-cachee" not in [row["slug"] for row in organisations]
    apvf = next(row for row in organisations if row["slug"] == "apvf")
    assert apvf["fabriques_count"] == "2"
    roles = read_csv(download(client, "roles", "csv"))
    assert "2021-idee-non-publiee" not in [row["fabrique_slug"] for row in roles]
    assert "contact_name" not in roles[0]  # people's names stay out of open data


@pytest.mark.parametrize("name", NAMES)
def test_export_query_count_does_not_grow_with_data(client, django_assert_num_queries, name):
    url = reverse("opendata:download", kwargs={"dataset": name, "ext": "csv"})
    # Before the first publication the file is built as it is sent: the look-up of the
    # published files (data version, publication: 2), then for fabriques the Fabriques with
    # their territories counted, themes, programmes, roles; the other datasets: one query each.
    budget = 2 + (4 if name == "fabriques" else 1)
    make_fabriques(2)
    with django_assert_num_queries(budget):
        small = b"".join(client.get(url).streaming_content)
    make_fabriques(28, start=2)
    with django_assert_num_queries(budget):
        large = b"".join(client.get(url).streaming_content)
    assert len(read_csv(large)) > len(read_csv(small))
