"""What enters the index and when it leaves: only public objects, refreshed on change."""

from io import StringIO

from django.core.management import call_command
from django.db.models import Q
from django.test import TestCase

from fabriques.programme.models import Fabrique, FabriqueStatus, Theme
from fabriques.recommendations.models import Recommendation, RecommendationStatus
from fabriques.roadmaps.models import ActionSheet, Roadmap, RoadmapStatus
from fabriques.search import services
from fabriques.search.models import SearchEntry, SearchFacet
from fabriques.search.selectors import search
from fabriques.territories.models import Participation
from fabriques.territories.tests.factories import ParticipationFactory

from .factories import FabriqueFactory, ThemeFactory, recommendation, roadmap, sheet

SECRET = "Zanzibarette"  # a word only unpublished objects hold


def indexed(kind):
    return set(SearchEntry.objects.filter(kind=kind).values_list("object_id", flat=True))


class PublishedOnlyTests(TestCase):
    theme: Theme
    public: Fabrique
    hidden: Fabrique
    territory: Participation
    hidden_territory: Participation
    roadmap: Roadmap
    sheet: ActionSheet
    draft: Roadmap
    draft_sheet: ActionSheet
    reco: Recommendation
    draft_reco: Recommendation

    @classmethod
    def setUpTestData(cls):
        cls.theme = ThemeFactory.create(slug="sante", name="Santé")
        cls.public = FabriqueFactory.create(title="Fabrique des soins de proximité")
        cls.public.themes.add(cls.theme)
        cls.hidden = FabriqueFactory.create(
            title=f"Fabrique {SECRET}", status=FabriqueStatus.DESIGNED
        )
        cls.territory = ParticipationFactory(fabrique=cls.public, label="Saint-Flour")
        cls.hidden_territory = ParticipationFactory(fabrique=cls.hidden, label=SECRET)
        cls.roadmap = roadmap(
            title="Feuille de route de Saint-Flour",
            participation=cls.territory,
            diagnostic="Une offre de santé fragile.",
        )
        cls.sheet = sheet(cls.roadmap, title="Maison de santé", status="in_progress")
        cls.draft = roadmap(
            title=f"Brouillon {SECRET}", published=False, participation=cls.hidden_territory
        )
        cls.draft_sheet = sheet(cls.draft, title=f"Fiche {SECRET}")
        cls.reco = recommendation(cls.public, title="Former des médecins", theme=cls.theme)
        cls.draft_reco = recommendation(
            cls.public, title=f"Préconisation {SECRET}", published=False, number=2
        )
        services.reindex()

    def test_public_objects_are_indexed(self):
        self.assertEqual(indexed("fabrique"), {self.public.pk})
        self.assertEqual(indexed("territory"), {self.territory.pk})
        self.assertEqual(indexed("roadmap"), {self.roadmap.pk})
        self.assertEqual(indexed("sheet"), {self.sheet.pk})
        self.assertEqual(indexed("recommendation"), {self.reco.pk})

    def test_nothing_unpublished_is_indexed_nor_found(self):
        self.assertFalse(
            SearchEntry.objects.filter(Q(title__contains=SECRET) | Q(body__contains=SECRET))
        )
        self.assertFalse(SearchFacet.objects.filter(label__contains=SECRET))
        self.assertEqual(search(q=SECRET.lower()).total, 0)

    def test_entries_carry_their_links_and_facets(self):
        entry = SearchEntry.objects.get(kind="fabrique")
        self.assertEqual(entry.url, f"/fabriques/{self.public.slug}/")
        self.assertEqual(entry.year, self.public.programme_year.year)
        facets = set(entry.facets.values_list("facet", "value"))
        self.assertIn(("theme", "sante"), facets)
        self.assertIn(("region", self.territory.departement.region.code), facets)
        sheet_facets = dict(
            SearchEntry.objects.get(kind="sheet").facets.values_list("facet", "label")
        )
        self.assertEqual(sheet_facets["status"], "En cours")
        reco_facets = dict(
            SearchEntry.objects.get(kind="recommendation").facets.values_list("facet", "value")
        )
        self.assertEqual(reco_facets["type"], "public_policy")
        self.assertEqual(reco_facets["addressee"], "ministry")

    def test_a_second_refresh_rewrites_nothing(self):
        self.assertEqual(
            services.reindex(),
            dict.fromkeys(["fabrique", "territory", "roadmap", "sheet", "recommendation"], 0),
        )

    def test_unpublished_roadmap_and_its_sheets_leave_the_index(self):
        self.roadmap.status = RoadmapStatus.ADOPTED
        self.roadmap.save(update_fields=["status"])
        with self.captureOnCommitCallbacks(execute=True):
            services.refresh_later("roadmap", [self.roadmap.pk])
            services.refresh_later("sheet", [self.sheet.pk])
        self.assertEqual(indexed("roadmap"), set())
        self.assertEqual(indexed("sheet"), set())
        # The territory and its Fabrique, which names it.
        self.assertEqual({h.kind for h in search(q="Saint-Flour").hits}, {"territory", "fabrique"})

    def test_published_draft_enters_and_unpublished_recommendation_leaves(self):
        self.draft_reco.status = RecommendationStatus.PUBLISHED
        self.draft_reco.published_at = self.reco.published_at
        self.draft_reco.save()
        self.reco.status = RecommendationStatus.DRAFT
        self.reco.published_at = None
        self.reco.save()
        with self.captureOnCommitCallbacks(execute=True):
            services.refresh_later("recommendation", [self.reco.pk, self.draft_reco.pk])
        self.assertEqual(indexed("recommendation"), {self.draft_reco.pk})
        self.assertEqual(search(q="médecin").total, 0)
        self.assertEqual(search(q=SECRET).total, 1)

    def test_nothing_is_refreshed_before_the_commit(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            services.refresh_later("recommendation", [self.draft_reco.pk])
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(indexed("recommendation"), {self.reco.pk})

    def test_an_edit_of_a_published_sheet_is_searchable(self):
        self.sheet.title = "Centre de soins non programmés"
        self.sheet.save()
        with self.captureOnCommitCallbacks(execute=True):
            services.refresh_later("sheet", [self.sheet.pk])
        self.assertEqual(
            [h.url for h in search(q="programmé").hits], [SearchEntry.objects.get(kind="sheet").url]
        )

    def test_unknown_kind_is_refused(self):
        with self.assertRaises(LookupError):
            services.refresh_later("workshop", [1])

    def test_fabriques_follow_the_public_data_version(self):
        # Every save of a Fabrique bumps the version (programme.signals): the next search
        # re-indexes Fabriques and territories, without any call from the writer.
        self.public.status = FabriqueStatus.DESIGNED
        self.public.save()
        self.hidden.status = FabriqueStatus.PUBLISHED
        self.hidden.save()
        search(q="fabrique")
        self.assertEqual(indexed("fabrique"), {self.hidden.pk})
        self.assertEqual(indexed("territory"), {self.hidden_territory.pk})

    def test_a_fresh_index_costs_two_queries(self):
        search(q="santé")
        with self.assertNumQueries(2):  # the data version, the sources' indexed versions
            services.ensure_fresh()

    def test_the_command_rebuilds_the_index(self):
        SearchEntry.objects.all().delete()
        out = StringIO()
        call_command("search_reindex", stdout=out)
        self.assertIn("recommendation : 1 entrée(s)", out.getvalue())
        self.assertEqual(indexed("sheet"), {self.sheet.pk})
        call_command("search_reindex", "--kind", "sheet", stdout=out)
        self.assertIn("sheet : 0 entrée(s)", out.getvalue())
