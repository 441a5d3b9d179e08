"""The follow-ups: opened once at one and three years, reminders' cadence, handing in,
bad input refusing everything, and the progress shown publicly."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from fabriques.core.management.commands.run_daily import DAILY
from fabriques.core.models import AuditEvent, OutgoingEmail
from fabriques.core.versioning import data_version
from fabriques.programme.tests.personas import Personas
from fabriques.roadmaps.models import (
    FollowUp,
    FollowUpEntry,
    IndicatorValue,
    Roadmap,
    RoadmapStatus,
    SheetStatus,
    SheetStatusChange,
)
from fabriques.roadmaps.selectors.followup import follow_up_progress
from fabriques.roadmaps.services import followup as services

from .factories_lifecycle import (
    BudgetLineFactory,
    FundingLineFactory,
    IndicatorFactory,
    roadmap_with_sheets,
)

# build_personas: Fabrique A's last month is February 2027, so it ends on 1 March 2027.
END = datetime.date(2027, 3, 1)
ONE_YEAR = datetime.date(2028, 3, 1)
THREE_YEARS = datetime.date(2030, 3, 1)


def published(participation, sheets: int = 2):
    return roadmap_with_sheets(
        participation,
        sheets=sheets,
        status=RoadmapStatus.PUBLISHED,
        published_at=timezone.now(),
    )


class OpeningTests(TestCase):
    cast: Personas
    roadmap: Roadmap
    url: str

    @classmethod
    def setUpTestData(cls):
        from fabriques.programme.tests.personas import build_personas

        cls.cast = build_personas()

    def setUp(self):
        self.roadmap = published(self.cast.participation_a)
        first = self.roadmap.sheets.order_by("number").first()
        BudgetLineFactory(sheet=first, actual=Decimal("1000"))
        BudgetLineFactory(sheet=first, year=2028, actual=Decimal("500.50"))
        FundingLineFactory(sheet=first, amount_granted=Decimal("300"))

    def test_nothing_before_one_year(self):
        self.assertEqual(
            services.follow_ups_open_due(today=ONE_YEAR - datetime.timedelta(days=1)), []
        )
        self.assertFalse(FollowUp.objects.exists())

    def test_opened_at_one_year_exactly_once(self):
        opened = services.follow_ups_open_due(today=ONE_YEAR)
        self.assertEqual([(f.roadmap_id, f.horizon) for f in opened], [(self.roadmap.pk, 1)])
        self.assertEqual(services.follow_ups_open_due(today=ONE_YEAR), [])
        self.assertEqual(
            services.follow_ups_open_due(today=ONE_YEAR + datetime.timedelta(days=40)), []
        )
        follow_up = FollowUp.objects.get()
        self.assertEqual(follow_up.due_on, ONE_YEAR + datetime.timedelta(days=30))
        entries = list(follow_up.entries.order_by("sheet__number"))
        self.assertEqual(len(entries), 2)
        self.assertEqual(entries[0].spent, Decimal("1500.50"))
        self.assertEqual(entries[0].granted, Decimal("300"))
        self.assertIsNone(entries[1].spent)
        self.assertEqual(entries[0].status, SheetStatus.NOT_STARTED)
        email = OutgoingEmail.objects.get()
        self.assertEqual(
            sorted(email.to), sorted([self.cast.elected_a.email, self.cast.technical_a.email])
        )
        self.assertIn(f"/espace/feuilles-de-route/{self.roadmap.pk}/suivi/1/", email.text)
        self.assertEqual(AuditEvent.objects.get().action, "roadmap.follow_up_opened")

    def test_opened_at_three_years_exactly_once(self):
        services.follow_ups_open_due(today=ONE_YEAR)
        self.assertEqual(
            services.follow_ups_open_due(today=THREE_YEARS - datetime.timedelta(days=1)), []
        )
        opened = services.follow_ups_open_due(today=THREE_YEARS)
        self.assertEqual([f.horizon for f in opened], [3])
        self.assertEqual(services.follow_ups_open_due(today=THREE_YEARS), [])
        self.assertEqual(FollowUp.objects.count(), 2)

    def test_no_referent_no_email_but_the_follow_up_opens(self):
        from fabriques.territories.tests.factories import ParticipationFactory

        lonely = published(ParticipationFactory(fabrique=self.cast.fabrique_a))
        OutgoingEmail.objects.all().delete()
        services.follow_ups_open_due(today=ONE_YEAR)
        self.assertTrue(FollowUp.objects.filter(roadmap=lonely).exists())
        self.assertEqual(
            [sorted(e.to) for e in OutgoingEmail.objects.all()],
            [sorted([self.cast.elected_a.email, self.cast.technical_a.email])],
        )

    def test_unpublished_roadmaps_are_not_followed(self):
        other = roadmap_with_sheets(self.cast.participation_b)
        services.follow_ups_open_due(today=THREE_YEARS)
        self.assertFalse(FollowUp.objects.filter(roadmap=other).exists())

    def test_without_an_end_month_the_publication_date_counts(self):
        fabrique = self.cast.fabrique_b
        fabrique.end_month = None
        fabrique.save(update_fields=["end_month"])
        other = published(self.cast.participation_b)
        other.published_at = datetime.datetime(2028, 6, 15, 10, tzinfo=datetime.UTC)
        other.save(update_fields=["published_at"])
        self.assertEqual(services.follow_up_anchor(other), datetime.date(2028, 6, 15))
        services.follow_ups_open_due(today=datetime.date(2029, 6, 14))
        self.assertFalse(FollowUp.objects.filter(roadmap=other).exists())
        services.follow_ups_open_due(today=datetime.date(2029, 6, 15))
        self.assertTrue(FollowUp.objects.filter(roadmap=other, horizon=1).exists())

    def test_the_daily_command_runs_it(self):
        self.assertIn("send_roadmap_follow_ups", DAILY)
        out = StringIO()
        call_command("send_roadmap_follow_ups", "--date", ONE_YEAR.isoformat(), stdout=out)
        self.assertIn("1 suivi(s) ouvert(s)", out.getvalue())


class ReminderTests(TestCase):
    cast: Personas
    roadmap: Roadmap
    url: str

    @classmethod
    def setUpTestData(cls):
        from fabriques.programme.tests.personas import build_personas

        cls.cast = build_personas()

    def setUp(self):
        self.roadmap = published(self.cast.participation_a)
        services.follow_ups_open_due(today=ONE_YEAR)
        OutgoingEmail.objects.all().delete()

    def remind(self, days: int) -> int:
        return len(services.follow_ups_remind(today=ONE_YEAR + datetime.timedelta(days=days)))

    def test_every_fourteen_days_three_times(self):
        self.assertEqual(self.remind(13), 0)
        self.assertEqual(self.remind(14), 1)
        self.assertEqual(self.remind(14), 0)  # same day again
        self.assertEqual(self.remind(27), 0)
        self.assertEqual(self.remind(28), 1)
        self.assertEqual(self.remind(42), 1)
        self.assertEqual(self.remind(56), 0)  # three reminders at most
        self.assertEqual(FollowUp.objects.get().reminders_sent, 3)
        self.assertEqual(OutgoingEmail.objects.count(), 3)
        self.assertIn("Rappel", OutgoingEmail.objects.earliest("pk").subject)
        self.assertEqual(AuditEvent.objects.filter(action="roadmap.follow_up_reminded").count(), 3)

    def test_no_reminder_once_handed_in(self):
        self.assertEqual(self.remind(14), 1)
        follow_up = FollowUp.objects.get()
        services.follow_up_save(
            follow_up=follow_up, actor=self.cast.elected_a, entries=[], close=True
        )
        self.assertEqual(self.remind(28), 0)


class SaveTests(TestCase):
    cast: Personas
    roadmap: Roadmap
    url: str

    @classmethod
    def setUpTestData(cls):
        from fabriques.programme.tests.personas import build_personas

        cls.cast = build_personas()

    def setUp(self):
        self.roadmap = published(self.cast.participation_a)
        self.sheets = list(self.roadmap.sheets.order_by("number"))
        self.indicator = IndicatorFactory(sheet=self.sheets[0])
        services.follow_ups_open_due(today=ONE_YEAR)
        self.follow_up = FollowUp.objects.get()
        self.entries = list(self.follow_up.entries.order_by("sheet__number"))

    def data(self, entry, **changes):
        fields = {
            "entry_id": entry.pk,
            "status": SheetStatus.DONE,
            "actual_start": datetime.date(2027, 4, 1),
            "actual_end": datetime.date(2027, 12, 1),
            "spent": Decimal("1000"),
            "granted": Decimal("400"),
            "comment": "Maison de santé ouverte.",
        }
        fields.update(changes)
        return services.EntryData(**fields)

    def test_saving_keeps_it_open_closing_applies_to_sheets(self):
        version = data_version()
        services.follow_up_save(
            follow_up=self.follow_up,
            actor=self.cast.elected_a,
            entries=[self.data(self.entries[0])],
            values=[
                services.IndicatorValueData(
                    self.indicator.pk, datetime.date(2028, 1, 1), Decimal("3")
                )
            ],
        )
        self.follow_up.refresh_from_db()
        self.assertIsNone(self.follow_up.closed_at)
        self.sheets[0].refresh_from_db()
        self.assertEqual(self.sheets[0].status, SheetStatus.NOT_STARTED)
        self.assertEqual(IndicatorValue.objects.get().value, Decimal("3"))
        self.assertEqual(data_version(), version + 1)

        services.follow_up_save(
            follow_up=self.follow_up,
            actor=self.cast.elected_a,
            entries=[
                self.data(self.entries[0]),
                self.data(
                    self.entries[1], status=SheetStatus.DROPPED, actual_start=None, actual_end=None
                ),
            ],
            close=True,
        )
        self.follow_up.refresh_from_db()
        self.assertIsNotNone(self.follow_up.closed_at)
        for sheet in self.sheets:
            sheet.refresh_from_db()
        self.assertEqual(self.sheets[0].status, SheetStatus.DONE)
        self.assertEqual(self.sheets[0].actual_end, datetime.date(2027, 12, 1))
        self.assertEqual(self.sheets[0].lock_version, 2)
        self.assertEqual(self.sheets[1].status, SheetStatus.DROPPED)
        self.assertEqual(SheetStatusChange.objects.count(), 2)
        self.assertEqual(
            list(
                AuditEvent.objects.filter(action__startswith="roadmap.follow_up")
                .values_list("action", flat=True)
                .order_by("pk")
            ),
            [
                "roadmap.follow_up_opened",
                "roadmap.follow_up_saved",
                "roadmap.follow_up_saved",
                "roadmap.follow_up_closed",
            ],
        )
        with self.assertRaisesMessage(ValidationError, "déjà été remis"):
            services.follow_up_save(follow_up=self.follow_up, actor=self.cast.elected_a, entries=[])

    def test_bad_input_saves_nothing(self):
        cases = {
            "negative": (self.data(self.entries[0], spent=Decimal("-5")), "négatif"),
            "dates": (
                self.data(
                    self.entries[0],
                    actual_start=datetime.date(2028, 1, 1),
                    actual_end=datetime.date(2027, 1, 1),
                ),
                "précède",
            ),
        }
        for name, (entry, message) in cases.items():
            with self.subTest(name), self.assertRaisesMessage(ValidationError, message):
                services.follow_up_save(
                    follow_up=self.follow_up,
                    actor=self.cast.elected_a,
                    entries=[self.data(self.entries[1]), entry],
                    close=True,
                )
        with self.assertRaisesMessage(ValidationError, "date de la mesure"):
            services.follow_up_save(
                follow_up=self.follow_up,
                actor=self.cast.elected_a,
                entries=[self.data(self.entries[1])],
                values=[services.IndicatorValueData(self.indicator.pk, None, Decimal("3"))],
            )
        self.follow_up.refresh_from_db()
        self.assertIsNone(self.follow_up.closed_at)
        entry = FollowUpEntry.objects.get(pk=self.entries[1].pk)
        self.assertEqual((entry.status, entry.comment), (SheetStatus.NOT_STARTED, ""))
        self.assertFalse(IndicatorValue.objects.exists())
        self.assertFalse(SheetStatusChange.objects.exists())


class ProgressTests(TestCase):
    cast: Personas
    roadmap: Roadmap
    url: str

    @classmethod
    def setUpTestData(cls):
        from fabriques.programme.tests.personas import build_personas

        cls.cast = build_personas()

    def test_from_current_statuses_then_from_the_follow_up(self):
        roadmap = published(self.cast.participation_a, sheets=4)
        sheets = list(roadmap.sheets.order_by("number"))
        for sheet, status in zip(
            sheets,
            [SheetStatus.DONE, SheetStatus.LATE, SheetStatus.IN_PROGRESS, SheetStatus.NOT_STARTED],
            strict=True,
        ):
            sheet.status = status
            sheet.save(update_fields=["status"])
        progress = follow_up_progress(roadmap)
        self.assertEqual(
            (
                progress.total,
                progress.done,
                progress.in_progress,
                progress.dropped,
                progress.horizon,
            ),
            (4, 1, 2, 0, None),
        )
        self.assertEqual(
            (progress.done_percent, progress.in_progress_percent, progress.not_started), (25, 50, 1)
        )

        services.follow_ups_open_due(today=ONE_YEAR)
        follow_up = FollowUp.objects.get()
        entries = [
            services.EntryData(
                e.pk, SheetStatus.DONE if n < 3 else SheetStatus.DROPPED, None, None, None, None
            )
            for n, e in enumerate(follow_up.entries.order_by("sheet__number"))
        ]
        services.follow_up_save(
            follow_up=follow_up, actor=self.cast.elected_a, entries=entries, close=True
        )
        with self.assertNumQueries(2):  # the latest closed follow-up; its entries' statuses
            progress = follow_up_progress(roadmap)
        self.assertEqual(
            (progress.done, progress.dropped, progress.horizon, progress.done_percent),
            (3, 1, 1, 75),
        )

    def test_no_sheet(self):
        roadmap = published(self.cast.participation_b, sheets=0)
        self.assertEqual(follow_up_progress(roadmap).done_percent, 0)
