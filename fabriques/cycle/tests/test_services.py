"""The yearly cycle: every move, its guard's French messages, its audit event."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fabriques.accounts.tests.factories import UserFactory
from fabriques.calls.models import Call, CallCriterion
from fabriques.calls.tests.factories import ApplicationFactory
from fabriques.core.models import AuditEvent
from fabriques.cycle.services import (
    BACKWARD,
    FORWARD,
    ConfirmationRequired,
    TransitionError,
    allowed_transitions,
    fabrique_transition,
)
from fabriques.deliverables.models import DeliverableStatus
from fabriques.deliverables.tests.factories import DeliverableFactory
from fabriques.programme.models import Fabrique, FabriqueStatus, OrganisationKind, Role
from fabriques.programme.tests.factories import (
    FabriqueFactory,
    FabriqueOrganisationFactory,
    OrganisationFactory,
    ThemeFactory,
)
from fabriques.territories.tests.factories import ParticipationFactory

S = FabriqueStatus
NBSP = "\u00a0"


def q(text: str) -> str:
    return f"«{NBSP}{text}{NBSP}»"


@pytest.fixture
def pilot(db):
    return UserFactory.create(username="pilote@anct.gouv.fr")


def bare(status=S.IDEA, **kwargs):
    """A Fabrique that satisfies no guard: no theme, objective, organisation or month."""
    defaults = {"objective": "", "start_month": None, "end_month": None}
    return FabriqueFactory.create(status=status, **(defaults | kwargs))


def designed_ready(fabrique):
    fabrique.themes.add(ThemeFactory.create())
    fabrique.objective = "Accompagner les villes moyennes."
    fabrique.save()
    FabriqueOrganisationFactory.create(fabrique=fabrique, role=Role.ELECTED_ASSOCIATION)
    return fabrique


def running_ready(fabrique, territories=4):
    provider = OrganisationFactory.create(kind=OrganisationKind.PROVIDER)
    FabriqueOrganisationFactory.create(fabrique=fabrique, organisation=provider, role=Role.PROVIDER)
    for _ in range(territories):
        ParticipationFactory.create(fabrique=fabrique)
    fabrique.start_month = datetime.date(2026, 2, 1)
    fabrique.end_month = datetime.date(2027, 2, 1)
    fabrique.save()
    return fabrique


def call_ready(fabrique, *, closes_at=None, criteria=("Motivation",)):
    call = Call.objects.create(
        fabrique=fabrique,
        introduction="Un appel aux territoires volontaires.",
        closes_at=closes_at or timezone.now() + datetime.timedelta(days=30),
    )
    for position, label in enumerate(criteria):
        CallCriterion.objects.create(call=call, label=label, position=position)
    return call


def refused(fabrique, to_status, actor, reason=""):
    with pytest.raises(TransitionError) as info:
        fabrique_transition(fabrique=fabrique, to_status=to_status, actor=actor, reason=reason)
    return info.value.problems


# --- The moves ----------------------------------------------------------------------------


def test_the_cycle_goes_forward_through_eight_statuses_and_back_four_times():
    assert list(FORWARD.items()) == [
        (S.IDEA, S.DESIGNED),
        (S.DESIGNED, S.CALL_OPEN),
        (S.CALL_OPEN, S.SELECTION),
        (S.SELECTION, S.RUNNING),
        (S.RUNNING, S.CLOSING),
        (S.CLOSING, S.PUBLISHED),
        (S.PUBLISHED, S.FOLLOW_UP),
    ]
    assert BACKWARD == {
        S.DESIGNED: S.IDEA,
        S.CALL_OPEN: S.DESIGNED,
        S.SELECTION: S.CALL_OPEN,
        S.CLOSING: S.RUNNING,
    }


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (S.IDEA, S.RUNNING),
        (S.IDEA, S.IDEA),
        (S.RUNNING, S.SELECTION),  # no way back once the cohort is fixed
        (S.PUBLISHED, S.CLOSING),
        (S.FOLLOW_UP, S.PUBLISHED),
    ],
)
def test_a_move_outside_the_cycle_is_refused(pilot, from_status, to_status):
    fabrique = bare(from_status)
    problems = refused(fabrique, to_status, pilot, reason="Parce que.")
    assert problems == [
        f"Une Fabrique au statut {q(str(S(from_status).label))} ne peut pas passer "
        f"au statut {q(str(S(to_status).label))}."
    ]
    fabrique.refresh_from_db()
    assert fabrique.status == from_status
    assert not AuditEvent.objects.filter(action="fabrique.transition").exists()


def test_an_unknown_status_is_refused(pilot):
    fabrique = bare()
    assert refused(fabrique, "archived", pilot) == [
        f"Une Fabrique au statut {q('Idée')} ne peut pas passer au statut {q('archived')}."
    ]


# --- idea → designed ----------------------------------------------------------------------


def test_designed_lists_everything_missing(pilot):
    fabrique = bare()
    assert refused(fabrique, S.DESIGNED, pilot) == [
        "Choisissez au moins un thème.",
        "Rédigez l’objectif de la Fabrique.",
        "Associez au moins une association d’élus partenaire.",
    ]
    fabrique.refresh_from_db()
    assert fabrique.status == S.IDEA


def test_a_partner_that_is_not_an_association_does_not_count_for_designed(pilot):
    fabrique = bare()
    fabrique.themes.add(ThemeFactory.create())
    fabrique.objective = "Un objectif."
    fabrique.save()
    FabriqueOrganisationFactory.create(fabrique=fabrique, role=Role.PARTNER)
    assert refused(fabrique, S.DESIGNED, pilot) == [
        "Associez au moins une association d’élus partenaire."
    ]


def test_designed_is_recorded_with_who_when_from_to(pilot):
    fabrique = designed_ready(bare())
    before = timezone.now()
    result = fabrique_transition(fabrique=fabrique, to_status=S.DESIGNED, actor=pilot)
    assert result.status == S.DESIGNED
    assert Fabrique.objects.get(pk=fabrique.pk).status == S.DESIGNED
    event = AuditEvent.objects.get(action="fabrique.transition")
    assert event.actor == pilot
    assert event.created_at >= before
    assert (event.object_type, event.object_id) == ("programme.fabrique", str(fabrique.pk))
    assert event.data == {"from": "idea", "to": "designed", "reason": ""}
    assert event.summary == f"Statut changé de {q('Idée')} à {q('Conçue')}"
    # The version history keeps who made the change and why.
    version = fabrique.history.latest()
    assert version.status == S.DESIGNED
    assert version.history_user == pilot


# --- Backward moves need a reason -----------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_going_back_needs_a_reason(pilot, reason):
    fabrique = designed_ready(bare(S.DESIGNED))
    assert refused(fabrique, S.IDEA, pilot, reason=reason) == [
        f"Indiquez la raison de ce retour au statut {q('Idée')}."
    ]
    fabrique.refresh_from_db()
    assert fabrique.status == S.DESIGNED


def test_going_back_keeps_the_reason(pilot):
    fabrique = designed_ready(bare(S.DESIGNED))
    fabrique_transition(
        fabrique=fabrique, to_status=S.IDEA, actor=pilot, reason="  Thème à revoir.  "
    )
    event = AuditEvent.objects.get(action="fabrique.transition")
    assert event.data == {"from": "designed", "to": "idea", "reason": "Thème à revoir."}
    assert event.summary == f"Statut changé de {q('Conçue')} à {q('Idée')} : Thème à revoir."
    assert fabrique.history.latest().history_change_reason == "Thème à revoir."


def test_a_long_reason_is_kept_whole_in_the_audit_event(pilot):
    fabrique = designed_ready(bare(S.DESIGNED))
    reason = "Le thème doit être revu avec les associations d’élus. " * 10
    fabrique_transition(fabrique=fabrique, to_status=S.IDEA, actor=pilot, reason=reason)
    event = AuditEvent.objects.get(action="fabrique.transition")
    assert event.data["reason"] == reason.strip()
    short = fabrique.history.latest().history_change_reason
    assert len(short) == 100
    assert short.endswith("…")


def test_closing_the_call_early_goes_back_to_designed(pilot):
    fabrique = designed_ready(bare(S.CALL_OPEN))
    assert refused(fabrique, S.DESIGNED, pilot) == [
        f"Indiquez la raison de ce retour au statut {q('Conçue')}."
    ]
    fabrique_transition(
        fabrique=fabrique, to_status=S.DESIGNED, actor=pilot, reason="Appel à réécrire."
    )
    fabrique.refresh_from_db()
    assert fabrique.status == S.DESIGNED


def test_going_back_to_designed_still_checks_the_design(pilot):
    fabrique = bare(S.CALL_OPEN)
    assert refused(fabrique, S.DESIGNED, pilot, reason="Appel à réécrire.") == [
        "Choisissez au moins un thème.",
        "Rédigez l’objectif de la Fabrique.",
        "Associez au moins une association d’élus partenaire.",
    ]


def test_closing_goes_back_to_running_with_a_reason(pilot):
    fabrique = running_ready(bare(S.CLOSING))
    assert refused(fabrique, S.RUNNING, pilot) == [
        f"Indiquez la raison de ce retour au statut {q('En cours')}."
    ]
    fabrique_transition(
        fabrique=fabrique, to_status=S.RUNNING, actor=pilot, reason="Un séminaire de plus."
    )
    assert AuditEvent.objects.get(action="fabrique.transition").data == {
        "from": "closing",
        "to": "running",
        "reason": "Un séminaire de plus.",
    }


def test_reopening_the_call_needs_a_reason_and_a_valid_call(pilot):
    fabrique = designed_ready(bare(S.SELECTION))
    call = call_ready(fabrique, closes_at=timezone.now() - datetime.timedelta(days=1))
    problems = refused(fabrique, S.CALL_OPEN, pilot)
    assert (
        problems[0]
        == f"Indiquez la raison de ce retour au statut {q('Appel à volontaires ouvert')}."
    )
    assert problems[1].startswith("La date de clôture de l’appel (")
    assert problems[1].endswith(") est passée.")
    assert len(problems) == 2
    call.closes_at = timezone.now() + datetime.timedelta(days=10)
    call.save()
    fabrique_transition(
        fabrique=fabrique, to_status=S.CALL_OPEN, actor=pilot, reason="Trop peu de candidatures."
    )
    fabrique.refresh_from_db()
    assert fabrique.status == S.CALL_OPEN


# --- designed → call_open (guard from the calls app) --------------------------------------


def test_call_open_needs_a_call(pilot):
    fabrique = designed_ready(bare(S.DESIGNED))
    assert refused(fabrique, S.CALL_OPEN, pilot) == [
        "Aucun appel à volontaires n’est rédigé pour cette Fabrique."
    ]


def test_call_open_needs_a_closing_date_and_criteria(pilot):
    fabrique = designed_ready(bare(S.DESIGNED))
    Call.objects.create(fabrique=fabrique, introduction="Présentation.")
    assert refused(fabrique, S.CALL_OPEN, pilot) == [
        "L’appel n’a pas de date de clôture.",
        "L’appel n’a aucun critère de sélection.",
    ]
    fabrique.refresh_from_db()
    assert fabrique.status == S.DESIGNED


def test_call_open_with_a_complete_call(pilot):
    fabrique = designed_ready(bare(S.DESIGNED))
    call_ready(fabrique)
    fabrique_transition(fabrique=fabrique, to_status=S.CALL_OPEN, actor=pilot)
    assert AuditEvent.objects.get(action="fabrique.transition").data["to"] == "call_open"


# --- call_open → selection → running ------------------------------------------------------


def test_selection_has_no_guard_beyond_the_move(pilot):
    fabrique = bare(S.CALL_OPEN)
    fabrique_transition(fabrique=fabrique, to_status=S.SELECTION, actor=pilot)
    fabrique.refresh_from_db()
    assert fabrique.status == S.SELECTION


def test_running_lists_everything_missing(pilot):
    fabrique = bare(S.SELECTION)
    ParticipationFactory.create(fabrique=fabrique)
    ParticipationFactory.create(fabrique=fabrique)
    assert refused(fabrique, S.RUNNING, pilot) == [
        "Désignez le prestataire de la Fabrique.",
        "Une Fabrique en cours ou terminée réunit de 4 à 8 territoires ; celle-ci en compte 2.",
        "Indiquez le mois de début de la Fabrique.",
        "Indiquez le mois de fin de la Fabrique.",
    ]


def test_running_refuses_more_than_eight_territories(pilot):
    fabrique = running_ready(bare(S.SELECTION), territories=9)
    assert refused(fabrique, S.RUNNING, pilot) == [
        "Une Fabrique en cours ou terminée réunit de 4 à 8 territoires ; celle-ci en compte 9."
    ]


@pytest.mark.parametrize("territories", [4, 8])
def test_running_with_provider_four_to_eight_territories_and_months(pilot, territories):
    fabrique = running_ready(bare(S.SELECTION), territories=territories)
    fabrique_transition(fabrique=fabrique, to_status=S.RUNNING, actor=pilot)
    fabrique.refresh_from_db()
    assert fabrique.status == S.RUNNING


def test_closing_has_no_guard(pilot):
    fabrique = bare(S.RUNNING)
    fabrique_transition(fabrique=fabrique, to_status=S.CLOSING, actor=pilot, reason="Fin.")
    assert AuditEvent.objects.get(action="fabrique.transition").data == {
        "from": "running",
        "to": "closing",
        "reason": "Fin.",
    }


# --- closing → published (guard from the deliverables app) → follow_up ---------------------


def test_published_needs_deliverables(pilot):
    fabrique = bare(S.CLOSING)
    assert refused(fabrique, S.PUBLISHED, pilot) == [
        "Aucun livrable n’est défini pour cette Fabrique."
    ]


def test_published_needs_every_deliverable_accepted(pilot):
    fabrique = bare(S.CLOSING)
    DeliverableFactory.create(
        fabrique=fabrique, title="Feuille de route", status=DeliverableStatus.ACCEPTED
    )
    DeliverableFactory.create(
        fabrique=fabrique, title="Synthèse", status=DeliverableStatus.SUBMITTED
    )
    problems = refused(fabrique, S.PUBLISHED, pilot)
    assert len(problems) == 1
    assert "Synthèse" in problems[0] and "n’est pas accepté" in problems[0]
    assert "En attente d’examen" in problems[0]


def test_published_then_follow_up(pilot):
    fabrique = bare(S.CLOSING)
    DeliverableFactory.create(fabrique=fabrique, status=DeliverableStatus.ACCEPTED)
    fabrique_transition(fabrique=fabrique, to_status=S.PUBLISHED, actor=pilot)
    fabrique_transition(fabrique=fabrique, to_status=S.FOLLOW_UP, actor=pilot)
    fabrique.refresh_from_db()
    assert fabrique.status == S.FOLLOW_UP
    moves = AuditEvent.objects.filter(action="fabrique.transition").order_by("id")
    assert [(e.data["from"], e.data["to"]) for e in moves] == [
        ("closing", "published"),
        ("published", "follow_up"),
    ]


# --- Concurrency ---------------------------------------------------------------------------


def test_a_stale_copy_is_checked_against_the_status_in_the_database(pilot):
    """Two pilots click « designed » at once: the second move is refused, not doubled."""
    fabrique = designed_ready(bare())
    stale = Fabrique.objects.get(pk=fabrique.pk)
    fabrique_transition(fabrique=fabrique, to_status=S.DESIGNED, actor=pilot)
    assert stale.status == S.IDEA
    assert refused(stale, S.DESIGNED, pilot) == [
        f"Une Fabrique au statut {q('Conçue')} ne peut pas passer au statut {q('Conçue')}."
    ]
    assert AuditEvent.objects.filter(action="fabrique.transition").count() == 1


def test_the_fabrique_row_is_locked_during_the_move(pilot):
    fabrique = designed_ready(bare())
    with CaptureQueriesContext(connection) as queries:
        fabrique_transition(fabrique=fabrique, to_status=S.DESIGNED, actor=pilot)
    statements = [query["sql"] for query in queries.captured_queries]
    # The first read of the move is the Fabrique's row, locked on databases that lock rows.
    first_select = next(sql for sql in statements if sql.startswith("SELECT"))
    assert 'FROM "programme_fabrique"' in first_select
    assert first_select.endswith("FOR UPDATE") == connection.features.has_select_for_update


# --- What the page shows ---------------------------------------------------------------------


def test_allowed_transitions_explain_why_a_button_is_disabled(pilot):
    options = allowed_transitions(bare())
    assert [(o.to_status, o.backward, o.allowed) for o in options] == [(S.DESIGNED, False, False)]
    assert options[0].problems == [
        "Choisissez au moins un thème.",
        "Rédigez l’objectif de la Fabrique.",
        "Associez au moins une association d’élus partenaire.",
    ]


def test_allowed_transitions_do_not_ask_for_the_reason_before_it_is_typed(pilot):
    options = allowed_transitions(running_ready(bare(S.CLOSING)))
    assert [(o.to_status, o.label, o.backward, o.problems) for o in options] == [
        (
            S.PUBLISHED,
            "Terminée et publiée",
            False,
            ["Aucun livrable n’est défini pour cette Fabrique."],
        ),
        (S.RUNNING, "En cours", True, []),
    ]


def test_the_last_status_has_no_move():
    assert allowed_transitions(FabriqueFactory.build(status=S.FOLLOW_UP)) == []


# --- call_open → selection before the announced closing date -------------------------------


def early_call_with_drafts(closes_in_days=10):
    fabrique = designed_ready(bare(S.CALL_OPEN))
    call = call_ready(fabrique, closes_at=timezone.now() + datetime.timedelta(days=closes_in_days))
    drafts = ApplicationFactory.create_batch(2, call=call)
    submitted = ApplicationFactory.create(call=call, submitted=True)
    return fabrique, drafts, submitted


def test_selection_before_the_closing_date_needs_confirmation_and_changes_nothing(
    pilot, mailoutbox
):
    fabrique, _drafts, _submitted = early_call_with_drafts()

    with pytest.raises(ConfirmationRequired) as info:
        fabrique_transition(fabrique=fabrique, to_status=S.SELECTION, actor=pilot)

    first, second = info.value.problems
    assert "L’appel annonce une clôture le " in first
    assert second.startswith("2 candidatures sont encore à l’état de brouillon")
    fabrique.refresh_from_db()
    assert fabrique.status == S.CALL_OPEN
    assert not AuditEvent.objects.exists()
    assert mailoutbox == []


def test_confirmed_early_selection_tells_each_draft_author_and_only_them(
    pilot, mailoutbox, django_capture_on_commit_callbacks
):
    fabrique, drafts, submitted = early_call_with_drafts()

    with django_capture_on_commit_callbacks(execute=True):
        fabrique_transition(fabrique=fabrique, to_status=S.SELECTION, actor=pilot, confirmed=True)

    fabrique.refresh_from_db()
    assert fabrique.status == S.SELECTION
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        d.applicant.email for d in drafts
    )
    assert all(len(message.to) == 1 for message in mailoutbox)
    assert submitted.applicant.email not in {m.to[0] for m in mailoutbox}
    assert "ne peut plus l’être" in mailoutbox[0].body
    closed = AuditEvent.objects.get(action="call.closed_early")
    assert closed.data["drafts"] == 2
    move = AuditEvent.objects.get(action="fabrique.transition")
    assert len(move.data["confirmed"]) == 2


def test_after_the_closing_date_selection_asks_nothing_and_writes_to_nobody(
    pilot, mailoutbox, django_capture_on_commit_callbacks
):
    fabrique = designed_ready(bare(S.CALL_OPEN))
    call = call_ready(fabrique)
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - datetime.timedelta(hours=1))
    ApplicationFactory.create(call=call)

    assert [o.warnings for o in allowed_transitions(fabrique)] == [[], []]
    with django_capture_on_commit_callbacks(execute=True):
        fabrique_transition(fabrique=fabrique, to_status=S.SELECTION, actor=pilot)

    assert mailoutbox == []
    assert not AuditEvent.objects.filter(action="call.closed_early").exists()


def test_the_warnings_are_shown_before_the_move_and_going_back_asks_nothing(pilot):
    fabrique, _drafts, _submitted = early_call_with_drafts()

    options = {o.to_status: o for o in allowed_transitions(fabrique)}
    assert len(options[S.SELECTION].warnings) == 2
    assert options[S.DESIGNED].warnings == []

    fabrique_transition(fabrique=fabrique, to_status=S.SELECTION, actor=pilot, confirmed=True)
    fabrique.refresh_from_db()
    # Reopening the call closes nothing.
    fabrique_transition(
        fabrique=fabrique, to_status=S.CALL_OPEN, actor=pilot, reason="Trop peu de candidatures."
    )


def test_a_call_without_drafts_still_warns_about_its_date(pilot):
    fabrique = designed_ready(bare(S.CALL_OPEN))
    call_ready(fabrique)

    problems = refused(fabrique, S.SELECTION, pilot)

    assert len(problems) == 1
    assert "avant cette date" in problems[0]
