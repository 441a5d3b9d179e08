"""The roadmap's lifecycle: each move, its guards per role, e-mails, audit, frozen versions,
the linked deliverable « feuille de route »."""

from __future__ import annotations

import datetime
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from fabriques.core.models import AuditEvent, OutgoingEmail
from fabriques.core.versioning import data_version
from fabriques.deliverables.models import (
    DeliverableKind,
    DeliverableReview,
    DeliverableStatus,
    ReviewDecision,
)
from fabriques.deliverables.tests.factories import DeliverableFactory, pdf_upload
from fabriques.programme.tests.personas import Personas, build_personas
from fabriques.roadmaps.models import Roadmap, RoadmapComment, RoadmapStatus, RoadmapVersion
from fabriques.roadmaps.services import lifecycle as services

from .factories_lifecycle import RoadmapFactory, roadmap_with_sheets

S = RoadmapStatus
YESTERDAY = datetime.date.today() - datetime.timedelta(days=1)


def recipients() -> list[str]:
    return sorted(address for email in OutgoingEmail.objects.all() for address in email.to)


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def walk_to(roadmap: Roadmap, status: str, cast) -> Roadmap:
    """Make the moves up to `status`, each by the person it belongs to."""
    order: list[str] = [S.DRAFT, S.SUBMITTED, S.REVIEWED, S.VALIDATED, S.ADOPTED, S.PUBLISHED]
    roadmap.refresh_from_db()
    for step in order[order.index(roadmap.status) + 1 : order.index(status) + 1]:
        if step == S.SUBMITTED:
            services.roadmap_submit(roadmap=roadmap, actor=cast.provider_a)
        elif step == S.REVIEWED:
            services.roadmap_review(roadmap=roadmap, actor=cast.pilot_a, comment="Très claire.")
        elif step == S.VALIDATED:
            services.roadmap_validate(
                roadmap=roadmap, actor=cast.elected_a, committee_date=YESTERDAY
            )
        elif step == S.ADOPTED:
            services.roadmap_adopt(
                roadmap=roadmap,
                actor=cast.elected_a,
                body="Conseil municipal",
                date=YESTERDAY,
                number="2027-12",
                file=pdf_upload("deliberation.pdf"),
            )
        else:
            services.roadmap_publish(roadmap=roadmap, actor=cast.pilot_a)
    roadmap.refresh_from_db()
    return roadmap


class SubmitTests(TestCase):
    cast: Personas
    roadmap: Roadmap
    url: str

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_personas()

    def setUp(self):
        self.roadmap = roadmap_with_sheets(self.cast.participation_a)

    def test_provider_submits_pilots_are_told(self):
        services.roadmap_submit(roadmap=self.roadmap, actor=self.cast.provider_a, note="Prête.")
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.status, S.SUBMITTED)
        self.assertEqual(actions(), ["roadmap.submitted"])
        self.assertEqual(recipients(), [self.cast.pilot_a.email])

    def test_referent_may_submit_partner_may_not(self):
        for name in ("partner_a", "pilot_b", "provider_b", "elected_b", "outsider"):
            with self.subTest(name), self.assertRaises(PermissionDenied):
                services.roadmap_submit(roadmap=self.roadmap, actor=self.cast.users[name])
        services.roadmap_submit(roadmap=self.roadmap, actor=self.cast.technical_a)
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.status, S.SUBMITTED)

    def test_empty_roadmap_cannot_be_submitted(self):
        empty = RoadmapFactory(participation=self.cast.participation_b)
        with self.assertRaises(ValidationError) as caught:
            services.roadmap_submit(roadmap=empty, actor=self.cast.provider_b)
        self.assertIn("au moins un axe", " ".join(caught.exception.messages))
        self.assertIn("au moins une fiche action", " ".join(caught.exception.messages))
        empty.refresh_from_db()
        self.assertEqual(empty.status, S.DRAFT)
        self.assertEqual(actions(), [])
        self.assertEqual(OutgoingEmail.objects.count(), 0)

    def test_submitting_twice_is_refused(self):
        services.roadmap_submit(roadmap=self.roadmap, actor=self.cast.provider_a)
        with self.assertRaisesMessage(ValidationError, "Soumise pour relecture"):
            services.roadmap_submit(roadmap=self.roadmap, actor=self.cast.provider_a)


class ReviewTests(TestCase):
    cast: Personas
    roadmap: Roadmap
    url: str

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_personas()

    def setUp(self):
        self.roadmap = walk_to(
            roadmap_with_sheets(self.cast.participation_a), S.SUBMITTED, self.cast
        )
        OutgoingEmail.objects.all().delete()

    def test_pilot_reviews_with_a_comment(self):
        review = services.roadmap_review(
            roadmap=self.roadmap, actor=self.cast.pilot_a, comment="Bien construite."
        )
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.status, S.REVIEWED)
        self.assertTrue(review.is_review)
        self.assertEqual(actions()[-1], "roadmap.reviewed")
        self.assertEqual(
            recipients(),
            sorted(
                [self.cast.elected_a.email, self.cast.technical_a.email, self.cast.provider_a.email]
            ),
        )

    def test_comment_is_required(self):
        with self.assertRaisesMessage(ValidationError, "le commentaire est requis"):
            services.roadmap_review(roadmap=self.roadmap, actor=self.cast.pilot_a, comment="  ")
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.status, S.SUBMITTED)
        self.assertFalse(RoadmapComment.objects.exists())

    def test_only_the_fabriques_pilot_reviews(self):
        for name in ("provider_a", "elected_a", "partner_a", "pilot_b"):
            with self.subTest(name), self.assertRaises(PermissionDenied):
                services.roadmap_review(
                    roadmap=self.roadmap, actor=self.cast.users[name], comment="Je valide."
                )

    def test_return_to_draft(self):
        services.roadmap_review(
            roadmap=self.roadmap,
            actor=self.cast.pilot_a,
            comment="Chiffrez les actions.",
            accept=False,
        )
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.status, S.DRAFT)
        self.assertEqual(actions()[-1], "roadmap.returned")
        self.assertIn("à reprendre", OutgoingEmail.objects.get().subject)

    def test_reviewed_roadmap_can_be_returned(self):
        services.roadmap_review(roadmap=self.roadmap, actor=self.cast.pilot_a, comment="Bien.")
        services.roadmap_review(
            roadmap=self.roadmap, actor=self.cast.pilot_a, comment="Finalement, non.", accept=False
        )
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.status, S.DRAFT)


class ValidateAndAdoptTests(TestCase):
    cast: Personas
    roadmap: Roadmap
    url: str

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_personas()

    def setUp(self):
        self.roadmap = walk_to(
            roadmap_with_sheets(self.cast.participation_a), S.REVIEWED, self.cast
        )

    def test_validate_needs_the_committee_date(self):
        with self.assertRaisesMessage(ValidationError, "date du comité"):
            services.roadmap_validate(
                roadmap=self.roadmap, actor=self.cast.elected_a, committee_date=None
            )
        services.roadmap_validate(
            roadmap=self.roadmap, actor=self.cast.provider_a, committee_date=YESTERDAY
        )
        event = AuditEvent.objects.get(action="roadmap.validated")
        self.assertEqual(event.data["committee_date"], YESTERDAY.isoformat())

    def test_partner_may_not_validate(self):
        with self.assertRaises(PermissionDenied):
            services.roadmap_validate(
                roadmap=self.roadmap, actor=self.cast.partner_a, committee_date=YESTERDAY
            )

    def test_adopt_freezes_a_version(self):
        version = walk_to(self.roadmap, S.ADOPTED, self.cast).versions.get()
        self.assertEqual(version.number, 1)
        self.assertEqual(version.status, S.ADOPTED)
        self.assertEqual([s["number"] for s in version.snapshot["sheets"]], [1, 2])
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.deliberation_number, "2027-12")
        self.assertTrue(str(self.roadmap.deliberation_file.name).endswith(".pdf"))

    def test_a_deliberation_that_is_not_a_pdf_changes_nothing(self):
        walk_to(self.roadmap, S.VALIDATED, self.cast)
        before = actions()
        for upload in (
            SimpleUploadedFile("deliberation.docx", b"PK\x03\x04 not a pdf"),
            SimpleUploadedFile("deliberation.pdf", b"Bonjour, ceci est du texte."),
        ):
            with self.subTest(upload.name), self.assertRaises(ValidationError) as caught:
                services.roadmap_adopt(
                    roadmap=self.roadmap,
                    actor=self.cast.elected_a,
                    body="Conseil municipal",
                    date=YESTERDAY,
                    number="12",
                    file=upload,
                )
            self.assertIn("deliberation_file", caught.exception.message_dict)
            self.assertIn("PDF", " ".join(caught.exception.message_dict["deliberation_file"]))
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.status, S.VALIDATED)
        self.assertEqual(self.roadmap.deliberation_body, "")
        self.assertFalse(self.roadmap.deliberation_file)
        self.assertFalse(RoadmapVersion.objects.exists())
        self.assertEqual(actions(), before)

    def test_adopt_needs_date_and_file(self):
        walk_to(self.roadmap, S.VALIDATED, self.cast)
        with self.assertRaises(ValidationError) as caught:
            services.roadmap_adopt(
                roadmap=self.roadmap,
                actor=self.cast.elected_a,
                body="",
                date=None,
                number="",
                file=None,
            )
        self.assertEqual(
            set(caught.exception.message_dict),
            {"deliberation_body", "deliberation_date", "deliberation_file"},
        )


class PublishTests(TestCase):
    cast: Personas
    roadmap: Roadmap
    url: str

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_personas()

    def setUp(self):
        self.roadmap = walk_to(roadmap_with_sheets(self.cast.participation_a), S.ADOPTED, self.cast)
        OutgoingEmail.objects.all().delete()

    def test_anct_publishes(self):
        version_before = data_version()
        with mock.patch.object(services, "refresh_later") as refresh:
            services.roadmap_publish(roadmap=self.roadmap, actor=self.cast.pilot_a)
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.status, S.PUBLISHED)
        self.assertIsNotNone(self.roadmap.published_at)
        self.assertEqual(data_version(), version_before + 1)
        sheets = sorted(self.roadmap.sheets.values_list("pk", flat=True))
        refresh.assert_any_call("roadmap", [self.roadmap.pk])
        self.assertEqual(sorted(refresh.call_args_list[1].args[1]), sheets)
        self.assertEqual([v.number for v in self.roadmap.versions.all()], [1, 2])
        self.assertEqual(
            recipients(), sorted([self.cast.elected_a.email, self.cast.technical_a.email])
        )

    def test_referents_and_provider_may_not_publish(self):
        for name in ("elected_a", "provider_a", "partner_a", "pilot_b"):
            with self.subTest(name), self.assertRaises(PermissionDenied):
                services.roadmap_publish(roadmap=self.roadmap, actor=self.cast.users[name])

    def test_publishing_needs_an_adopted_roadmap(self):
        other = walk_to(
            roadmap_with_sheets(self.cast.participation_b), S.VALIDATED, build_b(self.cast)
        )
        options = services.available_actions(roadmap=other, user=self.cast.admin)
        self.assertNotIn("publish", [o.name for o in options])
        self.assertEqual(
            services.publish_problems(roadmap=other)[0],
            "Seule une feuille de route adoptée par l’assemblée délibérante peut être publiée.",
        )

    def test_unpublish_goes_back_to_adopted(self):
        services.roadmap_publish(roadmap=self.roadmap, actor=self.cast.pilot_a)
        before = data_version()
        with self.assertRaisesMessage(ValidationError, "Indiquez pourquoi"):
            services.roadmap_unpublish(roadmap=self.roadmap, actor=self.cast.admin, reason="")
        services.roadmap_unpublish(roadmap=self.roadmap, actor=self.cast.admin, reason="Erreur.")
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.status, S.ADOPTED)
        self.assertEqual(data_version(), before + 1)
        self.assertEqual(actions()[-1], "roadmap.unpublished")


def build_b(cast):
    """The personas of Fabrique B under the names walk_to uses."""

    class B:
        provider_a = cast.provider_b
        pilot_a = cast.pilot_b
        elected_a = cast.elected_b

    return B


class DeliverableLinkTests(TestCase):
    cast: Personas
    roadmap: Roadmap
    url: str

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_personas()

    def setUp(self):
        self.roadmap = roadmap_with_sheets(self.cast.participation_a)
        self.deliverable = DeliverableFactory(
            fabrique=self.cast.fabrique_a,
            participation=self.cast.participation_a,
            kind=DeliverableKind.ROADMAP,
            title="Feuille de route",
        )

    def test_submitting_the_roadmap_submits_the_deliverable(self):
        services.roadmap_submit(roadmap=self.roadmap, actor=self.cast.provider_a)
        self.deliverable.refresh_from_db()
        self.assertEqual(self.deliverable.status, DeliverableStatus.SUBMITTED)
        version = self.deliverable.versions.get()
        self.assertTrue(version.original_name.endswith(".json"))
        self.assertIn(f"/espace/feuilles-de-route/{self.roadmap.pk}/", version.note)
        self.assertIn(b'"title"', version.file.read())
        self.assertEqual(actions(), ["roadmap.submitted", "deliverable.submitted"])

    def test_accepting_the_roadmap_accepts_the_deliverable(self):
        services.roadmap_submit(roadmap=self.roadmap, actor=self.cast.provider_a)
        services.roadmap_review(roadmap=self.roadmap, actor=self.cast.pilot_a, comment="Parfait.")
        self.deliverable.refresh_from_db()
        self.assertEqual(self.deliverable.status, DeliverableStatus.ACCEPTED)
        review = DeliverableReview.objects.get()
        self.assertEqual((review.decision, review.comment), (ReviewDecision.ACCEPTED, "Parfait."))
        # The provider hears of it once, by the deliverable's e-mail; the referents by ours.
        subjects = {tuple(e.to): e.subject for e in OutgoingEmail.objects.all()}
        self.assertIn("Livrable accepté", subjects[(self.cast.provider_a.email,)])
        self.assertIn(
            "Feuille de route relue",
            subjects[tuple(sorted([self.cast.elected_a.email, self.cast.technical_a.email]))],
        )

    def test_returning_the_roadmap_requests_changes(self):
        services.roadmap_submit(roadmap=self.roadmap, actor=self.cast.provider_a)
        services.roadmap_review(
            roadmap=self.roadmap,
            actor=self.cast.pilot_a,
            comment="Ajoutez le budget.",
            accept=False,
        )
        self.deliverable.refresh_from_db()
        self.assertEqual(self.deliverable.status, DeliverableStatus.CHANGES_REQUESTED)
        services.roadmap_submit(roadmap=self.roadmap, actor=self.cast.provider_a)
        self.deliverable.refresh_from_db()
        self.assertEqual(self.deliverable.status, DeliverableStatus.SUBMITTED)
        self.assertEqual(self.deliverable.versions.count(), 2)

    def test_a_roadmap_without_deliverable_works_alone(self):
        other = roadmap_with_sheets(self.cast.participation_b)
        walk_to(other, S.REVIEWED, build_b(self.cast))
        self.deliverable.refresh_from_db()
        self.assertEqual(self.deliverable.status, DeliverableStatus.PENDING)
