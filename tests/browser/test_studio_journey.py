"""The foresight studio's journey in a real browser (issue 14), with axe-core and the layout at
1,280 and 390 px on every page the consultant sees, and at 390 px on the voters' phones:

1. the provider's consultant creates a structural analysis through the form, adds 12
   variables, fills cells of the matrix with the keyboard only, runs it and reads the plane;
2. on a Régnier abacus, opens a vote; three phones join it by its code and vote; the live
   grid counts them; the consultant closes the vote and reads the saved abacus;
3. builds a morphological space of 6 components with two exclusions, picks one hypothesis
   per component on the live screen and saves the consistent configuration as a scenario;
4. runs it, retains the scenario and cites it from an action sheet of the territory's
   roadmap; the study's page names the sheet that answers it.
"""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from fabriques.programme.models import FabriqueStatus
from fabriques.programme.tests.personas import build_personas
from fabriques.roadmaps.tests.factories import ActionSheetFactory, AxisFactory, RoadmapFactory
from fabriques.studies.models import RetainedResult, Scenario, Study, VoteSession

from .conftest import PHONE, unexpected_violations, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STUDY_URL = re.compile(r"/espace/etudes/(\d+)/$")


def login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.fixture
def cast(page, live_server):
    """The personas, the provider's consultant of Fabrique A logged in."""
    personas = build_personas(status=FabriqueStatus.RUNNING)
    login(page, live_server, personas.provider_a)
    return personas


@pytest.fixture
def consultant(cast):
    """The provider's consultant of Fabrique A, logged in; returns the Fabrique's slug."""
    return cast.fabrique_a.slug


def create_study(page, live_server, slug, assert_accessible, *, method, title) -> Study:
    """Through the creation form; returns the new study, its page open."""
    page.goto(f"{live_server.url}/espace/fabriques/{slug}/etudes/nouvelle/")
    assert_accessible(page)
    page.get_by_label("Méthode").select_option(method)
    page.get_by_label("Titre").fill(title)
    page.get_by_label("Objet de l’étude").fill("Horizon 2040, à l’échelle de l’intercommunalité.")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url(STUDY_URL)
    page.get_by_text("L’étude est créée").wait_for()
    assert_accessible(page)
    found = STUDY_URL.search(page.url)
    assert found is not None, page.url
    pk = int(found.group(1))
    return Study.objects.get(pk=pk, method=method, title=title)


# 1. Structural analysis -------------------------------------------------------------------------

VARIABLES = [
    "Emploi local",
    "Offre de soins",
    "Transports",
    "Logement",
    "Commerce",
    "Écoles",
    "Agriculture",
    "Tourisme",
    "Numérique",
    "Eau",
    "Énergie",
    "Vie associative",
]

# The keys pressed from the first cell (row 1, column 2), and the cells they fill: arrows move,
# the diagonal is skipped (« Offre de soins » on itself).
KEYS = [
    ("2", None),
    ("3", "ArrowRight"),
    ("1", "ArrowDown"),
    ("3", "ArrowLeft"),
    ("2", "ArrowDown"),
]
FILLED = {(0, 1): 2, (0, 2): 3, (1, 2): 1, (1, 0): 3, (2, 0): 2}


def structural_analysis(page, live_server, slug, assert_accessible) -> None:
    study = create_study(
        page, live_server, slug, assert_accessible, method="micmac", title="Le bourg en 2040"
    )

    page.get_by_role("link", name="Variables", exact=True).click()
    page.wait_for_url("**/variables/")
    page.get_by_label("Ajouter des variables").fill("\n".join(VARIABLES))
    page.get_by_role("button", name="Enregistrer les variables").click()
    page.get_by_text("Les variables sont enregistrées.").wait_for()
    expect(page.get_by_label("Variable 12", exact=True)).to_have_value("Vie associative")
    assert_accessible(page)

    page.get_by_role("link", name="Aller à la matrice").click()
    page.wait_for_url("**/matrice/")
    assert_accessible(page)
    grid = page.locator("table[data-grid]")
    status = page.locator(f"#{grid.get_attribute('id')}-statut")
    # Into the grid as a keyboard user does: the scrolling region, then Tab to the first cell
    # (which selects its « 0 », so that typing replaces it; the arrows select too).
    page.locator(".studies-grid-wrapper").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#c-0-1")).to_be_focused()
    for value, arrow in KEYS:
        if arrow:
            page.keyboard.press(arrow)  # leaving a cell saves it (fetch), then the status says so
            expect(status).to_contain_text("enregistrée")
        page.keyboard.type(value)
    page.get_by_role("button", name="Enregistrer la matrice").click()
    page.get_by_text("La matrice est enregistrée").wait_for()
    # The reloaded page shows what the server stored, cell by cell.
    for (row, column), stored in FILLED.items():
        label = f"Influence de {VARIABLES[row]} sur {VARIABLES[column]}"
        expect(page.get_by_label(label, exact=True)).to_have_value(str(stored))
    study.refresh_from_db()
    assert {(r, c): study.inputs["matrix"][r][c] for r, c in FILLED} == FILLED

    page.get_by_role("link", name="Retour à l’étude").click()
    page.wait_for_url(STUDY_URL)
    page.get_by_role("button", name="Lancer le calcul").click()
    page.wait_for_url("**/calculs/*/")
    page.get_by_text("Le calcul est enregistré.").wait_for()
    assert_accessible(page)
    assert page.locator("svg[role='img']").count() >= 1
    assert page.locator("table caption").count() >= 1
    assert study.runs.count() == 1


def test_a_consultant_builds_a_structural_analysis_from_the_keyboard(
    page, live_server, consultant, assert_accessible
):
    structural_analysis(page, live_server, consultant, assert_accessible)


# 2. A Régnier vote on three phones ---------------------------------------------------------------

STATEMENTS = [
    "Le centre-bourg gardera son médecin",
    "La ligne de car sera cadencée",
    "Les logements vacants seront rénovés",
]
PHONE_VOTES = [
    ["dark_green", "orange", "light_green"],
    ["light_green", "light_red", "dark_green"],
    ["dark_green", "dark_red", "white"],
]


def no_sideways_scroll(phone) -> None:
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{phone.url}: {width} px wide on a 390 px phone"


def vote_on_a_phone(browser, live_server, code, colours, assert_accessible) -> None:
    context = browser.new_context(locale="fr-FR", viewport=PHONE)
    violations = watch_csp(context)
    phone = context.new_page()
    try:
        phone.goto(f"{live_server.url}/vote/")
        phone.get_by_label("Code du vote").fill(code)
        assert_accessible(phone)
        no_sideways_scroll(phone)
        phone.get_by_role("button", name="Rejoindre le vote").click()
        phone.wait_for_url(f"**/vote/{code}/")
        phone.get_by_role("button", name="Participer").click()
        phone.get_by_role("button", name="Envoyer mon vote").wait_for()
        assert_accessible(phone)
        no_sideways_scroll(phone)
        for position, colour in enumerate(colours):
            phone.locator(f"label[for='s-{position}-{colour}']").click()
            expect(phone.locator(f"#s-{position}-{colour}")).to_be_checked()
        phone.get_by_role("button", name="Envoyer mon vote").click()
        phone.get_by_text("Vos réponses sont enregistrées.").wait_for()
        phone.get_by_text("Vous avez répondu à tout.").wait_for()
        assert_accessible(phone)
        no_sideways_scroll(phone)
    finally:
        context.close()
    unexpected = unexpected_violations(violations)
    assert unexpected == [], "Content-Security-Policy violations:\n" + "\n".join(unexpected)


def regnier_vote(page, browser, live_server, slug, assert_accessible) -> None:
    study = create_study(
        page, live_server, slug, assert_accessible, method="regnier", title="Ce que nous croyons"
    )
    page.get_by_role("link", name="Affirmations", exact=True).click()
    page.wait_for_url("**/affirmations/")
    page.locator("#statements").fill("\n".join(STATEMENTS))
    page.get_by_role("button", name="Enregistrer les affirmations").click()
    page.get_by_text("Les affirmations sont enregistrées.").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Aller aux votes").click()
    page.wait_for_url("**/votes/")
    assert_accessible(page)
    page.get_by_role("button", name="Ouvrir le vote").click()
    page.wait_for_url(re.compile(r"/votes/\d+/$"))
    code = page.locator(".votes-code").inner_text().split()[-1]
    session = VoteSession.objects.get(study=study)
    assert code == session.code
    assert_accessible(page)

    for colours in PHONE_VOTES:
        vote_on_a_phone(browser, live_server, code, colours, assert_accessible)

    # The facilitator's grid polls the server every 3 seconds.
    expect(page.get_by_text("3 participants ont rejoint le vote")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("3 ont répondu.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Clore le vote et enregistrer les résultats").click()
    page.wait_for_url("**/calculs/*/")
    page.get_by_text("Le vote est clos et son calcul enregistré.").wait_for()
    assert page.locator("svg[role='img']").count() >= 1
    assert_accessible(page)
    session.refresh_from_db()
    assert session.run is not None and study.runs.count() == 1


def test_three_phones_vote_on_a_regnier_abacus(
    page, browser, live_server, consultant, assert_accessible
):
    regnier_vote(page, browser, live_server, consultant, assert_accessible)


# 3. A morphological analysis -------------------------------------------------------------------

COMPONENTS = {
    "Mobilité": ["Voiture individuelle", "Covoiturage organisé", "Car cadencé"],
    "Habitat": ["Pavillons en extension", "Réhabilitation du bâti ancien", "Habitat partagé"],
    "Commerce": ["Grande surface en périphérie", "Halles en centre-bourg"],
    "Santé": ["Cabinet isolé", "Maison de santé", "Téléconsultation"],
    "Énergie": ["Réseau national", "Communauté énergétique"],
    "Gouvernance": ["Commune seule", "Intercommunalité", "Conseil citoyen"],
}
# (component, hypothesis) pairs that cannot go together.
EXCLUSIONS = [((0, 0), (1, 2)), ((2, 0), (3, 1))]
# One hypothesis per component, clear of the exclusions.
PICKED = [1, 1, 1, 1, 1, 2]


def morphological_analysis(page, live_server, slug, assert_accessible) -> Study:
    study = create_study(
        page, live_server, slug, assert_accessible, method="morpho", title="Le bourg habité"
    )
    page.get_by_role("link", name="Composantes et hypothèses", exact=True).click()
    page.wait_for_url("**/composantes/")
    for name, hypotheses in COMPONENTS.items():
        page.locator("#new-name").fill(name)
        page.locator("#new-hypotheses").fill("\n".join(hypotheses))
        page.get_by_role("button", name="Enregistrer les composantes").click()
        page.get_by_text("Les composantes et leurs hypothèses sont enregistrées.").wait_for()
        expect(page.locator("#new-name")).to_have_value("")
    expect(page.get_by_label("Nom de la composante 6", exact=True)).to_have_value("Gouvernance")
    assert_accessible(page)

    page.get_by_role("link", name="Aller aux exclusions").click()
    page.wait_for_url("**/exclusions/")
    for (ca, ha), (cb, hb) in EXCLUSIONS:
        page.get_by_label("Hypothèse", exact=True).select_option(f"{ca}-{ha}")
        page.get_by_label("ne va pas avec l’hypothèse").select_option(f"{cb}-{hb}")
        page.get_by_role("button", name="Enregistrer les exclusions").click()
        page.get_by_text("Les exclusions sont enregistrées.").wait_for()
    page.get_by_role("heading", name="2 exclusions enregistrées").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Explorer les configurations").click()
    page.wait_for_url("**/exploration/")
    assert_accessible(page)
    answer = page.locator("#morpho-answer")
    for component, hypothesis in enumerate(PICKED):
        page.locator(f"label[for='c-{component}-{hypothesis}']").click()
        # morpho.js asks the server and rewrites the answer (a live region).
        made = "avec le choix fait" if component == 0 else f"avec les {component + 1} choix faits"
        expect(answer).to_contain_text(made)
        expect(page.locator(f"#c-{component}-{hypothesis}")).to_be_checked()
    expect(answer).to_contain_text("Configuration complète et cohérente")
    assert_accessible(page)

    page.get_by_label("Nom du scénario").fill("Le bourg des courtes distances")
    page.get_by_label("Récit").fill(
        "Le car cadencé et la maison de santé ramènent les habitants au centre-bourg."
    )
    page.get_by_role("button", name="Enregistrer le scénario").click()
    page.wait_for_url(re.compile(r"/espace/etudes/\d+/#scenarios$"))
    page.get_by_text("Le scénario « Le bourg des courtes distances » est enregistré.").wait_for()
    page.get_by_role("heading", name="Le bourg des courtes distances").wait_for()
    assert_accessible(page)
    scenario = Scenario.objects.get(study=study)
    assert scenario.configuration == {
        name: hypotheses[PICKED[i]] for i, (name, hypotheses) in enumerate(COMPONENTS.items())
    }
    return study


def test_a_consultant_explores_a_morphological_space_and_saves_a_scenario(
    page, live_server, cast, assert_accessible
):
    study = morphological_analysis(page, live_server, cast.fabrique_a.slug, assert_accessible)
    retain_and_cite(page, live_server, cast, study, assert_accessible)


# 4. From foresight to action --------------------------------------------------------------------


def retain_and_cite(page, live_server, cast, study, assert_accessible) -> None:
    """The study is run, its scenario retained on the run's page, and an action sheet of the
    territory's roadmap cites it; the study's page then names the sheet that answers it."""
    sheet = ActionSheetFactory(
        axis=AxisFactory(roadmap=RoadmapFactory(participation=cast.participation_a))
    )
    page.goto(f"{live_server.url}/espace/etudes/{study.pk}/")
    page.get_by_role("button", name="Lancer le calcul").click()
    page.wait_for_url("**/calculs/*/")
    page.get_by_role("heading", name="Retenir pour la suite").wait_for()
    page.get_by_role("button", name="Retenir — Le bourg des courtes distances").click()
    page.get_by_role("button", name="Ne plus retenir — Le bourg des courtes distances").wait_for()
    assert_accessible(page)
    retained = RetainedResult.objects.get(study=study)
    assert retained.kind == "scenario" and retained.label == "Le bourg des courtes distances"

    page.goto(f"{live_server.url}/espace/fiches-action/{sheet.pk}/")
    page.get_by_text("Choisir les variables clés, enjeux, scénarios et énoncés").click()
    # A DSFR checkbox is clicked through its label, as a person does.
    page.locator("label", has_text="Le bourg des courtes distances").click()
    expect(page.get_by_label(re.compile("Le bourg des courtes distances"))).to_be_checked()
    page.locator("section[aria-labelledby=prospective]").get_by_role(
        "button", name="Enregistrer"
    ).click()
    page.get_by_text("Les résultats de la prospective cités sont enregistrés.").wait_for()
    assert_accessible(page)
    assert list(sheet.answers.all()) == [retained]

    page.goto(f"{live_server.url}/espace/etudes/{study.pk}/")
    expect(page.locator("section[aria-labelledby=retenus]")).to_contain_text(sheet.title)
    assert_accessible(page)
