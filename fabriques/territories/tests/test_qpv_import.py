"""QPV lists in ANCT's CSV format: the official columns, idempotence and bad rows."""

import csv
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fabriques.core.models import AuditEvent
from fabriques.territories.models import Qpv
from fabriques.territories.services import (
    PROGRAMME_QPV_PATH,
    ReferentialImportError,
    qpv_import,
    referential_import,
)
from fabriques.territories.tests.factories import DepartementFactory, RegionFactory

FIXTURE = Path(__file__).parent / "fixtures" / "referential"
HEADER = "code_qp;lib_qp;insee_reg;lib_reg;insee_dep;lib_dep;insee_com;lib_com;siren_epci;lib_epci"
# Test codes are visibly fictitious: no real QPV code is written by hand in this project.
OFFICIAL = "\n".join(
    [
        HEADER,
        'QN-TEST-1;Quartier Un;11;Île-de-France;93;Seine-Saint-Denis;="93066";Saint-Denis;;',
        "QN-TEST-2;Quartier à cheval;11;Île-de-France;93;Seine-Saint-Denis;"
        '"=""93066;93070""";"Saint-Denis; Saint-Ouen-sur-Seine";;',
        ";Quartier sans code;04;La Réunion;974;La Réunion;97412;Saint-Joseph;;",
    ]
)


@pytest.fixture
def referential(db):
    referential_import(directory=FIXTURE)


def write(tmp_path: Path, text: str, *, name: str = "qpv.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def state() -> list[tuple]:
    return [
        (qpv.code, qpv.name, qpv.departement.code, sorted(c.code for c in qpv.communes.all()))
        for qpv in Qpv.objects.select_related("departement").prefetch_related("communes")
    ]


# --- the official format ---------------------------------------------------------------------


def test_official_format_with_bom_and_spreadsheet_cells(referential, tmp_path):
    report = qpv_import(path=write(tmp_path, OFFICIAL, bom=True))

    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert sorted(state()) == [
        ("", "Quartier sans code", "974", ["97412"]),
        ("QN-TEST-1", "Quartier Un", "93", ["93066"]),
        ("QN-TEST-2", "Quartier à cheval", "93", ["93066", "93070"]),
    ]
    qpv = Qpv.objects.get(code="QN-TEST-1")
    assert qpv.search_name == "quartier un"
    assert qpv.source == str(tmp_path / "qpv.csv")


def test_comma_separated_file_without_bom(referential, tmp_path):
    rows = [line.split(";") for line in OFFICIAL.splitlines()[:2]]
    path = tmp_path / "qpv.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)

    qpv_import(path=path)

    assert state() == [("QN-TEST-1", "Quartier Un", "93", ["93066"])]


def test_second_run_changes_nothing_and_logs_nothing(referential, tmp_path):
    path = write(tmp_path, OFFICIAL)
    qpv_import(path=path)
    before, events = state(), AuditEvent.objects.filter(action="territories.qpv_import").count()

    report = qpv_import(path=path)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert state() == before
    assert AuditEvent.objects.filter(action="territories.qpv_import").count() == events == 1


def test_row_without_code_is_matched_by_departement_and_name(referential, tmp_path):
    qpv_import(path=write(tmp_path, f"{HEADER}\n;Quartier Un;;;93;;;;;"))
    first = Qpv.objects.get()

    # The official list later gives the code and the commune: same record, completed.
    qpv_import(path=write(tmp_path, f"{HEADER}\n{OFFICIAL.splitlines()[1]}"))

    assert Qpv.objects.get().pk == first.pk
    assert state() == [("QN-TEST-1", "Quartier Un", "93", ["93066"])]

    # A list without code or commune (like the programme's) never erases what is known.
    report = qpv_import(path=write(tmp_path, f"{HEADER}\n;QUARTIER UN;;;93;;;;;"))

    assert report.updated == 1  # the spelling of the name only
    assert state() == [("QN-TEST-1", "QUARTIER UN", "93", ["93066"])]


def test_programme_file_lists_the_four_qpv_without_codes(db):
    # Only the départements and the commune the programme file refers to.
    referential_import(directory=FIXTURE)
    DepartementFactory(code="16", name="Charente", region=RegionFactory(code="75"))
    DepartementFactory(code="13", name="Bouches-du-Rhône", region=RegionFactory(code="93"))

    report = qpv_import(path=PROGRAMME_QPV_PATH)

    assert report.created == 4
    assert sorted(state()) == [
        ("", "Basseau - Grande Garenne", "16", []),
        ("", "Cayenne - Butor - les Quais", "974", ["97412"]),
        ("", "La Calade - Campagne Lévêque", "13", []),
        ("", "Vieux Saint-Ouen", "93", []),
    ]
    qpv = Qpv.objects.first()
    assert qpv is not None
    assert qpv.source == "data/referential/qpv/programme-qpv.csv"


# --- bad rows: message with file, line and field; nothing written -----------------------------


BAD_ROWS = [
    pytest.param(";;;;93;;;;;", 3, "lib_qp", "manquant", id="missing-name"),
    pytest.param(";Quartier;;;99;;;;;", 3, "insee_dep", "«\u00a099\u00a0»", id="unknown-dep"),
    pytest.param(";Quartier;;;93;;93999;;;", 3, "insee_com", "93999", id="unknown-commune"),
    pytest.param(";Quartier;;;93;;56121;;;", 3, "insee_com", "56121", id="commune-elsewhere"),
    pytest.param("QN-TEST-1;Autre;;;93;;;;;", 3, "code_qp", "double", id="duplicate-code"),
    pytest.param(";quartier UN;;;93;;;;;", 3, "lib_qp", "double", id="duplicate-name"),
    pytest.param(";" + "Q" * 250 + ";;;93;;;;;", 3, "lib_qp", "200", id="name-too-long"),
]


@pytest.mark.parametrize(("bad_row", "line", "field", "detail"), BAD_ROWS)
def test_bad_row_stops_the_import(referential, tmp_path, bad_row, line, field, detail):
    good = OFFICIAL.splitlines()[1]
    path = write(tmp_path, f"{HEADER}\n{good}\n{bad_row}\n")

    with pytest.raises(ReferentialImportError) as caught:
        qpv_import(path=path)

    message = str(caught.value)
    assert str(path) in message
    assert f"ligne {line}" in message
    assert f"«\u00a0{field}\u00a0»" in message
    assert detail in message
    assert caught.value.field == field
    assert not Qpv.objects.exists()  # not even the good first row


def test_missing_columns_are_named(referential, tmp_path):
    with pytest.raises(ReferentialImportError, match="insee_dep"):
        qpv_import(path=write(tmp_path, "code_qp;lib_qp\n;Quartier\n"))


def test_file_not_in_utf8_is_refused(referential, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{HEADER}\n;Quartier à part;;;93;;;;;\n".encode("latin-1"))

    with pytest.raises(ReferentialImportError, match="UTF-8"):
        qpv_import(path=path)


def test_command_exits_non_zero_naming_file_line_and_field(referential, tmp_path):
    path = write(tmp_path, f"{HEADER}\n;Quartier;;;99;;;;;\n")

    with pytest.raises(CommandError) as caught:
        call_command("import_qpv", str(path))

    assert caught.value.returncode == 1
    assert "ligne 2" in str(caught.value)
    assert "insee_dep" in str(caught.value)
    assert not Qpv.objects.exists()
