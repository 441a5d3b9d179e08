"""The attendance pages, tried by every persona: works, login, 403, 404; the writes work for
the people who run the workshop and change nothing for the others; the sheet (PDF) and the CSV
are read back."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject

from fabriques.core.models import AuditEvent
from fabriques.workinggroups.models import Member
from fabriques.workinggroups.tests.factories import MemberFactory
from fabriques.workshops.models import Attendance, Registration, RegistrationStatus
from fabriques.workshops.views.attendance import SHEET_EMPTY_ROWS

from .attendance_helpers import ALL, MANAGERS, VIEWERS, happening_now, user
from .factories import RegistrationFactory, WorkshopFactory

ROUTES = ("check_in", "walk_in", "sign_in_sheet", "attendance_export")


@pytest.fixture
def now_a(world):
    return happening_now(world.local_a)


def _client(client, world, name):
    person = user(world, name)
    if person is not None:
        client.force_login(person)
    return client


def _expected(name):
    if name == "anonymous":
        return 302
    if name in MANAGERS:
        return 200
    if name in VIEWERS:
        return 403
    return 404


def _snapshot():
    return (
        list(Registration.objects.order_by("pk").values()),
        AuditEvent.objects.filter(action__startswith="attendance.").count(),
        Member.objects.count(),
    )


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("name", ALL)
def test_each_page_is_for_the_people_who_run_the_workshop(client, world, now_a, route, name):
    RegistrationFactory(workshop=now_a, member=world.members["member_a"])
    response = _client(client, world, name).get(reverse(f"workshops:{route}", args=[now_a.pk]))
    assert response.status_code == _expected(name)
    if name == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ALL)
def test_a_check_in_post_works_for_managers_only(client, world, now_a, name):
    registration = RegistrationFactory(
        workshop=now_a, member=world.members["member_a"], code="AB2C3D"
    )
    before = _snapshot()
    url = reverse("workshops:check_in", args=[now_a.pk])
    response = _client(client, world, name).post(url, {"code": "ab2 c3d"})
    registration.refresh_from_db()
    if name in MANAGERS:
        assert response.status_code == 302
        assert registration.attendance == Attendance.ATTENDED
        page = client.get(url)
        assert "est pointé(e) présent(e)." in page.content.decode()
    else:
        assert response.status_code == _expected(name)
        assert _snapshot() == before


@pytest.mark.parametrize("name", ALL)
def test_a_roll_call_post_works_for_managers_only(client, world, now_a, name):
    registration = RegistrationFactory(workshop=now_a, member=world.members["member_a"])
    before = _snapshot()
    response = _client(client, world, name).post(
        reverse("workshops:attendance_set", args=[now_a.pk]),
        {"registration": registration.pk, "attendance": Attendance.EXCUSED},
    )
    registration.refresh_from_db()
    if name in MANAGERS:
        assert response.status_code == 302
        assert response["Location"].endswith(f"#personne-{registration.pk}")
        assert registration.attendance == Attendance.EXCUSED
    else:
        assert response.status_code == _expected(name)
        assert _snapshot() == before


@pytest.mark.parametrize("name", ALL)
def test_a_walk_in_post_works_for_managers_only(client, world, now_a, name):
    member = world.members["member_a"]
    before = _snapshot()
    response = _client(client, world, name).post(
        reverse("workshops:walk_in", args=[now_a.pk]), {"member": member.pk}
    )
    if name in MANAGERS:
        assert response.status_code == 302
        registration = Registration.objects.get(workshop=now_a, member=member)
        assert registration.walk_in
    else:
        assert response.status_code == _expected(name)
        assert _snapshot() == before


def test_the_check_in_page_says_why_a_code_is_refused(client, world, now_a):
    other = WorkshopFactory(participation=world.cast.participation_a, title="Atelier mobilités")
    RegistrationFactory(workshop=other, member=world.members["member_a"], code="QR7K9M")
    client.force_login(world.cast.pilot_a)
    url = reverse("workshops:check_in", args=[now_a.pk])
    before = _snapshot()
    for code, message in (
        ("ZZZZZZ", "Aucune inscription à cette rencontre ne porte le code « ZZZZZZ »."),
        ("qr7-k9m", "Ce code correspond à une autre rencontre : « Atelier mobilités » du "),
        ("", "Saisissez le code de la personne."),
    ):
        response = client.post(url, {"code": code})
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page
        assert "Rien n’a été enregistré" in page
    assert _snapshot() == before


def test_a_second_check_in_says_the_person_was_already_there(client, world, now_a):
    RegistrationFactory(workshop=now_a, member=world.members["member_a"], code="AB2C3D")
    client.force_login(world.cast.pilot_a)
    url = reverse("workshops:check_in", args=[now_a.pk])
    client.post(url, {"code": "AB2C3D"})
    client.get(url)
    client.post(url, {"code": "AB2C3D"})
    assert "était déjà pointé(e) présent(e), à " in client.get(url).content.decode()


def test_a_roll_call_value_outside_the_choices_changes_nothing(client, world, now_a):
    registration = RegistrationFactory(workshop=now_a, member=world.members["member_a"])
    client.force_login(world.cast.pilot_a)
    before = _snapshot()
    response = client.post(
        reverse("workshops:attendance_set", args=[now_a.pk]),
        {"registration": registration.pk, "attendance": "late"},
        follow=True,
    )
    assert "« late » n’est pas une présence possible" in response.content.decode()
    assert _snapshot() == before


def test_the_roll_call_of_another_workshop_is_not_found(client, world, now_a):
    other = RegistrationFactory(workshop=world.seminar_a, member=world.members["member_a"])
    client.force_login(world.cast.pilot_a)
    before = _snapshot()
    response = client.post(
        reverse("workshops:attendance_set", args=[now_a.pk]),
        {"registration": other.pk, "attendance": Attendance.ATTENDED},
    )
    assert response.status_code == 404
    assert _snapshot() == before


def test_the_check_in_page_lets_the_camera_in_and_lists_the_people(client, world, now_a):
    RegistrationFactory(workshop=now_a, member=world.members["member_a"])
    client.force_login(world.cast.pilot_a)
    response = client.get(reverse("workshops:check_in", args=[now_a.pk]))
    assert response["Permissions-Policy"] == "camera=(self)"
    page = response.content.decode()
    assert world.members["member_a"].full_name in page
    assert "Scanner un QR code" in page
    assert "attendance-check-in.js" in page
    assert "<script>" not in page  # no inline script (CSP)


def test_the_check_in_page_query_count_does_not_grow(
    client, world, now_a, django_assert_num_queries
):
    client.force_login(world.cast.pilot_a)
    url = reverse("workshops:check_in", args=[now_a.pk])
    for extra in (1, 10):
        for _ in range(extra):
            RegistrationFactory(
                workshop=now_a, member=MemberFactory(working_group=world.groups["a"])
            )
        # The session, the user, the workshop (with its Fabrique and territory), the
        # person's roles, the roll call (with members, groups and territories).
        with django_assert_num_queries(5):
            assert client.get(url).status_code == 200


def test_a_newcomer_is_added_from_the_walk_in_page(client, world, now_a):
    client.force_login(world.cast.provider_a)
    response = client.post(
        reverse("workshops:walk_in", args=[now_a.pk]),
        {
            "newcomer": "1",
            "participation": world.cast.participation_a.pk,
            "first_name": "Léa",
            "last_name": "Nouvelle",
            "email": "lea@exemple.fr",
            "organisation_name": "",
            "family": "inhabitant",
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get(workshop=now_a, member__last_name="Nouvelle")
    assert registration.walk_in
    assert registration.status == RegistrationStatus.REGISTERED


def test_a_newcomer_with_a_bad_address_changes_nothing(client, world, now_a):
    client.force_login(world.cast.provider_a)
    before = _snapshot()
    response = client.post(
        reverse("workshops:walk_in", args=[now_a.pk]),
        {
            "newcomer": "1",
            "participation": world.cast.participation_a.pk,
            "first_name": "Léa",
            "last_name": "Nouvelle",
            "email": "pas-une-adresse",
            "family": "inhabitant",
        },
    )
    assert response.status_code == 200
    assert "Saisissez une adresse électronique valide." in response.content.decode()
    assert _snapshot() == before


def _pdf(response):
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def test_the_sign_in_sheet_is_a_tagged_pdf_of_the_registered_people_by_name(client, world, now_a):
    group = world.groups["a"]
    for last_name in ("Zola", "de Lattre", "Émond"):
        RegistrationFactory(
            workshop=now_a, member=MemberFactory(working_group=group, last_name=last_name)
        )
    RegistrationFactory(
        workshop=now_a,
        member=MemberFactory(
            working_group=group, last_name="Arnaud", organisation_name="Mairie de Tulle"
        ),
    )
    RegistrationFactory(
        workshop=now_a,
        member=MemberFactory(working_group=group, last_name="Désinscrite"),
        status=RegistrationStatus.CANCELLED,
    )
    now_a.title = "Atelier « mobilités » & vélo"
    now_a.save()
    client.force_login(world.cast.pilot_a)
    response = client.get(reverse("workshops:sign_in_sheet", args=[now_a.pk]))
    day = timezone.localtime(now_a.starts_at).date().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="emargement-{day}-atelier-mobilites-velo.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    reader = _pdf(response)
    # Words as they read, whatever the lines the table's cells wrap them on.
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    positions = [text.index(name) for name in ("ARNAUD", "DE LATTRE", "ÉMOND", "ZOLA")]
    assert positions == sorted(positions)
    assert "Mairie de Tulle" in text
    assert "DÉSINSCRITE" not in text
    assert "Atelier « mobilités » & vélo" in text
    assert "Signature" in text
    assert "Famille d’acteurs" in text
    # Date and time in French, Paris time: « Le vendredi 4 décembre 2026, de 9 h 30 à 12 h 00 ».
    assert re.search(r"Le \w+ \d{1,2} \w+ \d{4}, de \d{1,2} h \d{2} à ", text)
    # Tagged for accessibility (PDF/UA-1), in French, titled.
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "fr"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    assert reader.metadata.title == "Feuille d’émargement — Atelier « mobilités » & vélo"
    event = AuditEvent.objects.get(action="attendance.sheet_downloaded")
    assert event.data == {"count": 4}


def test_the_sign_in_sheet_leaves_empty_rows_for_walk_ins(client, world, now_a):
    """Eight rows without anyone's name: the table's body has two more rows than people."""
    RegistrationFactory(workshop=now_a, member=world.members["member_a"])
    client.force_login(world.cast.pilot_a)
    reader = _pdf(client.get(reverse("workshops:sign_in_sheet", args=[now_a.pk])))
    assert len(_table_rows(reader)) == 1 + 1 + SHEET_EMPTY_ROWS  # heading, person, empty rows


def _table_rows(reader):
    """The table rows (/TR) of the PDF's structure tree."""
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, ArrayObject):
            for child in node:
                walk(child)
            return
        if not isinstance(node, DictionaryObject):
            return
        if node.get("/S") == "/TR":
            found.append(node)
        if "/K" in node:
            walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_the_export_reads_back_in_a_french_spreadsheet(client, world, now_a):
    member = MemberFactory(
        working_group=world.groups["a"], last_name="=HYPERLINK(1)", organisation_name="Mairie"
    )
    RegistrationFactory(workshop=now_a, member=member, code="AB2C3D")
    client.force_login(world.cast.pilot_a)
    client.post(reverse("workshops:check_in", args=[now_a.pk]), {"code": "AB2C3D"})
    response = client.get(reverse("workshops:attendance_export", args=[now_a.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "nom",
        "prenom",
        "organisation",
        "famille",
        "territoire",
        "inscription",
        "presence",
        "sans_inscription",
        "pointe_le",
    ]
    row = rows[1]
    assert row[0] == "'=HYPERLINK(1)"  # never a formula
    assert row[2:8] == [
        "Mairie",
        "Associations",
        world.cast.participation_a.label,
        "Inscrit",
        "Présent",
        "non",
    ]
    assert len(row[8]) == 16  # 2026-12-04 18:30, Paris time
    assert AuditEvent.objects.get(action="attendance.exported").data == {"count": 1}
