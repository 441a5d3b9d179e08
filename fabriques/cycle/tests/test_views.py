"""The status page of a Fabrique, tried by every persona, then used by its pilot."""

import datetime

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from fabriques.calls.tests.factories import ApplicationFactory, CallFactory
from fabriques.core.models import AuditEvent
from fabriques.programme.models import FabriqueStatus
from fabriques.programme.tests.personas import ROLE_NAMES
from fabriques.programme.tests.test_views import (
    LOGIN,
    MANAGES_A,
    NBSP,
    PersonaCase,
    expected_status,
)
from fabriques.territories.tests.factories import ParticipationFactory

STATUS_PAGE = reverse("cycle:fabrique_transition", args=["fabrique-a"])


class TransitionAccessTests(PersonaCase):
    """The status page against every persona: managers of Fabrique A only."""

    def test_the_page_for_its_managers(self):
        for name in ROLE_NAMES:
            with self.subTest(persona=name):
                self.client.logout()
                self.login(name)
                response = self.client.get(STATUS_PAGE)
                self.assertEqual(response.status_code, expected_status(name, page="manage"))
                if name == "anonymous":
                    self.assertTrue(response["Location"].startswith(LOGIN))

    def test_read_only_roles_cannot_move_the_fabrique(self):
        for name in ROLE_NAMES:
            if name in MANAGES_A:
                continue
            self.client.logout()
            self.login(name)
            with self.subTest(persona=name):
                response = self.client.post(STATUS_PAGE, {"to_status": "closing"})
                self.assertEqual(response.status_code, expected_status(name, page="manage"))
        self.a.refresh_from_db()
        self.assertEqual(self.a.status, FabriqueStatus.RUNNING)
        self.assertFalse(AuditEvent.objects.exists())


class TransitionViewTests(PersonaCase):
    status = FabriqueStatus.SELECTION

    def test_the_page_explains_why_a_move_is_not_possible(self):
        self.login("pilot_a")
        response = self.client.get(STATUS_PAGE)
        self.assertContains(response, f"Passer au statut «{NBSP}En cours{NBSP}»")
        self.assertContains(
            response,
            "Une Fabrique en cours ou terminée réunit de 4 à 8 territoires ; celle-ci en compte 1.",
        )
        self.assertContains(response, "disabled")
        self.assertContains(response, "Raison du retour en arrière (obligatoire)")

    def test_a_refused_move_lists_the_problems_and_changes_nothing(self):
        self.login("pilot_a")
        response = self.client.post(STATUS_PAGE, {"to_status": "running"})
        self.assertContains(response, "Le statut n’a pas changé")
        self.assertContains(response, "fr-alert--error")
        self.assertContains(response, "celle-ci en compte 1.")
        self.a.refresh_from_db()
        self.assertEqual(self.a.status, FabriqueStatus.SELECTION)
        response = self.client.post(STATUS_PAGE, {"to_status": "nimporte"})
        self.assertContains(response, "Ce statut n’existe pas.")
        self.assertFalse(AuditEvent.objects.exists())

    def test_a_successful_move_then_its_history(self):
        for _ in range(3):
            ParticipationFactory.create(fabrique=self.a)
        self.login("pilot_a")
        response = self.client.post(
            STATUS_PAGE,
            {"to_status": "running", "reason": "Cohorte complète."},
            follow=True,
        )
        self.assertRedirects(response, self.url("fabrique_detail", "fabrique-a"))
        self.assertContains(response, f"La Fabrique est passée au statut «{NBSP}En cours{NBSP}».")
        self.a.refresh_from_db()
        self.assertEqual(self.a.status, FabriqueStatus.RUNNING)
        response = self.client.get(self.url("fabrique_history", "fabrique-a"))
        self.assertContains(response, "Cohorte complète.")
        self.assertContains(response, self.cast.pilot_a.display_name)
        # The version diff: field, old → new.
        self.assertContains(response, "Statut : Sélection des territoires → En cours")


class EarlySelectionViewTests(PersonaCase):
    """Moving to selection before the call's announced closing date asks to confirm first."""

    status = FabriqueStatus.CALL_OPEN

    def setUp(self):
        super().setUp()
        call = CallFactory.create(
            fabrique=self.a, closes_at=timezone.now() + datetime.timedelta(days=5)
        )
        ApplicationFactory.create_batch(3, call=call)

    def test_the_page_says_what_the_move_closes_and_how_many_drafts_it_locks_out(self):
        self.login("pilot_a")
        response = self.client.get(STATUS_PAGE)
        self.assertContains(response, "Avant de confirmer")
        self.assertContains(response, "3 candidatures sont encore à l’état de brouillon")
        self.assertContains(response, "J’ai lu ces conséquences et je confirme ce passage.")

    def test_without_the_box_ticked_nothing_changes(self):
        self.login("pilot_a")
        response = self.client.post(STATUS_PAGE, {"to_status": "selection"})
        self.assertContains(response, "Cochez cette case pour confirmer.")
        self.assertContains(response, "Le statut n’a pas changé")
        self.a.refresh_from_db()
        self.assertEqual(self.a.status, FabriqueStatus.CALL_OPEN)
        self.assertFalse(AuditEvent.objects.exists())

    def test_confirmed_the_fabrique_moves_and_the_authors_are_told(self):
        self.login("pilot_a")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(STATUS_PAGE, {"to_status": "selection", "confirmed": "on"})
        self.assertRedirects(response, self.url("fabrique_detail", "fabrique-a"))
        self.a.refresh_from_db()
        self.assertEqual(self.a.status, FabriqueStatus.SELECTION)
        self.assertEqual(len(mail.outbox), 3)
