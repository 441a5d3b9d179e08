"""The public search page: anonymous, highlighted, faceted, paginated, bounded in queries."""

from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse

from fabriques.accounts.models import User
from fabriques.accounts.tests.factories import UserFactory
from fabriques.programme.models import Fabrique
from fabriques.recommendations.models import Recommendation
from fabriques.roadmaps.models import Roadmap
from fabriques.search import services
from fabriques.search.models import SearchEntry
from fabriques.search.selectors import PAGE_SIZE
from fabriques.territories.models import Participation
from fabriques.territories.tests.factories import ParticipationFactory

from .factories import FabriqueFactory, ThemeFactory, recommendation, roadmap, sheet

URL = reverse("public:search")


class SearchPageTests(TestCase):
    fabrique: Fabrique
    territory: Participation
    roadmap: Roadmap
    reco: Recommendation
    draft: Recommendation
    user: User

    @classmethod
    def setUpTestData(cls):
        theme = ThemeFactory.create(slug="sante", name="Santé")
        cls.fabrique = FabriqueFactory.create(title="Fabrique de la santé rurale")
        cls.fabrique.themes.add(theme)
        cls.territory = ParticipationFactory(fabrique=cls.fabrique, label="Haut-Allier")
        cls.roadmap = roadmap(
            title="Feuille de route du Haut-Allier",
            participation=cls.territory,
            diagnostic="Les habitants attendent une maison de santé <près> du bourg.",
        )
        for number in range(1, PAGE_SIZE + 3):
            sheet(cls.roadmap, title=f"Centre de santé n° {number}", number=number)
        cls.reco = recommendation(cls.fabrique, title="Financer les centres de santé", theme=theme)
        cls.draft = recommendation(
            cls.fabrique, title="Santé brouillon secret", published=False, number=2
        )
        services.reindex()
        cls.user = UserFactory.create()

    def test_anonymous_visitor_finds_and_sees_marks(self):
        response = self.client.get(URL, {"q": "sante"})
        self.assertEqual(response.status_code, 200)
        # The sheets, the roadmap, the recommendation, the Fabrique and its territory (whose
        # text names the Fabrique).
        total = PAGE_SIZE + 2 + 4
        self.assertEqual(response.context["results"].total, total)
        self.assertContains(response, f"{total} résultats")
        self.assertContains(response, 'role="status"')
        self.assertContains(response, "Centre de <mark>santé</mark> n° 1<")
        self.assertContains(response, "Fiche action")
        self.assertNotContains(response, "brouillon secret")
        response = self.client.get(URL, {"q": "financer SANTE"})
        self.assertContains(response, "<mark>Financer</mark> les centres de <mark>santé</mark>")
        self.assertContains(response, "Préconisation")
        # The body is escaped around the marks.
        response = self.client.get(URL, {"q": "maisons"})
        self.assertContains(response, "une <mark>maison</mark> de santé &lt;près&gt; du bourg")

    def test_signed_in_people_see_the_same_public_results(self):
        self.client.force_login(self.user)
        response = self.client.get(URL, {"q": "secret"})
        self.assertEqual(response.context["results"].total, 0)
        self.assertContains(response, "Aucun résultat")

    def test_facets_are_checkboxes_with_counts(self):
        response = self.client.get(URL, {"q": "santé"})
        self.assertContains(
            response,
            '<legend class="fr-fieldset__legend fr-text--bold" id="facette-theme-titre">Thème</legend>',
            html=False,
        )
        self.assertContains(response, 'name="categorie" value="sheet"')
        self.assertContains(response, f"{PAGE_SIZE + 2} résultats</span>")  # the sheets

    def test_a_facet_narrows_the_results(self):
        response = self.client.get(URL, {"q": "santé", "categorie": "recommendation"})
        self.assertEqual([h.kind for h in response.context["results"].hits], ["recommendation"])
        self.assertContains(response, 'value="recommendation" checked')
        self.assertContains(response, "Effacer les filtres")
        response = self.client.get(URL, {"q": "santé", "type": "legislative"})
        self.assertEqual(response.context["results"].total, 0)

    def test_pagination(self):
        first = self.client.get(URL, {"q": "centre"})
        self.assertEqual(len(first.context["results"].hits), PAGE_SIZE)
        self.assertContains(first, "Page suivante")
        second = self.client.get(URL, {"q": "centre", "page": "2"})
        self.assertEqual(len(second.context["results"].hits), 3)
        self.assertEqual(second.context["page_obj"].number, 2)
        # A page out of range or not a number shows the nearest one.
        self.assertEqual(
            self.client.get(URL, {"q": "centre", "page": "99"}).context["page_obj"].number, 2
        )
        self.assertEqual(
            self.client.get(URL, {"q": "centre", "page": "x"}).context["page_obj"].number, 1
        )

    def test_empty_and_stop_word_searches(self):
        response = self.client.get(URL)
        self.assertContains(response, "Saisissez un ou plusieurs mots")
        self.assertContains(response, '<label class="fr-label" for="recherche-q">')
        response = self.client.get(URL, {"q": "de la"})
        self.assertContains(response, "trop courants")
        response = self.client.get(URL, {"q": "x" * 500})
        self.assertEqual(response.context["q"], "x" * 200)

    def test_only_get(self):
        self.assertEqual(self.client.post(URL, {"q": "santé"}).status_code, 405)

    def test_query_budget_does_not_grow_with_the_results(self):
        self.client.get(URL, {"q": "santé"})  # the first search may index the Fabriques
        for q in ("santé", "centre santé", "haut allier"):
            with self.subTest(q=q), self.assertNumQueries(9):
                # 1 public data version and 1 indexed versions (ensure_fresh), 1 data version
                # of the cache key, 1 counts per kind, 1 facet counts, 1 page of entries, 1 their
                # région and theme tags; the base template's data version and open calls.
                self.client.get(URL, {"q": q, "theme": "sante", "page": "1"})

    def test_the_header_search_leads_here(self):
        response = self.client.get(reverse("public:home"))
        self.assertContains(response, f'action="{URL}"')


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
class CachedSearchTests(TestCase):
    fabrique: Fabrique

    @classmethod
    def setUpTestData(cls):
        cls.fabrique = FabriqueFactory.create(title="Fabrique des mobilités")
        services.reindex()

    def setUp(self):
        cache.clear()

    def test_results_are_cached_until_the_data_version_moves(self):
        self.client.get(URL, {"q": "mobilité"})
        with self.assertNumQueries(4):  # open calls, data version, indexed versions, version
            response = self.client.get(URL, {"q": "mobilité"})
        self.assertEqual(response.context["results"].total, 1)
        self.fabrique.title = "Fabrique des transports"
        self.fabrique.save()  # bumps the public data version
        response = self.client.get(URL, {"q": "mobilité"})
        self.assertEqual(response.context["results"].total, 0)
        self.assertEqual(SearchEntry.objects.get(kind="fabrique").title, "Fabrique des transports")
