"""Public site pages as an anonymous visitor sees them: content, filters, errors, budgets."""

import datetime
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.test import RequestFactory
from django.urls import reverse

from fabriques.programme.models import FabriqueStatus, Role
from fabriques.programme.services import fabrique_refresh_search_text
from fabriques.programme.tests.dataset import (
    SharedTerritories,
    build_fabrique,
    build_programme,
)
from fabriques.programme.tests.factories import (
    FabriqueOrganisationFactory,
    OrganisationFactory,
    ThemeFactory,
)
from fabriques.public import views
from fabriques.territories.tests.factories import DepartementFactory, RegionFactory

pytestmark = pytest.mark.django_db


# --- Helpers ---------------------------------------------------------------------------


class Page(HTMLParser):
    """The bits of a page the accessibility checks need: headings, labels, form controls."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.h1 = 0
        self.label_for: set[str] = set()
        self.lang = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "h1":
            self.h1 += 1
        if tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        if tag == "html":
            self.lang = attrs.get("lang")

    def controls(self, form_id=None):
        return [
            attrs
            for tag, attrs in self.tags
            if tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden"
        ]


def text(response) -> str:
    """Visible text, single-spaced, non-breaking spaces as spaces."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    visible = unescape(re.sub(r"<[^>]+>", " ", html))
    return " ".join(visible.replace("\xa0", " ").replace("\u202f", " ").split())


def fabrique_titles(response) -> list[str]:
    return [f.title for f in response.context["page_obj"].object_list]


# --- Every page renders ------------------------------------------------------------------


def page_urls(fabriques, territories: SharedTerritories) -> dict[str, str]:
    return {
        "home": reverse("public:home"),
        "catalogue": reverse("public:catalogue"),
        "fabrique_detail": reverse("public:fabrique_detail", args=[fabriques[0].slug]),
        "territory_list": reverse("public:territory_list"),
        "territory_commune": reverse("public:territory_commune", args=[territories.commune.code]),
        "territory_epci": reverse("public:territory_epci", args=[territories.epci.siren]),
        "territory_qpv": reverse("public:territory_qpv", args=[territories.qpv.pk]),
        "organisation_list": reverse("public:organisation_list"),
        "organisation_detail": reverse("public:organisation_detail", args=["amf"]),
        "accessibility": reverse("public:accessibility"),
        "legal": reverse("public:legal"),
    }


@pytest.fixture
def programme():
    return build_programme(2), SharedTerritories.load()


def test_every_page_renders_for_an_anonymous_visitor_with_one_h1_in_french(client, programme):
    for name, url in page_urls(*programme).items():
        response = client.get(url)
        assert response.status_code == 200, name
        page = Page(response.content.decode())
        assert page.lang == "fr", name
        assert page.h1 == 1, name
        assert "Fabriques Prospectives" in text(response), name
        # The main navigation, the skip links and the mandatory footer links are on every page.
        body = response.content.decode()
        assert 'href="#contenu"' in body and 'id="contenu"' in body, name
        assert "Accessibilité : non conforme" in text(response), name
        assert reverse("public:legal") in body and reverse("opendata:index") in body, name


def test_navigation_marks_the_current_section(client, programme):
    fabriques, _ = programme
    response = client.get(reverse("public:fabrique_detail", args=[fabriques[0].slug]))
    body = response.content.decode()
    assert f'href="{reverse("public:catalogue")}" aria-current="true"' in body
    response = client.get(reverse("public:catalogue"))
    assert f'href="{reverse("public:catalogue")}" aria-current="page"' in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/fabriques/inconnue/",
        "/territoires/communes/99999/",
        "/territoires/communes/2A999/",
        "/territoires/communes/%00/",
        "/territoires/communes/1234/",
        "/territoires/epci/123456789/",
        "/territoires/epci/12345678x/",
        "/territoires/qpv/99999999999999999999999999/",
        "/fabriques/%00/",
        "/territoires/qpv/987654/",
        "/organisations/inconnue/",
        "/une-page-qui-n-existe-pas/",
    ],
)
def test_unknown_objects_answer_the_dsfr_404_page(client, programme, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page non trouvée" in text(response)
    assert Page(response.content.decode()).h1 == 1


def test_a_fabrique_that_is_not_public_is_nowhere_on_the_public_site(client, programme):
    draft = build_fabrique(title="Brouillon secret", status=FabriqueStatus.DESIGNED)
    only_in_draft = OrganisationFactory(slug="discret", name="Partenaire discret")
    FabriqueOrganisationFactory(fabrique=draft, organisation=only_in_draft, role=Role.PARTNER)
    commune = draft.participations.filter(kind="commune").get().commune
    assert commune is not None

    assert client.get(f"/fabriques/{draft.slug}/").status_code == 404
    assert client.get("/organisations/discret/").status_code == 404
    for url in [
        "/",
        "/fabriques/",
        "/territoires/",
        "/organisations/",
        f"/territoires/communes/{commune.code}/",
    ]:
        response = client.get(url)
        assert "Brouillon secret" not in text(response), url
        assert "Partenaire discret" not in text(response), url


def test_server_error_page_renders_without_request_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Erreur inattendue" in body and 'lang="fr"' in body
    assert Page(body).h1 == 1


# --- Catalogue ---------------------------------------------------------------------------


def test_catalogue_groups_fabriques_by_year_most_recent_first(client, programme):
    response = client.get(reverse("public:catalogue"))
    headings = re.findall(r"Fabriques Prospectives initiées en (\d{4})", text(response))
    assert headings == ["2019", "2018"]


def test_catalogue_search_ignores_accents_and_case(client):
    build_programme(0)
    build_fabrique(title="Santé environnementale des petites villes", year=2019)
    build_fabrique(title="Temps et rythmes urbains", year=2021, themes=[ThemeFactory.create()])
    for q in ["sante", "SANTÉ", "santé environnementale", "Sante  petites"]:
        response = client.get(reverse("public:catalogue"), {"q": q})
        assert fabrique_titles(response) == ["Santé environnementale des petites villes"], q
    assert fabrique_titles(client.get("/fabriques/", {"q": "rythmes santé"})) == []


def test_catalogue_search_matches_word_starts_not_inside_words(client):
    build_programme(0)
    sante = ThemeFactory.create(slug="sante-publique", name="Santé publique")
    build_fabrique(title="Des composantes du territoire", year=2019, themes=[ThemeFactory.create()])
    build_fabrique(title="Une Fabrique de la santé", year=2020, themes=[sante])
    build_fabrique(
        title="Santé-environnement et d’industrie", year=2021, themes=[ThemeFactory.create()]
    )
    titles = fabrique_titles(client.get("/fabriques/", {"q": "sante"}))
    assert titles == ["Santé-environnement et d’industrie", "Une Fabrique de la santé"]
    # A word after a hyphen or an apostrophe starts a word too.
    for q in ["environnement", "industrie", "indus"]:
        assert fabrique_titles(client.get("/fabriques/", {"q": q})) == [
            "Santé-environnement et d’industrie"
        ], q
    assert fabrique_titles(client.get("/fabriques/", {"q": "posantes"})) == []


def test_catalogue_cards_say_why_they_matched(client):
    build_programme(0)
    build_fabrique(
        title="Vieillir au village",
        year=2020,
        themes=[ThemeFactory.create(slug="sante-publique", name="Santé publique")],
        objective="Imaginer **l’accès aux soins** et la santé des aînés en 2040, avec les habitants.",
    )
    response = client.get("/fabriques/", {"q": "Santé"})
    body = response.content.decode()
    assert "Correspond à : objectif « " in text(response)
    assert "<mark>santé</mark> des aînés" in body
    assert "thème « <mark>Santé</mark> publique »" in body
    # The title did not match: it is neither marked nor named.
    assert "Correspond à : titre" not in text(response)
    # Without a search, no card explains anything.
    assert "Correspond à" not in text(client.get("/fabriques/"))
    # Marks never break the page's escaping.
    assert "<mark>" not in text(client.get("/fabriques/", {"q": "<mark>"}))


def test_organisation_search_matches_word_starts(client):
    build_programme(0)
    fabrique = build_fabrique()
    for slug, name in [("sante-france", "Santé publique France"), ("composante", "Composante")]:
        organisation = OrganisationFactory(slug=slug, name=name, kind="operator")
        FabriqueOrganisationFactory(fabrique=fabrique, organisation=organisation, role="partner")
    response = client.get(reverse("public:organisation_list"), {"q": "sante"})
    assert [o.slug for o in response.context["page_obj"].object_list] == ["sante-france"]


@pytest.mark.parametrize("url_name", ["public:catalogue", "public:organisation_list"])
def test_search_terms_come_back_without_control_characters(client, url_name):
    build_programme(0)
    build_fabrique(title="Santé environnementale des petites villes", year=2019)
    OrganisationFactory(name="Santé publique France")
    response = client.get(reverse(url_name), {"q": "sant\x00é\x1b[31m\nenvironnementale"})
    assert response.status_code == 200
    html = response.content.decode()
    # The term applied and shown again: NUL and ESC gone, the newline a space.
    assert 'value="santé[31m environnementale"' in html
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", html)
    assert "caractère nul" not in html
    if url_name == "public:catalogue":
        response = client.get(reverse(url_name), {"q": "sant\x00é\x1b\npetites"})
        assert fabrique_titles(response) == ["Santé environnementale des petites villes"]


def test_catalogue_search_reaches_organisations_and_territories(client, programme):
    fabriques, _ = programme
    participation = fabriques[1].participations.filter(kind="epci").order_by("position")[0]
    # A name no factory sequence can produce ("… 1" would also find "… 12").
    participation.label = "Communauté d’agglomération du Pays Témoin"
    participation.save(update_fields=["label"])
    fabrique_refresh_search_text(fabrique=fabriques[1])
    response = client.get("/fabriques/", {"q": "pays temoin"})
    assert fabrique_titles(response) == [fabriques[1].title]
    assert len(fabrique_titles(client.get("/fabriques/", {"q": "maires de france"}))) == 2


def test_catalogue_filters_each_criterion(client):
    build_programme(0)
    nord = DepartementFactory(code="59", name="Nord", region=RegionFactory(code="32"))
    other_association = OrganisationFactory.create(slug="villes-de-france", name="Villes de France")
    lille = build_fabrique(
        title="Lille", year=2019, departement=nord, association=other_association
    )
    lille.anct_programmes.clear()
    lille.themes.set([ThemeFactory.create(slug="industrie", name="Industrie")])
    nantes = build_fabrique(title="Nantes", year=2020)
    nantes_participation = nantes.participations.first()
    assert nantes_participation is not None
    cases = {
        "year=2019": ["Lille"],
        "year=2020": ["Nantes"],
        "theme=industrie": ["Lille"],
        "association=villes-de-france": ["Lille"],
        "association=amf": ["Nantes"],
        "programme=acv": ["Nantes"],
        "region=32": ["Lille"],
        "departement=59": ["Lille"],
        f"departement={nantes_participation.departement.code}": ["Nantes"],
        "kind=qpv": ["Nantes", "Lille"],
        "kind=qpv&region=32": ["Lille"],
    }
    for query, expected in cases.items():
        response = client.get(f"/fabriques/?{query}")
        assert response.status_code == 200
        assert fabrique_titles(response) == expected, query
        assert not response.context["form"].errors, query


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc", "L’année « abc » n’est pas une année du programme"),
        ("year=1999", "L’année « 1999 » n’est pas une année du programme"),
        ("year=2019.5", "L’année « 2019.5 »"),
        ("theme=inconnu", "Le thème « inconnu » est inconnu"),
        ("departement=%27%3B--", "Le département de code « ';-- » est inconnu"),
        ("kind=ville", "Le type de territoire « ville » est inconnu"),
        ("q=" + "x" * 201, "La recherche est limitée à 200 caractères"),
        ("theme=%00inconnu%1b", "Le thème « inconnu » est inconnu"),
    ],
)
def test_catalogue_bad_filter_values_give_a_french_message_and_an_unfiltered_list(
    client, programme, query, message
):
    response = client.get(f"/fabriques/?{query}")
    assert response.status_code == 200
    assert "Certains filtres n’ont pas été appliqués" in text(response)
    assert message in text(response)
    assert len(fabrique_titles(response)) == 2


def test_catalogue_bad_filter_keeps_the_valid_ones(client, programme):
    response = client.get("/fabriques/?year=abc&theme=inconnu&q=introuvable")
    assert fabrique_titles(response) == []  # q applies (nothing matches), bad ones ignored
    response = client.get("/fabriques/?year=abc&kind=epci")
    assert len(fabrique_titles(response)) == 2


@pytest.mark.parametrize("page", ["abc", "-1", "0", "999", "2.5"])
def test_catalogue_bad_page_numbers_do_not_crash(client, programme, page):
    response = client.get("/fabriques/", {"page": page})
    assert response.status_code == 200
    assert len(fabrique_titles(response)) == 2


def test_catalogue_paginates_by_twenty_and_keeps_filters_in_page_links(client):
    build_programme(30, shared=False)
    first = client.get("/fabriques/", {"kind": "epci"})
    assert len(fabrique_titles(first)) == 20
    assert first.context["page_obj"].paginator.count == 30
    assert "?kind=epci&amp;page=2#resultats" in first.content.decode()
    assert "page 1 sur 2" in first.content.decode()
    second = client.get("/fabriques/", {"kind": "epci", "page": 2})
    assert len(fabrique_titles(second)) == 10
    assert not set(fabrique_titles(first)) & set(fabrique_titles(second))


def test_catalogue_empty_state(client, programme):
    response = client.get("/fabriques/", {"q": "aucune fabrique ne parle de ceci"})
    assert "Aucune Fabrique Aucune Fabrique ne correspond à votre recherche" in text(response)
    assert "Aucune Fabrique ne correspond à votre recherche" in text(response)


def test_every_filter_field_has_a_label(client, programme):
    for url in ["/fabriques/", "/territoires/", "/organisations/", "/fabriques/?year=abc"]:
        page = Page(client.get(url).content.decode())
        controls = page.controls()
        assert controls, url
        for control in controls:
            assert control.get("id") in page.label_for, (url, control)
    # An invalid field points to its message.
    page = Page(client.get("/fabriques/?year=abc").content.decode())
    (year,) = [attrs for tag, attrs in page.tags if attrs.get("id") == "id_year"]
    assert year["aria-invalid"] == "true" and year["aria-describedby"] == "id_year_error"


# --- Fabrique page -----------------------------------------------------------------------


def test_fabrique_page_shows_everything_published_about_it(client, programme):
    fabrique = build_fabrique(
        title="Alimentation durable",
        title_note="Intitulé rédigé d'après l'objectif publié.",
        start_month=datetime.date(2021, 4, 1),
        end_month=datetime.date(2022, 6, 1),
        cofinancing="Elle est cofinancée par l'ANCT et la DGOM.",
        source="ANCT, description du programme",
        objective="# Enjeux\n\nUne **alimentation** durable.\n\n<script>alert(1)</script>",
    )
    response = client.get(reverse("public:fabrique_detail", args=[fabrique.slug]))
    page = text(response)
    body = response.content.decode()
    assert "Intitulé rédigé d'après l'objectif publié." in page
    assert "D’avril 2021 à juin 2022" in page
    assert "Initiée en 2020" in page and "Terminée et publiée" in page
    assert "Santé" in page  # theme tag
    assert "<h3>Enjeux</h3>" in body and "<strong>alimentation</strong>" in body
    assert "<script>alert(1)" not in body
    assert "Association des maires de France" in page  # association
    assert "contact : Coline Perrin" in page  # partner's contact person
    assert "Caisse des dépôts" in page and "Elle est cofinancée par l'ANCT et la DGOM." in page
    provider = fabrique.roles.get(role=Role.PROVIDER).organisation
    assert provider.name in page
    assert "Action cœur de ville" in page
    resource = fabrique.resources.get()
    assert resource.url in body
    assert "ANCT, description du programme" in page
    for participation in fabrique.participations.select_related("departement__region"):
        assert participation.label in page
        assert participation.departement.region.name in page
    qpv = fabrique.participations.get(kind="qpv")
    assert qpv.commune is not None
    assert reverse("public:territory_qpv", args=[qpv.qpv_id]) in body
    assert reverse("public:territory_commune", args=[qpv.commune.code]) in body  # its host


def test_fabrique_page_only_publishes_the_contact_name_of_people(client, programme):
    fabriques, _ = programme
    response = client.get(reverse("public:fabrique_detail", args=[fabriques[0].slug]))
    assert "amount" not in response.content.decode()
    assert "@" not in text(response).replace("@etalab", "")


# --- Territory pages ---------------------------------------------------------------------


def test_commune_page_lists_fabriques_joined_directly_through_its_qpv_and_its_epci(
    client, programme
):
    fabriques, _ = programme
    response = client.get(reverse("public:territory_commune", args=["44109"]))
    page = text(response)
    assert "Code INSEE 44109" in page and "Loire-Atlantique (44)" in page
    assert "Pays de la Loire" in page and "1 000 habitants" in page
    assert "Nantes Métropole" in page and "Bellevue" in page
    assert "2 Fabriques Prospectives" not in page  # 3 rows per Fabrique
    relations = [row.relation for row in response.context["page"].fabriques]
    assert sorted(relations) == sorted(["self", "epci", "hosted_qpv"] * 2)
    assert "Son intercommunalité : Nantes Métropole" in page
    assert "Le quartier prioritaire qu’elle porte : Bellevue" in page
    for fabrique in fabriques:
        assert fabrique.title in page


def test_epci_page_lists_its_facts_member_communes_and_their_fabriques(client, programme):
    response = client.get(reverse("public:territory_epci", args=["244400404"]))
    page = text(response)
    assert "SIREN 244400404" in page and "Métropole" in page
    assert "1 commune membre" in page and "Nantes" in page
    relations = sorted(row.relation for row in response.context["page"].fabriques)
    assert relations == sorted(["self", "member", "member_qpv"] * 2)


def test_epci_page_collapses_a_long_list_of_member_communes(client, programme):
    from fabriques.territories.tests.factories import CommuneFactory

    _, territories = programme
    territories.epci.communes.add(*CommuneFactory.create_batch(20))
    response = client.get(reverse("public:territory_epci", args=[territories.epci.siren]))
    body = response.content.decode()
    assert 'aria-controls="communes-membres"' in body and "21 communes membres" in text(response)


def test_qpv_page_shows_its_host_authority_and_fabriques(client, programme):
    fabriques, territories = programme
    response = client.get(reverse("public:territory_qpv", args=[territories.qpv.pk]))
    page = text(response)
    assert "Code QPV Non renseigné" in page
    assert "Collectivité porteuse Nantes" in page
    assert [row.fabrique for row in response.context["page"].fabriques] == sorted(
        fabriques, key=lambda f: (-f.programme_year.year, f.title)
    )


@pytest.mark.parametrize(
    "source, expected",
    [
        (
            "data/referential/qpv/programme-qpv.csv",
            "Source du quartier : « Les Fabriques Prospectives : accompagner les territoires "
            "dans les transitions », Agence nationale de la cohésion des territoires (ANCT), "
            "sous Licence Ouverte 2.0. Quartier nommé dans la description du programme",
        ),
        (
            "/srv/imports/QPV 2024 (copie).csv",
            "Source du quartier : « Liste des quartiers prioritaires de la politique de la "
            "ville », Agence nationale de la cohésion des territoires (ANCT). Fichier au "
            "format de l’ANCT importé par l’équipe de la plateforme.",
        ),
    ],
)
def test_qpv_page_names_its_source_never_a_file_path(client, programme, source, expected):
    _, territories = programme
    territories.qpv.source = source
    territories.qpv.save(update_fields=["source"])
    response = client.get(reverse("public:territory_qpv", args=[territories.qpv.pk]))
    assert expected in text(response)
    assert ".csv" not in response.content.decode()


def test_territory_list_groups_each_territory_once_with_its_fabriques(client, programme):
    response = client.get(reverse("public:territory_list"))
    territories = response.context["page_obj"].object_list
    # 3 own territories per Fabrique + the 3 shared ones.
    assert len(territories) == 2 * 3 + 3
    nantes = next(t for t in territories if t.kind == "commune" and t.entity.code == "44109")
    assert len(nantes.participations) == 2
    response = client.get(reverse("public:territory_list"), {"kind": "qpv"})
    assert {t.kind for t in response.context["page_obj"].object_list} == {"qpv"}
    response = client.get(reverse("public:territory_list"), {"kind": "ville"})
    assert response.status_code == 200
    assert "Le type de territoire « ville » est inconnu" in text(response)


# --- Organisation pages ------------------------------------------------------------------


def test_organisation_list_filters_by_kind_and_name(client, programme):
    response = client.get(reverse("public:organisation_list"), {"kind": "elected_association"})
    assert [o.slug for o in response.context["page_obj"].object_list] == ["amf"]
    response = client.get(reverse("public:organisation_list"), {"q": "caisse des depots"})
    assert [o.slug for o in response.context["page_obj"].object_list] == ["cdc"]
    response = client.get(reverse("public:organisation_list"), {"kind": "banque"})
    assert response.status_code == 200
    assert "Le type d’organisation « banque » est inconnu" in text(response)


def test_organisation_page_groups_fabriques_by_role(client, programme):
    fabriques, _ = programme
    cdc = OrganisationFactory(slug="cdc")
    FabriqueOrganisationFactory(fabrique=fabriques[0], organisation=cdc, role=Role.PARTNER)
    response = client.get(reverse("public:organisation_detail", args=["cdc"]))
    groups = response.context["detail"].groups
    assert [g.role for g in groups] == ["partner", "cofunder"]
    assert len(groups[1].roles) == 2
    page = text(response)
    assert "Partenaire (1 Fabrique)" in page and "Cofinanceur (2 Fabriques)" in page


# --- Query budgets -----------------------------------------------------------------------
#
# Each budget is measured with 2 and with 30 Fabriques; the shared commune, EPCI and QPV
# joined every one of them, so their pages list 2 or 30 times more rows with the same
# number of queries.

# Every page also reads the open calls for the main menu (calls.call_calendar): the data
# version, then, with the tests' dummy cache, the calls' dates: MENU more queries.
MENU = 2
BUDGETS = {
    # (the tests use a dummy cache: cached figures are computed on every request)
    # statistics snapshot: data version, years, themes, programmes, associations, régions,
    # kinds, départements; latest Fabriques; their themes; associations; territories.
    "home": 12 + MENU,
    # filter choices: data version, years, themes, associations, programmes, départements
    # with régions; count; page of Fabriques with their year; themes; associations;
    # territories; with a search, what the cards say matched: programmes, organisations.
    "catalogue": 13 + MENU,
    # the Fabrique with its year; themes; programmes; roles with organisations; resources;
    # territories with commune, EPCI, QPV, département and région; its public minutes; for a
    # published Fabrique, its working groups' mobilisation: the meetings held (count), the
    # data version, the meetings (their registrations too, when some were held: none here);
    # its library (cached by data version): data version, published roadmaps, published
    # recommendations (their progress and reviews too, when some are published: none here).
    "fabrique_detail": 13 + MENU,
    # count of distinct territories; the page's territories; their participations with
    # everything the table shows.
    "territory_list": 3 + MENU,
    # commune with département and région; its EPCI; its QPV; participations; their
    # published roadmaps (the library).
    "territory_commune": 5 + MENU,
    # EPCI with département and région; member communes; participations; their
    # published roadmaps (the library).
    "territory_epci": 4 + MENU,
    # QPV with département and région; its communes; participations with hosts; their
    # published roadmaps (the library).
    "territory_qpv": 4 + MENU,
    # count; page of organisations with their counts per role.
    "organisation_list": 2 + MENU,
    # organisation; its roles in public Fabriques with the Fabrique and its year.
    "organisation_detail": 2 + MENU,
    "accessibility": 0 + MENU,
    "legal": 0 + MENU,
}


@pytest.mark.parametrize("size", [2, 30])
def test_query_budgets_do_not_grow_with_data(client, django_assert_num_queries, size):
    urls = page_urls(build_programme(size), SharedTerritories.load())
    urls["catalogue"] += "?q=fabrique&theme=sante&association=amf&kind=epci&region=52"
    for name, url in urls.items():
        with django_assert_num_queries(BUDGETS[name]):
            response = client.get(url)
        assert response.status_code == 200, name
    # The shared territories really list every Fabrique.
    response = client.get(urls["territory_commune"])
    assert len(response.context["page"].fabriques) == 3 * size


def test_pages_render_on_an_empty_database(client):
    for url in ["/", "/fabriques/", "/territoires/", "/organisations/", "/accessibilite/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert Page(response.content.decode()).h1 == 1, url
    assert "Aucune Fabrique n’est encore publiée." in text(client.get("/"))
