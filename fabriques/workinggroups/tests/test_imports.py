import datetime
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from fabriques.core.models import AuditEvent
from fabriques.workinggroups.imports import (
    HEADERS,
    members_csv,
    members_xlsx,
    parse_members_file,
    template_csv,
    template_xlsx,
)
from fabriques.workinggroups.models import Member

from .factories import MemberFactory

pytestmark = pytest.mark.django_db

HEADER = "prenom;nom;courriel;organisation;siret_rna;famille;role;arrivee_le"


def csv_bytes(*lines: str, header: str = HEADER, encoding: str = "utf-8-sig") -> bytes:
    return "\r\n".join([header, *lines]).encode(encoding)


FAMILIES = ["Services de l’État", "élus", "Associations", "habitants", "Entreprises", "chamber"]


def twelve() -> bytes:
    return csv_bytes(
        *(
            f"Prénom{n};Nom{n};personne{n}@exemple.fr;Organisation {n};;{FAMILIES[n % 6]};membre;1{n % 9}/03/2026"
            for n in range(12)
        )
    )


def test_a_valid_file_of_twelve_previews_every_row():
    preview = parse_members_file(twelve(), existing_emails=set())
    assert preview.errors == [] and preview.is_valid
    assert len(preview.rows) == 12
    first = preview.rows[0].values
    assert first["family"] == "state" and first["role"] == "member"
    assert str(first["joined_on"]) == "2026-03-10"


def test_an_unknown_column_is_named_with_the_expected_ones():
    preview = parse_members_file(
        csv_bytes("A;B;a@x.fr;O;;élus;membre;;1", header=HEADER + ";age"), existing_emails=set()
    )
    assert not preview.is_valid
    (error,) = preview.errors
    assert (error.line, error.column) == (1, "age")
    assert "Colonne inconnue « age »" in error.message and "courriel" in error.message


def test_a_missing_required_column_is_named():
    preview = parse_members_file(b"prenom;nom\r\nA;B", existing_emails=set())
    assert {e.column for e in preview.errors} == {"courriel", "famille"}


def test_duplicates_in_the_file_and_with_current_members_are_reported_by_line():
    raw = csv_bytes(
        "A;Un;a@exemple.fr;;;élus;;",
        "B;Deux;A@Exemple.fr;;;élus;;",
        "C;Trois;deja@exemple.fr;;;élus;;",
    )
    preview = parse_members_file(raw, existing_emails={"deja@exemple.fr"})
    messages = {(e.line, e.column): e.message for e in preview.errors}
    assert messages[(3, "courriel")] == "L’adresse « a@exemple.fr » figure déjà ligne 2 du fichier."
    assert "déjà l’adresse d’un membre actuel" in messages[(4, "courriel")]
    assert not preview.is_valid


def test_a_bad_siret_and_a_bad_family_are_reported_on_their_line_and_column():
    raw = csv_bytes(
        "A;Un;a@exemple.fr;Ferme;13002603200017;chamber;;",
        "B;Deux;b@exemple.fr;;;pirates;;",
        "C;Trois;pas-une-adresse;;;élus;;31/02/2026",
    )
    preview = parse_members_file(raw, existing_emails=set())
    errors = {(e.line, e.column): e.message for e in preview.errors}
    assert "clé de contrôle" in errors[(2, "siret_rna")]
    assert "« pirates » n’est pas une famille d’acteurs" in errors[(3, "famille")]
    assert "adresse électronique valide" in errors[(4, "courriel")]
    assert "date valide" in errors[(4, "arrivee_le")]


def test_facts_without_consent_are_refused():
    raw = csv_bytes(
        "A;Un;a@exemple.fr;;;élus;Femme",
        header="prenom;nom;courriel;organisation;siret_rna;famille;genre",
    )
    preview = parse_members_file(raw, existing_emails=set())
    assert preview.errors[0].column == "consentement_le"


def test_a_damaged_workbook_is_refused_and_named():
    preview = parse_members_file(b"PK\x03\x04" + b"\x00" * 40, existing_emails=set())
    assert not preview.is_valid
    assert "ne correspond pas à un document Excel (XLSX)" in preview.errors[0].message


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """A workbook as a spreadsheet saves it: dates as dates, a SIRET typed as a number."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_workbook_of_twelve_with_dates_and_numbers_previews_every_row():
    rows: list[list[object]] = [[*HEADER.split(";"), "", ""]]  # trailing empty header cells
    for n in range(12):
        rows.append(
            [f"Prénom{n}", f"Nom{n}", f"personne{n}@exemple.fr", f"Organisation {n}",
             73282932000074 if n == 0 else None, FAMILIES[n % 6], "membre",
             datetime.datetime(2026, 3, 10 + n % 9)]
        )  # fmt: skip
    rows.append([None] * 8)  # a blank line at the end, as sheets have

    preview = parse_members_file(xlsx_bytes(rows), existing_emails=set())

    assert preview.errors == [] and preview.is_valid
    assert len(preview.rows) == 12
    first = preview.rows[0].values
    assert first["organisation_identifier"] == "73282932000074"
    assert str(first["joined_on"]) == "2026-03-10"


def test_a_workbook_with_an_error_names_its_line_and_column():
    rows: list[list[object]] = [list[object](HEADER.split(";"))]
    rows.append(["A", "B", "pas-une-adresse", "O", None, "élus", "membre", "10/03/2026"])
    preview = parse_members_file(xlsx_bytes(rows), existing_emails=set())
    assert not preview.is_valid
    assert (preview.errors[0].line, preview.errors[0].column) == (2, "courriel")


def test_an_ods_workbook_is_refused_with_the_way_out():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    preview = parse_members_file(out.getvalue(), existing_emails=set())
    assert not preview.is_valid
    assert "Excel (XLSX)" in preview.errors[0].message


@pytest.mark.parametrize("export", [members_csv, members_xlsx])
def test_an_exported_group_imports_unchanged(export):
    """The export is the import's format: phones starting with « + » and a formula-looking
    organisation survive the round trip as text."""
    members = [
        MemberFactory.create(phone="+33 6 12 34 56 78", organisation_name="=HYPERLINK(1)"),
        MemberFactory.create(phone="-", organisation_name="@Asso"),
    ]
    content = export(members)
    raw = content.encode("utf-8") if isinstance(content, str) else content
    emails = {m.email for m in members}
    Member.objects.all().delete()

    preview = parse_members_file(raw, existing_emails=set())

    assert preview.is_valid, preview.errors
    assert {r.values["email"] for r in preview.rows} == emails
    by_email = {r.values["email"]: r.values for r in preview.rows}
    first = by_email[members[0].email]
    assert (first["phone"], first["organisation_name"]) == ("+33 6 12 34 56 78", "=HYPERLINK(1)")
    if export is members_csv:
        assert "'=HYPERLINK(1)" in content  # a spreadsheet shows it as text, never runs it
    else:
        sheet = load_workbook(io.BytesIO(raw)).worksheets[0]
        assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row if cell.value)


def test_the_xlsx_template_is_valid():
    preview = parse_members_file(template_xlsx(), existing_emails=set())
    assert preview.is_valid, preview.errors


def test_windows_1252_and_commas_are_read():
    raw = "prenom,nom,courriel,famille\r\nÉlise,Dupré,elise@exemple.fr,Élus".encode("cp1252")
    preview = parse_members_file(raw, existing_emails=set())
    assert preview.is_valid and preview.rows[0].values["first_name"] == "Élise"


def test_the_template_has_every_column_and_its_example_line_is_valid():
    text = template_csv()
    assert text.startswith("\ufeff")
    assert text.splitlines()[0].lstrip("\ufeff").split(";") == list(HEADERS)
    preview = parse_members_file(text.encode("utf-8"), existing_emails=set())
    assert preview.is_valid, preview.errors


# --- Through the page: preview, then confirmation --------------------------------------


def _token(page: str) -> str:
    match = re.search(r'name="confirm" value="([^"]+)"', page)
    assert match is not None, "no confirmation offered"
    return match.group(1)


def _upload(client: Client, address: str, raw: bytes):
    return client.post(address, {"file": SimpleUploadedFile("membres.csv", raw, "text/csv")})


def test_preview_writes_nothing_and_confirmation_writes_all(cast):
    client = Client()
    client.force_login(cast.elected_a)
    address = reverse(
        "workinggroups:members_import", args=[cast.fabrique_a.slug, cast.participation_a.pk]
    )
    page = _upload(client, address, twelve()).content.decode()
    assert "Importer 12 membres" in page and "personne11@exemple.fr" in page
    assert not Member.objects.exists()
    token = _token(page)
    response = client.post(address, {"confirm": token})
    assert response.status_code == 302
    assert Member.objects.filter(working_group__participation=cast.participation_a).count() == 12
    event = AuditEvent.objects.get(action="members.imported")
    assert event.data["count"] == 12


def test_a_file_with_one_error_imports_nothing_and_offers_no_confirmation(cast):
    client = Client()
    client.force_login(cast.provider_a)
    address = reverse(
        "workinggroups:members_import", args=[cast.fabrique_a.slug, cast.participation_a.pk]
    )
    raw = csv_bytes("A;Un;a@exemple.fr;;;élus;;", "B;Deux;b@exemple.fr;;123;élus;;")
    page = _upload(client, address, raw).content.decode()
    assert "Ligne 3" in page and "colonne « siret_rna »" in page
    assert 'name="confirm"' not in page
    assert not Member.objects.exists()


def test_a_confirmation_is_checked_again_and_bound_to_its_author_and_group(cast):
    client = Client()
    client.force_login(cast.elected_a)
    address = reverse(
        "workinggroups:members_import", args=[cast.fabrique_a.slug, cast.participation_a.pk]
    )
    raw = csv_bytes("A;Un;a@exemple.fr;;;élus;;", "B;Deux;b@exemple.fr;;;élus;;")
    token = _token(_upload(client, address, raw).content.decode())
    # Someone else cannot replay it.
    other = Client()
    other.force_login(cast.technical_a)
    other.post(address, {"confirm": token})
    assert not Member.objects.exists()
    # A member added meanwhile with the same address: the whole file is refused.
    MemberFactory(working_group__participation=cast.participation_a, email="b@exemple.fr")
    page = client.post(address, {"confirm": token}).content.decode()
    assert "Ligne 3" in page and "b@exemple.fr" in page
    assert Member.objects.count() == 1
    assert not AuditEvent.objects.filter(action="members.imported").exists()


def test_a_former_member_of_an_export_is_not_imported_as_a_current_one():
    member = MemberFactory.create(left_on=datetime.date(2026, 6, 1))
    raw = members_csv([member]).encode("utf-8")
    Member.objects.all().delete()
    preview = parse_members_file(raw, existing_emails=set())
    assert not preview.is_valid
    (error,) = preview.errors
    assert (error.line, error.column) == (2, "depart_le")
    assert "a quitté le groupe" in error.message
