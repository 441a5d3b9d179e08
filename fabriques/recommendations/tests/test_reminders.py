"""Review reminders: one e-mail to the Fabrique's ANCT pilots when a published recommendation
reaches one and three years without a review for that horizon, never twice."""

from __future__ import annotations

import datetime
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from fabriques.core.management.commands.run_daily import DAILY
from fabriques.programme.tests.factories import FabriqueFactory
from fabriques.programme.tests.personas import Personas, build_personas
from fabriques.recommendations.models import Recommendation, ReviewHorizon, ReviewReminder
from fabriques.recommendations.services.reminders import review_reminders_send

from .factories import RecommendationFactory, ReviewFactory

PUBLISHED_ON = datetime.date(2026, 3, 10)


def published_at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(15)))


class ReminderTests(TestCase):
    cast: Personas
    recommendation: Recommendation

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()
        cls.recommendation = RecommendationFactory(
            fabrique=cls.cast.fabrique_a, published=True, published_at=published_at(PUBLISHED_ON)
        )
        RecommendationFactory(fabrique=cls.cast.fabrique_a, open_to_positions=True)

    def send(self, day: datetime.date) -> int:
        with self.captureOnCommitCallbacks(execute=True):
            return review_reminders_send(today=day)

    def test_exactly_once_at_one_year_then_at_three_years(self):
        assert self.send(datetime.date(2027, 3, 9)) == 0
        assert self.send(datetime.date(2027, 3, 10)) == 1
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [self.cast.pilot_a.email.lower()]
        assert "à un an" in str(message.body)
        assert self.recommendation.title in message.body
        assert self.send(datetime.date(2027, 3, 11)) == 0
        assert self.send(datetime.date(2029, 3, 9)) == 0
        assert self.send(datetime.date(2029, 3, 10)) == 1
        assert "à trois ans" in mail.outbox[1].body
        assert self.send(datetime.date(2029, 6, 1)) == 0
        assert len(mail.outbox) == 2
        assert sorted(ReviewReminder.objects.values_list("horizon", flat=True)) == [1, 3]

    def test_a_review_already_recorded_means_no_reminder(self):
        ReviewFactory(recommendation=self.recommendation, horizon=ReviewHorizon.ONE_YEAR)
        assert self.send(datetime.date(2027, 4, 1)) == 0
        assert mail.outbox == []

    def test_administrators_when_the_fabrique_has_no_pilot(self):
        orphan = FabriqueFactory()
        RecommendationFactory(
            fabrique=orphan, published=True, published_at=published_at(PUBLISHED_ON)
        )
        self.send(datetime.date(2027, 3, 10))
        recipients = sorted(tuple(m.to) for m in mail.outbox)
        assert recipients == sorted(
            [(self.cast.admin.email.lower(),), (self.cast.pilot_a.email.lower(),)]
        )

    def test_the_daily_command_sends_them(self):
        assert "send_recommendation_review_reminders" in DAILY
        out = StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("send_recommendation_review_reminders", "--date", "2027-03-10", stdout=out)
        assert "1 relance(s)" in out.getvalue()
        assert len(mail.outbox) == 1
