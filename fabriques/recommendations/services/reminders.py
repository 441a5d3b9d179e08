"""The daily reminders to ANCT that a published recommendation's review is due, one and three
years after its publication, as the Cour des comptes follows its own (each sent once)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fabriques.accounts.models import Membership, MembershipRole
from fabriques.core.emails import email_queue
from fabriques.core.services import audit_event_create
from fabriques.programme.models import Fabrique

from ..models import Recommendation, RecommendationStatus, ReviewHorizon, ReviewReminder
from .workspace import recommendation_url

REMINDED_HORIZONS = (ReviewHorizon.ONE_YEAR, ReviewHorizon.THREE_YEARS)


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def anct_recipients(fabrique: Fabrique) -> list[str]:
    """The Fabrique's ANCT pilots; the administrators when it has none."""
    pilots = list(
        Membership.objects.filter(
            role=MembershipRole.ANCT_PILOT, fabrique=fabrique, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if pilots:
        return pilots
    return list(
        Membership.objects.filter(role=MembershipRole.ANCT_ADMIN, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


@transaction.atomic
def review_reminders_send(*, today: datetime.date) -> int:
    """E-mail each Fabrique's ANCT pilots the reviews that fell due by `today`; return how many
    reminders were sent. A horizon already reviewed or already reminded is skipped."""
    due: dict[int, list[tuple[Recommendation, int]]] = defaultdict(list)
    fabriques: dict[int, Fabrique] = {}
    for horizon in REMINDED_HORIZONS:
        # Published on or before the same day `horizon` years ago (in local time).
        cutoff = timezone.make_aware(
            datetime.datetime.combine(
                years_before(today, int(horizon)) + datetime.timedelta(days=1), datetime.time()
            )
        )
        recommendations = (
            Recommendation.objects.filter(
                status=RecommendationStatus.PUBLISHED, published_at__lt=cutoff
            )
            .exclude(reviews__horizon=horizon)
            .exclude(reminders__horizon=horizon)
            .select_related("fabrique")
            .order_by("fabrique_id", "number")
        )
        for recommendation in recommendations:
            fabriques[recommendation.fabrique_id] = recommendation.fabrique
            due[recommendation.fabrique_id].append((recommendation, int(horizon)))
    sent = 0
    for fabrique_id, items in due.items():
        fabrique = fabriques[fabrique_id]
        ReviewReminder.objects.bulk_create(
            ReviewReminder(recommendation=recommendation, horizon=horizon)
            for recommendation, horizon in items
        )
        email_queue(
            to=anct_recipients(fabrique),
            subject=_("Suivi des préconisations à faire : %(fabrique)s")
            % {"fabrique": fabrique.title},
            template="recommendations/emails/review_due",
            context={
                "fabrique": fabrique,
                "items": [
                    {
                        "recommendation": recommendation,
                        "horizon": ReviewHorizon(horizon).label,
                        "url": recommendation_url(recommendation),
                    }
                    for recommendation, horizon in items
                ],
            },
        )
        for recommendation, reminded in items:
            audit_event_create(
                action="recommendation.reminded",
                obj=recommendation,
                summary=_("Relance de suivi envoyée (%(horizon)s) : %(title)s")
                % {"horizon": ReviewHorizon(reminded).label, "title": recommendation},
                data={"horizon": reminded},
            )
        sent += len(items)
    return sent
