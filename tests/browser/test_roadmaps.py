"""A roadmap from its first draft to the public library, then a recommendation from its
positions to the ministry's answer, through the real UI, with axe-core and the layout at
1,280 and 390 px (assert_accessible) on every page visited.

The provider creates territory A's roadmap, frames it, adds two axes and three sheets (a
budget line and a funding line on one) → the elected referent and the provider edit the same
sheet at once: the referent, saving second, gets the conflict page (HTTP 409) with both
versions side by side and saves theirs → the provider submits → the pilot reviews with a
comment → the referent records the steering committee and the deliberation (a PDF) → the
pilot publishes → an anonymous visitor finds it by searching « sante », opens its public page
and downloads the PDF → the pilot writes a recommendation and opens it to positions → the
partner (an elected officials' association of the Fabrique) gives its position → the pilot
publishes it and records the ministry's answer.

The live server runs in the test's process (immediate task backend: documents and the search
index are produced during the request that asks for them).
"""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fabriques.calls.tests.factories import pdf_bytes
from fabriques.programme.models import FabriqueStatus
from fabriques.programme.tests.personas import build_personas
from fabriques.recommendations.models import Recommendation, RecommendationStatus
from fabriques.roadmaps.models import ActionSheet, Roadmap, RoadmapStatus

from .conftest import DESKTOP, watch_csp
from .test_calls import login
from .test_cycle import Browse, said

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Bien vivre à Bourg-A en 2035"
SHEETS = (
    ("Mobilités du quotidien", "Une navette entre les hameaux et le bourg"),
    ("Mobilités du quotidien", "Des itinéraires cyclables vers le collège"),
    ("Santé et solidarités", "Une maison de santé pluriprofessionnelle"),
)


# The ids used more than once on the page: a label's `for` then names another form's control.
# (axe-core 4.x no longer reports duplicate ids among its WCAG rules.)
DUPLICATE_IDS = """() => {
    const seen = new Map();
    for (const e of document.querySelectorAll('[id]')) seen.set(e.id, (seen.get(e.id) || 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}"""


def _checker(assert_accessible):
    """axe and the layout (assert_accessible), then every id unique."""

    def check(page) -> None:
        assert_accessible(page)
        duplicates = page.evaluate(DUPLICATE_IDS)
        assert duplicates == [], f"{page.url}: duplicate ids {duplicates}"

    return check


def _fill_part(ui: Browse, summary: str, values: dict[str, str], selects: dict[str, str]) -> None:
    """Open the « Ajouter — … » disclosure of a sheet's part, fill it and add the row."""
    page = ui.page
    details = page.locator("details", has=page.locator("summary", has_text=summary))
    details.locator("summary").click()
    for label, value in values.items():
        details.get_by_label(re.compile(f"^{label}")).fill(value)
    for label, value in selects.items():
        details.get_by_label(re.compile(f"^{label}")).select_option(value)
    ui.click(details.get_by_role("button", name="Ajouter", exact=True))
    expect(ui.messages()).to_contain_text("L’élément est ajouté à la fiche.")


def test_a_roadmap_from_draft_to_library_and_a_recommendation_answered(
    browser, page, live_server, assert_accessible
):
    expect.set_options(timeout=15_000)
    page.set_default_timeout(15_000)
    cast = build_personas(status=FabriqueStatus.RUNNING)
    fabrique, territory = cast.fabrique_a, cast.participation_a
    check = _checker(assert_accessible)
    ui = Browse(page, live_server.url, check)
    today = timezone.localdate()

    # --- 1. The provider creates the roadmap and frames it -----------------------------------
    login(page, live_server, cast.provider_a)
    ui.goto(f"/espace/fabriques/{fabrique.slug}/feuilles-de-route/")
    ui.button(re.compile(f"^Créer la feuille de route — {re.escape(territory.label)}"))
    expect(ui.messages()).to_contain_text("La feuille de route est créée.")
    roadmap = Roadmap.objects.get(participation=territory)
    assert roadmap.status == RoadmapStatus.DRAFT
    assert page.url.endswith(f"/espace/feuilles-de-route/{roadmap.pk}/")

    ui.link("Modifier le cadrage et la gouvernance")
    page.get_by_label(re.compile("^Titre")).fill(TITLE)
    page.get_by_label(re.compile("^Horizon")).fill("2035")
    page.get_by_label(re.compile("^Synthèse du diagnostic")).fill(
        "Un bourg rural vieillissant, éloigné des soins et des services."
    )
    page.get_by_label(re.compile("^Enjeux")).fill("L’accès aux soins ; les mobilités.")
    page.get_by_label(re.compile("^Vision")).fill(
        "Un bourg où l’on vieillit bien, soigné près de chez soi."
    )
    page.get_by_label(re.compile("^Instance de pilotage")).fill("Comité de pilotage communal")
    ui.button("Enregistrer")
    expect(ui.messages()).to_contain_text("Le cadrage et la gouvernance sont enregistrés.")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    roadmap.refresh_from_db()
    assert (roadmap.title, roadmap.horizon) == (TITLE, 2035)

    # Two axes.
    for axis in dict.fromkeys(axis for axis, _sheet in SHEETS):
        page.get_by_label(re.compile("^Intitulé de l’axe")).fill(axis)
        ui.button("Ajouter l’axe")
        expect(ui.messages()).to_contain_text("L’axe est ajouté.")
    assert list(roadmap.axes.order_by("position").values_list("title", flat=True)) == [
        "Mobilités du quotidien",
        "Santé et solidarités",
    ]

    # Three sheets.
    for axis, title in SHEETS:
        ui.link(f"Ajouter une fiche — {axis}")
        expect(page.get_by_label(re.compile("^Axe"))).to_have_value(
            str(roadmap.axes.get(title=axis).pk)
        )
        page.get_by_label(re.compile("^Intitulé")).fill(title)
        page.get_by_label(re.compile("^Description")).fill(f"{title} : ce que la fiche prévoit.")
        page.get_by_label(re.compile("^Structure pilote")).fill("Commune de Bourg-A")
        ui.button("Créer la fiche")
        expect(ui.messages()).to_contain_text("La fiche action est créée.")
        expect(page.get_by_role("heading", level=1)).to_contain_text(title)
        if title != SHEETS[-1][1]:
            ui.link(TITLE)  # Back to the roadmap through the breadcrumb.
    assert roadmap.sheets.count() == 3
    health = ActionSheet.objects.get(roadmap=roadmap, title=SHEETS[2][1])
    assert page.url.endswith(f"/espace/fiches-action/{health.pk}/")

    # A budget line and a funding line on the health sheet.
    _fill_part(
        ui,
        "une ligne budgétaire",
        {"Année": str(today.year + 1), "Prévu": "450 000"},
        {"Nature": "investment"},
    )
    _fill_part(
        ui,
        "une ligne de financement",
        {"Financeur": "Préfecture", "Montant demandé": "150 000,50"},
        {"Dispositif": "detr"},
    )
    (budget,) = health.budget_lines.all()
    assert (budget.year, budget.planned) == (today.year + 1, 450000)
    (funding,) = health.funding_lines.all()
    assert (funding.funder, str(funding.amount_asked)) == ("Préfecture", "150000.50")

    # --- 2. The referent and the provider edit the same sheet at once ------------------------
    referent_context = browser.new_context(locale="fr-FR", viewport=DESKTOP)
    referent_csp = watch_csp(referent_context)
    referent_page = referent_context.new_page()
    referent_page.set_default_timeout(15_000)
    referent = Browse(referent_page, live_server.url, check)
    login(referent_page, live_server, cast.elected_a)
    referent.goto(f"/espace/fiches-action/{health.pk}/")
    referent.link("Modifier la fiche")
    referent_page.get_by_label(re.compile("^Personne pilote")).fill("Dr Claire Martin (référente)")

    ui.link("Modifier la fiche")
    page.get_by_label(re.compile("^Personne pilote")).fill("Paul Durand (prestataire)")
    ui.button("Enregistrer la fiche")
    expect(ui.messages()).to_contain_text("La fiche action est enregistrée.")
    health.refresh_from_db()
    assert health.pilot_person == "Paul Durand (prestataire)"

    with referent_page.expect_response(lambda r: r.request.method == "POST") as posted:
        referent.button("Enregistrer la fiche")
    assert posted.value.status == 409
    expect(referent_page.get_by_role("heading", level=1)).to_have_text(
        said("Quelqu’un a modifié cette fiche pendant que vous la modifiiez")
    )
    versions = referent_page.get_by_role(
        "table", name="Champs sur lesquels les deux versions diffèrent"
    )
    row = versions.get_by_role("row", name=re.compile("^Personne pilote", re.I))
    expect(row).to_contain_text("Paul Durand (prestataire)")
    expect(row).to_contain_text("Dr Claire Martin (référente)")
    health.refresh_from_db()
    assert health.pilot_person == "Paul Durand (prestataire)"  # nothing saved yet
    referent.button("Enregistrer ma version à la place de la leur")
    expect(referent.messages()).to_contain_text("La fiche action est enregistrée.")
    health.refresh_from_db()
    assert health.pilot_person == "Dr Claire Martin (référente)"

    # --- 3. The provider submits the roadmap --------------------------------------------------
    ui.goto(f"/espace/feuilles-de-route/{roadmap.pk}/etapes/")
    ui.button("Soumettre pour relecture")
    expect(ui.messages()).to_contain_text(
        "La feuille de route est soumise au pilote pour relecture."
    )
    roadmap.refresh_from_db()
    assert roadmap.status == RoadmapStatus.SUBMITTED

    # --- 4. The pilot reviews it with a comment -----------------------------------------------
    page.context.clear_cookies()
    login(page, live_server, cast.pilot_a)
    ui.goto(f"/espace/feuilles-de-route/{roadmap.pk}/etapes/")
    review = page.locator("form", has=page.get_by_role("button", name="Valider la relecture"))
    review.get_by_label(re.compile("^Votre relecture")).fill(
        "Belle feuille de route ; précisez le calendrier de la maison de santé."
    )
    ui.click(review.get_by_role("button", name="Valider la relecture"))
    expect(ui.messages()).to_contain_text(said("Votre relecture est enregistrée"))
    roadmap.refresh_from_db()
    assert roadmap.status == RoadmapStatus.REVIEWED

    # --- 5. The referent records the committee and the deliberation ----------------------------
    referent.goto(f"/espace/feuilles-de-route/{roadmap.pk}/etapes/")
    rp = referent_page
    rp.get_by_label(re.compile("^Date du comité de pilotage local")).fill(
        f"{today - datetime.timedelta(days=2):%Y-%m-%d}"
    )
    referent.button("Enregistrer la validation du comité de pilotage local")
    expect(referent.messages()).to_contain_text(
        "La validation par le comité de pilotage local est enregistrée."
    )
    rp.get_by_label(re.compile("^Assemblée")).fill("Conseil municipal de Bourg-A")
    rp.get_by_label(re.compile("^Date de la délibération")).fill(
        f"{today - datetime.timedelta(days=1):%Y-%m-%d}"
    )
    rp.get_by_label(re.compile("^Numéro de la délibération")).fill("2026-042")
    rp.get_by_label(re.compile("^Délibération \\(PDF\\)")).set_input_files(
        {"name": "deliberation.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    referent.button("Enregistrer la délibération d’adoption")
    expect(referent.messages()).to_contain_text(said("La délibération est enregistrée"))
    roadmap.refresh_from_db()
    assert roadmap.status == RoadmapStatus.ADOPTED
    assert (roadmap.deliberation_body, roadmap.deliberation_number) == (
        "Conseil municipal de Bourg-A",
        "2026-042",
    )
    assert roadmap.deliberation_file
    assert roadmap.versions.count() == 1

    # --- 6. The pilot publishes ----------------------------------------------------------------
    ui.goto(f"/espace/feuilles-de-route/{roadmap.pk}/etapes/")
    ui.button("Publier")
    expect(ui.messages()).to_contain_text("La feuille de route est publiée.")
    roadmap.refresh_from_db()
    assert roadmap.status == RoadmapStatus.PUBLISHED

    # --- 7. An anonymous visitor finds it by searching « sante » and downloads the PDF --------
    page.context.clear_cookies()
    ui.goto("/recherche/")
    search = page.get_by_role("form", name="Recherche et filtres")
    search.get_by_label("Mots recherchés").fill("sante")
    ui.click(search.get_by_role("button", name="Rechercher"))
    results = page.get_by_role("main")
    expect(results.get_by_role("link", name=SHEETS[2][1])).to_be_visible()
    ui.link(SHEETS[2][1])
    assert page.url.endswith(f"/bibliotheque/fiches-action/{health.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(said(f"Fiche 3 : {SHEETS[2][1]}"))
    ui.link(TITLE)  # The sheet's roadmap (breadcrumb or lead paragraph).
    assert page.url.endswith(f"/bibliotheque/feuilles-de-route/{roadmap.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    download_link = page.get_by_role("link", name="Télécharger en PDF accessible")
    with page.expect_download() as downloading:
        download_link.click()
    content = Path(downloading.value.path()).read_bytes()
    assert content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert TITLE in " ".join(text.split())

    # --- 8. The pilot writes a recommendation and opens it to positions ------------------------
    login(page, live_server, cast.pilot_a)
    ui.goto(f"/espace/fabriques/{fabrique.slug}/preconisations/")
    ui.link("Rédiger une préconisation")
    page.get_by_label(re.compile("^Intitulé")).fill("Des maisons de santé dans chaque bourg-centre")
    page.get_by_label(re.compile("^Constat")).fill("Les territoires ruraux manquent de médecins.")
    page.get_by_label(re.compile("^Proposition")).fill(
        "Financer une maison de santé pluriprofessionnelle par bassin de vie."
    )
    page.get_by_label("Type", exact=True).select_option("public_policy")
    page.get_by_label(re.compile("^Type de destinataire")).select_option("ministry")
    page.locator("#id_addressee").fill("Ministère de la Santé")
    ui.button(re.compile("^Enregistrer"))
    expect(ui.messages()).to_contain_text("La préconisation est créée.")
    recommendation = Recommendation.objects.get(fabrique=fabrique)
    ui.button("Soumettre aux positions des partenaires")
    expect(ui.messages()).to_contain_text(
        said("La préconisation est soumise aux positions des partenaires")
    )
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.ENDORSEMENT

    # --- 9. The partner gives its association's position ---------------------------------------
    page.context.clear_cookies()
    login(page, live_server, cast.partner_a)
    ui.goto(f"/espace/preconisations/{recommendation.pk}/")
    page.get_by_label(re.compile("^Position")).select_option("reservations")
    page.get_by_label(re.compile("^Commentaire")).fill("Avec des moyens pour les recruter.")
    page.get_by_label(re.compile("^Signataire")).fill("La présidente de l’association")
    ui.button("Enregistrer la position")
    expect(ui.messages()).to_contain_text("La position est enregistrée.")
    (position,) = recommendation.positions.all()
    assert position.organisation == cast.partner_org_a
    assert position.stance == "reservations"

    # --- 10. The pilot publishes it and records the ministry's answer -------------------------
    page.context.clear_cookies()
    login(page, live_server, cast.pilot_a)
    ui.goto(f"/espace/preconisations/{recommendation.pk}/")
    ui.button("Publier")
    expect(ui.messages()).to_contain_text("La préconisation est publiée.")
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.PUBLISHED
    answer = page.locator("form", has=page.get_by_role("button", name="Enregistrer la réponse"))
    answer.get_by_label(re.compile("^Date de la réponse")).fill(f"{today:%Y-%m-%d}")
    answer.get_by_label(re.compile("^Réponse")).fill(
        "Le ministère retient la proposition dans le plan d’accès aux soins."
    )
    ui.click(answer.get_by_role("button", name="Enregistrer la réponse"))
    expect(ui.messages()).to_contain_text("La réponse est enregistrée.")
    (answered,) = recommendation.answers.all()
    assert answered.text.startswith("Le ministère retient")

    referent_context.close()
    assert referent_csp == [], "Content-Security-Policy violations:\n" + "\n".join(referent_csp)
