import datetime
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from fabriques.core.models import AuditEvent
from fabriques.workinggroups.models import Member

from .factories import MemberFactory, WorkingGroupFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, participation, *extra):
    return reverse(
        f"workinggroups:{name}", args=[participation.fabrique.slug, participation.pk, *extra]
    )


FORM = {
    "first_name": "Alix",
    "last_name": "Martin",
    "email": "alix@exemple.fr",
    "phone": "06 12 34 56 78",
    "organisation_name": "Chambre d’agriculture",
    "organisation_identifier": "13002603200016",
    "family": "chamber",
    "family_detail": "Agriculture",
    "role": "expert",
    "joined_how": "designation",
    "joined_on": "2026-03-15",
    "lawful_basis": "consent",
    "consent_on": "2026-03-10",
    "gender": "female",
    "age_band": "40_54",
    "qpv_inhabitant": "false",
    "public_name_opt_in": "on",
}


def test_add_then_reopen_shows_the_same_values(cast):
    client = client_for(cast.elected_a)
    response = client.post(url("member_add", cast.participation_a), FORM)
    assert response.status_code == 302
    member = Member.objects.get()
    page = client.get(url("member_edit", cast.participation_a, member.pk)).content.decode()
    for value in (
        "Alix",
        "Martin",
        "alix@exemple.fr",
        "06 12 34 56 78",
        "13002603200016",
        "2026-03-15",
        "2026-03-10",
    ):
        assert f'value="{value}"' in page, value
    for name, value in (
        ("family", "chamber"),
        ("role", "expert"),
        ("joined_how", "designation"),
        ("gender", "female"),
        ("age_band", "40_54"),
        ("qpv_inhabitant", "false"),
        ("lawful_basis", "consent"),
    ):
        assert f'<option value="{value}" selected>' in page, name
    assert (
        '<input type="checkbox" name="public_name_opt_in" id="id_public_name_opt_in" checked>'
        in page
    )
    # Saving the form unchanged changes nothing.
    client.post(url("member_edit", cast.participation_a, member.pk), FORM)
    assert not AuditEvent.objects.filter(action="member.updated").exists()


def test_a_refused_form_says_why_and_writes_nothing(cast):
    client = client_for(cast.provider_a)
    response = client.post(
        url("member_add", cast.participation_a),
        FORM | {"organisation_identifier": "13002603200017", "consent_on": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rien n’a été enregistré" in page
    assert "clé de contrôle" in page
    assert not Member.objects.exists()


def test_the_group_page_lists_counts_and_filters(cast):
    group = WorkingGroupFactory(participation=cast.participation_a)
    MemberFactory(working_group=group, last_name="Actuelle", family="state")
    MemberFactory(working_group=group, last_name="Partie", left_on=datetime.date(2026, 5, 1))
    client = client_for(cast.technical_a)
    page = client.get(url("group", cast.participation_a)).content.decode()
    assert "Actuelle" in page and "Partie" not in page
    assert "1 membre actuel" in page and "1 départ" in page
    assert "Services de l’État" in page
    everyone = client.get(url("group", cast.participation_a) + "?membres=tous").content.decode()
    assert "Partie" in everyone and "Réintégrer" in everyone


def test_leave_asks_for_confirmation_then_keeps_the_member(cast):
    member = MemberFactory(working_group__participation=cast.participation_a)
    client = client_for(cast.pilot_a)
    page = client.get(url("member_leave", cast.participation_a, member.pk))
    assert "Confirmer le départ" in page.content.decode()
    member.refresh_from_db()
    assert member.left_on is None
    response = client.post(
        url("member_leave", cast.participation_a, member.pk), {"left_on": "2026-06-01"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.left_on == datetime.date(2026, 6, 1)
    client.post(url("member_rejoin", cast.participation_a, member.pk))
    member.refresh_from_db()
    assert member.left_on is None


def test_a_member_of_another_group_is_not_found_through_this_one(cast):
    other = MemberFactory(working_group__participation=cast.participation_b)
    client = client_for(cast.admin)
    assert client.get(url("member_edit", cast.participation_a, other.pk)).status_code == 404


def test_export_is_a_utf8_bom_semicolon_csv_and_is_audited(cast):
    MemberFactory(
        working_group__participation=cast.participation_a,
        first_name="Élodie",
        email="elodie@exemple.fr",
    )
    client = client_for(cast.elected_a)
    assert client.get(url("members_export", cast.participation_a)).status_code == 405
    response = client.post(url("members_export", cast.participation_a))
    content = response.content
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    header, line = text.splitlines()[:2]
    assert header.startswith("prenom;nom;courriel")
    assert line.startswith("Élodie;") and "elodie@exemple.fr" in line
    assert AuditEvent.objects.filter(action="members.exported", actor=cast.elected_a).exists()


def test_the_fabrique_page_links_to_the_groups_its_reader_runs(cast):
    from fabriques.territories.tests.factories import ParticipationFactory

    other = ParticipationFactory(fabrique=cast.fabrique_a)
    detail = reverse("programme:fabrique_detail", args=[cast.fabrique_a.slug])
    elected = client_for(cast.elected_a).get(detail).content.decode()
    assert url("group", cast.participation_a) in elected
    assert url("group", other) not in elected
    pilot = client_for(cast.pilot_a).get(detail).content.decode()
    assert url("group", cast.participation_a) in pilot and url("group", other) in pilot
    partner = client_for(cast.partner_a).get(detail).content.decode()
    assert "/groupe/" not in partner


def _queries(client, address) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_the_group_page_makes_as_many_queries_for_5_as_for_50_members(cast):
    group = WorkingGroupFactory(participation=cast.participation_a)
    MemberFactory.create_batch(5, working_group=group)
    client = client_for(cast.provider_a)
    address = url("group", cast.participation_a) + "?membres=tous"
    few = _queries(client, address)
    MemberFactory.create_batch(45, working_group=group)
    many = _queries(client, address)
    # session, user, participation, memberships (2: the grants), group, the page's count,
    # the totals (current, left), the counts by family, the page of members.
    assert few == many == 10


def test_export_and_template_as_workbooks(cast):
    MemberFactory(working_group__participation=cast.participation_a, email="elodie@exemple.fr")
    client = client_for(cast.elected_a)

    response = client.post(url("members_export", cast.participation_a), {"format": "xlsx"})

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert "no-store" in response["Cache-Control"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("prenom", "nom", "courriel") and rows[1][2] == "elodie@exemple.fr"
    assert AuditEvent.objects.filter(action="members.exported", actor=cast.elected_a).exists()
    template = client.get(url("import_template", cast.participation_a), {"format": "xlsx"})
    assert template.content.startswith(b"PK\x03\x04")
