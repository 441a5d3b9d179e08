"""The workshops' part of the access matrix (merged into spec.CASES): fabriques/workshops.

Running a workshop of territory A (plan, invite, check in, write the minutes) belongs to the
people who run its group (RUN_GROUP_A); a meeting of the whole Fabrique, to its pilots,
administrators and provider consultants. Seeing a workshop extends to the members of the
working groups: a local workshop of A to territory A's (member_a), a seminar of Fabrique A to
every group of A (member_a2 too), never to another Fabrique's (member_b). Readers who do not
run a workshop get a 403 on its management pages; everyone else the same 404 as a stranger.

Minutes follow their state and visibility: a draft for the people who run the workshop;
shared, for them and the attendees (member_a); published to the group, to territory A's
members; to the Fabrique, to everyone who sees its work (member_a2 included); public, to
everyone (and the public page to anonymous visitors too). A calendar address is its secret:
whoever holds it reads the feed of its owner (member_a), and a renewed or unknown one is a 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from fabriques.calls.tests.factories import pdf_upload

from .spec import (
    EVERYONE,
    GROUP_A,
    OUTSIDERS_A,
    POST_ONLY,
    PUBLIC,
    PUBLIC_HIDDEN,
    READERS_A,
    RUN_GROUP_A,
    SEE_A,
    SIGNED_IN,
    SIGNED_IN_ONLY,
    Case,
    outcomes,
)
from .world import CHECK_IN_CODE

# The people who run a meeting of the whole Fabrique A; referents and partners only see it.
RUN_FABRIQUE_A = frozenset({"admin", "pilot_a", "provider_a"})
SEMINAR_A_MANAGE = outcomes(
    ok=RUN_FABRIQUE_A,
    s403=READERS_A - RUN_FABRIQUE_A,
    s404=OUTSIDERS_A,
    login="anonymous",
)
# A workshop of territory A: who sees it and what its management pages give its readers.
SEE_LOCAL_A = {"member_a": "ok"}
RUN_LOCAL_A = {"member_a": "403"}
SEE_SEMINAR_A = {"member_a": "ok", "member_a2": "ok"}
RUN_SEMINAR_A = {"member_a": "403", "member_a2": "403"}
# Territory B's group and Fabrique B.
RUN_GROUP_B = frozenset({"admin", "pilot_b", "provider_b", "elected_b"})
GROUP_B = outcomes(ok=RUN_GROUP_B, s404=SIGNED_IN - RUN_GROUP_B, login="anonymous")
SEE_B_ROLES = RUN_GROUP_B | {"partner_b"}
SEE_B = outcomes(ok=SEE_B_ROLES, s404=SIGNED_IN - SEE_B_ROLES, login="anonymous")
# A POST-only route that answers a GET with 405 before asking anyone to sign in.
POST_FIRST = outcomes(s405=EVERYONE)
# Pages of one's own registration (the QR code): 404 for anyone without one.
OWN_ONLY = outcomes(s404=SIGNED_IN, login="anonymous")
# Minutes that can no longer be written (validated or published).
CLOSED_MINUTES_A = outcomes(s403=RUN_GROUP_A, s404=SIGNED_IN - RUN_GROUP_A, login="anonymous")
FIGURES_A = outcomes(
    ok=RUN_FABRIQUE_A,
    redirect=frozenset({"elected_a", "technical_a"}),  # sent to their own territory's figures
    s404=OUTSIDERS_A | {"partner_a"},
    login="anonymous",
)
FIGURES_B = outcomes(
    ok=frozenset({"admin", "pilot_b", "provider_b"}),
    redirect="elected_b",
    s404=SIGNED_IN - {"admin", "pilot_b", "provider_b", "elected_b"},
    login="anonymous",
)


def _a(world: Any) -> dict[str, Any]:
    return {"slug": world.fabrique_a.slug}


def _b(world: Any) -> dict[str, Any]:
    return {"slug": world.fabrique_b.slug}


def _pk(name: str) -> Any:
    return lambda world: {"pk": getattr(world, name).pk}


_local_a, _seminar_a, _local_b = _pk("local_a"), _pk("seminar_a"), _pk("local_b")
_now_a, _shared_a = _pk("now_a"), _pk("shared_a")


# Valid forms, for the world's dates.
def _workshop_form(workshop: Any, **overrides: Any) -> dict[str, Any]:
    """The planning form as the edit page fills it in for `workshop`, with `overrides`."""
    start = timezone.localtime(workshop.starts_at)
    end = timezone.localtime(workshop.ends_at)
    data = {
        "kind": workshop.kind,
        "title": workshop.title,
        "participation": str(workshop.participation_id or ""),
        "day": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "mode": workshop.mode,
        "video_url": workshop.video_url,
        "venue": workshop.venue,
        "address": workshop.address,
        "accessibility": workshop.accessibility,
        "facilitator": "",
        "objectives": workshop.objectives,
        "deliverable": "",
        "capacity": "",
        "places_per_territory": "",
        "deadline_day": "",
    }
    return data | overrides


def _new_workshop_form(world: Any) -> dict[str, Any]:
    day = timezone.localdate() + datetime.timedelta(days=60)
    return _workshop_form(world.local_a, title="Atelier prévu par la matrice", day=day.isoformat())


def _agenda_form(world: Any) -> dict[str, Any]:
    return {
        "agenda-TOTAL_FORMS": "1",
        "agenda-INITIAL_FORMS": "0",
        "agenda-MIN_NUM_FORMS": "0",
        "agenda-MAX_NUM_FORMS": "50",
        "agenda-0-position": "1",
        "agenda-0-title": "Tour de table",
        "agenda-0-duration_minutes": "20",
        "agenda-0-speaker": "",
    }


def _document_form(world: Any) -> dict[str, Any]:
    return {"title": "Support de la matrice", "kind": "slides", "file": pdf_upload("support.pdf")}


def _minutes_form(world: Any) -> dict[str, Any]:
    # The shared minutes' action kept (posted back with its pk), the text changed.
    action = world.action
    return {
        "body": "Compte rendu modifié par la matrice.",
        "visibility": "group",
        "suites-TOTAL_FORMS": "1",
        "suites-INITIAL_FORMS": "1",
        "suites-MIN_NUM_FORMS": "0",
        "suites-MAX_NUM_FORMS": "1000",
        "suites-0-pk": str(action.pk),
        "suites-0-kind": action.kind,
        "suites-0-text": action.text,
        "suites-0-agenda_item": "",
        "suites-0-owner_member": str(action.owner_member_id),
        "suites-0-owner_label": "",
        "suites-0-due_on": action.due_on.isoformat(),
        "suites-0-action_status": action.action_status,
    }


def _new_minutes_form(world: Any) -> dict[str, Any]:
    return {
        "body": "Compte rendu écrit par la matrice.",
        "visibility": "fabrique",
        "suites-TOTAL_FORMS": "0",
        "suites-INITIAL_FORMS": "0",
        "suites-MIN_NUM_FORMS": "0",
        "suites-MAX_NUM_FORMS": "1000",
    }


def _newcomer_form(world: Any) -> dict[str, Any]:
    return {
        "newcomer": "1",
        "participation": world.participation_a.pk,
        "first_name": "Nouvelle",
        "last_name": "Venue",
        "email": "venue@exemple.fr",
        "organisation_name": "",
        "family": "inhabitant",
    }


WORKSHOP_CASES: dict[str, list[Case]] = {
    # Planning: the Fabrique's workshops, for those who see something of them.
    "workshops:fabrique_workshops": [
        Case(_a, get=SEE_A, members=SEE_SEMINAR_A),
        Case(_b, get=SEE_B, members={"member_b": "ok"}, label="Fabrique B"),
    ],
    "workshops:workshop_create": [
        Case(
            _a,
            get=outcomes(ok=RUN_GROUP_A, s403="partner_a", s404=OUTSIDERS_A, login="anonymous"),
            members=RUN_SEMINAR_A,
            writers=RUN_GROUP_A,
            payload=_new_workshop_form,
        )
    ],
    "workshops:workshop_detail": [
        Case(_local_a, get=GROUP_A, members=SEE_LOCAL_A, label="atelier local A"),
        Case(_seminar_a, get=SEE_A, members=SEE_SEMINAR_A, label="séminaire de la Fabrique A"),
        Case(_local_b, get=GROUP_B, members={"member_b": "ok"}, label="atelier local B"),
    ],
    "workshops:workshop_edit": [
        Case(
            _local_a,
            get=GROUP_A,
            members=RUN_LOCAL_A,
            writers=RUN_GROUP_A,
            payload=lambda w: _workshop_form(w.local_a, title="Atelier renommé par la matrice"),
            label="atelier local A",
        ),
        Case(
            _seminar_a,
            get=SEMINAR_A_MANAGE,
            members=RUN_SEMINAR_A,
            writers=RUN_FABRIQUE_A,
            payload=lambda w: _workshop_form(w.seminar_a, title="Séminaire renommé"),
            label="séminaire de la Fabrique A",
        ),
    ],
    "workshops:workshop_cancel": [
        Case(
            _local_a,
            get=GROUP_A,
            members=RUN_LOCAL_A,
            writers=RUN_GROUP_A,
            payload=lambda w: {},
        )
    ],
    "workshops:agenda_edit": [
        Case(_local_a, get=GROUP_A, members=RUN_LOCAL_A, writers=RUN_GROUP_A, payload=_agenda_form)
    ],
    "workshops:document_add": [
        Case(
            _local_a, get=GROUP_A, members=RUN_LOCAL_A, writers=RUN_GROUP_A, payload=_document_form
        ),
        Case(
            _seminar_a,
            get=SEMINAR_A_MANAGE,
            members=RUN_SEMINAR_A,
            writers=RUN_FABRIQUE_A,
            payload=_document_form,
            label="séminaire de la Fabrique A",
        ),
    ],
    "workshops:document_download": [
        Case(
            lambda w: {"pk": w.local_a.pk, "document": w.document.pk},
            get=GROUP_A,
            members=SEE_LOCAL_A,
        ),
        # A's document asked through B's workshop: not found, even for those who see both.
        Case(
            lambda w: {"pk": w.local_b.pk, "document": w.document.pk},
            get=OWN_ONLY,
            label="document d’une autre rencontre",
        ),
    ],
    "workshops:invite": [
        Case(_local_a, get=GROUP_A, members=RUN_LOCAL_A, writers=RUN_GROUP_A),
        # Every group of the Fabrique is invited: member_a2 gets on the list.
        Case(
            _seminar_a,
            get=SEMINAR_A_MANAGE,
            members=RUN_SEMINAR_A,
            writers=RUN_FABRIQUE_A,
            payload=lambda w: {"target": "all"},
            label="séminaire de la Fabrique A",
        ),
    ],
    "workshops:registrations": [
        Case(_local_a, get=GROUP_A, members=RUN_LOCAL_A),
        Case(_seminar_a, get=SEMINAR_A_MANAGE, members=RUN_SEMINAR_A, label="séminaire"),
    ],
    # A member's own space: anyone signed in (those without a membership are told what it is).
    "workshops:my_space": [Case(get=SIGNED_IN_ONLY)],
    # Everyone signed in has the page; a choice is written only on one's own membership.
    "workshops:my_preferences": [
        Case(
            get=SIGNED_IN_ONLY,
            writers=frozenset({"member_a"}),
            payload=lambda w: {"member": w.member_a.pk, "public_name_opt_in": "on"},
            writer="member_a",
        )
    ],
    "workshops:my_workshop": [
        Case(_local_a, get=GROUP_A, members=SEE_LOCAL_A, label="atelier local A"),
        Case(_seminar_a, get=SEE_A, members=SEE_SEMINAR_A, label="séminaire de la Fabrique A"),
        Case(_local_b, get=GROUP_B, members={"member_b": "ok"}, label="atelier local B"),
    ],
    # Whoever sees the workshop is answered (a non-member with a message); members write.
    "workshops:my_registration": [
        Case(
            _local_a,
            get=POST_FIRST,
            writers=RUN_GROUP_A | {"member_a"},
            payload=lambda w: {"action": "cancel"},
            writer="member_a",
            label="atelier local A, member_a inscrit",
        ),
        Case(
            _seminar_a,
            get=POST_FIRST,
            writers=RUN_GROUP_A | READERS_A | {"member_a", "member_a2"},
            payload=lambda w: {"action": "register"},
            writer="member_a2",
            label="séminaire de la Fabrique A",
        ),
        Case(
            _local_b,
            get=POST_FIRST,
            writers=RUN_GROUP_B | {"member_b"},
            payload=lambda w: {"action": "cancel"},
            writer="member_b",
            label="atelier local B, member_b inscrit",
        ),
    ],
    "workshops:my_qr": [
        Case(_local_a, get=OWN_ONLY, members=SEE_LOCAL_A, label="inscription de member_a"),
        Case(_seminar_a, get=OWN_ONLY, label="sans inscription"),
        Case(_local_b, get=OWN_ONLY, members={"member_b": "ok"}, label="inscription de member_b"),
    ],
    # Calendar: the address is the secret; it shows what its owner (member_a) sees.
    # No `payload`: creating an address answers with the page that shows it once (200, not a
    # redirect); test_calendar_feeds.py checks it.
    "workshops:calendar_settings": [Case(get=SIGNED_IN_ONLY, writers=SIGNED_IN)],
    "workshops:feed": [
        Case(lambda w: {"token": w.calendar_token}, get=PUBLIC, label="adresse valide"),
        Case(
            lambda w: {"token": w.renewed_calendar_token},
            get=PUBLIC_HIDDEN,
            label="adresse renouvelée depuis",
        ),
        Case(lambda w: {"token": "jeton-inconnu"}, get=PUBLIC_HIDDEN, label="adresse inconnue"),
    ],
    "workshops:fabrique_feed": [
        Case(
            lambda w: {"token": w.calendar_token, "slug": w.fabrique_a.slug},
            get=PUBLIC,
            label="adresse valide, Fabrique de son titulaire",
        ),
        Case(
            lambda w: {"token": w.calendar_token, "slug": w.fabrique_b.slug},
            get=PUBLIC_HIDDEN,
            label="adresse valide, Fabrique que son titulaire ne voit pas",
        ),
        Case(
            lambda w: {"token": w.renewed_calendar_token, "slug": w.fabrique_a.slug},
            get=PUBLIC_HIDDEN,
            label="adresse renouvelée depuis",
        ),
        Case(
            lambda w: {"token": "jeton-inconnu", "slug": w.fabrique_a.slug},
            get=PUBLIC_HIDDEN,
            label="adresse inconnue",
        ),
    ],
    # Attendance: the people who run the workshop; its readers get a 403.
    "workshops:check_in": [
        Case(
            _now_a,
            get=GROUP_A,
            members=RUN_LOCAL_A,
            writers=RUN_GROUP_A,
            payload=lambda w: {"code": CHECK_IN_CODE},
        )
    ],
    "workshops:attendance_set": [
        Case(
            _now_a,
            get=POST_ONLY,
            writers=RUN_GROUP_A,
            payload=lambda w: {
                "registration": w.registration_now_a.pk,
                "attendance": "attended",
            },
        )
    ],
    "workshops:walk_in": [
        Case(_now_a, get=GROUP_A, members=RUN_LOCAL_A, writers=RUN_GROUP_A, payload=_newcomer_form)
    ],
    "workshops:sign_in_sheet": [Case(_now_a, get=GROUP_A, members=RUN_LOCAL_A)],
    "workshops:attendance_export": [Case(_now_a, get=GROUP_A, members=RUN_LOCAL_A)],
    # Minutes, by state and visibility.
    "workshops:minutes": [
        Case(_local_a, get=outcomes(s404=SIGNED_IN, login="anonymous"), label="pas encore écrit"),
        Case(_pk("draft_minutes_a"), get=GROUP_A, label="brouillon"),
        Case(_shared_a, get=GROUP_A, members=SEE_LOCAL_A, label="soumis, member_a présent"),
        Case(
            _pk("group_minutes_a"),
            get=GROUP_A,
            members=SEE_LOCAL_A,
            label="publié pour le groupe du territoire A",
        ),
        Case(
            _pk("fabrique_minutes_a"),
            get=SEE_A,
            members=SEE_SEMINAR_A,
            label="publié pour toute la Fabrique A",
        ),
        Case(_pk("public_minutes_a"), get=SIGNED_IN_ONLY, label="publié pour tous"),
    ],
    "workshops:minutes_edit": [
        # A workshop without minutes yet: its runners start them; nobody else reads anything.
        Case(
            _local_a,
            get=GROUP_A,
            writers=RUN_GROUP_A,
            payload=_new_minutes_form,
            label="pas encore écrit",
        ),
        Case(
            _pk("draft_minutes_a"),
            get=GROUP_A,
            writers=RUN_GROUP_A,
            payload=_new_minutes_form,
            label="brouillon",
        ),
        Case(
            _shared_a,
            get=GROUP_A,
            members=RUN_LOCAL_A,
            writers=RUN_GROUP_A,
            payload=_minutes_form,
            label="soumis",
        ),
        Case(
            _pk("group_minutes_a"),
            get=CLOSED_MINUTES_A,
            members=RUN_LOCAL_A,
            label="publié (plus modifiable)",
        ),
    ],
    "workshops:minutes_transition": [
        # Runners who may not validate (provider, pilot) are answered with a message.
        Case(
            _shared_a,
            get=POST_ONLY,
            writers=RUN_GROUP_A,
            payload=lambda w: {"to": "draft"},
            label="soumis",
        ),
        Case(
            _pk("fabrique_minutes_a"),
            get=POST_ONLY,
            writers=RUN_FABRIQUE_A,
            label="publié pour toute la Fabrique A",
        ),
    ],
    "workshops:minutes_comment": [
        Case(
            _shared_a,
            get=POST_ONLY,
            writers=RUN_GROUP_A | {"member_a"},
            payload=lambda w: {"text": "Commentaire de la matrice", "outcome": ""},
            label="soumis, commentaires ouverts",
        )
    ],
    "workshops:public_minutes": [
        Case(_pk("public_minutes_a"), get=PUBLIC, label="publié pour tous"),
        Case(_pk("fabrique_minutes_a"), get=PUBLIC_HIDDEN, label="publié pour la Fabrique"),
        Case(_pk("group_minutes_a"), get=PUBLIC_HIDDEN, label="publié pour le groupe"),
        Case(_shared_a, get=PUBLIC_HIDDEN, label="soumis"),
    ],
    # The actions to follow: each person's list (empty for those who follow none).
    "workshops:actions": [Case(get=SIGNED_IN_ONLY)],
    "workshops:action_update": [
        Case(
            lambda w: {"pk": w.action.pk},
            get=POST_ONLY,
            writers=RUN_GROUP_A,
            payload=lambda w: {"action_status": "done"},
        )
    ],
    # Figures: the people who run every group; referents are sent to their own territory's.
    "workshops:representativeness": [
        Case(_a, get=FIGURES_A),
        Case(_b, get=FIGURES_B, label="Fabrique B"),
    ],
}
