"""The workshops' cast: the shared personas, plus working-group members with accounts.

    member_a        a member of territory A's group (Fabrique A), with an account
    member_a2       a member of a second territory of Fabrique A (another group, same Fabrique)
    member_b        a member of territory B's group (Fabrique B)
and a local workshop of territory A, and a seminar of the whole Fabrique A.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from fabriques.accounts.tests.factories import UserFactory
from fabriques.programme.tests.personas import build_personas
from fabriques.territories.tests.factories import ParticipationFactory
from fabriques.workinggroups.tests.factories import MemberFactory, WorkingGroupFactory

from .factories import SeminarFactory, WorkshopFactory


def build_workshop_world() -> SimpleNamespace:
    cast = build_personas()
    group_a = WorkingGroupFactory(participation=cast.participation_a)
    second_a = ParticipationFactory(fabrique=cast.fabrique_a)
    group_a2 = WorkingGroupFactory(participation=second_a)
    group_b = WorkingGroupFactory(participation=cast.participation_b)
    people = {}
    for name, group in (("member_a", group_a), ("member_a2", group_a2), ("member_b", group_b)):
        user = UserFactory(username=f"{name}@exemple.fr", email=f"{name}@exemple.fr")
        people[name] = MemberFactory(working_group=group, user=user, email=user.email)
    return SimpleNamespace(
        cast=cast,
        participation_a2=second_a,
        groups={"a": group_a, "a2": group_a2, "b": group_b},
        members=people,
        users={name: member.user for name, member in people.items()},
        local_a=WorkshopFactory(participation=cast.participation_a),
        seminar_a=SeminarFactory(fabrique=cast.fabrique_a),
    )


@pytest.fixture
def world(db):
    return build_workshop_world()
