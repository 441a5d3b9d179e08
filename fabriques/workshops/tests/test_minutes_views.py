"""The minutes' pages tried by each persona, their workflow, comments, the public minutes and
the actions to follow."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fabriques.core.models import AuditEvent
from fabriques.workinggroups.models import StakeholderFamily
from fabriques.workinggroups.tests.factories import MemberFactory
from fabriques.workshops.models import (
    ActionStatus,
    AgendaItem,
    Attendance,
    Minutes,
    MinutesComment,
    MinutesStatus,
    MinutesVisibility,
    Outcome,
    OutcomeKind,
)
from fabriques.workshops.selectors.minutes import fabrique_public_minutes

from .factories import MinutesFactory, OutcomeFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

STAFF = ("admin", "pilot_a", "provider_a", "partner_a", "elected_a", "technical_a")
OUTSIDERS = ("pilot_b", "provider_b", "partner_b", "elected_b")
MEMBERS = ("member_a", "member_a2", "member_b")
EVERYONE = (*STAFF, *OUTSIDERS, *MEMBERS, "anonymous")


def user_of(world, name):
    if name == "anonymous":
        return None
    if name in world.users:
        return world.users[name]
    return world.cast.user(name)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def attend(workshop, member):
    return RegistrationFactory(workshop=workshop, member=member, attendance=Attendance.ATTENDED)


def url(name, workshop):
    return reverse(f"workshops:{name}", args=[workshop.pk])


def shared_minutes(world, *, days=7):
    attend(world.local_a, world.members["member_a"])
    now = timezone.now()
    return MinutesFactory(
        workshop=world.local_a,
        status=MinutesStatus.SHARED,
        shared_at=now,
        comments_until=now + datetime.timedelta(days=days),
    )


# Reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "visibility", "expected"),
    [
        # A draft: only the people who run the workshop.
        (
            MinutesStatus.DRAFT,
            MinutesVisibility.GROUP,
            {"admin", "pilot_a", "provider_a", "elected_a", "technical_a"},
        ),
        # Shared: the runners and the attendees (member_a attended).
        (
            MinutesStatus.SHARED,
            MinutesVisibility.GROUP,
            {"admin", "pilot_a", "provider_a", "elected_a", "technical_a", "member_a"},
        ),
        # Published to the group: the territory's members and referents, and the runners.
        (
            MinutesStatus.PUBLISHED,
            MinutesVisibility.GROUP,
            {"admin", "pilot_a", "provider_a", "elected_a", "technical_a", "member_a"},
        ),
        # Published to the Fabrique: its staff, partners, referents and all its groups' members.
        (
            MinutesStatus.PUBLISHED,
            MinutesVisibility.FABRIQUE,
            {*STAFF, "member_a", "member_a2"},
        ),
        # Public: every signed-in person.
        (
            MinutesStatus.PUBLISHED,
            MinutesVisibility.PUBLIC,
            {*STAFF, *OUTSIDERS, *MEMBERS},
        ),
    ],
)
def test_minutes_page_by_persona(world, status, visibility, expected):
    attend(world.local_a, world.members["member_a"])
    minutes = MinutesFactory(workshop=world.local_a, status=status, visibility=visibility)
    for name in EVERYONE:
        response = client_for(user_of(world, name)).get(url("minutes", world.local_a))
        if name == "anonymous":
            assert response.status_code == 302, name
            assert "/connexion" in response["Location"] or "login" in response["Location"]
        elif name in expected:
            assert response.status_code == 200, name
            assert minutes.body in response.content.decode()
        else:
            assert response.status_code == 404, (name, status, visibility)


def test_member_of_another_territory_reads_only_fabrique_level_minutes(world):
    member_a2 = world.users["member_a2"]
    MinutesFactory(
        workshop=world.local_a, status=MinutesStatus.PUBLISHED, visibility=MinutesVisibility.GROUP
    )
    MinutesFactory(
        workshop=world.seminar_a,
        status=MinutesStatus.PUBLISHED,
        visibility=MinutesVisibility.FABRIQUE,
    )
    client = client_for(member_a2)
    assert client.get(url("minutes", world.local_a)).status_code == 404
    assert client.get(url("minutes", world.seminar_a)).status_code == 200


def test_minutes_page_groups_outcomes_names_attendees_and_counts_queries(world):
    registration = attend(world.local_a, world.members["member_a"])
    other = MemberFactory(working_group=world.groups["a"], first_name="Zéphyrine")
    attend(world.local_a, other)
    minutes = MinutesFactory(workshop=world.local_a, body="## Mobilités\n\n<script>x</script>")
    OutcomeFactory(minutes=minutes, kind=OutcomeKind.DECISION, text="Trois axes retenus.")
    for n in range(3):
        OutcomeFactory(
            minutes=minutes,
            kind=OutcomeKind.ACTION,
            text=f"Action {n}",
            owner_member=other,
            due_on=datetime.date(2027, 1, 10),
            action_status=ActionStatus.TODO,
        )
    client = client_for(world.cast.provider_a)
    client.get(url("minutes", world.local_a))  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("minutes", world.local_a))
    page = response.content.decode()
    assert "Trois axes retenus." in page and "Action 2" in page
    assert "<script>x</script>" not in page  # the Markdown is sanitised
    assert registration.member.full_name in page and "Zéphyrine" in page
    # session, user, workshop, minutes, grants (1–2), member scope, attendance check, attendees,
    # comments, outcomes: bounded whatever the number of outcomes and attendees.
    assert len(queries) <= 14, [q["sql"] for q in queries.captured_queries]


def test_fabrique_readers_see_families_not_names(world):
    member = world.members["member_a"]
    member.first_name = "Hildegarde"
    member.save()
    attend(world.local_a, member)
    MinutesFactory(
        workshop=world.local_a,
        status=MinutesStatus.PUBLISHED,
        visibility=MinutesVisibility.FABRIQUE,
    )
    page = client_for(world.cast.partner_a).get(url("minutes", world.local_a)).content.decode()
    assert "Hildegarde" not in page
    assert str(StakeholderFamily(member.family).label) in page


@pytest.mark.parametrize("visibility", [MinutesVisibility.FABRIQUE, MinutesVisibility.PUBLIC])
def test_readers_outside_the_group_do_not_learn_who_owns_an_action(world, visibility):
    """The owner of an action is named like the attendees: to the people who run the workshop
    and to its group's audience; other readers (a partner, another territory's member, any
    account for public minutes) read « a member of the group » and the family."""
    member = world.members["member_a"]
    member.first_name = "Hildegarde"
    member.save()
    attend(world.local_a, member)
    minutes = MinutesFactory(
        workshop=world.local_a, status=MinutesStatus.PUBLISHED, visibility=visibility
    )
    OutcomeFactory(
        minutes=minutes,
        kind=OutcomeKind.ACTION,
        text="Rédiger la note.",
        owner_member=member,
        due_on=datetime.date(2027, 1, 10),
        action_status=ActionStatus.TODO,
    )
    outside = ["partner_a", "member_a2"] + (["outsider"] if visibility == "public" else [])
    for name in outside:
        page = client_for(user_of(world, name)).get(url("minutes", world.local_a))
        text = page.content.decode()
        assert page.status_code == 200, name
        assert "Rédiger la note." in text and "Hildegarde" not in text, name
        assert "un membre du groupe" in text, name
    for name in ("provider_a", "elected_a", "member_a"):
        inside = client_for(user_of(world, name)).get(url("minutes", world.local_a))
        assert "Hildegarde" in inside.content.decode(), name


# Writing ------------------------------------------------------------------------------------


def outcome_post(n, **values):
    fields = {
        "pk": "",
        "kind": "",
        "text": "",
        "agenda_item": "",
        "owner_member": "",
        "owner_label": "",
        "due_on": "",
        "action_status": "",
    }
    fields.update(values)
    return {f"suites-{n}-{name}": value for name, value in fields.items()}


def form_post(*outcomes, body="Le texte.", visibility="group", initial=0):
    data = {
        "body": body,
        "visibility": visibility,
        "suites-TOTAL_FORMS": str(len(outcomes)),
        "suites-INITIAL_FORMS": str(initial),
        "suites-MIN_NUM_FORMS": "0",
        "suites-MAX_NUM_FORMS": "1000",
    }
    for n, values in enumerate(outcomes):
        data.update(outcome_post(n, **values))
    return data


@pytest.mark.parametrize("name", EVERYONE)
def test_edit_page_by_persona(world, name):
    response = client_for(user_of(world, name)).get(url("minutes_edit", world.local_a))
    if name == "anonymous":
        assert response.status_code == 302
    elif name in ("admin", "pilot_a", "provider_a", "elected_a", "technical_a"):
        assert response.status_code == 200
    else:
        assert response.status_code == 404  # no minutes yet: nothing to read for the others


def test_new_minutes_prefilled_from_agenda(world):
    AgendaItem.objects.create(workshop=world.local_a, position=1, title="Tour de table")
    AgendaItem.objects.create(workshop=world.local_a, position=2, title="Diagnostic partagé")
    page = client_for(world.cast.provider_a).get(url("minutes_edit", world.local_a))
    text = page.content.decode()
    assert "## Tour de table" in text and "## Diagnostic partagé" in text


def test_readers_get_403_on_edit(world):
    shared_minutes(world)
    response = client_for(world.users["member_a"]).get(url("minutes_edit", world.local_a))
    assert response.status_code == 403


def test_save_round_trip(world):
    member = world.members["member_a"]
    item = AgendaItem.objects.create(workshop=world.local_a, position=1, title="Mobilités")
    client = client_for(world.cast.provider_a)
    response = client.post(
        url("minutes_edit", world.local_a),
        form_post(
            {"kind": "decision", "text": "Trois axes.", "agenda_item": item.pk},
            {
                "kind": "action",
                "text": "Rédiger la note.",
                "owner_member": member.pk,
                "due_on": "2027-01-15",
            },
            {"kind": "action", "text": "Réserver la salle.", "owner_label": "Mairie"},
            body="## Mobilités",
            visibility="public",
        ),
    )
    # The action without a due date is refused, nothing is written.
    assert response.status_code == 200
    assert "Une action a une échéance" in response.content.decode()
    assert not Minutes.objects.exists()

    response = client.post(
        url("minutes_edit", world.local_a),
        form_post(
            {"kind": "decision", "text": "Trois axes.", "agenda_item": item.pk},
            {
                "kind": "action",
                "text": "Rédiger la note.",
                "owner_member": member.pk,
                "due_on": "2027-01-15",
            },
            {
                "kind": "action",
                "text": "Réserver la salle.",
                "owner_label": "Mairie",
                "due_on": "2027-01-20",
            },
            body="## Mobilités",
            visibility="public",
        ),
    )
    assert response.status_code == 302
    minutes = Minutes.objects.get()
    assert minutes.visibility == MinutesVisibility.PUBLIC
    outcomes = list(minutes.outcomes.all())
    assert [o.kind for o in outcomes] == ["decision", "action", "action"]
    assert outcomes[1].action_status == ActionStatus.TODO
    assert AuditEvent.objects.filter(action="minutes.saved").count() == 1

    # Reopen, post the form back unchanged: same outcomes, same rows.
    page = client.get(url("minutes_edit", world.local_a))
    formset = page.context["formset"]
    form = page.context["form"]
    data = {"body": form.initial["body"], "visibility": form.initial["visibility"]}
    data.update({f"suites-{k}": v for k, v in formset.management_form.initial.items()})
    data["suites-MIN_NUM_FORMS"] = "0"
    data["suites-MAX_NUM_FORMS"] = "1000"
    for n, subform in enumerate(formset.forms):
        for name, field in subform.fields.items():
            value = subform.initial.get(name, field.initial)
            if name == "DELETE":
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            data[f"suites-{n}-{name}"] = "" if value is None else value
    assert client.post(url("minutes_edit", world.local_a), data).status_code == 302
    again = list(Minutes.objects.get().outcomes.all())
    assert [(o.pk, o.kind, o.text, o.owner_member_id, o.owner_label, o.due_on) for o in again] == [
        (o.pk, o.kind, o.text, o.owner_member_id, o.owner_label, o.due_on) for o in outcomes
    ]


def test_action_without_owner_and_information_with_due_date_refused(world):
    client = client_for(world.cast.provider_a)
    response = client.post(
        url("minutes_edit", world.local_a),
        form_post(
            {"kind": "action", "text": "Sans responsable.", "due_on": "2027-01-15"},
            {"kind": "information", "text": "Une info.", "due_on": "2027-01-15"},
        ),
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Une action a un responsable" in text
    assert "ne concernent que les" in text
    assert not Minutes.objects.exists() and not Outcome.objects.exists()


# Workflow -----------------------------------------------------------------------------------


def transition(client, workshop, **data):
    return client.post(url("minutes_transition", workshop), data, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_share_needs_an_attendee_then_emails_them(world, django_capture_on_commit_callbacks):
    MinutesFactory(workshop=world.local_a)
    client = client_for(world.cast.provider_a)
    response = transition(client, world.local_a, to="shared", comment_days=5)
    assert any("Aucune présence n’est pointée" in m for m in messages_of(response))
    assert Minutes.objects.get().status == MinutesStatus.DRAFT

    attend(world.local_a, world.members["member_a"])
    with django_capture_on_commit_callbacks(execute=True):
        transition(client, world.local_a, to="shared", comment_days=5)
    minutes = Minutes.objects.get()
    assert minutes.status == MinutesStatus.SHARED
    assert minutes.comments_until is not None and minutes.shared_at is not None
    delta = minutes.comments_until - minutes.shared_at
    assert delta == datetime.timedelta(days=5)
    assert [m.to for m in mail.outbox] == [[world.members["member_a"].email]]
    assert url("minutes", world.local_a) in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="minutes.shared").count() == 1


def test_comment_days_out_of_range_refused(world):
    attend(world.local_a, world.members["member_a"])
    MinutesFactory(workshop=world.local_a)
    response = transition(
        client_for(world.cast.provider_a), world.local_a, to="shared", comment_days=31
    )
    assert response.status_code == 200
    assert Minutes.objects.get().status == MinutesStatus.DRAFT
    assert messages_of(response)


def test_publishing_a_draft_directly_is_refused(world):
    MinutesFactory(workshop=world.local_a)
    response = transition(client_for(world.cast.elected_a), world.local_a, to="published")
    assert any("une fois validé" in m for m in messages_of(response))
    assert Minutes.objects.get().status == MinutesStatus.DRAFT


def test_provider_cannot_validate(world):
    shared_minutes(world, days=-1)
    response = transition(client_for(world.cast.provider_a), world.local_a, to="validated")
    assert any("référents du territoire" in m for m in messages_of(response))
    assert Minutes.objects.get().status == MinutesStatus.SHARED
    assert not AuditEvent.objects.filter(action="minutes.validated").exists()


def test_validation_waits_for_comments_unless_confirmed(world):
    shared_minutes(world)
    client = client_for(world.cast.technical_a)
    response = transition(client, world.local_a, to="validated")
    assert any("peuvent commenter jusqu’au" in m for m in messages_of(response))
    assert Minutes.objects.get().status == MinutesStatus.SHARED
    transition(client, world.local_a, to="validated", early="on")
    minutes = Minutes.objects.get()
    assert minutes.status == MinutesStatus.VALIDATED
    assert minutes.validated_by == world.cast.technical_a
    transition(client, world.local_a, to="published")
    minutes = Minutes.objects.get()
    assert minutes.status == MinutesStatus.PUBLISHED and minutes.published_at is not None
    assert set(
        AuditEvent.objects.filter(action__startswith="minutes.").values_list("action", flat=True)
    ) == {"minutes.validated", "minutes.published"}


def test_seminar_minutes_validated_by_pilot_not_referent(world):
    attend(world.seminar_a, world.members["member_a"])
    now = timezone.now()
    MinutesFactory(
        workshop=world.seminar_a,
        status=MinutesStatus.SHARED,
        shared_at=now - datetime.timedelta(days=8),
        comments_until=now - datetime.timedelta(days=1),
    )
    response = transition(client_for(world.cast.provider_a), world.seminar_a, to="validated")
    assert any("l’ANCT" in m for m in messages_of(response))
    transition(client_for(world.cast.pilot_a), world.seminar_a, to="validated")
    assert Minutes.objects.get().status == MinutesStatus.VALIDATED


def test_back_to_draft(world):
    shared_minutes(world)
    transition(client_for(world.cast.provider_a), world.local_a, to="draft")
    minutes = Minutes.objects.get()
    assert minutes.status == MinutesStatus.DRAFT and minutes.comments_until is None
    assert AuditEvent.objects.filter(action="minutes.reopened").exists()


@pytest.mark.parametrize("name", EVERYONE)
def test_transition_by_persona(world, name):
    shared_minutes(world, days=-1)
    response = client_for(user_of(world, name)).post(
        url("minutes_transition", world.local_a), {"to": "validated"}
    )
    status = Minutes.objects.get().status
    if name == "anonymous":
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    elif name in ("elected_a", "technical_a"):
        assert response.status_code == 302 and status == MinutesStatus.VALIDATED
        return
    elif name in ("admin", "pilot_a", "provider_a"):
        assert response.status_code == 302  # refused with a message: not a referent
    elif name == "member_a":
        assert response.status_code == 403
    else:
        assert response.status_code == 404
    assert status == MinutesStatus.SHARED


# Comments -----------------------------------------------------------------------------------


def test_attendee_comments_named_as_member(world):
    minutes = shared_minutes(world)
    outcome = OutcomeFactory(minutes=minutes, text="Un axe.")
    client = client_for(world.users["member_a"])
    response = client.post(
        url("minutes_comment", world.local_a),
        {"text": "Il manque un point.", "outcome": outcome.pk},
    )
    assert response.status_code == 302
    comment = MinutesComment.objects.get()
    assert comment.author_member == world.members["member_a"] and comment.outcome == outcome
    page = client.get(url("minutes", world.local_a)).content.decode()
    assert world.members["member_a"].full_name in page and "Il manque un point." in page
    event = AuditEvent.objects.get(action="minutes.commented")
    assert world.members["member_a"].email not in str(event.data)


def test_comment_after_deadline_refused(world):
    shared_minutes(world, days=-1)
    response = client_for(world.users["member_a"]).post(
        url("minutes_comment", world.local_a), {"text": "Trop tard ?"}, follow=True
    )
    assert any("clos" in m for m in messages_of(response))
    assert not MinutesComment.objects.exists()


@pytest.mark.parametrize("name", EVERYONE)
def test_comment_by_persona(world, name):
    shared_minutes(world)
    response = client_for(user_of(world, name)).post(
        url("minutes_comment", world.local_a), {"text": "Un avis."}
    )
    written = MinutesComment.objects.exists()
    if name == "anonymous":
        assert response.status_code == 302 and not written
    elif name in ("admin", "pilot_a", "provider_a", "elected_a", "technical_a", "member_a"):
        assert response.status_code == 302 and written
    else:
        assert response.status_code == 404 and not written


# Public minutes -----------------------------------------------------------------------------


def test_public_minutes_hide_names_without_opt_in(world):
    hidden = MemberFactory(
        working_group=world.groups["a"],
        first_name="Philomène",
        last_name="Zanzibar",
        family=StakeholderFamily.ASSOCIATION,
        public_name_opt_in=False,
    )
    shown = MemberFactory(
        working_group=world.groups["a"],
        first_name="Anatole",
        last_name="Public",
        organisation_name="Mairie de Test",
        public_name_opt_in=True,
    )
    attend(world.local_a, hidden)
    attend(world.local_a, shown)
    MinutesFactory(
        workshop=world.local_a,
        status=MinutesStatus.PUBLISHED,
        visibility=MinutesVisibility.PUBLIC,
        body="Texte public.",
    )
    page = Client().get(reverse("workshops:public_minutes", args=[world.local_a.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "Texte public." in text
    assert "Zanzibar" not in text and "Philomène" not in text and hidden.email not in text
    assert "Une personne — Associations" in text
    assert "Anatole Public" in text and "Mairie de Test" in text and shown.email not in text


@pytest.mark.parametrize(
    ("status", "visibility"),
    [
        (MinutesStatus.VALIDATED, MinutesVisibility.PUBLIC),
        (MinutesStatus.PUBLISHED, MinutesVisibility.FABRIQUE),
        (MinutesStatus.PUBLISHED, MinutesVisibility.GROUP),
    ],
)
def test_public_minutes_404_unless_published_and_public(world, status, visibility):
    MinutesFactory(workshop=world.local_a, status=status, visibility=visibility)
    client = Client()
    assert (
        client.get(reverse("workshops:public_minutes", args=[world.local_a.pk])).status_code == 404
    )
    assert client.get(reverse("workshops:public_minutes", args=[999999])).status_code == 404


def test_fabrique_public_minutes_selector(world):
    MinutesFactory(
        workshop=world.local_a, status=MinutesStatus.PUBLISHED, visibility=MinutesVisibility.PUBLIC
    )
    MinutesFactory(workshop=world.seminar_a, status=MinutesStatus.VALIDATED)
    links = fabrique_public_minutes(fabrique=world.cast.fabrique_a)
    assert [link.title for link in links] == [world.local_a.title]
    assert fabrique_public_minutes(fabrique=world.cast.fabrique_b) == []


# Actions ------------------------------------------------------------------------------------


def action(minutes, *, due, status=ActionStatus.TODO, text="Une action"):
    return OutcomeFactory(
        minutes=minutes,
        kind=OutcomeKind.ACTION,
        text=text,
        owner_label="Mairie",
        due_on=due,
        action_status=status,
    )


def test_actions_by_persona(world):
    minutes = MinutesFactory(workshop=world.local_a)
    today = timezone.localdate()
    action(minutes, due=today - datetime.timedelta(days=2), text="Action en retard")
    action(minutes, due=today + datetime.timedelta(days=2), text="Action à venir")
    action(minutes, due=today, status=ActionStatus.DONE, text="Action faite")
    follows = {"admin", "pilot_a", "provider_a", "elected_a", "technical_a"}
    for name in EVERYONE:
        response = client_for(user_of(world, name)).get(reverse("workshops:actions"))
        if name == "anonymous":
            assert response.status_code == 302
            continue
        text = response.content.decode()
        assert response.status_code == 200
        assert ("Action en retard" in text) is (name in follows), name
        assert "Action faite" not in text
    text = client_for(world.cast.pilot_a).get(reverse("workshops:actions")).content.decode()
    assert text.index("Action en retard") < text.index("Action à venir")
    assert "En retard" in text
    done = client_for(world.cast.pilot_a).get(reverse("workshops:actions") + "?statut=done")
    assert "Action faite" in done.content.decode()


def test_actions_query_count_bounded(world):
    minutes = MinutesFactory(workshop=world.local_a)
    seminar = MinutesFactory(workshop=world.seminar_a)
    for n in range(6):
        action(minutes, due=timezone.localdate(), text=f"A{n}")
        action(seminar, due=timezone.localdate(), text=f"S{n}")
    client = client_for(world.cast.pilot_a)
    client.get(reverse("workshops:actions"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("workshops:actions"))
    assert response.content.decode().count("<tr>") == 13
    # session, user, grants (1–2), count, page of actions with their workshops
    assert len(queries) <= 7, [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("name", EVERYONE)
def test_action_update_by_persona(world, name):
    minutes = MinutesFactory(
        workshop=world.local_a,
        status=MinutesStatus.PUBLISHED,
        visibility=MinutesVisibility.FABRIQUE,
    )
    item = action(minutes, due=timezone.localdate())
    response = client_for(user_of(world, name)).post(
        reverse("workshops:action_update", args=[item.pk]), {"action_status": "done"}
    )
    item.refresh_from_db()
    if name in ("admin", "pilot_a", "provider_a", "elected_a", "technical_a"):
        assert response.status_code == 302 and item.action_status == ActionStatus.DONE
        assert AuditEvent.objects.filter(action="action.updated").count() == 1
        return
    if name == "anonymous":
        assert response.status_code == 302
    elif name in ("partner_a", "member_a", "member_a2"):
        assert response.status_code == 403  # they read the minutes, they do not run them
    else:
        assert response.status_code == 404
    assert item.action_status == ActionStatus.TODO


def test_dashboard_shows_actions_block(world):
    minutes = MinutesFactory(workshop=world.local_a)
    action(minutes, due=timezone.localdate() - datetime.timedelta(days=1))
    text = client_for(world.cast.elected_a).get(reverse("workspace:home")).content.decode()
    assert "Actions à suivre" in text and reverse("workshops:actions") in text
    text = client_for(world.cast.elected_b).get(reverse("workspace:home")).content.decode()
    assert "Actions à suivre" not in text


def test_public_fabrique_page_links_public_minutes(world):
    MinutesFactory(
        workshop=world.local_a, status=MinutesStatus.PUBLISHED, visibility=MinutesVisibility.PUBLIC
    )
    MinutesFactory(
        workshop=world.seminar_a,
        status=MinutesStatus.PUBLISHED,
        visibility=MinutesVisibility.FABRIQUE,
    )
    page = Client().get(reverse("public:fabrique_detail", args=[world.cast.fabrique_a.slug]))
    text = page.content.decode()
    assert reverse("workshops:public_minutes", args=[world.local_a.pk]) in text
    assert reverse("workshops:public_minutes", args=[world.seminar_a.pk]) not in text


def test_an_attendee_without_password_reaches_the_minutes_from_the_email(
    world, django_capture_on_commit_callbacks
):
    """The sharing e-mail offers a sign-in link request that comes back to the minutes."""
    import re
    from urllib.parse import urlsplit

    from django.test import Client

    MinutesFactory(workshop=world.local_a)
    attend(world.local_a, world.members["member_a"])
    with django_capture_on_commit_callbacks(execute=True):
        transition(client_for(world.cast.provider_a), world.local_a, to="shared", comment_days=5)
    (shared,) = mail.outbox
    found = re.search(r"http\S+/compte/lien/demander/\S+", str(shared.body))
    assert found is not None
    request_url = found.group(0)
    visitor = Client()
    split = urlsplit(request_url)
    page = visitor.get(f"{split.path}?{split.query}")
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post(
            split.path,
            {"email": world.members["member_a"].email, "next": url("minutes", world.local_a)},
        )
    link = re.search(r"http\S+/compte/lien/(?!demander)\S+/", str(mail.outbox[-1].body))
    assert link is not None
    signed_in = visitor.post(urlsplit(link.group(0)).path, follow=True)
    assert signed_in.redirect_chain[-1][0] == url("minutes", world.local_a)
    assert world.local_a.title in signed_in.content.decode()
