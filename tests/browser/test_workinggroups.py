"""The working group's pages in Chromium, for its elected referent: axe, and the layout at
1,280 and 390 px (assert_accessible), through a member added, an import previewed and a
member leaving."""

import re

import pytest
from playwright.sync_api import expect

from fabriques.programme.models import FabriqueStatus
from fabriques.programme.tests.personas import build_personas
from fabriques.workinggroups.models import Member
from fabriques.workinggroups.tests.factories import MemberFactory
from fabriques.workinggroups.tests.test_imports import xlsx_bytes

from .test_calls import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_referent_keeps_the_group(page, live_server, assert_accessible):
    cast = build_personas(status=FabriqueStatus.RUNNING)
    territory = cast.participation_a
    MemberFactory.create(
        working_group__participation=territory,
        first_name="Jean-Baptiste",
        last_name="De La Fontaine-Longuenom",
        organisation_name="Direction départementale des territoires et de la mer du Finistère",
    )
    login(page, live_server, cast.elected_a)
    base = f"{live_server.url}/espace/fabriques/{territory.fabrique.slug}/territoires/{territory.pk}/groupe/"

    page.goto(base)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Groupe de travail")
    assert_accessible(page)

    # Add a member through the form.
    page.get_by_role("link", name="Ajouter un membre").click()
    assert_accessible(page)
    page.get_by_label(re.compile("^Prénom")).fill("Alix")
    page.get_by_label(re.compile("^Nom")).first.fill("Martin")
    page.get_by_label(re.compile("^Adresse électronique")).fill("alix@exemple.fr")
    page.get_by_label(re.compile("^Organisation")).first.fill("Chambre d’agriculture")
    page.get_by_label(re.compile("^Famille d’acteurs")).select_option("chamber")
    page.get_by_role("button", name=re.compile("^Enregistrer|^Ajouter")).click()
    page.wait_for_load_state()
    assert Member.objects.filter(email="alix@exemple.fr").exists(), page.content()[:2000]
    assert_accessible(page)

    # Import a workbook: the preview lists the rows, nothing is written before confirming.
    page.goto(base + "importer/")
    assert_accessible(page)
    header = ["prenom", "nom", "courriel", "organisation", "famille", "role", "arrivee_le"]
    rows: list[list[object]] = [list[object](header)]
    rows += [
        [
            f"Prénom{n}",
            f"Nom{n}",
            f"p{n}@exemple.fr",
            "Asso",
            "Associations",
            "membre",
            "10/03/2026",
        ]
        for n in range(12)
    ]
    page.locator("input[type=file]").set_input_files(
        {"name": "groupe.xlsx", "mimeType": "application/octet-stream", "buffer": xlsx_bytes(rows)}
    )
    page.get_by_role("button", name="Voir l’aperçu").click()
    page.wait_for_load_state()
    assert Member.objects.count() == 2
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^Importer")).click()
    page.wait_for_load_state()
    assert Member.objects.count() == 14
    assert_accessible(page)
