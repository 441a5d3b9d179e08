"""The workspace home and the audit log."""

import datetime
from unittest import mock

from django.test import TestCase
from django.urls import reverse

from fabriques.core.services import audit_event_create
from fabriques.cycle.services import fabrique_transition
from fabriques.deliverables.tests.factories import DeliverableFactory
from fabriques.programme.models import Fabrique, FabriqueStatus, ProgrammeYear
from fabriques.programme.services import programme_year_create
from fabriques.programme.tests.personas import ROLE_NAMES, Personas, build_personas

HOME = reverse("workspace:home")
AUDIT = reverse("workspace:audit")
TODAY = datetime.date(2026, 3, 10)


class HomeTests(TestCase):
    cast: Personas

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_personas(status=FabriqueStatus.RUNNING)
        Fabrique.objects.create(
            slug="idee", title="Une idée", programme_year=cls.cast.fabrique_a.programme_year
        )

    def get(self, name):
        self.client.force_login(self.cast.users[name])
        with mock.patch("fabriques.workspace.views.timezone.localdate", return_value=TODAY):
            return self.client.get(HOME)

    def test_anonymous_is_sent_to_log_in(self):
        response = self.client.get(HOME)
        self.assertRedirects(response, f"{reverse('accounts:login')}?next={HOME}")

    def test_my_fabriques_with_my_role(self):
        response = self.get("provider_a")
        self.assertEqual([c["fabrique"].slug for c in response.context["cards"]], ["fabrique-a"])
        self.assertContains(response, "Fabrique A")
        self.assertContains(response, "Prestataire")
        self.assertNotContains(response, "Fabrique B")
        # Programme figures are for ANCT only.
        self.assertNotContains(response, "Programme 2026")

    def test_anct_sees_the_year_target_against_designed(self):
        response = self.get("pilot_a")
        # Fabriques A and B are running; the idea does not count as designed.
        self.assertContains(response, "2 Fabriques conçues sur 3 visées.")
        self.assertContains(response, "(3 Fabriques en tout, idées comprises.)")
        self.assertNotContains(response, reverse("programme:fabrique_create"))
        response = self.get("admin")
        self.assertContains(response, reverse("programme:fabrique_create"))
        self.assertEqual(
            {c["fabrique"].slug for c in response.context["cards"]},
            {"fabrique-a", "fabrique-b", "idee"},
        )

    def test_a_year_not_yet_created(self):
        ProgrammeYear.objects.filter(year=2026).update(year=2025)
        response = self.get("admin")
        self.assertContains(
            response, "L’année 2026 n’est pas encore enregistrée dans le programme."
        )
        self.assertContains(response, reverse("programme:year_create"))

    def test_published_fabriques_leave_the_home_page(self):
        Fabrique.objects.filter(slug="fabrique-a").update(status=FabriqueStatus.PUBLISHED)
        response = self.get("elected_a")
        self.assertEqual(response.context["cards"], [])
        self.assertContains(response, "Aucune Fabrique en cours ne vous concerne pour l’instant.")
        self.assertContains(response, reverse("programme:fabrique_list"))

    def test_everyone_signed_in_has_a_home(self):
        for name in ROLE_NAMES:
            if name == "anonymous":
                continue
            with self.subTest(persona=name):
                self.assertEqual(self.get(name).status_code, 200)

    def test_a_working_group_member_is_sent_to_their_workshops(self):
        from fabriques.accounts.tests.factories import UserFactory
        from fabriques.workinggroups.tests.factories import MemberFactory, WorkingGroupFactory

        person = UserFactory.create(username="membre@exemple.fr", email="membre@exemple.fr")
        group = WorkingGroupFactory(participation=self.cast.participation_a)
        self.client.force_login(person)
        self.assertNotContains(self.client.get(HOME), reverse("workshops:my_space"))
        MemberFactory(working_group=group, user=person, email=person.email)
        response = self.client.get(HOME)
        self.assertContains(response, reverse("workshops:my_space"))
        self.assertNotContains(response, "Candidater à une Fabrique")

    def test_deliverables_to_follow_for_the_provider_and_the_pilot(self):
        from fabriques.deliverables.models import DeliverableStatus
        from fabriques.deliverables.tests.factories import DeliverableFactory

        DeliverableFactory(fabrique=self.cast.fabrique_a, due_on=datetime.date(2026, 2, 1))
        DeliverableFactory(
            fabrique=self.cast.fabrique_a,
            due_on=datetime.date(2026, 3, 1),
            status=DeliverableStatus.SUBMITTED,
        )
        for name in ("provider_a", "pilot_a"):
            with self.subTest(persona=name):
                todo = self.get(name).context["todo"]
                self.assertEqual((todo.late, todo.awaiting_review), (1, 1))
                self.assertContains(self.get(name), '<p class="fr-h3 fr-mb-0">1</p>', count=2)
        for name in ("provider_b", "pilot_b"):
            with self.subTest(persona=name):
                todo = self.get(name).context["todo"]
                self.assertEqual((todo.late, todo.awaiting_review), (0, 0))
        self.assertIsNone(self.get("partner_a").context["todo"])

    def test_query_budget(self):
        for n in range(3):
            Fabrique.objects.create(
                slug=f"extra-{n}",
                title=f"Extra {n}",
                programme_year=self.cast.fabrique_a.programme_year,
            )
        self.client.force_login(self.cast.admin)
        # 1 session, 2 user, 3 memberships (grants; an admin has no organisation), 4 the cards'
        # Fabriques with their year (no themes: the cards do not show them), 5 the year's
        # progress, 6 the deliverables to follow, 7 the actions to follow (counted), 8 the
        # person's memberships of working groups.
        with (
            mock.patch("fabriques.workspace.views.timezone.localdate", return_value=TODAY),
            self.assertNumQueries(8),
        ):
            response = self.client.get(HOME)
        self.assertEqual(len(response.context["cards"]), 6)

    def test_someone_without_a_role_is_shown_the_open_calls(self):
        response = self.get("applicant")
        self.assertContains(response, reverse("calls:call_list"))
        self.assertContains(response, reverse("calls:my_applications"))


class AuditTests(TestCase):
    cast: Personas

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_personas(status=FabriqueStatus.RUNNING)
        fabrique_transition(
            fabrique=cls.cast.fabrique_a,
            to_status=FabriqueStatus.CLOSING,
            actor=cls.cast.pilot_a,
            reason="Fin des ateliers.",
        )
        programme_year_create(year=2027, target_fabriques=3, actor=cls.cast.admin)
        audit_event_create(action="territories.qpv_import", summary="Import du référentiel")

    def setUp(self):
        self.client.force_login(self.cast.admin)

    def test_access(self):
        for name, status in (("pilot_a", 403), ("provider_a", 403), ("outsider", 403)):
            with self.subTest(persona=name):
                self.client.force_login(self.cast.users[name])
                self.assertEqual(self.client.get(AUDIT).status_code, status)
        self.client.logout()
        self.assertEqual(self.client.get(AUDIT).status_code, 302)

    def test_every_event_with_a_link_to_its_object(self):
        response = self.client.get(AUDIT)
        self.assertContains(response, "3 événements")
        self.assertContains(response, "Fin des ateliers.")
        self.assertContains(response, self.cast.pilot_a.display_name)
        self.assertContains(
            response, f'href="{reverse("programme:fabrique_detail", args=["fabrique-a"])}"'
        )
        self.assertContains(response, f'href="{reverse("programme:year_edit", args=[2027])}"')
        self.assertContains(response, "Système")  # the import has no author

    def test_filters(self):
        response = self.client.get(AUDIT, {"action": "fabrique.transition"})
        self.assertEqual(
            [r["event"].action for r in response.context["rows"]], ["fabrique.transition"]
        )
        response = self.client.get(AUDIT, {"object_type": "programme.programmeyear"})
        self.assertEqual(
            [r["event"].action for r in response.context["rows"]], ["programme_year.created"]
        )
        response = self.client.get(AUDIT, {"actor": "PILOT_A"})
        self.assertEqual([r["event"].actor for r in response.context["rows"]], [self.cast.pilot_a])

    def test_an_unknown_filter_is_reported_and_ignored(self):
        response = self.client.get(AUDIT, {"action": "nimporte"})
        self.assertContains(response, "Certains filtres n’ont pas été appliqués")
        self.assertContains(
            response, "L’action «\u00a0nimporte\u00a0» n’existe pas ; ce filtre a été ignoré."
        )
        self.assertEqual(len(response.context["rows"]), 3)

    def test_query_budget(self):
        for n in range(20):
            audit_event_create(
                action="fabrique.updated", obj=self.cast.fabrique_b, summary=f"n° {n}"
            )
            deliverable = DeliverableFactory(
                fabrique=self.cast.fabrique_a, participation=self.cast.participation_a
            )
            audit_event_create(action="deliverable.accepted", obj=deliverable)
            person = self.cast.users["elected_a" if n % 2 else "elected_b"]
            audit_event_create(action="user.updated", obj=person)
        # 1 session, 2 user, 3 memberships (grants), 4 distinct actions, 5 distinct object types,
        # 6 count, 7 page of events with their authors, then one query per object type on the
        # page (the 50 latest events) for the objects' names and links: 8 people,
        # 9 deliverables with their territory, 10 Fabriques.
        with self.assertNumQueries(10):
            response = self.client.get(AUDIT)
        self.assertEqual(len(response.context["rows"]), 50)
        self.assertContains(response, "Livrable accepté")
        self.assertNotContains(response, ">deliverable.accepted<")

    def test_actions_and_objects_in_words(self):
        deliverable = DeliverableFactory(
            fabrique=self.cast.fabrique_a, title="Diagnostic prospectif du territoire"
        )
        audit_event_create(action="deliverable.accepted", obj=deliverable, actor=self.cast.pilot_a)
        response = self.client.get(AUDIT)
        self.assertContains(
            response, '<td class="fr-cell--multiline">Livrable accepté</td>', html=True
        )
        self.assertContains(
            response,
            f'<a href="{reverse("deliverables:deliverable_detail", args=[deliverable.pk])}">'
            "Diagnostic prospectif du territoire</a>",
            html=True,
        )
        self.assertNotContains(response, f"Livrable n°&nbsp;{deliverable.pk}")
        self.assertContains(response, "Statut de la Fabrique changé")
        self.assertContains(response, ">Fabrique A</a>")
        self.assertNotContains(response, ">fabrique.transition<")
        # The filter offers the labels.
        self.assertContains(
            response, '<option value="deliverable.accepted">Livrable accepté</option>', html=True
        )
        # An object deleted since is named by its type and number.
        pk = deliverable.pk
        deliverable.delete()
        response = self.client.get(AUDIT)
        self.assertContains(response, f"Livrable n°&nbsp;{pk}")


class SelectedReferentsHomeTests(TestCase):
    """Through the real selection service: the retained territory's referents find their
    Fabrique on their dashboard."""

    def setUp(self):
        from fabriques.calls.tests.factories import ApplicationFactory, CallFactory

        self.cast = build_personas(status=FabriqueStatus.SELECTION)
        call = CallFactory(fabrique=self.cast.fabrique_a)
        # The agent who filled in the application is also its technical referent, and
        # already has an account (with a password) from applying.
        self.agent = self.cast.applicant
        self.application = ApplicationFactory(
            call=call,
            applicant=self.agent,
            submitted=True,
            elected_email="Maire@Commune-Retenue.fr",
            technical_email=self.agent.email.upper(),
        )

    def cards(self, user):
        self.client.force_login(user)
        response = self.client.get(HOME)
        return response, [card["fabrique"].slug for card in response.context["cards"]]

    def test_referents_see_their_fabrique_after_selection(self):
        from fabriques.accounts.models import User
        from fabriques.calls.services import application_select

        response, slugs = self.cards(self.agent)
        self.assertEqual(slugs, [])  # before: an applicant, no role
        self.assertContains(response, "Aucune Fabrique en cours ne vous concerne")
        with self.captureOnCommitCallbacks(execute=True):
            application_select(application=self.application, actor=self.cast.pilot_a)
        elected = User.objects.get(email__iexact="maire@commune-retenue.fr")
        for user in (elected, self.agent):
            with self.subTest(user=user.email):
                response, slugs = self.cards(user)
                self.assertEqual(slugs, ["fabrique-a"])
                self.assertContains(response, "Référent d’un territoire accompagné")
                self.assertNotContains(response, "Aucune Fabrique en cours ne vous concerne")

    def test_one_person_holding_both_roles(self):
        from fabriques.accounts.models import User
        from fabriques.calls.services import application_select

        self.application.technical_email = self.application.elected_email
        self.application.save(update_fields=["technical_email"])
        with self.captureOnCommitCallbacks(execute=True):
            application_select(application=self.application, actor=self.cast.admin)
        referent = User.objects.get(email__iexact="maire@commune-retenue.fr")
        self.assertEqual(self.cards(referent)[1], ["fabrique-a"])

    def test_the_applicant_is_told_who_gets_access(self):
        response, _slugs = self.cards(self.cast.outsider)
        self.assertContains(
            response,
            "l’élu(e) et le référent technique nommés dans sa candidature reçoivent par courriel "
            "un accès à la Fabrique",
        )
