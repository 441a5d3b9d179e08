"""The public library's downloads: only published roadmaps and recommendations, ever, for
anyone; the rest is a 404, whoever asks."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse

from fabriques.documents.tests.readback import docx_text, odt_text, pdf_text, squash
from fabriques.programme.models import Fabrique, FabriqueStatus
from fabriques.programme.tests.factories import FabriqueFactory
from fabriques.programme.tests.personas import Personas, build_personas
from fabriques.recommendations.models import RecommendationStatus
from fabriques.recommendations.tests.document_data import make_recommendation
from fabriques.roadmaps.models import Roadmap, RoadmapStatus
from fabriques.roadmaps.tests.document_data import make_roadmap
from fabriques.territories.tests.factories import ParticipationFactory


class TestPublicDocuments(TestCase):
    cast: Personas
    published: Roadmap
    draft: Roadmap
    hidden_fabrique: Fabrique

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_personas()
        fabrique = cls.cast.fabrique_a
        cls.published = make_roadmap(
            cls.cast.participation_a, sheets=2, sentences=1, status=RoadmapStatus.PUBLISHED
        )
        cls.draft = make_roadmap(
            ParticipationFactory(fabrique=fabrique), sheets=1, sentences=1, title="Brouillon caché"
        )
        make_recommendation(
            fabrique, 1, [cls.cast.partner_org_a], status=RecommendationStatus.PUBLISHED
        )
        make_recommendation(fabrique, 2, [cls.cast.partner_org_a], title="Préconisation cachée")
        cls.hidden_fabrique = FabriqueFactory.create(
            slug="pas-encore", status=FabriqueStatus.DESIGNED
        )

    def test_a_published_roadmap_downloads_in_the_three_formats_without_the_notes(self):
        for fmt, read in (
            ("pdf", lambda c: pdf_text(c, self.published.title)),
            ("docx", docx_text),
            ("odt", odt_text),
        ):
            with self.subTest(fmt=fmt):
                url = reverse("public:roadmap_document", args=[self.published.pk, fmt])
                response = self.client.get(url)
                assert response.status_code == 200
                assert response["Content-Disposition"].startswith(
                    'attachment; filename="feuille-de-route-'
                )
                text = squash(read(response.content))
                assert squash("Fiche 2 : piste cyclable « cœur de bourg » n° 2") in text
                assert "Noteinterne" not in text

    def test_an_unpublished_roadmap_is_not_found_even_for_its_writers(self):
        url = reverse("public:roadmap_document", args=[self.draft.pk, "pdf"])
        assert self.client.get(url).status_code == 404
        self.client.force_login(self.cast.pilot_a)
        assert self.client.get(url).status_code == 404

    def test_the_recommendations_and_booklet_hold_only_published_content(self):
        slug = self.cast.fabrique_a.slug
        self.client.force_login(self.cast.admin)  # even an administrator gets the public one
        for name in ("public:recommendations_document", "public:booklet"):
            with self.subTest(name=name):
                response = self.client.get(reverse(name, args=[slug, "docx"]))
                assert response.status_code == 200
                text = docx_text(response.content)
                assert "Préconisation 1 : simplifier" in text
                assert "Préconisation cachée" not in text
                assert "Brouillon caché" not in text
        booklet = docx_text(self.client.get(reverse("public:booklet", args=[slug, "docx"])).content)
        assert self.published.title in booklet

    def test_a_fabrique_not_yet_public_has_no_documents(self):
        for name in ("public:recommendations_document", "public:booklet"):
            response = self.client.get(reverse(name, args=[self.hidden_fabrique.slug, "pdf"]))
            assert response.status_code == 404
        assert self.client.get("/bibliotheque/fabriques/inconnue/resultats.pdf").status_code == 404
        assert (
            self.client.get(
                f"/bibliotheque/fabriques/{self.cast.fabrique_a.slug}/resultats.doc"
            ).status_code
            == 404
        )

    def test_a_large_public_document_waits_on_the_public_sites_page(self):
        from fabriques.documents import services

        url = reverse("public:roadmap_document", args=[self.published.pk, "odt"])
        original = services.INLINE_MAX_CHARS
        services.INLINE_MAX_CHARS = 0
        try:
            with self.captureOnCommitCallbacks(execute=False) as callbacks:
                response = self.client.get(url)
        finally:
            services.INLINE_MAX_CHARS = original
        page = response.content.decode()
        assert response.status_code == 200
        assert "Le document est en préparation…" in page
        assert '<meta http-equiv="refresh" content="2">' in page
        assert reverse("public:fabrique_detail", args=[self.cast.fabrique_a.slug]) in page
        assert len(callbacks) == 1
