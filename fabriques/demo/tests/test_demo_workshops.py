"""The demo's workshops: past and coming, registrations and waiting lists, attendance, minutes
with their actions, and the member persona who signs in to her own space.

Loading twice changes nothing, workshops included: test_load_demo counts every table."""

from __future__ import annotations

import pytest
from django.utils import timezone

from fabriques.core.models import OutgoingEmail
from fabriques.demo.content import DEMO_PASSWORD, MEMBER, RUNNING_SLUG
from fabriques.demo.services import demo_load
from fabriques.workinggroups.models import Member
from fabriques.workshops.models import (
    ActionStatus,
    Attendance,
    Minutes,
    MinutesStatus,
    MinutesVisibility,
    OutcomeKind,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopKind,
    WorkshopMode,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(referential, settings):
    settings.DEBUG = True
    return demo_load()


def assert_past_and_coming_workshops_of_each_territory_and_of_the_whole_fabrique() -> None:
    now = timezone.now()
    workshops = Workshop.objects.filter(fabrique__slug=RUNNING_SLUG)
    past, coming = workshops.filter(ends_at__lte=now), workshops.filter(starts_at__gt=now)
    territories = {w.participation.label for w in workshops if w.participation}
    assert territories == {"Figeac", "Millau"}
    for label in territories:
        local_past = past.filter(participation__label=label)
        assert local_past.filter(kind=WorkshopKind.KICKOFF).count() == 1
        assert local_past.filter(kind=WorkshopKind.LOCAL).count() == 2
        (ahead,) = coming.filter(participation__label=label)
        assert ahead.capacity and ahead.agenda.exists()
    (seminar,) = past.filter(kind=WorkshopKind.SEMINAR)
    assert seminar.mode == WorkshopMode.VIDEO and seminar.video_url
    (next_seminar,) = coming.filter(kind=WorkshopKind.SEMINAR)
    assert next_seminar.places_per_territory and next_seminar.capacity


def assert_coming_workshops_have_registrations_a_waiting_list_and_queued_emails() -> None:
    now = timezone.now()
    for workshop in Workshop.objects.filter(starts_at__gt=now):
        statuses = list(workshop.registrations.values_list("status", flat=True))
        registered = statuses.count(RegistrationStatus.REGISTERED)
        assert registered and statuses.count(RegistrationStatus.WAITING) == 1, workshop
        assert workshop.capacity is not None and registered <= workshop.capacity
    # Invitations and answers were e-mailed as in life (queued, sent by the worker).
    subjects = list(OutgoingEmail.objects.values_list("subject", flat=True))
    assert any(s.startswith("Invitation : ") for s in subjects)
    assert any(s.startswith("Liste d’attente : ") for s in subjects)


def assert_past_workshops_have_their_attendance_and_a_walk_in() -> None:
    past = Registration.objects.filter(workshop__ends_at__lte=timezone.now())
    assert set(past.values_list("attendance", flat=True)) == {
        Attendance.ATTENDED,
        Attendance.EXCUSED,
        Attendance.ABSENT,
    }
    assert past.filter(walk_in=True, attendance=Attendance.ATTENDED).exists()
    # Checked in on the day of the workshop, not on the day of the load.
    for registration in past.filter(attendance=Attendance.ATTENDED).select_related("workshop"):
        assert registration.checked_in_at == registration.workshop.starts_at


def assert_minutes_in_every_state_and_public_ones_with_decisions_and_actions() -> None:
    minutes = {(m.status, m.visibility): m for m in Minutes.objects.all()}
    assert (MinutesStatus.PUBLISHED, MinutesVisibility.GROUP) in minutes
    assert (MinutesStatus.DRAFT, MinutesVisibility.GROUP) in minutes
    shared = minutes[(MinutesStatus.SHARED, MinutesVisibility.GROUP)]
    assert shared.comments_until and shared.comments_until > timezone.now()
    assert shared.comments.filter(author__email=MEMBER.email).exists()
    public = minutes[(MinutesStatus.PUBLISHED, MinutesVisibility.PUBLIC)]
    assert public.published_at and public.validated_by
    assert public.outcomes.filter(kind=OutcomeKind.DECISION).exists()
    actions = public.outcomes.filter(kind=OutcomeKind.ACTION)
    today = timezone.localdate()
    assert actions.filter(action_status=ActionStatus.DONE).exists()
    assert actions.filter(action_status=ActionStatus.IN_PROGRESS, due_on__gte=today).exists()
    assert actions.filter(action_status=ActionStatus.TODO, due_on__lt=today).exists()


def assert_the_member_persona_is_registered_ahead_and_was_present_before() -> None:
    (member,) = Member.objects.filter(email=MEMBER.email).select_related("user")
    assert member.user is not None and member.user.check_password(DEMO_PASSWORD)
    mine = Registration.objects.filter(member=member)
    ahead = mine.filter(workshop__starts_at__gt=timezone.now())
    assert ahead.filter(status=RegistrationStatus.REGISTERED).count() == 2  # atelier, séminaire
    before = mine.filter(workshop__ends_at__lte=timezone.now())
    assert before.count() == 4
    assert set(before.values_list("attendance", flat=True)) == {Attendance.ATTENDED}


def test_the_demo_world_has_workshops_in_every_state(demo):
    # One load for every check (a load takes seconds): the tests stay fast.
    assert_past_and_coming_workshops_of_each_territory_and_of_the_whole_fabrique()
    assert_coming_workshops_have_registrations_a_waiting_list_and_queued_emails()
    assert_past_workshops_have_their_attendance_and_a_walk_in()
    assert_minutes_in_every_state_and_public_ones_with_decisions_and_actions()
    assert_the_member_persona_is_registered_ahead_and_was_present_before()


def test_the_member_persona_signs_in_and_reads_her_pages(demo, client):
    (account,) = [a for a in demo.accounts if a.email == MEMBER.email]
    response = client.post(
        "/compte/connexion/", {"username": account.email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302

    paths = [path for _label, path in account.pages]
    pages = {path: client.get(path) for path in paths}

    assert [p.status_code for p in pages.values()] == [200] * 4
    assert paths[0] == "/mon-espace/" and paths[-1] == "/mon-espace/agenda/"
    space = pages["/mon-espace/"].content.decode()
    assert "Atelier 3 : premières pistes de la feuille de route de Figeac" in space
    assert "vous étiez présent(e)" in space
