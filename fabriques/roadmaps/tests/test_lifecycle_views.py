"""The lifecycle pages tried by each persona: lifecycle, moves, versions, differences."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse

from fabriques.core.models import AuditEvent
from fabriques.deliverables.tests.factories import pdf_upload
from fabriques.programme.tests.personas import Personas, build_personas
from fabriques.roadmaps.models import Roadmap, RoadmapStatus, RoadmapVersion
from fabriques.roadmaps.selectors.lifecycle import roadmap_snapshot, snapshot_diff
from fabriques.roadmaps.services import lifecycle as services

from .factories_lifecycle import (
    BudgetLineFactory,
    IndicatorFactory,
    SheetFactory,
    roadmap_with_sheets,
)
from .test_lifecycle_services import YESTERDAY, walk_to

S = RoadmapStatus
WRITERS = ("admin", "pilot_a", "provider_a", "elected_a", "technical_a")
READERS = ("partner_a",)
OUTSIDERS = ("pilot_b", "provider_b", "partner_b", "elected_b", "applicant", "outsider")


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


class LifecyclePageTests(TestCase):
    cast: Personas
    roadmap: Roadmap
    url: str

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_personas()
        cls.roadmap = roadmap_with_sheets(cls.cast.participation_a)
        cls.url = reverse("roadmaps:lifecycle", args=[cls.roadmap.pk])

    def test_each_role(self):
        for name in (*WRITERS, *READERS):
            with self.subTest(name):
                response = client_for(self.cast.user(name)).get(self.url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Étape 1 sur 6")
        for name in OUTSIDERS:
            with self.subTest(name):
                self.assertEqual(client_for(self.cast.user(name)).get(self.url).status_code, 404)
        response = client_for(None).get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("connexion", response["Location"])

    def test_writers_see_submit_the_pilot_does_not(self):
        response = client_for(self.cast.provider_a).get(self.url)
        self.assertContains(response, "Soumettre pour relecture")
        self.assertContains(
            response, reverse("roadmaps:transition", args=[self.roadmap.pk, "submit"])
        )
        response = client_for(self.cast.partner_a).get(self.url)
        self.assertNotContains(response, "Soumettre pour relecture")
        self.assertContains(response, "Aucune étape ne vous revient")

    def test_guard_reasons_are_shown(self):
        from fabriques.territories.tests.factories import ParticipationFactory

        from .factories_lifecycle import RoadmapFactory

        bare = RoadmapFactory(participation=ParticipationFactory(fabrique=self.cast.fabrique_a))
        response = client_for(self.cast.provider_a).get(
            reverse("roadmaps:lifecycle", args=[bare.pk])
        )
        self.assertContains(response, "Pas encore possible")
        self.assertContains(response, "Ajoutez au moins un axe")

    def test_query_count_is_bounded(self):
        client = client_for(self.cast.provider_a)
        client.get(self.url)
        # session, user, roadmap (with participation and Fabrique), the person's grants (2),
        # versions count, the submit guard (an axis? a sheet?), the history with its authors.
        self.assertEqual(self._count(client), 9)
        SheetFactory.create_batch(10, axis=self.roadmap.axes.get(), roadmap=self.roadmap)
        self.assertEqual(self._count(client), 9)

    def _count(self, client) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(client.get(self.url).status_code, 200)
        return len(queries)


class TransitionViewTests(TestCase):
    cast: Personas
    roadmap: Roadmap
    url: str

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_personas()

    def setUp(self):
        self.roadmap = roadmap_with_sheets(self.cast.participation_a)

    def post(self, user, action, data=None):
        return client_for(user).post(
            reverse("roadmaps:transition", args=[self.roadmap.pk, action]), data or {}
        )

    def test_submit(self):
        response = self.post(self.cast.provider_a, "submit", {"submit-note": "Prête."})
        self.assertRedirects(response, reverse("roadmaps:lifecycle", args=[self.roadmap.pk]))
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.status, S.SUBMITTED)

    def test_read_only_gets_403_outsiders_404(self):
        self.assertEqual(self.post(self.cast.partner_a, "submit").status_code, 403)
        self.assertEqual(self.post(self.cast.provider_b, "submit").status_code, 404)
        self.assertEqual(self.post(self.cast.provider_a, "nimporte").status_code, 404)
        self.assertEqual(self.post(self.cast.provider_a, "publish").status_code, 403)
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.status, S.DRAFT)
        response = client_for(self.cast.provider_a).get(
            reverse("roadmaps:transition", args=[self.roadmap.pk, "submit"])
        )
        self.assertEqual(response.status_code, 405)

    def test_review_needs_a_comment(self):
        walk_to(self.roadmap, S.SUBMITTED, self.cast)
        response = self.post(self.cast.pilot_a, "review", {"review-comment": ""})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "le commentaire est requis", status_code=400)
        response = self.post(self.cast.pilot_a, "review", {"review-comment": "Claire et chiffrée."})
        self.assertEqual(response.status_code, 302)
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.status, S.REVIEWED)

    def test_adopt_refuses_a_non_pdf_then_accepts_a_pdf(self):
        walk_to(self.roadmap, S.VALIDATED, self.cast)
        data = {
            "adopt-deliberation_body": "Conseil municipal",
            "adopt-deliberation_date": YESTERDAY.isoformat(),
            "adopt-deliberation_number": "2027-12",
        }
        response = client_for(self.cast.elected_a).post(
            reverse("roadmaps:transition", args=[self.roadmap.pk, "adopt"]),
            {**data, "adopt-deliberation_file": SimpleUploadedFile("d.docx", b"PK\x03\x04xx")},
        )
        self.assertContains(response, "PDF", status_code=400)
        self.assertContains(response, "Rien n’a été enregistré", status_code=400)
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.status, S.VALIDATED)
        response = client_for(self.cast.elected_a).post(
            reverse("roadmaps:transition", args=[self.roadmap.pk, "adopt"]),
            {**data, "adopt-deliberation_file": pdf_upload("deliberation.pdf")},
        )
        self.assertEqual(response.status_code, 302)
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.status, S.ADOPTED)
        self.assertEqual(RoadmapVersion.objects.count(), 1)

    def test_validate_and_publish_by_post(self):
        walk_to(self.roadmap, S.REVIEWED, self.cast)
        response = self.post(
            self.cast.technical_a, "validate", {"validate-committee_date": "pas une date"}
        )
        self.assertContains(response, "Saisissez une date valide", status_code=400)
        self.assertEqual(
            self.post(
                self.cast.technical_a,
                "validate",
                {"validate-committee_date": YESTERDAY.isoformat()},
            ).status_code,
            302,
        )
        walk_to(self.roadmap, S.ADOPTED, self.cast)
        self.assertEqual(self.post(self.cast.pilot_a, "publish").status_code, 302)
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.status, S.PUBLISHED)
        self.assertTrue(AuditEvent.objects.filter(action="roadmap.published").exists())


class VersionsTests(TestCase):
    cast: Personas
    roadmap: Roadmap
    url: str

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_personas()
        cls.roadmap = walk_to(roadmap_with_sheets(cls.cast.participation_a), S.ADOPTED, cls.cast)

    def test_snapshot_holds_every_part(self):
        sheet = self.roadmap.sheets.order_by("number").first()
        BudgetLineFactory(sheet=sheet)
        IndicatorFactory(sheet=sheet).values.create(measured_on=datetime.date(2027, 5, 1), value=4)
        with self.assertNumQueries(11):
            snapshot = roadmap_snapshot(self.roadmap)
        self.assertEqual(snapshot["roadmap"]["title"], self.roadmap.title)
        self.assertEqual(snapshot["roadmap"]["deliberation_number"], "2027-12")
        self.assertEqual(len(snapshot["axes"]), 1)
        first = snapshot["sheets"][0]
        self.assertEqual(first["budget_lines"][0]["planned"], "120000")
        self.assertEqual(
            first["indicators"][0]["values"],
            [{"measured_on": "2027-05-01", "value": "4", "source": ""}],
        )
        self.assertEqual(first["planned_start"], "2027-01-01")

    def test_diff_after_edits_and_banner(self):
        sheets = list(self.roadmap.sheets.order_by("number"))
        sheets[0].title = "Centre de santé intercommunal"
        sheets[0].status = "in_progress"
        sheets[0].save()
        sheets[1].delete()
        SheetFactory(axis=self.roadmap.axes.get(), roadmap=self.roadmap, number=9, title="Navette")
        diff = snapshot_diff(self.roadmap.versions.get().snapshot, roadmap_snapshot(self.roadmap))
        self.assertEqual([s.title for s in diff.added], ["Navette"])
        self.assertEqual([s.number for s in diff.removed], [2])
        changes = {c.label: (c.old, c.new) for c in diff.changed[0].changes}
        self.assertEqual(changes["État d’avancement"], ("Non démarrée", "En cours"))
        self.assertEqual(changes["Intitulé"][1], "Centre de santé intercommunal")

        client = client_for(self.cast.elected_a)
        response = client.get(reverse("roadmaps:lifecycle", args=[self.roadmap.pk]))
        self.assertContains(response, "Modifiée depuis l’adoption (version 1)")
        response = client.get(reverse("roadmaps:version_diff", args=[self.roadmap.pk, 1]))
        self.assertContains(response, "Fiches ajoutées")
        self.assertContains(response, "Navette")
        self.assertContains(response, "Non démarrée")

    def test_adopted_page_query_count_does_not_grow_with_sheets(self):
        client = client_for(self.cast.elected_a)

        def count() -> int:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(
                    client.get(reverse("roadmaps:lifecycle", args=[self.roadmap.pk])).status_code,
                    200,
                )
            return len(queries)

        # session, user, roadmap, the referent's grants, the versions count, the latest
        # version, the current snapshot (11, see roadmap_snapshot), the history.
        first = count()
        self.assertEqual(first, 17)
        axis = self.roadmap.axes.get()
        for number in range(10, 20):
            BudgetLineFactory(sheet=SheetFactory(axis=axis, roadmap=self.roadmap, number=number))
        self.assertEqual(count(), first)

    def test_no_banner_when_unchanged(self):
        response = client_for(self.cast.elected_a).get(
            reverse("roadmaps:lifecycle", args=[self.roadmap.pk])
        )
        self.assertNotContains(response, "Modifiée depuis l’adoption")

    def test_versions_pages_per_role(self):
        services.roadmap_publish(roadmap=self.roadmap, actor=self.cast.pilot_a)
        urls = [
            reverse("roadmaps:versions", args=[self.roadmap.pk]),
            reverse("roadmaps:version_diff", args=[self.roadmap.pk, 1]),
            reverse("roadmaps:version_diff", args=[self.roadmap.pk, 1]) + "?avec=2",
        ]
        for url in urls:
            for name in (*WRITERS, *READERS):
                with self.subTest(url=url, name=name):
                    self.assertEqual(client_for(self.cast.user(name)).get(url).status_code, 200)
            for name in OUTSIDERS:
                with self.subTest(url=url, name=name):
                    self.assertEqual(client_for(self.cast.user(name)).get(url).status_code, 404)
            self.assertEqual(client_for(None).get(url).status_code, 302)
        client = client_for(self.cast.pilot_a)
        self.assertContains(client.get(urls[2]), "Aucune différence")
        self.assertEqual(
            client.get(reverse("roadmaps:version_diff", args=[self.roadmap.pk, 9])).status_code, 404
        )
        self.assertEqual(client.get(urls[1] + "?avec=x").status_code, 404)
