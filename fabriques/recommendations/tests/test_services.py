"""The recommendations' services: writing, evidence, concurrency, lifecycle, positions,
comments and the follow-up after publication, with valid and bad input."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from fabriques.accounts.models import MembershipRole
from fabriques.accounts.tests.factories import MembershipFactory, UserFactory
from fabriques.calls.tests.factories import docx_renamed_pdf, pdf_upload, text_upload
from fabriques.core.models import AuditEvent
from fabriques.core.versioning import data_version
from fabriques.programme.models import Fabrique, Role
from fabriques.programme.tests.factories import FabriqueOrganisationFactory, OrganisationFactory
from fabriques.programme.tests.personas import Personas, build_personas
from fabriques.recommendations.models import (
    Answer,
    Implementation,
    ImplementationReview,
    Position,
    Recommendation,
    RecommendationComment,
    RecommendationStatus,
    ReviewHorizon,
    Stance,
)
from fabriques.recommendations.services import workspace as services
from fabriques.recommendations.services.workspace import EditConflict, ReviewData
from fabriques.workshops.tests.factories import SeminarFactory, WorkshopFactory

from .factories import ActionSheetFactory, PositionFactory, RecommendationFactory

DATA = {
    "title": "Un fonds unique d’ingénierie",
    "finding": "Les communes rurales manquent d’ingénierie.",
    "proposal": "Créer un fonds unique, instruit par le département.",
    "kind": "public_policy",
    "addressee_kind": "ministry",
    "addressee": "Ministère de la cohésion des territoires",
    "target_text": "Code général des collectivités territoriales, art. L. 1111-10",
}


class ServiceCase(TestCase):
    cast: Personas
    fabrique: Fabrique

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()
        cls.fabrique = cls.cast.fabrique_a

    def actions(self) -> list[str]:
        return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


class CreateTests(ServiceCase):
    def test_create_numbers_in_sequence_with_evidence_of_the_fabrique(self):
        sheet = ActionSheetFactory(axis__roadmap__participation=self.cast.participation_a)
        workshop = WorkshopFactory(participation=self.cast.participation_a)
        first = services.recommendation_create(
            fabrique=self.fabrique,
            actor=self.cast.provider_a,
            data=DATA,
            participations=[self.cast.participation_a],
            workshops=[workshop],
            action_sheets=[sheet],
        )
        second = services.recommendation_create(
            fabrique=self.fabrique, actor=self.cast.pilot_a, data={**DATA, "title": "Deux"}
        )
        assert (first.number, second.number) == (1, 2)
        assert first.status == RecommendationStatus.DRAFT
        assert list(first.action_sheets.all()) == [sheet]
        assert list(first.workshops.all()) == [workshop]
        assert list(first.participations.all()) == [self.cast.participation_a]
        assert self.actions() == ["recommendation.created", "recommendation.created"]

    def test_a_number_given_is_kept_and_a_taken_one_refused(self):
        services.recommendation_create(
            fabrique=self.fabrique, actor=self.cast.pilot_a, data={**DATA, "number": 7}
        )
        with pytest.raises(ValidationError) as error:
            services.recommendation_create(
                fabrique=self.fabrique, actor=self.cast.pilot_a, data={**DATA, "number": 7}
            )
        assert "Ce numéro est déjà pris dans cette Fabrique." in str(error.value)
        assert Recommendation.objects.count() == 1

    def test_no_addressee_is_refused(self):
        with pytest.raises(ValidationError) as error:
            services.recommendation_create(
                fabrique=self.fabrique, actor=self.cast.pilot_a, data={**DATA, "addressee": "  "}
            )
        assert "addressee" in error.value.message_dict
        assert not Recommendation.objects.exists()
        assert not AuditEvent.objects.exists()

    def test_evidence_from_another_fabrique_is_refused(self):
        other_sheet = ActionSheetFactory(axis__roadmap__participation=self.cast.participation_b)
        other_seminar = SeminarFactory(fabrique=self.cast.fabrique_b)
        with pytest.raises(ValidationError) as error:
            services.recommendation_create(
                fabrique=self.fabrique,
                actor=self.cast.pilot_a,
                data=DATA,
                participations=[self.cast.participation_b],
                workshops=[other_seminar],
                action_sheets=[other_sheet],
            )
        messages = error.value.message_dict
        assert "n’est pas accompagné par cette Fabrique" in messages["participations"][0]
        assert "n’appartient pas à cette Fabrique" in messages["workshops"][0]
        assert "n’appartient pas à cette Fabrique" in messages["action_sheets"][0]
        assert not Recommendation.objects.exists()

    def test_a_partner_may_not_write(self):
        with pytest.raises(ValidationError):
            services.recommendation_create(
                fabrique=self.fabrique, actor=self.cast.partner_a, data=DATA
            )
        assert not Recommendation.objects.exists()


class UpdateTests(ServiceCase):
    def test_update_bumps_the_version_and_records_history(self):
        recommendation = RecommendationFactory(fabrique=self.fabrique)
        updated = services.recommendation_update(
            recommendation=recommendation,
            actor=self.cast.provider_a,
            data={**DATA, "number": recommendation.number},
            lock_version=1,
        )
        assert updated.lock_version == 2
        assert Recommendation.objects.get().title == DATA["title"]
        assert recommendation.history.count() == 2
        assert self.actions() == ["recommendation.updated"]

    def test_a_stale_version_is_refused_with_the_other_version_shown(self):
        recommendation = RecommendationFactory(fabrique=self.fabrique, title="Titre initial")
        services.recommendation_update(
            recommendation=recommendation,
            actor=self.cast.pilot_a,
            data={"title": "Titre du pilote"},
            lock_version=1,
        )
        with pytest.raises(EditConflict) as error:
            services.recommendation_update(
                recommendation=recommendation,
                actor=self.cast.provider_a,
                data={"title": "Titre du prestataire", "finding": recommendation.finding},
                lock_version=1,
            )
        message = error.value.messages[0]
        assert "modifiée par quelqu’un d’autre" in message
        assert "Intitulé : « Titre du pilote »" in message
        assert error.value.differences == [("Intitulé", "Titre du pilote", "Titre du prestataire")]
        saved = Recommendation.objects.get()
        assert (saved.title, saved.lock_version) == ("Titre du pilote", 2)

    def test_evidence_from_another_fabrique_is_refused_on_update(self):
        recommendation = RecommendationFactory(fabrique=self.fabrique)
        with pytest.raises(ValidationError):
            services.recommendation_update(
                recommendation=recommendation,
                actor=self.cast.pilot_a,
                data={"title": "Autre"},
                lock_version=1,
                participations=[self.cast.participation_b],
            )
        saved = Recommendation.objects.get()
        assert saved.lock_version == 1
        assert not saved.participations.exists()

    def test_editing_a_published_one_bumps_the_public_data_version(self):
        recommendation = RecommendationFactory(fabrique=self.fabrique, published=True)
        before = data_version()
        with pytest.raises(ValidationError):
            services.recommendation_update(
                recommendation=recommendation,
                actor=self.cast.provider_a,
                data={"title": "Nouveau"},
                lock_version=1,
            )
        services.recommendation_update(
            recommendation=recommendation,
            actor=self.cast.pilot_a,
            data={"title": "Nouveau"},
            lock_version=1,
        )
        assert data_version() == before + 1


class LifecycleTests(ServiceCase):
    def test_delete_a_draft_only(self):
        draft = RecommendationFactory(fabrique=self.fabrique)
        opened = RecommendationFactory(fabrique=self.fabrique, open_to_positions=True)
        with pytest.raises(ValidationError) as error:
            services.recommendation_delete(recommendation=opened, actor=self.cast.pilot_a)
        assert "Seul un brouillon se supprime" in error.value.messages[0]
        services.recommendation_delete(recommendation=draft, actor=self.cast.pilot_a)
        assert list(Recommendation.objects.all()) == [opened]
        assert self.actions() == ["recommendation.deleted"]

    def test_open_emails_the_endorsing_organisations_members_of_this_fabrique(self):
        wide = UserFactory(email="membre.national@association.fr")
        MembershipFactory(
            user=wide, role=MembershipRole.PARTNER_MEMBER, organisation=self.cast.partner_org_a
        )
        # A member of the same organisation scoped to Fabrique B is not told.
        FabriqueOrganisationFactory(
            fabrique=self.cast.fabrique_b,
            organisation=self.cast.partner_org_a,
            role=Role.PARTNER,
        )
        scoped_b = UserFactory(email="membre.b@association.fr")
        MembershipFactory(
            user=scoped_b,
            role=MembershipRole.PARTNER_MEMBER,
            organisation=self.cast.partner_org_a,
            fabrique=self.cast.fabrique_b,
        )
        recommendation = RecommendationFactory(fabrique=self.fabrique)
        with self.captureOnCommitCallbacks(execute=True):
            services.recommendation_open(recommendation=recommendation, actor=self.cast.provider_a)
        assert Recommendation.objects.get().status == RecommendationStatus.ENDORSEMENT
        assert len(mail.outbox) == 1
        assert sorted(mail.outbox[0].to) == sorted(
            [self.cast.partner_a.email.lower(), "membre.national@association.fr"]
        )
        assert "soumise aux positions" in mail.outbox[0].body
        with pytest.raises(ValidationError):
            services.recommendation_open(recommendation=recommendation, actor=self.cast.provider_a)

    def test_return_to_draft(self):
        recommendation = RecommendationFactory(fabrique=self.fabrique, open_to_positions=True)
        services.recommendation_return(recommendation=recommendation, actor=self.cast.pilot_a)
        assert Recommendation.objects.get().status == RecommendationStatus.DRAFT
        with pytest.raises(ValidationError):
            services.recommendation_return(recommendation=recommendation, actor=self.cast.pilot_a)

    def test_publish_with_missing_positions_and_unpublish(self):
        recommendation = RecommendationFactory(fabrique=self.fabrique, open_to_positions=True)
        assert services.missing_positions(recommendation) == [self.cast.partner_org_a]
        before = data_version()
        published = services.recommendation_publish(
            recommendation=recommendation, actor=self.cast.pilot_a
        )
        assert published.status == RecommendationStatus.PUBLISHED
        assert published.published_at is not None
        assert data_version() == before + 1
        event = AuditEvent.objects.get(action="recommendation.published")
        assert event.data["missing_positions"] == [self.cast.partner_org_a.pk]
        services.recommendation_unpublish(recommendation=published, actor=self.cast.pilot_a)
        saved = Recommendation.objects.get()
        assert (saved.status, saved.published_at) == (RecommendationStatus.ENDORSEMENT, None)
        assert data_version() == before + 2

    def test_only_anct_publishes_and_only_after_positions(self):
        draft = RecommendationFactory(fabrique=self.fabrique)
        with pytest.raises(ValidationError) as error:
            services.recommendation_publish(recommendation=draft, actor=self.cast.pilot_a)
        assert "une fois soumise aux positions" in error.value.messages[0]
        opened = RecommendationFactory(fabrique=self.fabrique, open_to_positions=True)
        with pytest.raises(ValidationError):
            services.recommendation_publish(recommendation=opened, actor=self.cast.provider_a)
        assert not Recommendation.objects.filter(status=RecommendationStatus.PUBLISHED).exists()


class PositionTests(ServiceCase):
    recommendation: Recommendation

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.recommendation = RecommendationFactory(fabrique=cls.fabrique, open_to_positions=True)

    def give(self, actor, organisation=None, **kwargs):
        values = {
            "stance": Stance.SUPPORT,
            "comment": "",
            "signatory": "Marie Dupont, présidente",
            "given_on": datetime.date(2026, 11, 3),
            **kwargs,
        }
        return services.position_give(
            recommendation=self.recommendation,
            organisation=organisation or self.cast.partner_org_a,
            actor=actor,
            **values,
        )

    def test_a_partner_gives_then_replaces_its_position(self):
        self.give(self.cast.partner_a)
        position = self.give(
            self.cast.partner_a, stance=Stance.DISSENT, comment="Le département n’a pas les moyens."
        )
        assert Position.objects.count() == 1
        assert position.stance == Stance.DISSENT
        assert position.history.count() == 2
        assert self.actions() == ["position.given", "position.given"]
        assert AuditEvent.objects.order_by("pk").reverse()[0].data["replaced"] is True

    def test_the_writers_are_told_of_a_position_the_giver_apart(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.give(self.cast.partner_a)
        with self.captureOnCommitCallbacks(execute=True):
            self.give(
                self.cast.partner_a, stance=Stance.DISSENT, comment="Pas les moyens <cette année>."
            )
        expected = sorted({self.cast.pilot_a.email.lower(), self.cast.provider_a.email.lower()})
        assert [sorted(m.to) for m in mail.outbox] == [expected, expected]
        last = mail.outbox[-1]
        organisation = self.cast.partner_org_a.name
        assert last.subject == (
            f"Position de {organisation} sur la préconisation n° {self.recommendation.number}"
        )
        assert "désaccord" in last.body
        assert "Elle remplace sa position précédente : soutien." in last.body
        assert "Pas les moyens <cette année>." in last.body  # the text part is not escaped
        html = last.alternatives[0][0]  # type: ignore[attr-defined]
        assert "Pas les moyens &lt;cette année&gt;." in html
        # A position recorded by a pilot tells the provider, not the pilot who typed it.
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.give(self.cast.pilot_a)
        assert [m.to for m in mail.outbox] == [[self.cast.provider_a.email.lower()]]

    def test_a_dissent_without_comment_is_refused(self):
        with pytest.raises(ValidationError) as error:
            self.give(self.cast.partner_a, stance=Stance.DISSENT, comment=" ")
        assert "Expliquez les réserves ou le désaccord" in str(error.value)
        assert not Position.objects.exists()

    def test_an_organisation_not_in_the_fabrique_is_refused(self):
        stranger = OrganisationFactory(name="Association étrangère")
        with pytest.raises(ValidationError) as error:
            self.give(self.cast.pilot_a, organisation=stranger)
        assert "au nom de « Association étrangère »" in error.value.messages[0]
        assert not Position.objects.exists()

    def test_a_partner_of_another_fabrique_is_refused(self):
        with pytest.raises(ValidationError):
            self.give(self.cast.partner_b, organisation=self.cast.partner_org_b)
        with pytest.raises(ValidationError):
            self.give(self.cast.partner_b, organisation=self.cast.partner_org_a)
        assert not Position.objects.exists()

    def test_roles_are_not_combined_across_fabriques(self):
        """Partner in Fabrique B (for its organisation, scoped there) and provider in A: no
        position in A, even when the organisation also endorses in A."""
        person = UserFactory(email="double@exemple.fr")
        MembershipFactory(
            user=person,
            role=MembershipRole.PARTNER_MEMBER,
            organisation=self.cast.partner_org_b,
            fabrique=self.cast.fabrique_b,
        )
        MembershipFactory(
            user=person,
            role=MembershipRole.PROVIDER_CONSULTANT,
            organisation=self.cast.provider_org_a,
            fabrique=self.fabrique,
        )
        FabriqueOrganisationFactory(
            fabrique=self.fabrique, organisation=self.cast.partner_org_b, role=Role.PARTNER
        )
        with pytest.raises(ValidationError):
            self.give(person, organisation=self.cast.partner_org_b)
        assert not Position.objects.exists()

    def test_scoped_roles_in_two_fabriques_do_not_leak(self):
        """Partner of A's association scoped to B, partner of B's association scoped to A…
        the association of A endorsing in both: in A, only the scoped organisation counts."""
        person = UserFactory(email="croise@exemple.fr")
        FabriqueOrganisationFactory(
            fabrique=self.cast.fabrique_b, organisation=self.cast.partner_org_a, role=Role.PARTNER
        )
        FabriqueOrganisationFactory(
            fabrique=self.fabrique, organisation=self.cast.partner_org_b, role=Role.PARTNER
        )
        MembershipFactory(
            user=person,
            role=MembershipRole.PARTNER_MEMBER,
            organisation=self.cast.partner_org_b,
            fabrique=self.fabrique,
        )
        MembershipFactory(
            user=person,
            role=MembershipRole.PARTNER_MEMBER,
            organisation=self.cast.partner_org_a,
            fabrique=self.cast.fabrique_b,
        )
        with pytest.raises(ValidationError):
            self.give(person, organisation=self.cast.partner_org_a)
        self.give(person, organisation=self.cast.partner_org_b)
        assert Position.objects.get().organisation == self.cast.partner_org_b

    def test_anct_records_a_position_received_by_letter(self):
        self.give(self.cast.pilot_a)
        assert Position.objects.get().recorded_by == self.cast.pilot_a

    def test_no_position_once_back_to_draft(self):
        services.recommendation_return(recommendation=self.recommendation, actor=self.cast.pilot_a)
        self.recommendation.refresh_from_db()
        with pytest.raises(ValidationError) as error:
            self.give(self.cast.partner_a)
        assert "n’est pas ouverte aux positions" in error.value.messages[0]

    def test_comment_by_anyone_who_sees_the_fabrique(self):
        services.comment_add(
            recommendation=self.recommendation, actor=self.cast.elected_a, text="D’accord."
        )
        with pytest.raises(ValidationError):
            services.comment_add(
                recommendation=self.recommendation, actor=self.cast.elected_a, text="  "
            )
        with pytest.raises(ValidationError):
            services.comment_add(
                recommendation=self.recommendation, actor=self.cast.pilot_b, text="Non."
            )
        assert RecommendationComment.objects.count() == 1
        assert self.actions() == ["recommendation.commented"]


class FollowUpTests(ServiceCase):
    recommendation: Recommendation

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.recommendation = RecommendationFactory(fabrique=cls.fabrique, published=True)

    def test_sending_recorded(self):
        services.sending_record(
            recommendation=self.recommendation,
            actor=self.cast.pilot_a,
            correspondent="M. Martin, sous-directeur",
            sent_on=datetime.date(2026, 10, 1),
        )
        saved = Recommendation.objects.get()
        assert (saved.correspondent, saved.sent_on) == (
            "M. Martin, sous-directeur",
            datetime.date(2026, 10, 1),
        )
        with pytest.raises(ValidationError) as error:
            services.sending_record(
                recommendation=self.recommendation,
                actor=self.cast.pilot_a,
                correspondent="",
                sent_on=None,
            )
        assert set(error.value.message_dict) == {"correspondent", "sent_on"}

    def test_sending_of_a_draft_is_refused(self):
        draft = RecommendationFactory(fabrique=self.fabrique)
        with pytest.raises(ValidationError) as error:
            services.sending_record(
                recommendation=draft,
                actor=self.cast.pilot_a,
                correspondent="M. Martin",
                sent_on=datetime.date(2026, 10, 1),
            )
        assert "Publiez d’abord" in error.value.messages[0]

    def test_answer_with_a_pdf(self):
        answer = services.answer_add(
            recommendation=self.recommendation,
            actor=self.cast.pilot_a,
            answered_on=datetime.date(2026, 11, 2),
            text="Le ministère étudie la proposition.",
            file=pdf_upload("reponse.pdf"),
        )
        assert answer.original_name == "reponse.pdf"
        assert str(answer.file.name).startswith("recommendations/")
        assert self.actions() == ["recommendation.answered"]

    def test_an_answer_file_that_is_not_a_pdf_is_refused(self):
        for upload in (text_upload("reponse.pdf"), docx_renamed_pdf(), pdf_upload("reponse.docx")):
            with pytest.raises(ValidationError) as error:
                services.answer_add(
                    recommendation=self.recommendation,
                    actor=self.cast.pilot_a,
                    answered_on=datetime.date(2026, 11, 2),
                    text="Réponse.",
                    file=upload,
                )
            assert "file" in error.value.message_dict
        assert not Answer.objects.exists()

    def test_an_answer_without_date_or_text_is_refused(self):
        with pytest.raises(ValidationError) as error:
            services.answer_add(
                recommendation=self.recommendation,
                actor=self.cast.pilot_a,
                answered_on=None,
                text="",
            )
        assert set(error.value.message_dict) == {"answered_on", "text"}

    def test_review_once_per_horizon_then_corrected(self):
        data = ReviewData(
            horizon=ReviewHorizon.ONE_YEAR,
            reviewed_on=timezone.localdate(),
            degree=Implementation.PARTIALLY,
            measure="Loi n° 2026-12 du 3 mars 2026, art. 4",
        )
        services.review_record(
            recommendation=self.recommendation, actor=self.cast.pilot_a, review=data
        )
        services.review_record(
            recommendation=self.recommendation,
            actor=self.cast.pilot_a,
            review=ReviewData(**{**data.__dict__, "degree": Implementation.FULLY}),
        )
        review = ImplementationReview.objects.get()
        assert review.degree == Implementation.FULLY
        assert AuditEvent.objects.order_by("pk").reverse()[0].data["corrected"] is True

    def test_review_with_a_bad_degree_or_horizon_is_refused(self):
        with pytest.raises(ValidationError):
            services.review_record(
                recommendation=self.recommendation,
                actor=self.cast.pilot_a,
                review=ReviewData(horizon=2, reviewed_on=timezone.localdate(), degree="fully"),
            )
        with pytest.raises(ValidationError):
            services.review_record(
                recommendation=self.recommendation,
                actor=self.cast.pilot_a,
                review=ReviewData(horizon=1, reviewed_on=timezone.localdate(), degree="maybe"),
            )
        with pytest.raises(ValidationError):
            services.review_record(
                recommendation=self.recommendation,
                actor=self.cast.provider_a,
                review=ReviewData(horizon=1, reviewed_on=timezone.localdate(), degree="fully"),
            )
        assert not ImplementationReview.objects.exists()


def test_position_factory_builds(db):
    assert PositionFactory().stance == Stance.SUPPORT
