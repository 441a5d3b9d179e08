"""The follow-up pages tried by each persona; the form's bad input changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fabriques.programme.tests.personas import Personas, build_personas
from fabriques.roadmaps.models import (
    FollowUp,
    FollowUpEntry,
    IndicatorValue,
    Roadmap,
    RoadmapStatus,
    SheetStatus,
)
from fabriques.roadmaps.services.followup import follow_ups_open_due

from .factories_lifecycle import IndicatorFactory, SheetFactory, roadmap_with_sheets
from .test_followup_services import ONE_YEAR

WRITERS = ("admin", "pilot_a", "provider_a", "elected_a", "technical_a")
READERS = ("partner_a",)
OUTSIDERS = ("pilot_b", "provider_b", "partner_b", "elected_b", "applicant", "outsider")


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


class FollowUpViewTests(TestCase):
    cast: Personas
    roadmap: Roadmap
    url: str

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_personas()

    def setUp(self):
        self.roadmap = roadmap_with_sheets(
            self.cast.participation_a, status=RoadmapStatus.PUBLISHED, published_at=timezone.now()
        )
        self.sheets = list(self.roadmap.sheets.order_by("number"))
        self.indicator = IndicatorFactory(sheet=self.sheets[0])
        follow_ups_open_due(today=ONE_YEAR)
        self.follow_up = FollowUp.objects.get()
        self.entries = list(self.follow_up.entries.order_by("sheet__number"))
        self.url = reverse("roadmaps:follow_up", args=[self.roadmap.pk, 1])
        self.list_url = reverse("roadmaps:follow_ups", args=[self.roadmap.pk])

    def form_data(self, **overrides):
        data = {}
        for entry in self.entries:
            data.update(
                {
                    f"e{entry.pk}-status": SheetStatus.DONE,
                    f"e{entry.pk}-actual_start": "2027-04-01",
                    f"e{entry.pk}-actual_end": "2027-12-01",
                    # As people type it in French: a space between thousands, a comma.
                    f"e{entry.pk}-spent": "12\u202f500,50",
                    f"e{entry.pk}-granted": "4000",
                    f"e{entry.pk}-comment": "Fait.",
                }
            )
        data.update(
            {
                "v0-indicator": str(self.indicator.pk),
                "v0-measured_on": "2028-01-15",
                "v0-value": "3",
            }
        )
        data.update(overrides)
        return data

    def test_pages_per_role(self):
        for url in (self.url, self.list_url):
            for name in (*WRITERS, *READERS):
                with self.subTest(url=url, name=name):
                    self.assertEqual(client_for(self.cast.user(name)).get(url).status_code, 200)
            for name in OUTSIDERS:
                with self.subTest(url=url, name=name):
                    self.assertEqual(client_for(self.cast.user(name)).get(url).status_code, 404)
            self.assertEqual(client_for(None).get(url).status_code, 302)
        response = client_for(self.cast.elected_a).get(self.url)
        self.assertContains(response, "Remettre le suivi")
        self.assertContains(response, 'name="v0-value"')
        response = client_for(self.cast.partner_a).get(self.url)
        self.assertNotContains(response, "Remettre le suivi")
        self.assertEqual(
            client_for(self.cast.elected_a)
            .get(reverse("roadmaps:follow_up", args=[self.roadmap.pk, 3]))
            .status_code,
            404,
        )

    def test_read_only_and_outsiders_cannot_post(self):
        self.assertEqual(
            client_for(self.cast.partner_a).post(self.url, self.form_data()).status_code, 403
        )
        self.assertEqual(
            client_for(self.cast.elected_b).post(self.url, self.form_data()).status_code, 404
        )
        self.assertEqual(FollowUpEntry.objects.filter(status=SheetStatus.DONE).count(), 0)

    def test_hand_in(self):
        response = client_for(self.cast.technical_a).post(
            self.url, {**self.form_data(), "close": ""}
        )
        self.assertRedirects(response, self.url)
        self.follow_up.refresh_from_db()
        self.assertIsNotNone(self.follow_up.closed_at)
        entry = FollowUpEntry.objects.get(pk=self.entries[0].pk)
        self.assertEqual((entry.spent, entry.granted), (Decimal("12500.50"), Decimal("4000")))
        self.sheets[0].refresh_from_db()
        self.assertEqual(self.sheets[0].status, SheetStatus.DONE)
        self.assertEqual(IndicatorValue.objects.get().measured_on, datetime.date(2028, 1, 15))
        response = client_for(self.cast.technical_a).get(self.list_url)
        self.assertContains(response, "100 % réalisées (2 sur 2)")
        response = client_for(self.cast.technical_a).post(self.url, self.form_data(), follow=True)
        self.assertContains(response, "déjà été remis")

    def test_bad_input_leaves_data_unchanged(self):
        first = self.entries[0].pk
        cases = {
            "letters": ({f"e{first}-spent": "douze mille"}, "Saisissez un montant en chiffres"),
            "negative": ({f"e{first}-granted": "-10"}, "Le montant ne peut pas être négatif."),
            "dates": (
                {f"e{first}-actual_end": "2027-01-01"},
                "La fin effective précède le début effectif.",
            ),
            "no date": ({"v0-measured_on": ""}, "Indiquez la date de la mesure."),
        }
        client = client_for(self.cast.provider_a)
        for name, (overrides, message) in cases.items():
            with self.subTest(name):
                response = client.post(self.url, {**self.form_data(**overrides), "close": ""})
                self.assertContains(response, message, status_code=400)
                self.assertContains(response, "Rien n’a été enregistré", status_code=400)
        self.follow_up.refresh_from_db()
        self.assertIsNone(self.follow_up.closed_at)
        self.assertFalse(FollowUpEntry.objects.filter(comment="Fait.").exists())
        self.assertFalse(IndicatorValue.objects.exists())
        self.sheets[0].refresh_from_db()
        self.assertEqual(self.sheets[0].status, SheetStatus.NOT_STARTED)

    def test_query_count_does_not_grow_with_sheets(self):
        client = client_for(self.cast.elected_a)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(client.get(self.url).status_code, 200)
            return len(queries)

        # session, user, roadmap, the referent's grants (1), the follow-up, its entries with
        # their sheets, the indicators with their sheet, their values.
        self.assertEqual(count(), 8)
        axis = self.roadmap.axes.get()
        for number in range(10, 20):
            sheet = SheetFactory(axis=axis, roadmap=self.roadmap, number=number)
            FollowUpEntry.objects.create(follow_up=self.follow_up, sheet=sheet, status=sheet.status)
            IndicatorFactory(sheet=sheet)
        self.assertEqual(count(), 8)
