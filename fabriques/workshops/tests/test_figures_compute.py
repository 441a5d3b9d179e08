"""The figures' computation on hand-built cases, without a database: every expected value is
written by hand from the case below."""

import datetime

from fabriques.workinggroups.models import StakeholderFamily as F
from fabriques.workshops.models import Attendance, RegistrationStatus
from fabriques.workshops.selectors.figures import (
    FAMILIES,
    PROGRAMME_FAMILIES,
    Meeting,
    RegistrationRow,
    absence_warnings,
    compute_figures,
    display_figures,
    public_total,
    suppress_small,
)

DAY0 = datetime.datetime(2026, 3, 2, 14, tzinfo=datetime.UTC)
ATT, ABS, EXC, UNK = (
    Attendance.ATTENDED,
    Attendance.ABSENT,
    Attendance.EXCUSED,
    Attendance.UNKNOWN,
)
REG, INV, DEC = (
    RegistrationStatus.REGISTERED,
    RegistrationStatus.INVITED,
    RegistrationStatus.DECLINED,
)


def meeting(pk: int, day: int) -> Meeting:
    return Meeting(
        pk=pk,
        starts_at=DAY0 + datetime.timedelta(days=day),
        kind="local",
        kind_label="Atelier local",
        title=f"Atelier {pk}",
    )


# Members: 1 elected (consented, female), 2 association (consented, male), 3 inhabitant (no
# consent), 4 State (consented, gender not given), 5 association (no consent).
PEOPLE = {
    1: (F.ELECTED, "female", True),
    2: (F.ASSOCIATION, "male", True),
    3: (F.INHABITANT, None, False),
    4: (F.STATE, None, True),
    5: (F.ASSOCIATION, None, False),
}


def row(meeting: int, member: int, status: str, attendance: str, *, walk_in=False):
    family, gender, consented = PEOPLE[member]
    return RegistrationRow(
        meeting=meeting,
        member=member,
        family=family,
        status=status,
        attendance=attendance,
        walk_in=walk_in,
        gender=gender,
        consented=consented,
    )


# Four meetings on days 0, 10, 20 and 40: the period spans 40 days, its first quarter is days
# 0 to 10 (meetings 1 and 2), its last quarter days 30 to 40 (meeting 4).
MEETINGS = [meeting(1, 0), meeting(2, 10), meeting(3, 20), meeting(4, 40)]
ROWS = [
    row(1, 1, REG, ATT),
    row(1, 2, REG, ATT),
    row(1, 3, REG, ABS),
    row(2, 1, REG, ATT),
    row(2, 4, REG, ATT, walk_in=True),
    row(3, 2, REG, EXC),
    row(3, 5, INV, UNK),
    row(4, 1, REG, ATT),
    row(4, 3, REG, ATT),
    row(4, 5, DEC, UNK),
]


def zeros(**cells: int) -> dict[str, int]:
    return {family: cells.get(family, 0) for family in FAMILIES}


def test_the_matrix_meeting_by_family():
    figures = compute_figures(MEETINGS, ROWS)
    assert [line.meeting.pk for line in figures.meetings] == [1, 2, 3, 4]
    assert [line.by_family for line in figures.meetings] == [
        zeros(elected=1, association=1),
        zeros(elected=1, state=1),
        zeros(),
        zeros(elected=1, inhabitant=1),
    ]
    assert [line.total for line in figures.meetings] == [2, 2, 0, 2]
    assert figures.family_totals == zeros(elected=3, association=1, state=1, inhabitant=1)
    assert figures.family_people == zeros(elected=1, association=1, state=1, inhabitant=1)


def test_families_never_present():
    figures = compute_figures(MEETINGS, ROWS)
    assert figures.absent_families == [
        F.LOCAL_STAFF,
        F.PLANNING_AGENCY,
        F.CHAMBER,
        F.BUSINESS,
        F.NATIONAL_PARTNER,
        F.RESEARCH,
        F.OTHER,
    ]
    assert figures.programme_families_absent == [F.PLANNING_AGENCY, F.CHAMBER, F.BUSINESS]


def test_participants_rate_and_retention():
    figures = compute_figures(MEETINGS, ROWS)
    assert figures.participants == 4  # members 1, 2, 3, 4
    assert figures.attendances == 6
    assert figures.walk_ins == 1
    # Confirmed: registered beforehand, walk-ins aside: 3 + 1 + 1 + 2; present among them:
    # 2 + 1 + 0 + 2.
    assert (figures.confirmed, figures.confirmed_attended) == (7, 5)
    assert figures.attendance_rate == 5 / 7
    # First quarter (meetings 1, 2): members 1, 2, 4; last quarter (meeting 4): 1 and 3.
    assert (figures.retention_cohort, figures.retention_kept) == (3, 1)
    assert figures.retention == 1 / 3


def test_load_per_person():
    figures = compute_figures(MEETINGS, ROWS)
    # Invited (any registration): 1 → 3, 2 → 2, 3 → 2, 4 → 1, 5 → 2.
    invited = figures.invited_load
    assert (invited.people, invited.median, invited.maximum) == (5, 2, 3)
    assert invited.histogram == {"1": 1, "2": 3, "3": 1, "4+": 0}
    # Present: 1 → 3, 2 → 1, 3 → 1, 4 → 1.
    attended = figures.attended_load
    assert (attended.people, attended.median, attended.maximum) == (4, 1, 3)
    assert attended.histogram == {"1": 3, "2": 0, "3": 1, "4+": 0}


def test_four_meetings_and_more_share_a_bin():
    meetings = [meeting(pk, pk) for pk in range(1, 7)]
    rows = [row(pk, 1, REG, ATT) for pk in range(1, 7)]
    assert compute_figures(meetings, rows).attended_load.histogram == {
        "1": 0,
        "2": 0,
        "3": 0,
        "4+": 1,
    }


def test_parity_counts_consenting_participants_only():
    figures = compute_figures(MEETINGS, ROWS)
    assert figures.gender == {"female": 1, "male": 1, "other": 0, "": 1}
    assert figures.not_consented == 1  # member 3; member 5 never came


def test_no_meetings():
    figures = compute_figures([], [])
    assert not figures.has_meetings
    assert figures.participants == 0
    assert figures.attendance_rate is None
    assert figures.retention is None
    assert figures.invited_load.median is None and figures.invited_load.maximum is None
    assert figures.absent_families == list(FAMILIES)
    # Nothing held yet: no warning about a period that has not begun.
    assert absence_warnings(figures, territory=True) == []


def test_one_meeting_has_no_retention():
    figures = compute_figures([meeting(1, 0)], [row(1, 1, REG, ATT)])
    assert figures.retention is None
    assert figures.attendance_rate == 1
    assert figures.participants == 1


def test_two_meetings_on_the_same_day_share_both_quarters():
    meetings = [meeting(1, 0), meeting(2, 0)]
    rows = [row(1, 1, REG, ATT), row(2, 2, REG, ATT)]
    figures = compute_figures(meetings, rows)
    assert (figures.retention_cohort, figures.retention_kept, figures.retention) == (2, 2, 1)


def test_all_families_absent_warns_for_each_programme_family():
    figures = compute_figures([meeting(1, 0)], [row(1, 1, REG, ABS)])
    assert figures.absent_families == list(FAMILIES)
    warnings = absence_warnings(figures, territory=True)
    assert len(warnings) == len(PROGRAMME_FAMILIES) == 7
    assert (
        "Aucune personne de la famille « Habitants » n’a participé aux rencontres de ce "
        "territoire." in warnings
    )
    assert (
        "Aucune personne de la famille « Services de l’État » n’a participé aux rencontres "
        "de ce territoire." in warnings
    )


def test_warnings_name_only_the_programme_families_absent():
    warnings = absence_warnings(compute_figures(MEETINGS, ROWS), territory=False)
    assert warnings == [
        "Aucune personne de la famille « Agences d’urbanisme » n’a participé aux rencontres "
        "de cette Fabrique.",
        "Aucune personne de la famille « Chambres consulaires (commerce, métiers, agriculture) "
        "» n’a participé aux rencontres de cette Fabrique.",
        "Aucune personne de la famille « Entreprises » n’a participé aux rencontres de cette "
        "Fabrique.",
    ]


def test_suppress_small():
    assert suppress_small(0) == 0
    assert suppress_small(1) == "moins de 5"
    assert suppress_small(4) == "moins de 5"
    assert suppress_small(5) == 5
    assert suppress_small(120) == 120


def test_public_display_suppresses_counts_and_withholds_small_rates():
    figures = compute_figures(MEETINGS, ROWS)
    public = display_figures(figures, public=True, territory=True)
    assert public.participants == "moins de 5"
    assert [r.total for r in public.meetings] == ["moins de 5", "moins de 5", 0, "moins de 5"]
    assert public.attendance_rate == 5 / 7  # on 7 confirmed registrations: shown
    assert public.retention is None  # on a cohort of 3 people: withheld
    assert dict(public.gender)["Femme"] == "moins de 5"
    assert not public.meeting_chart  # the line would draw suppressed totals
    # Only the families at 0 are drawn: every other count is suppressed.
    assert public.family_chart_y == "[[0, 0, 0]]" and public.family_chart_note
    assert "Entreprises" in public.family_chart_x and "Élus" not in public.family_chart_x
    internal = display_figures(figures, public=False, territory=True)
    assert internal.participants == 4
    assert [r.total for r in internal.meetings] == [2, 2, 0, 2]
    assert internal.attendance_rate_percent == 71
    assert internal.retention_percent == 33
    assert internal.meeting_chart
    assert internal.meeting_chart_y == "[[2, 2, 0, 2]]"
    # The load table's rows: (meetings, people invited that often, people present that often).
    assert internal.load_histogram == [
        ("1", 1, 3),
        ("2", 3, 0),
        ("3", 1, 1),
        ("4+", 0, 0),
    ]


def test_a_public_total_never_gives_a_suppressed_part_away():
    assert public_total([6, 0, 5]) == 11  # no hidden part: exact
    assert public_total([6, 2]) == "au moins 7"  # 8 would give the 2 away
    assert public_total([6, 2, 3]) == "au moins 8"
    assert public_total([2, 1]) == "moins de 5"  # a total under 5 is hidden itself
    assert public_total([]) == 0
