"""The recommendations' workspace pages tried by each persona, with valid POSTs, and their
query budgets."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fabriques.calls.tests.factories import pdf_upload, text_upload
from fabriques.programme.models import Fabrique, Role
from fabriques.programme.tests.factories import FabriqueOrganisationFactory, OrganisationFactory
from fabriques.programme.tests.personas import Personas, build_personas
from fabriques.recommendations.models import (
    Answer,
    ImplementationReview,
    Position,
    Recommendation,
    RecommendationComment,
    RecommendationStatus,
    Stance,
)
from fabriques.recommendations.services import workspace as services
from fabriques.roadmaps.tests.factories import AxisFactory

from .factories import (
    ActionSheetFactory,
    PositionFactory,
    RecommendationFactory,
    ReviewFactory,
)

SEERS = ("admin", "pilot_a", "provider_a", "partner_a", "elected_a", "technical_a")
WRITERS = ("admin", "pilot_a", "provider_a")
READ_ONLY = ("partner_a", "elected_a", "technical_a")
OUTSIDERS = ("pilot_b", "provider_b", "partner_b", "elected_b", "applicant", "outsider")
FORM = {
    "title": "Un guichet unique d’ingénierie",
    "finding": "Les petites communes manquent d’ingénierie.",
    "proposal": "Ouvrir un guichet départemental.",
    "kind": "method",
    "addressee_kind": "operator",
    "addressee": "Agence nationale de la cohésion des territoires",
}


class ViewCase(TestCase):
    cast: Personas
    fabrique: Fabrique
    draft: Recommendation
    opened: Recommendation
    published: Recommendation

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()
        cls.fabrique = cls.cast.fabrique_a
        cls.draft = RecommendationFactory(fabrique=cls.fabrique, number=1)
        cls.opened = RecommendationFactory(fabrique=cls.fabrique, number=2, open_to_positions=True)
        cls.published = RecommendationFactory(fabrique=cls.fabrique, number=3, published=True)

    def client_for(self, name: str) -> Client:
        client = Client()
        user = self.cast.user(name)
        if user is not None:
            client.force_login(user)
        return client

    def url(self, name: str, *args) -> str:
        return reverse(f"recommendations:{name}", args=args)


class ReadTests(ViewCase):
    def test_list_and_detail_by_role(self):
        list_url = self.url("fabrique_list", self.fabrique.slug)
        for name in SEERS:
            client = self.client_for(name)
            response = client.get(list_url)
            assert response.status_code == 200, name
            assert self.draft.title in response.content.decode()
            for recommendation in (self.draft, self.opened, self.published):
                page = client.get(self.url("detail", recommendation.pk))
                assert page.status_code == 200, name
                html = page.content.decode()
                assert recommendation.proposal in html
                assert ("Modifier</a>" in html) == (
                    (name in WRITERS and recommendation != self.published)
                    or name in ("admin", "pilot_a")
                ), (name, recommendation.status)
                assert ("Enregistrer la position" in html) == (
                    recommendation == self.opened and name in ("admin", "pilot_a", "partner_a")
                ), (name, recommendation.status)
                assert ("Constater la mise en œuvre" in html) == (
                    recommendation == self.published and name in ("admin", "pilot_a")
                ), (name, recommendation.status)
        for name in OUTSIDERS:
            client = self.client_for(name)
            assert client.get(list_url).status_code == 404, name
            assert client.get(self.url("detail", self.opened.pk)).status_code == 404, name
        anonymous = self.client_for("anonymous")
        assert anonymous.get(list_url).status_code == 302
        assert anonymous.get(self.url("detail", self.opened.pk)).status_code == 302

    def test_list_shows_positions_summary_and_latest_degree(self):
        other = OrganisationFactory(name="Régions de France")
        FabriqueOrganisationFactory(fabrique=self.fabrique, organisation=other, role=Role.PARTNER)
        PositionFactory(
            recommendation=self.opened,
            organisation=self.cast.partner_org_a,
            stance=Stance.DISSENT,
            comment="Non.",
        )
        ReviewFactory(recommendation=self.published, horizon=0, degree="refused")
        ReviewFactory(recommendation=self.published, horizon=1, degree="partially")
        response = self.client_for("pilot_a").get(self.url("fabrique_list", self.fabrique.slug))
        rows = {row.recommendation.pk: row for row in response.context["rows"]}
        opened = rows[self.opened.pk]
        assert (opened.recommendation.dissent_count, opened.awaiting) == (1, 1)
        assert rows[self.draft.pk].awaiting == 2
        assert rows[self.published.pk].latest_degree_label == "Partiellement mise en œuvre"
        assert "Partiellement mise en œuvre" in response.content.decode()

    def test_detail_shows_text_evidence_positions_and_versions(self):
        sheet = ActionSheetFactory(axis__roadmap__participation=self.cast.participation_a)
        services.recommendation_update(
            recommendation=self.opened,
            actor=self.cast.pilot_a,
            data={"proposal": "Ouvrir un guichet unique régional."},
            lock_version=1,
            action_sheets=[sheet],
        )
        PositionFactory(
            recommendation=self.opened,
            organisation=self.cast.partner_org_a,
            stance=Stance.RESERVATIONS,
            comment="Sous réserve des moyens.",
            signatory="Jean Martin, président",
        )
        services.position_give(
            recommendation=self.opened,
            organisation=self.cast.partner_org_a,
            actor=self.cast.partner_a,
            stance=Stance.SUPPORT,
            comment="",
            signatory="Jean Martin, président",
            given_on=datetime.date(2026, 11, 4),
        )
        response = self.client_for("pilot_a").get(self.url("detail", self.opened.pk))
        html = response.content.decode()
        assert sheet.title in html
        assert "Positions remplacées" in html
        assert "Jean Martin, président" in html
        assert "Sous réserve des moyens." in html
        assert "<ins>régional.</ins>" in html
        assert "Version n° 2" in html


class WriteTests(ViewCase):
    def test_create_by_writers_only(self):
        url = self.url("create", self.fabrique.slug)
        for number, name in enumerate(WRITERS, start=10):
            client = self.client_for(name)
            assert client.get(url).status_code == 200
            response = client.post(url, {**FORM, "number": number})
            created = Recommendation.objects.get(fabrique=self.fabrique, number=number)
            assert response.status_code == 302
            assert response["Location"] == self.url("detail", created.pk)
        for name in READ_ONLY:
            assert self.client_for(name).get(url).status_code == 403, name
            assert self.client_for(name).post(url, FORM).status_code == 403, name
        for name in OUTSIDERS:
            assert self.client_for(name).post(url, FORM).status_code == 404, name
        assert Recommendation.objects.filter(fabrique=self.fabrique).count() == 6

    def test_create_without_addressee_shows_the_message(self):
        response = self.client_for("provider_a").post(
            self.url("create", self.fabrique.slug), {**FORM, "addressee": ""}
        )
        assert response.status_code == 400
        assert "Rien n’a été enregistré" in response.content.decode()
        assert Recommendation.objects.count() == 3

    def test_edit_and_a_stale_version(self):
        url = self.url("edit", self.draft.pk)
        assert self.client_for("partner_a").get(url).status_code == 403
        assert self.client_for("pilot_b").get(url).status_code == 404
        data = {**FORM, "number": 1, "lock_version": 1}
        response = self.client_for("provider_a").post(url, data)
        assert response.status_code == 302
        response = self.client_for("pilot_a").post(url, {**data, "title": "Autre titre"})
        assert response.status_code == 409
        html = response.content.decode()
        assert "modifiée par quelqu’un d’autre" in html
        assert "Un guichet unique d’ingénierie" in html
        assert response.context["form"]["lock_version"].value() == "2"
        # Saving again on the version shown replaces it: the person chose theirs.
        response = self.client_for("pilot_a").post(
            url, {**data, "title": "Autre titre", "lock_version": 2}
        )
        assert response.status_code == 302
        assert Recommendation.objects.get(pk=self.draft.pk).title == "Autre titre"

    def test_delete_and_transitions(self):
        assert (
            self.client_for("partner_a").post(self.url("delete", self.draft.pk)).status_code == 403
        )
        transition = self.url("transition", self.opened.pk)
        assert self.client_for("provider_a").post(transition, {"to": "publish"}).status_code == 403
        assert self.client_for("elected_a").post(transition, {"to": "draft"}).status_code == 403
        assert self.client_for("pilot_b").post(transition, {"to": "draft"}).status_code == 404
        response = self.client_for("pilot_a").post(transition, {"to": "publish"})
        assert response.status_code == 302
        self.opened.refresh_from_db()
        assert self.opened.status == RecommendationStatus.PUBLISHED
        response = self.client_for("provider_a").post(
            self.url("transition", self.draft.pk), {"to": "open"}
        )
        assert response.status_code == 302
        self.draft.refresh_from_db()
        assert self.draft.status == RecommendationStatus.ENDORSEMENT
        response = self.client_for("provider_a").post(
            self.url("transition", self.draft.pk), {"to": "draft"}
        )
        response = self.client_for("provider_a").post(self.url("delete", self.draft.pk))
        assert response.status_code == 302
        assert not Recommendation.objects.filter(pk=self.draft.pk).exists()

    def test_publish_page_warns_of_missing_positions(self):
        response = self.client_for("pilot_a").get(self.url("detail", self.opened.pk))
        html = response.content.decode()
        assert "n’ont pas encore donné leur position" in html
        assert self.cast.partner_org_a.name in html


class PositionViewTests(ViewCase):
    def post(self, name: str, **data):
        values = {
            "organisation": self.cast.partner_org_a.pk,
            "stance": "support",
            "comment": "",
            "signatory": "Marie Dupont, présidente",
            "given_on": "2026-11-03",
            **data,
        }
        return self.client_for(name).post(self.url("position", self.opened.pk), values)

    def test_the_partner_gives_its_position(self):
        response = self.client_for("partner_a").get(self.url("detail", self.opened.pk))
        assert "Donner la position de votre organisation" in response.content.decode()
        assert self.post("partner_a").status_code == 302
        assert Position.objects.get().signatory == "Marie Dupont, présidente"

    def test_dissent_without_comment_is_shown_as_an_error(self):
        response = self.post("partner_a", stance="dissent")
        assert response.status_code == 400
        assert "Expliquez les réserves ou le désaccord" in response.content.decode()
        assert not Position.objects.exists()

    def test_others_may_not(self):
        for name in ("provider_a", "elected_a", "technical_a"):
            assert self.post(name).status_code == 403, name
        for name in ("partner_b", "pilot_b"):
            assert self.post(name).status_code == 404, name
        assert self.post("anonymous").status_code == 302
        assert not Position.objects.exists()

    def test_comment_by_each_who_sees(self):
        for name in SEERS:
            response = self.client_for(name).post(
                self.url("comment", self.opened.pk), {"text": f"Avis de {name}"}
            )
            assert response.status_code == 302, name
        assert (
            self.client_for("partner_b")
            .post(self.url("comment", self.opened.pk), {"text": "x"})
            .status_code
            == 404
        )
        assert RecommendationComment.objects.count() == len(SEERS)


class FollowUpViewTests(ViewCase):
    def test_sending_answer_and_review_by_anct(self):
        client = self.client_for("pilot_a")
        pk = self.published.pk
        assert (
            client.post(
                self.url("sending", pk),
                {"correspondent": "Mme Durand, DGCL", "sent_on": "2026-11-02"},
            ).status_code
            == 302
        )
        assert (
            client.post(
                self.url("answer", pk),
                {
                    "answered_on": "2026-11-20",
                    "text": "Le ministère retient la proposition.",
                    "file": pdf_upload("reponse.pdf"),
                },
            ).status_code
            == 302
        )
        answer = Answer.objects.get()
        download = client.get(self.url("answer_file", pk, answer.pk))
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
        assert (
            self.client_for("pilot_b").get(self.url("answer_file", pk, answer.pk)).status_code
            == 404
        )
        today = timezone.localdate().isoformat()
        assert (
            client.post(
                self.url("review", pk),
                {
                    "horizon": "0",
                    "reviewed_on": today,
                    "degree": "in_progress",
                    "measure": "Circulaire du 4 mars",
                },
            ).status_code
            == 302
        )
        html = client.get(self.url("detail", pk)).content.decode()
        assert "Mme Durand, DGCL" in html
        assert "Mise en œuvre en cours" in html
        assert "Circulaire du 4 mars" in html

    def test_a_text_file_as_answer_is_refused(self):
        response = self.client_for("pilot_a").post(
            self.url("answer", self.published.pk),
            {"answered_on": "2026-11-20", "text": "Réponse", "file": text_upload("reponse.pdf")},
        )
        assert response.status_code == 400
        assert "pas un PDF valide" in response.content.decode()
        assert not Answer.objects.exists()

    def test_read_only_roles_and_provider_may_not_follow_up(self):
        for name in ("provider_a", "partner_a", "elected_a"):
            for route, data in (
                ("sending", {"correspondent": "X", "sent_on": "2026-11-02"}),
                ("review", {"horizon": "0", "reviewed_on": "2026-11-02", "degree": "fully"}),
            ):
                response = self.client_for(name).post(self.url(route, self.published.pk), data)
                assert response.status_code == 403, (name, route)
        assert (
            self.client_for("pilot_b")
            .post(
                self.url("sending", self.published.pk),
                {"correspondent": "X", "sent_on": "2026-11-02"},
            )
            .status_code
            == 404
        )
        assert not ImplementationReview.objects.exists()


class QueryCountTests(TestCase):
    """Queries do not grow with the number of recommendations or positions."""

    cast: Personas

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()

    def count(self, url: str) -> int:
        client = Client()
        client.force_login(self.cast.pilot_a)
        client.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def make(self, n: int, fabrique) -> list[Recommendation]:
        made = []
        for _ in range(n):
            recommendation = RecommendationFactory(fabrique=fabrique, published=True)
            organisation = OrganisationFactory()
            FabriqueOrganisationFactory(
                fabrique=fabrique, organisation=organisation, role=Role.PARTNER
            )
            PositionFactory(recommendation=recommendation, organisation=organisation)
            ReviewFactory(recommendation=recommendation)
            made.append(recommendation)
        return made

    def test_list(self):
        """6 queries: the session, the user, the Fabrique, the person's memberships (grants),
        the count of endorsing organisations, the recommendations with their position counts
        and latest degree."""
        fabrique = self.cast.fabrique_a
        url = reverse("recommendations:fabrique_list", args=[fabrique.slug])
        self.make(2, fabrique)
        few = self.count(url)
        self.make(18, fabrique)
        assert self.count(url) == few == 6

    def test_detail(self):
        """17 queries: the session, the user, the recommendation (access), the memberships
        (grants); the recommendation again with its prefetches: territories, workshops, action
        sheets with their roadmap, positions with their organisation, comments, their authors,
        answers, reviews; the endorsing organisations (missing positions), the person's own
        (position form), the versions with their authors, the replaced positions."""
        fabrique = self.cast.fabrique_a
        recommendation = self.make(1, fabrique)[0]
        url = reverse("recommendations:detail", args=[recommendation.pk])

        def add_positions(n: int) -> None:
            for _ in range(n):
                organisation = OrganisationFactory()
                FabriqueOrganisationFactory(
                    fabrique=fabrique, organisation=organisation, role=Role.PARTNER
                )
                PositionFactory(
                    recommendation=recommendation,
                    organisation=organisation,
                    stance="reservations",
                    comment="Oui mais",
                )
                services.comment_add(
                    recommendation=recommendation, actor=self.cast.pilot_a, text="Vu"
                )

        add_positions(1)
        few = self.count(url)
        add_positions(18)
        for position in Position.objects.filter(recommendation=recommendation)[:5]:
            position.stance = "support"
            position.comment = ""
            position.save()
        axis = AxisFactory(roadmap__participation=self.cast.participation_a)
        sheets = [ActionSheetFactory(axis=axis) for _ in range(3)]
        for i in range(5):
            recommendation.refresh_from_db()
            services.recommendation_update(
                recommendation=recommendation,
                actor=self.cast.pilot_a,
                data={"title": f"Intitulé {i}"},
                lock_version=recommendation.lock_version,
                action_sheets=sheets[: i % 3 + 1],
            )
            services.answer_add(
                recommendation=recommendation,
                actor=self.cast.pilot_a,
                answered_on=datetime.date(2026, 11, 2),
                text="Réponse",
            )
        assert self.count(url) == few == 17
