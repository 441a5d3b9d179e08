"""Benchmark: the workshops' pages at one Fabrique's size (1×) and at 100 such Fabriques.

Usage: .venv/bin/python bench/workshops_100x.py [--repeat 15] [--factor 100] [--database-url URL]

A Fabrique here is the issue's: 8 territories, 60 members in each working group, 30
meetings (3 local workshops per territory, 6 inter-territory seminars), every member of the
territory (of the Fabrique, for a seminar: 8 per territory) on each meeting's list, about
70 % of them present at the past ones, minutes with three outcomes on each past meeting.
Builds its own database (var/bench-workshops.sqlite3 by default, or DATABASE_URL /
--database-url), measures the workshop page, the minutes page, a member's space, the
representativeness page and a member's iCalendar feed on the first Fabrique, then adds
(factor − 1) Fabriques and measures again. Prints SQL queries and median server time.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import random
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django as harness

TERRITORIES = 8
MEMBERS = 60
LOCAL_PER_TERRITORY = 3
SEMINARS = 6
SEMINAR_PER_TERRITORY = 8
FAMILIES = (
    "state",
    "elected",
    "local_staff",
    "association",
    "planning_agency",
    "chamber",
    "inhabitant",
    "business",
    "national_partner",
    "research",
    "other",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()
    harness.setup("bench-workshops", args.database_url)
    from django.db import connection

    rng = random.Random(2026)
    now = datetime.datetime.now(datetime.UTC)
    first = build_fabrique(0, rng, now)
    pages, users = first["pages"], first["users"]
    print(f"Base : {connection.vendor} — {args.repeat} mesures par page après un échauffement")
    before = harness.measure(pages, users, args.repeat)
    counts_1 = sizes()
    start = time.perf_counter()
    for index in range(1, args.factor):
        build_fabrique(index, rng, now)
    built = time.perf_counter() - start
    counts_n = sizes()
    after = harness.measure(pages, users, args.repeat)

    print()
    print(f"Données 1×   : {counts_1}")
    print(f"Données {args.factor}× : {counts_n} (construites en {built:.0f} s)")
    print()
    harness.print_comparison(before, after, args.factor)


def sizes() -> str:
    from fabriques.programme.models import Fabrique
    from fabriques.workinggroups.models import Member
    from fabriques.workshops.models import Registration, Workshop

    return (
        f"{Fabrique.objects.count()} Fabriques, {Member.objects.count()} membres, "
        f"{Workshop.objects.count()} rencontres, {Registration.objects.count()} inscriptions"
    )


def build_fabrique(index: int, rng: random.Random, now: datetime.datetime) -> dict:
    """One Fabrique of the issue's size, written with bulk inserts; its pages and people."""
    from django.db import transaction

    from fabriques.accounts.models import Membership, MembershipRole, User
    from fabriques.programme.models import FabriqueStatus
    from fabriques.programme.tests.factories import FabriqueFactory
    from fabriques.territories.tests.factories import ParticipationFactory
    from fabriques.workinggroups.models import Member, WorkingGroup
    from fabriques.workshops.models import (
        ActionStatus,
        Attendance,
        CalendarFeed,
        Minutes,
        MinutesStatus,
        Outcome,
        OutcomeKind,
        Registration,
        RegistrationStatus,
        Workshop,
        WorkshopKind,
        new_code,
    )

    with transaction.atomic():
        fabrique = FabriqueFactory(
            slug=f"fabrique-banc-{index}",
            title=f"Fabrique de banc d’essai {index}",
            status=FabriqueStatus.RUNNING,
        )
        participations = [ParticipationFactory(fabrique=fabrique) for _ in range(TERRITORIES)]
        groups = WorkingGroup.objects.bulk_create(
            [WorkingGroup(participation=p, name=f"Groupe {p.label}") for p in participations]
        )
        members: dict[int, list[Member]] = {}
        joined = (now - datetime.timedelta(days=300)).date()
        for group in groups:
            members[group.participation_id] = Member.objects.bulk_create(
                [
                    Member(
                        working_group=group,
                        first_name="Prénom",
                        last_name=f"Membre {index}-{group.pk}-{n}",
                        email=f"membre-{index}-{group.pk}-{n}@exemple.fr",
                        family=FAMILIES[n % len(FAMILIES)],
                        joined_on=joined,
                    )
                    for n in range(MEMBERS)
                ]
            )
        workshops: list[tuple[Workshop, list[Member]]] = []
        day = 0
        for participation in participations:
            for _ in range(LOCAL_PER_TERRITORY):
                day += 9
                workshops.append(
                    (
                        _workshop(fabrique, participation, WorkshopKind.LOCAL, now, day),
                        members[participation.pk],
                    )
                )
        for _ in range(SEMINARS):
            day += 9
            guests = [m for p in participations for m in members[p.pk][:SEMINAR_PER_TERRITORY]]
            workshops.append((_workshop(fabrique, None, WorkshopKind.SEMINAR, now, day), guests))
        Workshop.objects.bulk_create([w for w, _ in workshops])
        registrations = []
        for workshop, guests in workshops:
            past = workshop.starts_at < now
            for member in guests:
                attended = past and rng.random() < 0.7
                registrations.append(
                    Registration(
                        workshop=workshop,
                        member=member,
                        status=RegistrationStatus.REGISTERED,
                        invited_at=workshop.starts_at - datetime.timedelta(days=20),
                        requested_at=workshop.starts_at - datetime.timedelta(days=15),
                        attendance=(
                            Attendance.ATTENDED
                            if attended
                            else (Attendance.ABSENT if past else Attendance.UNKNOWN)
                        ),
                        code=new_code(),
                    )
                )
        Registration.objects.bulk_create(registrations, batch_size=2000)
        minutes = Minutes.objects.bulk_create(
            [
                Minutes(
                    workshop=w,
                    body="## Tour de table\n\nÉchanges sur le diagnostic.",
                    status=MinutesStatus.PUBLISHED,
                    published_at=w.ends_at + datetime.timedelta(days=10),
                )
                for w, _ in workshops
                if w.starts_at < now
            ]
        )
        Outcome.objects.bulk_create(
            [
                outcome
                for m in minutes
                for outcome in (
                    Outcome(minutes=m, position=0, kind=OutcomeKind.INFORMATION, text="Info."),
                    Outcome(minutes=m, position=1, kind=OutcomeKind.DECISION, text="Décision."),
                    Outcome(
                        minutes=m,
                        position=2,
                        kind=OutcomeKind.ACTION,
                        text="Action.",
                        owner_label="Cabinet",
                        due_on=(m.workshop.ends_at + datetime.timedelta(days=30)).date(),
                        action_status=ActionStatus.TODO,
                    ),
                )
            ]
        )
        pilot = User.objects.create(username=f"pilote-{index}@anct.gouv.fr")
        Membership.objects.create(user=pilot, role=MembershipRole.ANCT_PILOT, fabrique=fabrique)
        member = members[participations[0].pk][0]
        member_user = User.objects.create(username=member.email, email=member.email)
        Member.objects.filter(pk=member.pk).update(user=member_user)
        token = secrets.token_urlsafe(32)
        CalendarFeed.objects.create(
            user=member_user, token_hash=hashlib.sha256(token.encode()).hexdigest()
        )
    past = next(w for w, _ in workshops if w.starts_at < now)
    return {
        "users": {"pilot": pilot, "member": member_user},
        "pages": {
            "rencontre (pilote)": ("pilot", f"/espace/rencontres/{past.pk}/"),
            "compte rendu (pilote)": ("pilot", f"/espace/rencontres/{past.pk}/compte-rendu/"),
            "représentativité (pilote)": (
                "pilot",
                f"/espace/fabriques/{fabrique.slug}/representativite/",
            ),
            "espace du membre": ("member", "/mon-espace/"),
            "agenda iCalendar du membre": (None, f"/agenda/{token}.ics"),
        },
    }


def _workshop(fabrique, participation, kind, now, day):
    from fabriques.workshops.models import Workshop, WorkshopMode

    # Half the year behind, half ahead: past meetings with minutes, coming ones to register.
    starts = now - datetime.timedelta(days=140) + datetime.timedelta(days=day)
    starts = starts.replace(hour=13, minute=0, second=0, microsecond=0)
    return Workshop(
        fabrique=fabrique,
        participation=participation,
        kind=kind,
        title=f"Rencontre du jour {day}",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        mode=WorkshopMode.IN_PERSON,
        venue="Salle du conseil",
    )


if __name__ == "__main__":
    main()
