"""The attendance selectors: who is on the roll call, who may still walk in, in which order,
in a bounded number of queries."""

from __future__ import annotations

from fabriques.workinggroups.tests.factories import MemberFactory
from fabriques.workshops.models import Attendance, RegistrationStatus
from fabriques.workshops.selectors import attendance as selectors

from .factories import RegistrationFactory


def test_the_roll_call_lists_the_expected_people_by_name_in_one_query(
    world, django_assert_num_queries
):
    group = world.groups["a"]
    workshop = world.local_a
    for name, status, attendance in (
        ("Zola", RegistrationStatus.REGISTERED, Attendance.ATTENDED),
        ("Arnaud", RegistrationStatus.WAITING, Attendance.UNKNOWN),
        ("Martin", RegistrationStatus.INVITED, Attendance.EXCUSED),
        ("Parti", RegistrationStatus.CANCELLED, Attendance.UNKNOWN),
        ("Non", RegistrationStatus.DECLINED, Attendance.UNKNOWN),
    ):
        RegistrationFactory(
            workshop=workshop,
            member=MemberFactory(working_group=group, last_name=name),
            status=status,
            attendance=attendance,
        )
    with django_assert_num_queries(1):  # registrations, members, groups, territories
        roll = selectors.roll_call(workshop=workshop)
        names = [r.member.last_name for r in roll.rows]
        territories = [r.member.working_group.participation.label for r in roll.rows]
    assert names == ["Arnaud", "Martin", "Zola"]
    assert len(territories) == 3
    assert (roll.registered, roll.attended, roll.excused, roll.absent, roll.unknown) == (
        1,
        1,
        1,
        0,
        1,
    )


def test_walk_in_candidates_are_the_groups_current_members_not_yet_present(world):
    group = world.groups["a"]
    present = MemberFactory(working_group=group, last_name="Présente")
    RegistrationFactory(workshop=world.local_a, member=present, attendance=Attendance.ATTENDED)
    MemberFactory(working_group=group, last_name="Partie", left_on="2026-04-01")
    names = {m.last_name for m in selectors.walk_in_candidates(workshop=world.local_a)}
    assert names == {world.members["member_a"].last_name}
    seminar_names = {m.last_name for m in selectors.walk_in_candidates(workshop=world.seminar_a)}
    assert seminar_names == {
        world.members["member_a"].last_name,
        world.members["member_a2"].last_name,
        "Présente",
    }
