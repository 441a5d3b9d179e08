"""Axes and action sheets citing the foresight results they answer: the choices (the
territory's and the Fabrique's collective studies only), the services (valid, refused,
audited), the forms round-tripped and the roadmap's « Vision prospective »."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from fabriques.accounts.roles import grants_for
from fabriques.core.models import AuditEvent
from fabriques.programme.tests.personas import Personas, build_personas
from fabriques.roadmaps.models import ActionSheet, Axis, Roadmap, RoadmapStatus
from fabriques.roadmaps.selectors import editing as selectors
from fabriques.roadmaps.services import editing as services
from fabriques.studies import services as study_services
from fabriques.studies.models import RetainedKind, RetainedResult, Study, StudyStatus
from fabriques.studies.tests.factories import micmac_study
from fabriques.territories.tests.factories import ParticipationFactory

from .factories import ActionSheetFactory, AxisFactory, RoadmapFactory


def _retained(study: object, actor: object) -> RetainedResult:
    run = study_services.study_run(study=study, actor=actor)  # type: ignore[arg-type]
    return study_services.retained_add(
        study=study,  # type: ignore[arg-type]
        actor=actor,  # type: ignore[arg-type]
        kind=RetainedKind.VARIABLE,
        key="Offre de soins",
        run=run,
    )


class AnswersTest(TestCase):
    cast: Personas
    roadmap: Roadmap
    axis: Axis
    sheet: ActionSheet
    territory: RetainedResult
    collective: RetainedResult
    neighbour: RetainedResult
    foreign: RetainedResult

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()
        a, actor = cls.cast.fabrique_a, cls.cast.provider_a
        cls.roadmap = RoadmapFactory(participation=cls.cast.participation_a)
        cls.axis = AxisFactory(roadmap=cls.roadmap, title="Se soigner près de chez soi")
        cls.sheet = ActionSheetFactory(axis=cls.axis, number=1, title="Maison de santé")
        cls.territory = _retained(
            micmac_study(
                fabrique=a, actor=actor, participation=cls.cast.participation_a, title="Bourg"
            ),
            actor,
        )
        cls.collective = _retained(
            micmac_study(fabrique=a, actor=actor, title="Étude collective"), actor
        )
        neighbour = ParticipationFactory(fabrique=a)
        cls.neighbour = _retained(
            micmac_study(fabrique=a, actor=actor, participation=neighbour, title="Voisin"), actor
        )
        cls.foreign = _retained(
            micmac_study(fabrique=cls.cast.fabrique_b, actor=cls.cast.provider_b, title="B"),
            cls.cast.provider_b,
        )

    def client_for(self, name: str) -> Client:
        client = Client()
        user = self.cast.user(name)
        if user is not None:
            client.force_login(user)
        return client

    def test_choices_are_the_territory_and_the_collective_studies(self) -> None:
        chosen = set(services.answer_choices(self.roadmap))
        assert chosen == {self.territory, self.collective}

    def test_a_sheet_cites_results_audited_in_its_history(self) -> None:
        services.sheet_answers_set(
            sheet=self.sheet, actor=self.cast.provider_a, answers=[self.territory, self.collective]
        )
        assert set(self.sheet.answers.all()) == {self.territory, self.collective}
        event = AuditEvent.objects.get(action="sheet.part_changed", object_id=str(self.sheet.pk))
        assert event.data["part"] == "answers"
        assert event.data["fields"][0] == ["Ajouté", "", "Offre de soins"]
        (entry,) = [e for e in selectors.sheet_history(sheet=self.sheet) if e.record is None]
        assert entry.heading == "Résultats de la prospective auxquels elle répond"
        # Saving the same choice again records nothing.
        services.sheet_answers_set(
            sheet=self.sheet, actor=self.cast.provider_a, answers=[self.collective, self.territory]
        )
        assert AuditEvent.objects.filter(action="sheet.part_changed").count() == 1

    def test_another_territory_or_fabrique_is_refused_and_nothing_saved(self) -> None:
        for other in (self.neighbour, self.foreign):
            with self.subTest(other.study.title), self.assertRaises(ValidationError) as caught:
                services.sheet_answers_set(
                    sheet=self.sheet, actor=self.cast.provider_a, answers=[self.territory, other]
                )
            assert "études de ce territoire" in str(caught.exception)
            with self.assertRaises(ValidationError):
                services.axis_update(
                    axis=self.axis, actor=self.cast.provider_a, title="Axe", answers=[other]
                )
        assert not self.sheet.answers.exists() and not self.axis.answers.exists()
        self.axis.refresh_from_db()
        assert self.axis.title == "Se soigner près de chez soi"

    def test_axis_form_round_trip(self) -> None:
        client = self.client_for("provider_a")
        url = reverse("roadmaps:axis_edit", args=[self.roadmap.pk, self.axis.pk])
        page = client.get(url).content.decode()
        assert "Étude collective" in page and "Voisin" not in page
        response = client.post(
            url,
            {"title": "Se soigner", "description": "", "answers": [str(self.collective.pk)]},
        )
        assert response.status_code == 302
        assert list(self.axis.answers.all()) == [self.collective]
        event = AuditEvent.objects.filter(action="axis.updated").latest("pk")
        assert event.data["pks"] == [self.collective.pk]
        reopened = client.get(url)
        assert reopened.context["form"].initial["answers"] == [self.collective.pk]
        # A foreign result posted by hand is refused by the form (not among the choices).
        response = client.post(url, {"title": "Se soigner", "answers": [str(self.foreign.pk)]})
        assert response.status_code == 200
        assert list(self.axis.answers.all()) == [self.collective]

    def test_sheet_answers_route_for_each_role(self) -> None:
        url = reverse("roadmaps:sheet_answers", args=[self.sheet.pk])
        data = {"answers": [str(self.territory.pk)]}
        assert self.client_for("partner_a").post(url, data).status_code == 403
        assert self.client_for("provider_b").post(url, data).status_code == 404
        anonymous = self.client_for("anonymous").post(url, data)
        assert anonymous.status_code == 302 and "/compte/connexion/" in anonymous["Location"]
        assert not self.sheet.answers.exists()
        response = self.client_for("provider_a").post(url, data)
        assert response.status_code == 302 and response["Location"].endswith("#prospective")
        assert list(self.sheet.answers.all()) == [self.territory]
        refused = self.client_for("provider_a").post(url, {"answers": [str(self.neighbour.pk)]})
        assert refused.status_code == 400
        assert list(self.sheet.answers.all()) == [self.territory]

    def test_pages_show_the_vision_and_what_each_part_answers(self) -> None:
        services.sheet_answers_set(
            sheet=self.sheet, actor=self.cast.provider_a, answers=[self.territory]
        )
        services.axis_update(
            axis=self.axis,
            actor=self.cast.provider_a,
            title=self.axis.title,
            answers=[self.collective],
        )
        client = self.client_for("partner_a")  # reads the roadmap, does not write it
        page = client.get(reverse("roadmaps:detail", args=[self.roadmap.pk])).content.decode()
        assert "Vision prospective" in page
        assert "étude « Bourg »" in page and "étude « Étude collective »" in page
        assert "étude « Voisin »" not in page and "étude « B »" not in page
        assert "Répond à\u00a0: Offre de soins" in page
        sheet_page = client.get(
            reverse("roadmaps:sheet_detail", args=[self.sheet.pk])
        ).content.decode()
        assert "Ce que la fiche prend en charge de la prospective" in sheet_page
        assert "Variable clé\u00a0: Offre de soins (étude « Bourg »)" in sheet_page
        assert reverse("roadmaps:sheet_answers", args=[self.sheet.pk]) not in sheet_page
        writer_page = self.client_for("provider_a").get(
            reverse("roadmaps:sheet_detail", args=[self.sheet.pk])
        )
        assert (
            reverse("roadmaps:sheet_answers", args=[self.sheet.pk]) in writer_page.content.decode()
        )

    def test_public_pages_show_only_what_published_studies_retained(self) -> None:
        """Once the roadmap is published, its public page shows the « Vision prospective » and
        what each axis and sheet answers, from published studies only: a draft study's
        results stay in the workspace."""
        services.sheet_answers_set(
            sheet=self.sheet,
            actor=self.cast.provider_a,
            answers=[self.territory, self.collective],
        )
        services.axis_update(
            axis=self.axis,
            actor=self.cast.provider_a,
            title=self.axis.title,
            answers=[self.territory, self.collective],
        )
        Roadmap.objects.filter(pk=self.roadmap.pk).update(
            status=RoadmapStatus.PUBLISHED, published_at=timezone.now()
        )
        Study.objects.filter(pk=self.territory.study_id).update(status=StudyStatus.PUBLISHED)
        anonymous = Client()
        page = anonymous.get(reverse("public:roadmap", args=[self.roadmap.pk])).content.decode()
        assert "Vision prospective" in page
        public_study = reverse("studies:public", args=[self.territory.study_id])
        assert f'<a href="{public_study}">étude « Bourg »</a>' in page
        assert "Répond à : Offre de soins</p>" in page
        assert "Étude collective" not in page and "Voisin" not in page
        sheet = anonymous.get(reverse("public:sheet", args=[self.sheet.pk])).content.decode()
        assert "Ce qu’elle prend en charge de la prospective" in sheet
        assert f'Variable clé : Offre de soins (<a href="{public_study}">' in sheet
        assert "Étude collective" not in sheet
        study = Study.objects.get(pk=self.territory.study_id)
        study.status = StudyStatus.DRAFT
        study.save(update_fields=["status"])  # the signal bumps the data version
        page = anonymous.get(reverse("public:roadmap", args=[self.roadmap.pk])).content.decode()
        assert "Vision prospective" not in page and "Bourg" not in page

    def test_vision_is_one_query(self) -> None:
        user = self.cast.provider_a
        grants_for(user)  # the person's grants, kept for the request
        with self.assertNumQueries(1):
            groups = selectors.roadmap_vision(roadmap=self.roadmap, user=user)
            assert [r.study.title for g in groups for r in g.results] == [
                "Bourg",
                "Étude collective",
            ]

    def test_referents_neither_see_nor_drop_the_collective_results(self) -> None:
        """The Fabrique's collective study is not the territory's referents' to read: what is
        retained in it stays out of their pages and choices, and their saves keep it cited."""
        services.sheet_answers_set(
            sheet=self.sheet, actor=self.cast.provider_a, answers=[self.collective]
        )
        referent = self.cast.elected_a
        assert set(services.answer_choices_for(self.roadmap, referent)) == {self.territory}
        client = self.client_for("elected_a")
        page = client.get(reverse("roadmaps:detail", args=[self.roadmap.pk])).content.decode()
        assert "étude « Bourg »" in page and "Étude collective" not in page
        sheet_page = client.get(reverse("roadmaps:sheet_detail", args=[self.sheet.pk]))
        assert "Étude collective" not in sheet_page.content.decode()
        response = client.post(
            reverse("roadmaps:sheet_answers", args=[self.sheet.pk]),
            {"answers": [str(self.territory.pk)]},
        )
        assert response.status_code == 302
        assert set(self.sheet.answers.all()) == {self.territory, self.collective}
        refused = client.post(
            reverse("roadmaps:sheet_answers", args=[self.sheet.pk]),
            {"answers": [str(self.collective.pk)]},
        )
        assert refused.status_code == 400
