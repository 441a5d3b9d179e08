"""The public library: published content only, for everyone, with fixed query budgets."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fabriques.accounts.models import MembershipRole, User
from fabriques.accounts.tests.factories import MembershipFactory, UserFactory
from fabriques.core.versioning import bump_data_version
from fabriques.programme.models import Fabrique
from fabriques.recommendations.models import Implementation, Recommendation
from fabriques.roadmaps.models import ActionSheet, Roadmap, RoadmapStatus, SheetStatus

from . import library_data as data

LOCMEM = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lib"}
}


def without_token(response) -> str:
    """The page without its CSRF token (the logout form's, new on each request)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


class LibraryPagesTest(TestCase):
    fabrique: Fabrique
    other_fabrique: Fabrique
    roadmap: Roadmap
    sheet: ActionSheet
    draft: Roadmap
    draft_sheet: ActionSheet
    recommendation: Recommendation
    draft_recommendation: Recommendation
    other_recommendation: Recommendation
    admin: User
    pilot: User
    referent: User
    stranger: User

    @classmethod
    def setUpTestData(cls):
        cls.fabrique = data.fabrique(year=2022, title="Fabrique santé", slug="sante", theme="sante")
        cls.other_fabrique = data.fabrique(year=2023, title="Fabrique mobilité", slug="mobilite")
        cls.roadmap = data.roadmap(fabrique_obj=cls.fabrique, sheets=5)
        cls.sheet = cls.roadmap.sheets.get(number=1)
        cls.draft = data.roadmap(
            fabrique_obj=cls.fabrique, published=False, title="Feuille de route brouillon"
        )
        cls.draft_sheet = cls.draft.sheets.get(number=1)
        cls.recommendation = data.recommendation(
            fabrique_obj=cls.fabrique, degree=Implementation.PARTIALLY
        )
        cls.draft_recommendation = data.recommendation(
            fabrique_obj=cls.fabrique, number=2, published=False
        )
        cls.other_recommendation = data.recommendation(fabrique_obj=cls.other_fabrique)
        # Personas: the public page is the same for all of them.
        cls.admin = MembershipFactory.create(role=MembershipRole.ANCT_ADMIN).user
        cls.pilot = MembershipFactory.create(
            role=MembershipRole.ANCT_PILOT, fabrique=cls.fabrique
        ).user
        cls.referent = MembershipFactory.create(
            role=MembershipRole.ELECTED_REFERENT,
            participation=cls.draft.participation,
            fabrique=None,
        ).user
        cls.stranger = UserFactory.create()

    def personas(self):
        return [None, self.admin, self.pilot, self.referent, self.stranger]

    def get_as(self, user, url):
        self.client.logout()
        if user is not None:
            self.client.force_login(user)
        return self.client.get(url)

    # --- who sees what --------------------------------------------------------------------

    def test_published_pages_are_public_for_every_persona(self):
        urls = [
            reverse("public:library"),
            reverse("public:roadmap", args=[self.roadmap.pk]),
            reverse("public:sheet", args=[self.sheet.pk]),
            reverse("public:recommendation", args=[self.recommendation.pk]),
        ]
        for user in self.personas():
            for url in urls:
                with self.subTest(user=user, url=url):
                    response = self.get_as(user, url)
                    self.assertEqual(response.status_code, 200)
                    self.assertNotIn(data.PRIVATE, response.content.decode())

    def test_unpublished_is_the_same_404_as_nonexistent_for_every_persona(self):
        pairs = [
            ("public:roadmap", self.draft.pk),
            ("public:sheet", self.draft_sheet.pk),
            ("public:recommendation", self.draft_recommendation.pk),
        ]
        for user in self.personas():
            for name, pk in pairs:
                with self.subTest(user=user, name=name):
                    unpublished = self.get_as(user, reverse(name, args=[pk]))
                    missing = self.get_as(user, reverse(name, args=[999999]))
                    self.assertEqual(unpublished.status_code, 404)
                    self.assertEqual(missing.status_code, 404)
                    # Same page: nothing tells an unpublished object from a missing one.
                    self.assertEqual(without_token(unpublished), without_token(missing))

    def test_library_lists_published_roadmaps_and_recommendations_only(self):
        page = text(self.client.get(reverse("public:library")))
        self.assertIn(self.roadmap.title, page)
        self.assertNotIn("Feuille de route brouillon", page)
        self.assertIn("1 feuille de route", page)
        self.assertIn("2 préconisations", page)
        recos = text(self.client.get(reverse("public:library") + "?vue=preconisations"))
        self.assertIn(reverse("public:recommendation", args=[self.recommendation.pk]), recos)
        self.assertIn(reverse("public:recommendation", args=[self.other_recommendation.pk]), recos)
        self.assertNotIn(
            reverse("public:recommendation", args=[self.draft_recommendation.pk]), recos
        )
        self.assertIn("Partiellement mise en œuvre", recos)
        self.assertIn("Non encore évaluée", recos)

    def test_library_filters_by_year_fabrique_and_theme(self):
        url = reverse("public:library") + "?vue=preconisations"
        by_year = text(self.client.get(url + "&annee=2023"))
        self.assertIn(
            reverse("public:recommendation", args=[self.other_recommendation.pk]), by_year
        )
        self.assertNotIn(reverse("public:recommendation", args=[self.recommendation.pk]), by_year)
        by_fabrique = text(self.client.get(url + "&fabrique=sante"))
        self.assertIn(reverse("public:recommendation", args=[self.recommendation.pk]), by_fabrique)
        self.assertNotIn(
            reverse("public:recommendation", args=[self.other_recommendation.pk]), by_fabrique
        )
        by_theme = text(self.client.get(url + "&theme=sante"))
        self.assertIn(reverse("public:recommendation", args=[self.recommendation.pk]), by_theme)
        self.assertNotIn(
            reverse("public:recommendation", args=[self.other_recommendation.pk]), by_theme
        )
        roadmaps = text(self.client.get(reverse("public:library") + "?annee=2023"))
        self.assertIn("Aucune feuille de route publiée ne correspond à ces filtres.", roadmaps)

    def test_unknown_filter_is_reported_and_ignored(self):
        response = self.client.get(reverse("public:library") + "?annee=1850")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Certains filtres n’ont pas été appliqués", response.content.decode())
        self.assertIn(self.roadmap.title, response.content.decode())

    # --- what the pages say ---------------------------------------------------------------

    def test_roadmap_page_shows_summary_first_axes_sheets_and_progress(self):
        page = text(self.client.get(reverse("public:roadmap", args=[self.roadmap.pk])))
        summary = page.index('fr-callout__text">Nous voulons que chacun puisse voir un médecin')
        self.assertLess(summary, page.index("Ce qu’elle est devenue"))
        self.assertLess(summary, page.index("Axe 1 : Santé de proximité"))
        self.assertIn("Comité de pilotage intercommunal", page)
        self.assertIn("Agence régionale de santé", page)
        self.assertIn("Action 5 : maison de santé", page)
        self.assertIn("Communauté de communes du Val", page)
        # Statuses cycle done, in progress, dropped, late, not started: no follow-up yet.
        self.assertIn("Aucun suivi n’a encore été remis", page)
        self.assertIn("1 fiche réalisée (20,0 %)", page)
        self.assertIn("2 fiches en cours (40,0 %)", page)
        self.assertIn("1 fiche abandonnée (20,0 %)", page)
        # Five sheets × 100 000 € HT planned (FTE lines are not money), 30 000 € granted each.
        self.assertIn(
            "500 000 € HT de budget prévu", page.replace("\u202f", " ").replace("\xa0", " ")
        )

    def test_roadmap_progress_comes_from_the_latest_closed_follow_up(self):
        data.close_follow_up(
            self.roadmap, {1: SheetStatus.DONE, 2: SheetStatus.DONE, 3: SheetStatus.DONE}
        )
        page = text(self.client.get(reverse("public:roadmap", args=[self.roadmap.pk])))
        self.assertIn("D’après le suivi à un an, remis le 20 juin 2025.", page)
        # Sheets 1-3 done at the follow-up, 4 (late) and 5 (not started) from their status.
        self.assertIn("3 fiches réalisées (60,0 %)", page)
        self.assertIn("1 fiche en cours (20,0 %)", page)
        self.assertIn("0 fiches abandonnées (0,0 %)", page)

    def test_sheet_page_shows_the_sheet_without_personal_data_or_comments(self):
        data.close_follow_up(self.roadmap, {1: SheetStatus.IN_PROGRESS})
        page = text(self.client.get(reverse("public:sheet", args=[self.sheet.pk])))
        for shown in (
            "Fiche 1 : Action 1 : maison de santé",
            "Communauté de communes du Val",
            "M. le directeur général des services",  # the pilot's role, as published
            "Mme la vice-présidente",
            "Ordre des médecins",
            "Étude de faisabilité",
            "Médecins installés",
            "Réunion avec l’ARS tenue.",  # the writers' dated note
            "Au suivi à un an, remis le 20 juin 2025 :",
            "Travaux commencés.",
        ):
            self.assertIn(shown, page)
        self.assertNotIn(data.PRIVATE, page)  # review comments, invited editors
        self.assertNotIn("Invitée", page)

    def test_recommendation_page_shows_positions_dissents_answer_and_degree(self):
        page = text(
            self.client.get(reverse("public:recommendation", args=[self.recommendation.pk]))
        )
        for shown in (
            "Association des maires ruraux",
            "Villes moyennes de France",
            "Désaccord",
            "Ce guichet existe déjà dans certains départements.",
            "La déléguée générale",
            "Envoyée à Ministère de la santé le 1 juin 2024.",
            "Le ministère étudie la proposition.",
            "Partiellement mise en œuvre",
            "Circulaire du 3 mars 2025",
        ):
            self.assertIn(shown, page)
        self.assertNotIn(data.PRIVATE, page)

    def test_fabrique_and_territory_pages_link_to_the_library(self):
        fabrique_page = self.client.get(reverse("public:fabrique_detail", args=["sante"]))
        content = fabrique_page.content.decode()
        self.assertIn("Feuilles de route et préconisations", content)
        self.assertIn(reverse("public:roadmap", args=[self.roadmap.pk]), content)
        self.assertIn(reverse("public:recommendation", args=[self.recommendation.pk]), content)
        self.assertNotIn(reverse("public:roadmap", args=[self.draft.pk]), content)
        self.assertNotIn(
            reverse("public:recommendation", args=[self.draft_recommendation.pk]), content
        )
        commune = self.roadmap.participation.commune
        assert commune is not None
        territory = self.client.get(reverse("public:territory_commune", args=[commune.code]))
        self.assertIn(reverse("public:roadmap", args=[self.roadmap.pk]), territory.content.decode())
        draft_commune = self.draft.participation.commune
        assert draft_commune is not None
        draft_territory = self.client.get(
            reverse("public:territory_commune", args=[draft_commune.code])
        )
        self.assertNotIn("Feuille de route brouillon", draft_territory.content.decode())

    def test_main_menu_has_the_library(self):
        response = self.client.get(reverse("public:library"))
        self.assertIn(
            f'href="{reverse("public:library")}" aria-current="page">Bibliothèque',
            response.content.decode(),
        )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


# Cold pages (dummy cache: computed on every request). Each starts with the data version of
# the page (core.versioning) and ends with the two queries of the menu's open calls (their data
# version and their dates, calls.call_calendar).
#  roadmap: data version; access check (get_published_roadmap); the roadmap with territory,
#   Fabrique and year; partners; contracts; axes; the published foresight results they
#   answer; sheets with places; budget lines; funding lines; latest closed follow-ups;
#   sheets' states; the vision (published retained results); menu (2) = 15, + follow-up
#   entries when a follow-up was closed.
ROADMAP_QUERIES = 15
#  sheet: data version; access check; the sheet with roadmap, territory, Fabrique, year, axis
#   and places; budget lines; funding lines; partners; steps; indicators; their values; notes;
#   status history; related sheets; follow-up entries; workshop outcomes of public minutes;
#   published foresight results it answers; recommendations citing it; menu (2) = 18.
SHEET_QUERIES = 18
#  recommendation: data version; access check; the recommendation with Fabrique, year, theme
#   and addressee; positions with organisations; answers; reviews; territories; menu (2) = 9.
RECOMMENDATION_QUERIES = 9
#  library: options' data version; Fabriques, themes (filters' choices); page's data version;
#   count; page of roadmaps; latest closed follow-ups; sheets' states; count of the other
#   list; menu (2) = 11.
LIBRARY_QUERIES = 11


@pytest.mark.django_db
@pytest.mark.parametrize("sheets", [3, 30])
def test_query_counts_do_not_grow_with_sheets(client, sheets):
    roadmap = data.roadmap(sheets=sheets)
    for number in range(2, 8):
        data.roadmap(fabrique_obj=roadmap.fabrique, sheets=sheets, title=f"Autre {number}")
    recommendation = data.recommendation(fabrique_obj=roadmap.fabrique, degree="fully")
    for number in range(2, 2 + sheets // 3):
        data.recommendation(fabrique_obj=roadmap.fabrique, number=number, degree="refused")
    sheet = roadmap.sheets.get(number=3)
    assert _count(client, reverse("public:roadmap", args=[roadmap.pk])) == ROADMAP_QUERIES
    assert _count(client, reverse("public:sheet", args=[sheet.pk])) == SHEET_QUERIES
    url = reverse("public:recommendation", args=[recommendation.pk])
    assert _count(client, url) == RECOMMENDATION_QUERIES
    assert _count(client, reverse("public:library")) == LIBRARY_QUERIES
    assert _count(client, reverse("public:library") + "?vue=preconisations") == LIBRARY_QUERIES - 1


@pytest.mark.django_db
def test_warm_pages_cost_only_the_data_version(client, locmem):
    roadmap = data.roadmap(sheets=4)
    data.close_follow_up(roadmap, {1: SheetStatus.DONE})
    recommendation = data.recommendation(fabrique_obj=roadmap.fabrique, degree="fully")
    urls = [
        reverse("public:library"),
        reverse("public:roadmap", args=[roadmap.pk]),
        reverse("public:sheet", args=[roadmap.sheets.get(number=1).pk]),
        reverse("public:recommendation", args=[recommendation.pk]),
    ]
    for url in urls:
        cold = _count(client, url)
        warm = _count(client, url)
        # The page's data version (and the filters' on the library) and the menu's, read from
        # the cache after them: everything else comes from the cache.
        assert warm == (3 if url == urls[0] else 2), url
        assert cold > warm


@pytest.mark.django_db
def test_a_write_with_a_version_bump_shows_at_once(client, locmem):
    roadmap = data.roadmap(sheets=2)
    url = reverse("public:roadmap", args=[roadmap.pk])
    assert client.get(url).status_code == 200
    roadmap.status = RoadmapStatus.ADOPTED
    roadmap.save(update_fields=["status"])
    # Without a bump the cached page stays (the services bump on every public change)…
    assert client.get(url).status_code == 200
    bump_data_version()
    # …and with it, the unpublished roadmap is gone at once.
    assert client.get(url).status_code == 404
    cache.clear()


@pytest.mark.django_db
@override_settings(CACHES=LOCMEM)
def test_cached_pages_are_the_same_as_fresh_ones(client):
    cache.clear()
    roadmap = data.roadmap(sheets=3)
    url = reverse("public:roadmap", args=[roadmap.pk])
    first = client.get(url).content
    second = client.get(url).content
    assert first == second
    cache.clear()


@pytest.mark.django_db
def test_a_public_sheet_shows_its_public_origins_and_the_recommendations_citing_it(client, locmem):
    from fabriques.workshops.models import MinutesStatus, MinutesVisibility
    from fabriques.workshops.tests.factories import MinutesFactory, OutcomeFactory

    roadmap = data.roadmap(sheets=2)
    sheet = roadmap.sheets.get(number=1)
    public = MinutesFactory(
        workshop__participation=roadmap.participation,
        workshop__title="Atelier des mobilités",
        status=MinutesStatus.PUBLISHED,
        visibility=MinutesVisibility.PUBLIC,
    )
    group_only = MinutesFactory(
        workshop__participation=roadmap.participation,
        status=MinutesStatus.PUBLISHED,
        visibility=MinutesVisibility.GROUP,
    )
    shown = OutcomeFactory(minutes=public, text="Ouvrir une navette vers la gare.")
    hidden = OutcomeFactory(minutes=group_only, text="Discussion interne du groupe.")
    sheet.outcomes.add(shown, hidden)
    cited_by = data.recommendation(fabrique_obj=roadmap.fabrique, number=1)
    draft = data.recommendation(fabrique_obj=roadmap.fabrique, number=2, published=False)
    cited_by.action_sheets.add(sheet)
    draft.action_sheets.add(sheet)
    url = reverse("public:sheet", args=[sheet.pk])

    page = text(client.get(url))
    assert "Issue des rencontres" in page
    assert "Ouvrir une navette vers la gare." in page
    assert reverse("workshops:public_minutes", args=[public.workshop.pk]) in page
    assert "Atelier des mobilités" in page
    assert "Discussion interne du groupe." not in page
    assert reverse("workshops:public_minutes", args=[group_only.workshop.pk]) not in page
    assert "Préconisations qui s’appuient sur cette fiche" in page
    assert reverse("public:recommendation", args=[cited_by.pk]) in page
    assert reverse("public:recommendation", args=[draft.pk]) not in page

    # Minutes made private again leave the cached page at once (roadmaps.signals).
    public.visibility = MinutesVisibility.FABRIQUE
    public.save(update_fields=["visibility"])
    page = text(client.get(url))
    assert "Ouvrir une navette vers la gare." not in page
    assert "Issue des rencontres" not in page


@pytest.mark.django_db
def test_workshop_writes_that_no_public_sheet_cites_do_not_bump_the_version():
    from django.utils import timezone

    from fabriques.core.versioning import data_version
    from fabriques.workshops.tests.factories import MinutesFactory, OutcomeFactory

    roadmap = data.roadmap(sheets=1, published=False)
    minutes = MinutesFactory(workshop__participation=roadmap.participation)
    outcome = OutcomeFactory(minutes=minutes)
    roadmap.sheets.get().outcomes.add(outcome)
    before = data_version()
    minutes.body = "Compte rendu corrigé."
    minutes.save(update_fields=["body"])
    outcome.text = "Décision reformulée."
    outcome.save(update_fields=["text"])
    assert data_version() == before
    roadmap.status = RoadmapStatus.PUBLISHED
    roadmap.published_at = timezone.now()
    roadmap.save(update_fields=["status", "published_at"])
    before = data_version()
    minutes.save(update_fields=["body"])
    assert data_version() == before + 1
