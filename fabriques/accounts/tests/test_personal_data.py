"""RGPD: erasure scrubs only the audit events about the person; the export covers their acts."""

import pytest

from fabriques.accounts.models import Membership, MembershipRole
from fabriques.accounts.services import (
    membership_grant,
    user_data_export,
    user_erase,
    user_invite,
    user_update_names,
)
from fabriques.accounts.tests.factories import UserFactory
from fabriques.core.models import AuditEvent
from fabriques.core.services import audit_event_create

pytestmark = pytest.mark.django_db


def test_a_person_named_like_a_summary_does_not_deface_other_events_on_erasure():
    pilot = UserFactory.create()
    for status in ("call_open", "selection", "running"):
        audit_event_create(
            action="fabrique.status_changed",
            actor=pilot,
            summary=f"Statut changé : {status}",
        )
    others = dict(AuditEvent.objects.values_list("pk", "summary"))
    intruder = UserFactory.create()
    user_update_names(user=intruder, first_name="Statut", last_name="changé", actor=intruder)

    user_erase(user=intruder, actor=intruder)

    defaced = [
        pk
        for pk, summary in AuditEvent.objects.filter(pk__in=others).values_list("pk", "summary")
        if summary != others[pk]
    ]
    assert defaced == []


def test_the_events_about_the_person_lose_their_name_and_address():
    admin = UserFactory.create(first_name="Ada", last_name="Admin")
    user = user_invite(
        email="jeanne.pilote@anct.gouv.fr",
        first_name="Jeanne",
        last_name="Pilote",
        invited_by=admin,
    )
    membership = membership_grant(user=user, role=MembershipRole.ANCT_ADMIN, actor=admin)
    # Named in the summary of an event about another object, referred to in its details
    # (as programme.services.fabrique_team_invite writes it).
    audit_event_create(
        action="fabrique.team_invited",
        actor=admin,
        summary="Jeanne Pilote invité(e) comme « Pilote ANCT »",
        data={"user": user.pk, "role": MembershipRole.ANCT_PILOT},
    )
    # The person's own act on someone else.
    membership_grant(user=admin, role=MembershipRole.ANCT_ADMIN, actor=user)
    naming = AuditEvent.objects.filter(summary__icontains="jeanne")
    assert set(naming.values_list("action", flat=True)) == {
        "user.created",
        "invitation.created",
        "membership.granted",
        "fabrique.team_invited",
    }
    assert naming.filter(object_id=str(membership.pk)).exists()

    user_erase(user=user, actor=admin)

    assert not AuditEvent.objects.filter(summary__icontains="jeanne").exists()
    assert (
        not AuditEvent.objects.filter(summary__icontains="pilote")
        .exclude(summary__icontains="Pilote ANCT")
        .exists()
    )
    # Their act on someone else keeps that person's name.
    granted = AuditEvent.objects.get(action="membership.granted", data__user=admin.pk)
    assert admin.username in granted.summary


def test_the_export_lists_the_persons_audit_events_and_history_rows():
    pilot = UserFactory.create()
    other = UserFactory.create()
    membership_grant(user=other, role=MembershipRole.ANCT_ADMIN, actor=pilot)
    audit_event_create(action="someone.else", actor=other, summary="Pas moi")
    # A change recorded with the person as its author (the history middleware does this).
    membership = Membership.objects.get(user=other)
    membership.mandate = "Cheffe de projet"
    # simple-history reads this documented attribute off the instance; nothing declares it.
    membership._history_user = pilot  # type: ignore[attr-defined]
    membership.save()

    sources = user_data_export(user=pilot)["sources"]

    events = sources["core.audit_events"]["rows"]
    assert [row["action"] for row in events] == ["membership.granted"]
    assert events[0]["objet"] == f"accounts.membership:{membership.pk}"
    # The summary of a role given to someone else names that person: it stays out.
    assert events[0]["résumé"] == ""
    history = sources["core.history"]["rows"]
    assert [(row["objet"], row["identifiant"], row["modification"]) for row in history] == [
        ("rôle d'une personne", membership.pk, "modification")
    ]
    # What the other person holds is theirs: the history rows' contents stay out.
    assert "Cheffe de projet" not in str(history)


def test_a_source_is_erased_before_the_sources_it_names():
    """`before` moves a source ahead of those that would cut its way to the person's rows."""
    from fabriques.accounts import personal_data

    keys = [source.key for source in personal_data.sources()]
    assert keys.index("workshops.registrations") < keys.index("workinggroups.members")
    # The others keep their alphabetical order.
    rest = [key for key in keys if key != "workshops.registrations"]
    assert rest == sorted(rest)
