"""A Fabrique's recommendations document and results booklet: their text compared with the
data (positions with dissents, roadmaps in short), and the workspace routes per persona."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse

from fabriques.documents.renderers import render
from fabriques.documents.tests.readback import docx_text, odt_text, pdf_text, squash
from fabriques.programme.models import Organisation
from fabriques.programme.tests.factories import OrganisationFactory
from fabriques.programme.tests.personas import ROLE_NAMES, Personas, build_personas
from fabriques.recommendations.documents import recommendations_document, results_booklet
from fabriques.recommendations.models import Recommendation, RecommendationStatus
from fabriques.recommendations.tests.document_data import make_recommendation
from fabriques.roadmaps.access import visible_roadmaps_q
from fabriques.roadmaps.models import Roadmap, RoadmapStatus
from fabriques.roadmaps.tests.document_data import make_roadmap
from fabriques.territories.models import Participation
from fabriques.territories.tests.factories import ParticipationFactory

# Who sees Fabrique A's recommendations (sees_fabrique): its pilots, provider, partners and
# referents, and the administrators.
SEES = {"admin", "pilot_a", "partner_a", "provider_a", "elected_a", "technical_a"}


class TestRecommendationsDocument(TestCase):
    cast: Personas
    organisations: list[Organisation]
    published: Recommendation
    draft: Recommendation
    other: Participation
    roadmap: Roadmap
    hidden: Roadmap

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_personas()
        fabrique = cls.cast.fabrique_a
        cls.organisations = [
            cls.cast.partner_org_a,
            OrganisationFactory.create(name="Intercommunalités de France"),
            OrganisationFactory.create(name="Villes de France"),
        ]
        cls.published = make_recommendation(
            fabrique, 1, cls.organisations, status=RecommendationStatus.PUBLISHED
        )
        cls.draft = make_recommendation(
            fabrique, 2, cls.organisations[:1], title="Brouillon secret"
        )
        # The other territory of Fabrique A: its draft roadmap is hidden from A's referents.
        cls.other = ParticipationFactory(fabrique=fabrique, label="Autre territoire")
        cls.roadmap = make_roadmap(
            cls.cast.participation_a, sheets=3, sentences=1, status=RoadmapStatus.PUBLISHED
        )
        cls.hidden = make_roadmap(cls.other, sheets=1, sentences=1, title="Feuille non publiée")

    def test_every_position_is_in_the_document_dissents_included(self):
        document = recommendations_document(self.cast.fabrique_a)
        files = {fmt: render(document, fmt) for fmt in ("pdf", "docx", "odt")}
        texts = {
            "pdf": pdf_text(files["pdf"], document.title),
            "docx": docx_text(files["docx"]),
            "odt": odt_text(files["odt"]) + _odt_cells(files["odt"]),
        }
        for fmt, text in texts.items():
            flat = squash(text)
            for needle in (
                self.published.finding,
                self.published.proposal,
                "Préconisation 1 : simplifier l’ingénierie « cœur de ville »",
                "Brouillon secret",  # the workspace document has the drafts
                "Désaccord",
                "Soutien avec réserves",
                "Désaccord motivé n° 1 : l’État doit compenser.",
                "Présidente Villes de France",
                "Code de l’urbanisme, art. L. 151-7",
                "Réponse du ministère à la préconisation 1.",
                "Partiellement mise en œuvre",
                "Décret n° 2027-123",
            ):
                assert squash(needle) in flat, (fmt, needle)

    def test_the_published_only_version_leaves_the_drafts_out(self):
        text = recommendations_document(self.cast.fabrique_a, published_only=True).text()
        assert "Préconisation 1 :" in text
        assert "Brouillon secret" not in text

    def test_the_booklet_has_territories_roadmaps_in_short_and_recommendations(self):
        document = results_booklet(self.cast.fabrique_a)
        text = document.text()
        assert self.cast.participation_a.label in text and "Autre territoire" in text
        assert self.roadmap.title in text and "Feuille non publiée" in text
        assert "Fiche 3 : piste cyclable « cœur de bourg » n° 3" in text
        assert "3 Fiche 3 : piste cyclable « cœur de bourg » n° 3 En cours" in text
        assert "Brouillon secret" in text and "Désaccord" in text
        # No sheet details in the short version.
        assert "Description 1 phrase 1" not in text
        flat = squash(docx_text(render(document, "docx")))
        assert squash("Axe 2 : Axe 2 — Mobilités et œuvre commune") in flat

    def test_the_public_booklet_has_only_published_roadmaps_and_recommendations(self):
        text = results_booklet(self.cast.fabrique_a, published_only=True).text()
        assert self.roadmap.title in text
        assert "Feuille non publiée" not in text
        assert "Brouillon secret" not in text

    def test_a_referent_reads_only_the_roadmaps_they_see(self):
        text = results_booklet(
            self.cast.fabrique_a, roadmaps_q=visible_roadmaps_q(self.cast.elected_a)
        ).text()
        assert self.roadmap.title in text
        assert "Feuille non publiée" not in text
        text = results_booklet(
            self.cast.fabrique_a, roadmaps_q=visible_roadmaps_q(self.cast.pilot_a)
        ).text()
        assert "Feuille non publiée" in text

    def test_each_persona_on_the_routes(self):
        slug = self.cast.fabrique_a.slug
        urls = [
            reverse("recommendations:document", args=[slug, "docx"]),
            reverse("recommendations:booklet", args=[slug, "odt"]),
        ]
        for name in ROLE_NAMES:
            user = self.cast.user(name)
            self.client.logout()
            if user is not None:
                self.client.force_login(user)
            for url in urls:
                with self.subTest(name=name, url=url):
                    response = self.client.get(url)
                    if name == "anonymous":
                        assert response.status_code == 302
                    elif name in SEES:
                        assert response.status_code == 200
                        assert response["Content-Disposition"].startswith('attachment; filename="')
                    else:
                        assert response.status_code == 404

    def test_the_booklet_route_follows_the_reader(self):
        slug = self.cast.fabrique_a.slug
        url = reverse("recommendations:booklet", args=[slug, "docx"])
        self.client.force_login(self.cast.elected_a)
        assert "Feuille non publiée" not in docx_text(self.client.get(url).content)
        self.client.force_login(self.cast.pilot_a)
        response = self.client.get(url)
        assert "Feuille non publiée" in docx_text(response.content)
        assert response["Content-Disposition"] == 'attachment; filename="resultats-fabrique-a.docx"'


def _odt_cells(content: bytes) -> str:
    from fabriques.documents.tests.readback import odt_document

    document = odt_document(content)
    return "\n".join(
        c.text_content
        for t in document.body.get_tables()
        for r in t.get_rows()
        for c in r.get_cells()
    )
