"""The minutes' services beyond the pages: refusals that change nothing, personal data."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fabriques.accounts.personal_data import sources
from fabriques.workshops.models import (
    Attendance,
    MinutesComment,
    MinutesStatus,
    OutcomeKind,
)
from fabriques.workshops.services.minutes import (
    minutes_comment_add,
    minutes_save,
    minutes_transition,
)

from .factories import MinutesFactory, OutcomeFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_non_action_with_owner_refused_by_service(world):
    with pytest.raises(ValidationError) as error:
        minutes_save(
            workshop=world.local_a,
            actor=world.cast.provider_a,
            data={"body": "x", "visibility": "group"},
            outcomes=[{"kind": OutcomeKind.DECISION, "text": "Une décision", "owner_label": "X"}],
        )
    assert "ne concernent que les" in " ".join(error.value.messages)


def test_validated_minutes_cannot_be_saved(world):
    minutes = MinutesFactory(workshop=world.local_a, status=MinutesStatus.VALIDATED, body="Avant")
    with pytest.raises(ValidationError):
        minutes_save(
            workshop=world.local_a,
            actor=world.cast.provider_a,
            data={"body": "Après", "visibility": "group"},
            outcomes=[],
        )
    minutes.refresh_from_db()
    assert minutes.body == "Avant"


def test_unknown_or_repeated_transitions_refused(world):
    minutes = MinutesFactory(workshop=world.local_a, status=MinutesStatus.PUBLISHED)
    for to in ("draft", "published", "validated", "shared", "nowhere"):
        with pytest.raises(ValidationError):
            minutes_transition(minutes=minutes, to=to, actor=world.cast.elected_a)
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.PUBLISHED


def test_comments_exported_and_erased_with_the_person(world):
    member = world.members["member_a"]
    RegistrationFactory(workshop=world.local_a, member=member, attendance=Attendance.ATTENDED)
    now = timezone.now()
    minutes = MinutesFactory(
        workshop=world.local_a,
        status=MinutesStatus.SHARED,
        shared_at=now,
        comments_until=now + datetime.timedelta(days=3),
    )
    outcome = OutcomeFactory(minutes=minutes)
    minutes_comment_add(
        minutes=minutes, actor=member.user, text="Mon commentaire.", outcome=outcome
    )
    minutes_comment_add(minutes=minutes, actor=world.cast.provider_a, text="Réponse.")
    source = next(s for s in sources() if s.key == "workshops.minutes_comments")
    rows = source.export(member.user)
    assert [row["commentaire"] for row in rows] == ["Mon commentaire."]
    assert rows[0]["rencontre"] == world.local_a.title
    assert source.erase(member.user) == 1
    assert list(MinutesComment.objects.values_list("text", flat=True)) == ["Réponse."]
