"""Reads: the publication guard, the dashboard, and who sees which deliverable."""

import datetime

import pytest

from fabriques.accounts.models import Membership, User
from fabriques.deliverables.access import may_see_deliverable, visible_deliverables_q
from fabriques.deliverables.models import Deliverable, DeliverableStatus
from fabriques.deliverables.selectors import (
    dashboard,
    dashboard_counts,
    fabrique_deliverables,
    publication_problems,
)
from fabriques.programme.models import Role
from fabriques.programme.tests.factories import FabriqueFactory, FabriqueOrganisationFactory
from fabriques.programme.tests.personas import ROLE_NAMES
from fabriques.territories.tests.factories import ParticipationFactory

from .factories import DeliverableFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


def test_publication_problems_lists_what_is_missing(cast):
    assert publication_problems(fabrique=cast.fabrique_a) == [
        "Aucun livrable n’est défini pour cette Fabrique."
    ]
    DeliverableFactory(
        fabrique=cast.fabrique_a,
        participation=cast.participation_a,
        title="Feuille de route",
        status=DeliverableStatus.SUBMITTED,
        due_on=datetime.date(2026, 9, 1),
    )
    DeliverableFactory(
        fabrique=cast.fabrique_a,
        title="Synthèse",
        status=DeliverableStatus.ACCEPTED,
        due_on=datetime.date(2026, 10, 1),
    )
    DeliverableFactory(
        fabrique=cast.fabrique_a,
        title="Compte rendu",
        status=DeliverableStatus.PENDING,
        due_on=datetime.date(2026, 11, 1),
    )
    label = cast.participation_a.label
    assert publication_problems(fabrique=cast.fabrique_a) == [
        f"Le livrable «\u00a0Feuille de route — {label}\u00a0» n’est pas accepté "
        "(statut\u00a0: En attente d’examen).",
        "Le livrable «\u00a0Compte rendu\u00a0» n’est pas accepté (statut\u00a0: À remettre).",
    ]
    Deliverable.objects.filter(fabrique=cast.fabrique_a).update(status=DeliverableStatus.ACCEPTED)
    assert publication_problems(fabrique=cast.fabrique_a) == []


def _board_titles(board):
    return {
        name: [d.title for d in getattr(board, name)]
        for name in ("awaiting_review", "late", "changes_requested", "due_soon")
    }


def test_dashboard_sorts_deliverables_by_what_to_do(cast):
    def make(title, status, due, fabrique=None):
        DeliverableFactory(
            fabrique=fabrique or cast.fabrique_a, title=title, status=status, due_on=due
        )

    make("En retard", "pending", TODAY - datetime.timedelta(days=1))
    make("Reprise en retard", "changes_requested", TODAY - datetime.timedelta(days=3))
    make("À reprendre", "changes_requested", TODAY + datetime.timedelta(days=40))
    make("À examiner", "submitted", TODAY - datetime.timedelta(days=10))
    make("Bientôt", "pending", TODAY + datetime.timedelta(days=14))
    make("Plus tard", "pending", TODAY + datetime.timedelta(days=15))
    make("Accepté en retard", "accepted", TODAY - datetime.timedelta(days=30))
    make("Autre Fabrique", "pending", TODAY - datetime.timedelta(days=1), cast.fabrique_b)

    expected_a = {
        "awaiting_review": ["À examiner"],
        "late": ["Reprise en retard", "En retard"],
        "changes_requested": ["À reprendre"],
        "due_soon": ["Bientôt"],
    }
    pilot = dashboard(user=cast.pilot_a, today=TODAY)
    assert pilot.manages and not pilot.provides
    assert _board_titles(pilot) == expected_a
    provider = dashboard(user=cast.provider_a, today=TODAY)
    assert provider.provides and not provider.manages
    assert _board_titles(provider) == expected_a
    admin = _board_titles(dashboard(user=cast.admin, today=TODAY))
    assert admin["late"] == ["Reprise en retard", "En retard", "Autre Fabrique"]
    assert dashboard(user=cast.partner_a, today=TODAY).is_empty
    assert dashboard(user=cast.elected_a, today=TODAY).is_empty

    # The home page's counts are the sizes of the same sections, for every person.
    for person in (cast.pilot_a, cast.provider_a, cast.admin, cast.partner_a, cast.elected_a):
        board = dashboard(user=person, today=TODAY)
        counts = dashboard_counts(user=person, today=TODAY)
        assert {name: getattr(counts, name) for name in board.SECTIONS} == {
            name: len(getattr(board, name)) for name in board.SECTIONS
        }
    assert dashboard_counts(user=cast.admin, today=TODAY).late == 3
    assert dashboard_counts(user=cast.partner_a, today=TODAY) == dashboard_counts(
        user=cast.elected_a, today=TODAY
    )


def test_dashboard_query_count_does_not_grow_with_deliverables(cast, django_assert_num_queries):
    provider_org = cast.provider_org_a
    # A consultant of the provider in all its Fabriques (an administrator's grant).
    Membership.objects.filter(user=cast.provider_a).update(fabrique=None)
    for n in range(12):
        fabrique = FabriqueFactory(slug=f"autre-{n}", status="running")
        FabriqueOrganisationFactory(
            fabrique=fabrique, organisation=provider_org, role=Role.PROVIDER
        )
        participation = ParticipationFactory(fabrique=fabrique)
        for k in range(10):
            DeliverableFactory(
                fabrique=fabrique,
                participation=participation if k % 2 else None,
                title=f"Livrable {k}",
                status=["pending", "submitted", "changes_requested"][k % 3],
                due_on=TODAY + datetime.timedelta(days=k - 5),
            )
    user = User.objects.get(pk=cast.provider_a.pk)
    with django_assert_num_queries(3):
        # 1. memberships; 2. the organisations' roles in Fabriques (grants);
        # 3. the open deliverables with their Fabrique, territory and last submission.
        board = dashboard(user=user, today=TODAY)
        shown = [
            (d.fabrique.title, str(d.participation), d.last_submitted_at)
            for name in board.SECTIONS
            for d in getattr(board, name)
        ]
    assert len(board.awaiting_review) == 36
    with django_assert_num_queries(1):  # the grants are cached on the user
        counts = dashboard_counts(user=user, today=TODAY)
    assert counts.awaiting_review == 36
    assert sum(vars(counts).values()) == 12 * 10
    # All are due within 14 days or late: each of the 120 appears in exactly one section.
    assert len(shown) == 12 * 10


def test_visibility_filter_matches_the_permission_rule(cast):
    """The list filter and the per-object rule agree for every persona and status."""
    for status in DeliverableStatus.values:
        for fabrique, participation in (
            (cast.fabrique_a, None),
            (cast.fabrique_a, cast.participation_a),
            (cast.fabrique_b, cast.participation_b),
        ):
            DeliverableFactory(
                fabrique=fabrique,
                participation=participation,
                title=f"{status} {participation}",
                status=status,
            )
    everything = list(Deliverable.objects.all())
    for name in ROLE_NAMES:
        user = cast.user(name)
        by_rule = {d.pk for d in everything if may_see_deliverable(user, d)}
        by_filter = set(
            Deliverable.objects.filter(visible_deliverables_q(user)).values_list("pk", flat=True)
        )
        assert by_rule == by_filter, name


def test_fabrique_list_shows_each_persona_what_it_may_see(cast):
    own = DeliverableFactory(
        fabrique=cast.fabrique_a, participation=cast.participation_a, title="Feuille de route"
    )
    collective = DeliverableFactory(fabrique=cast.fabrique_a, title="Synthèse")
    accepted = DeliverableFactory(
        fabrique=cast.fabrique_a, title="Compte rendu", status=DeliverableStatus.ACCEPTED
    )

    def seen(name):
        return {d.pk for d in fabrique_deliverables(fabrique=cast.fabrique_a, user=cast.user(name))}

    everything = {own.pk, collective.pk, accepted.pk}
    assert seen("pilot_a") == everything
    assert seen("provider_a") == everything
    assert seen("admin") == everything
    assert seen("elected_a") == {own.pk, accepted.pk}
    assert seen("technical_a") == {own.pk, accepted.pk}
    assert seen("partner_a") == {accepted.pk}
    assert seen("pilot_b") == set()
    assert seen("outsider") == set()
