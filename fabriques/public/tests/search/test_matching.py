"""French matching and ranking on the test corpus; the same expectations run on SQLite (FTS5)
and on PostgreSQL (tsvector), so both databases give the same top results."""

from django.test import TestCase

from fabriques.recommendations.models import AddresseeKind, RecommendationKind
from fabriques.search import services
from fabriques.search.models import SearchEntry
from fabriques.search.selectors import search

from .corpus import CORPUS
from .factories import FabriqueFactory, recommendation

KINDS = [
    RecommendationKind.PUBLIC_POLICY,
    RecommendationKind.LEGISLATIVE,
    RecommendationKind.METHOD,
]
ADDRESSEES = [AddresseeKind.MINISTRY, AddresseeKind.OPERATOR]


class CorpusTestCase(TestCase):
    keys: dict[int, str]  # recommendation pk -> corpus key
    kind_of: dict[str, str]  # corpus key -> recommendation type

    @classmethod
    def setUpTestData(cls):
        # A Fabrique not yet public: only the recommendations are in the index.
        fabrique = FabriqueFactory.create(status="idea")
        cls.keys = {}
        cls.kind_of = {}
        for number, (key, title, body) in enumerate(CORPUS, start=1):
            rec = recommendation(
                fabrique,
                title=title,
                body=body,
                number=number,
                kind=KINDS[number % 3],
                addressee_kind=ADDRESSEES[number % 2],
            )
            cls.keys[rec.pk] = key
            cls.kind_of[key] = KINDS[number % 3]
        services.reindex()

    def found(self, q, **options):
        results = search(q=q, **options)
        by_url = {
            e.url: self.keys[e.object_id] for e in SearchEntry.objects.filter(kind="recommendation")
        }
        return [by_url[hit.url] for hit in results.hits]


class MatchingTests(CorpusTestCase):
    def test_everything_is_indexed(self):
        self.assertEqual(SearchEntry.objects.filter(kind="recommendation").count(), len(CORPUS))

    def test_accents_and_case_are_ignored(self):
        with_accent = self.found("santé")
        self.assertEqual(set(with_accent), set(self.found("SANTE")))
        self.assertEqual(set(with_accent), set(self.found("sante")))
        self.assertEqual(
            set(with_accent),
            {"maison-sante", "teleconsultation", "numerique", "logement", "sante-mentale"},
        )

    def test_whole_words_only(self):
        self.assertNotIn("composante", self.found("sante"))
        self.assertEqual(self.found("composante"), ["composante"])
        # « eau » is a word of its own, not the end of « réseau » or « bureau ».
        self.assertEqual(set(self.found("eau")), {"eau", "tourisme"})

    def test_plurals_find_singulars_and_back(self):
        expected = {"qpv-emploi", "qpv-renovation", "qpv-mediation", "sante-mentale", "climat"}
        self.assertEqual(set(self.found("quartier prioritaire")), expected)
        self.assertEqual(set(self.found("Quartiers prioritaires")), expected)
        self.assertEqual(
            set(self.found("mobilités")),
            {"mobilite-rurale", "mobilites-douces", "transport-scolaire", "transition-ecologique"},
        )

    def test_every_word_is_required(self):
        self.assertEqual(self.found("santé mentale"), ["sante-mentale"])
        self.assertEqual(self.found("transport scolaire"), ["transport-scolaire"])
        self.assertEqual(self.found("santé vélo"), [])

    def test_stop_words_alone_search_nothing(self):
        results = search(q="de la des")
        self.assertFalse(results.searched)
        self.assertEqual(results.hits, [])

    def test_operators_and_quotes_are_plain_words(self):
        self.assertEqual(self.found('"santé" (mentale*)'), ["sante-mentale"])
        # « OR » is a word like any other, and every word is required.
        self.assertEqual(self.found("santé OR mentale"), [])
        self.assertEqual(self.found("santé -mentale"), ["sante-mentale"])


class RankingTests(CorpusTestCase):
    def test_title_matches_come_before_body_matches(self):
        for q, titles in [
            ("santé", {"maison-sante", "sante-mentale"}),
            ("quartier prioritaire", {"qpv-emploi", "qpv-renovation"}),
            ("mobilité", {"mobilite-rurale", "mobilites-douces"}),
            ("énergétique", {"renovation-energetique", "precarite-energetique"}),
        ]:
            with self.subTest(q=q):
                self.assertEqual(set(self.found(q)[: len(titles)]), titles)

    def test_title_and_body_before_body_alone(self):
        self.assertEqual(self.found("médecins")[0], "deserts-medicaux")

    def test_same_first_result_on_both_databases(self):
        # ts_rank and bm25 weigh repeats and lengths differently, so the order inside a tier
        # (title matches, then body matches) may differ; the first result does not.
        for q, first in [
            ("eau", "eau"),
            ("habitants", "participation"),
            ("village", "ecole"),
            ("transition", "transition-ecologique"),
            ("énergétique", "precarite-energetique"),
        ]:
            with self.subTest(q=q):
                self.assertEqual(self.found(q)[0], first)


class FacetTests(CorpusTestCase):
    def test_counts_follow_the_matches(self):
        results = search(q="santé")
        expected: dict[str, int] = {}
        for key in self.found("santé"):
            expected[self.kind_of[key]] = expected.get(self.kind_of[key], 0) + 1
        counts = {v.value: v.count for v in results.facets["type"]}
        self.assertEqual(counts, expected)
        self.assertEqual(results.total, 5)
        self.assertEqual([(v.value, v.count) for v in results.kinds], [("recommendation", 5)])

    def test_a_facet_filters_the_results_and_keeps_the_choice_shown(self):
        kind = self.kind_of["sante-mentale"]
        results = search(q="santé", filters={"type": [kind]})
        keys = {
            self.keys[e.object_id]
            for e in SearchEntry.objects.filter(url__in=[h.url for h in results.hits])
        }
        self.assertIn("sante-mentale", keys)
        self.assertTrue(all(self.kind_of[k] == kind for k in keys))
        self.assertEqual(results.total, len(keys))
        chosen = [v for v in results.facets["type"] if v.selected]
        self.assertEqual([(v.value, v.count) for v in chosen], [(kind, len(keys))])

    def test_an_unknown_facet_value_finds_nothing(self):
        results = search(q="santé", filters={"type": ["nope"]})
        self.assertEqual(results.total, 0)
        self.assertEqual([v.value for v in results.facets["type"] if v.selected], ["nope"])


class HighlightTests(CorpusTestCase):
    def test_matched_words_are_marked_whatever_their_form(self):
        results = search(q="SANTE")
        first = {str(hit.title) for hit in results.hits}
        self.assertIn("Ouvrir une maison de <mark>santé</mark> pluriprofessionnelle", first)
        body = next(str(h.excerpt) for h in results.hits if "Déployer" in h.title)
        self.assertIn("<mark>SANTE</mark>", body)
        self.assertNotIn(
            "<mark>",
            "".join(
                str(h.excerpt)
                for h in search(q="composante").hits
                if "santé" in h.excerpt and "compos" not in h.excerpt
            ),
        )

    def test_plurals_are_marked_and_text_is_escaped(self):
        hit = next(
            h for h in search(q="quartier prioritaire").hits if "Emploi des jeunes" in h.title
        )
        self.assertEqual(
            str(hit.title), "Emploi des jeunes des <mark>quartiers</mark> <mark>prioritaires</mark>"
        )
        self.assertIn("l&#x27;offre", str(search(q="téléconsultation").hits[0].excerpt))
