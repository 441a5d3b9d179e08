"""Representativeness and mobilisation of the working groups: who came to the meetings held so
far, by stakeholder family, and how steadily.

Two layers. `load_figures(fabrique=…, participation=…)` reads the database in a fixed number
of queries whatever the number of meetings (2: the meetings, then one row per registration),
and `compute_figures(meetings, rows)` is a plain function over plain data that the tests feed
by hand. Every definition the page shows is written once here, next to its computation.

Counts of people shown outside the people who run the groups (the public page, the open
data) go through `suppress_small`: see there.
"""

from __future__ import annotations

import datetime
import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fabriques.core.versioning import cached_by_version
from fabriques.programme.models import Fabrique, FabriqueStatus
from fabriques.territories.models import Participation
from fabriques.workinggroups.models import Gender, StakeholderFamily

from ..models import Attendance, Registration, RegistrationStatus, Workshop, WorkshopStatus

# --- Small counts --------------------------------------------------------------------------

SMALL_COUNT_THRESHOLD = 5


def suppress_small(count: int) -> int | str:
    """A count of people as it may be shown outside the people who run the groups.

    From 1 to 4 people, « moins de 5 »: so few people may be recognised (the only business
    owner of a group, the two inhabitants who came). 0 stays 0: nobody came, which tells
    nothing about anyone, and the programme needs to see a family's absence. Complementary
    disclosure (a total minus the other cells) is avoided by the callers: totals are suppressed
    the same way, and rates are withheld on small denominators (`MIN_PUBLIC_DENOMINATOR`).
    """
    if 0 < count < SMALL_COUNT_THRESHOLD:
        return _("moins de 5")
    return count


def is_suppressed(count: int) -> bool:
    return 0 < count < SMALL_COUNT_THRESHOLD


# A rate computed on fewer people than this is withheld in public: « 1 sur 2 » is a person.
MIN_PUBLIC_DENOMINATOR = SMALL_COUNT_THRESHOLD

# --- Families the programme names ----------------------------------------------------------

# The families each working group is asked to bring together (the programme's doctrine); an
# absence of one of them over the period is a warning. The other families are counted too.
PROGRAMME_FAMILIES: tuple[str, ...] = (
    StakeholderFamily.STATE,
    StakeholderFamily.ASSOCIATION,
    StakeholderFamily.PLANNING_AGENCY,
    StakeholderFamily.CHAMBER,
    StakeholderFamily.INHABITANT,
    StakeholderFamily.BUSINESS,
    StakeholderFamily.ELECTED,
)
FAMILIES: tuple[str, ...] = tuple(StakeholderFamily.values)


def family_label(family: str) -> str:
    return str(StakeholderFamily(family).label)


# Figures are public once the Fabrique's work is published (« Terminée et publiée », then its
# follow-up): a running Fabrique's attendance stays with the people who run it.
FIGURES_PUBLIC_STATUSES: tuple[str, ...] = (FabriqueStatus.PUBLISHED, FabriqueStatus.FOLLOW_UP)

# --- Inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Meeting:
    """A meeting held: not cancelled, started before now."""

    pk: int
    starts_at: datetime.datetime
    kind: str
    kind_label: str
    title: str
    participation_id: int | None = None
    territory_label: str = ""
    territory_code: str = ""
    fabrique_slug: str = ""


@dataclass(frozen=True)
class RegistrationRow:
    """One registration of a member to a meeting held, with the member's family and facts."""

    meeting: int
    member: int
    family: str
    status: str
    attendance: str
    walk_in: bool = False
    gender: str | None = None
    consented: bool = False

    @property
    def attended(self) -> bool:
        return self.attendance == Attendance.ATTENDED

    @property
    def confirmed(self) -> bool:
        # Registered beforehand (not a walk-in): the people the organisers expected.
        return self.status == RegistrationStatus.REGISTERED and not self.walk_in


# --- Outputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingLine:
    meeting: Meeting
    by_family: dict[str, int]  # every family, 0 included

    @property
    def total(self) -> int:
        return sum(self.by_family.values())


@dataclass(frozen=True)
class Distribution:
    """How many meetings each person was invited to, or attended."""

    people: int
    median: float | None
    maximum: int | None
    histogram: dict[str, int]  # "1", "2", "3", "4+" → number of people


HISTOGRAM_BINS = ("1", "2", "3", "4+")


@dataclass(frozen=True)
class Figures:
    meetings: list[MeetingLine]
    family_totals: dict[str, int]  # attendances (person × meeting) per family, 0 included
    family_people: dict[str, int]  # distinct people per family who attended at least once
    absent_families: list[str]  # families never present (all families, in their order)
    participants: int  # distinct members present at least once
    attendances: int  # person × meeting
    walk_ins: int
    confirmed: int  # registrations confirmed beforehand (denominator of the rate)
    confirmed_attended: int
    attendance_rate: float | None
    retention_cohort: int  # members present in the first quarter of the period
    retention_kept: int  # … who were present again in the last quarter
    retention: float | None
    invited_load: Distribution
    attended_load: Distribution
    gender: dict[str, int]  # consenting participants per gender, "" for « non renseigné »
    not_consented: int  # participants without consent (not counted by gender)

    @property
    def has_meetings(self) -> bool:
        return bool(self.meetings)

    @property
    def programme_families_absent(self) -> list[str]:
        return [f for f in PROGRAMME_FAMILIES if f in self.absent_families]


def _distribution(per_person: Iterable[int]) -> Distribution:
    values = sorted(v for v in per_person if v > 0)
    histogram = dict.fromkeys(HISTOGRAM_BINS, 0)
    for value in values:
        histogram[str(value) if value < 4 else "4+"] += 1
    return Distribution(
        people=len(values),
        median=statistics.median(values) if values else None,
        maximum=values[-1] if values else None,
        histogram=histogram,
    )


def _quarters(meetings: Sequence[Meeting]) -> tuple[set[int], set[int]]:
    """The meetings of the first and of the last quarter of the period.

    The period runs from the start of the first meeting held to the start of the last; its
    first quarter is [first, first + span / 4], its last quarter [last − span / 4, last]
    (bounds included, so that with two meetings each quarter holds one of them).
    """
    first, last = meetings[0].starts_at, meetings[-1].starts_at
    quarter = (last - first) / 4
    early = {m.pk for m in meetings if m.starts_at <= first + quarter}
    late = {m.pk for m in meetings if m.starts_at >= last - quarter}
    return early, late


def compute_figures(meetings: Sequence[Meeting], rows: Iterable[RegistrationRow]) -> Figures:
    """Every figure of the page from the meetings held (in order) and their registrations."""
    meetings = sorted(meetings, key=lambda m: (m.starts_at, m.pk))
    held = {m.pk for m in meetings}
    rows = [r for r in rows if r.meeting in held]
    attended = [r for r in rows if r.attended]

    cells: dict[int, Counter[str]] = defaultdict(Counter)
    for row in attended:
        cells[row.meeting][row.family] += 1
    lines = [
        MeetingLine(meeting=m, by_family={f: cells[m.pk][f] for f in FAMILIES}) for m in meetings
    ]
    family_totals = {f: sum(line.by_family[f] for line in lines) for f in FAMILIES}
    family_people = {f: len({r.member for r in attended if r.family == f}) for f in FAMILIES}

    participants = {r.member for r in attended}
    confirmed = [r for r in rows if r.confirmed]
    confirmed_attended = sum(1 for r in confirmed if r.attended)

    # Retention: of the distinct members present in the first quarter of the period, the share
    # present again in the last quarter. None below two meetings (no period to speak of).
    cohort: set[int] = set()
    kept: set[int] = set()
    retention = None
    if len(meetings) >= 2:
        early, late = _quarters(meetings)
        cohort = {r.member for r in attended if r.meeting in early}
        kept = cohort & {r.member for r in attended if r.meeting in late}
        retention = len(kept) / len(cohort) if cohort else None

    invited: Counter[int] = Counter(r.member for r in rows)
    present: Counter[int] = Counter(r.member for r in attended)

    # Parity from consenting members only: the gender is asked, and kept, only with consent.
    facts: dict[int, RegistrationRow] = {r.member: r for r in attended}
    gender = dict.fromkeys([*Gender.values, ""], 0)
    not_consented = 0
    for row in facts.values():
        if row.consented:
            gender[row.gender or ""] += 1
        else:
            not_consented += 1

    return Figures(
        meetings=lines,
        family_totals=family_totals,
        family_people=family_people,
        absent_families=[f for f in FAMILIES if family_totals[f] == 0],
        participants=len(participants),
        attendances=len(attended),
        walk_ins=sum(1 for r in attended if r.walk_in),
        confirmed=len(confirmed),
        confirmed_attended=confirmed_attended,
        attendance_rate=confirmed_attended / len(confirmed) if confirmed else None,
        retention_cohort=len(cohort),
        retention_kept=len(kept),
        retention=retention,
        invited_load=_distribution(invited.values()),
        attended_load=_distribution(present.values()),
        gender=gender,
        not_consented=not_consented,
    )


# --- Warnings ----------------------------------------------------------------------------------


def absence_warnings(figures: Figures, *, territory: bool) -> list[str]:
    """One French sentence per programme family nobody of which came over the period."""
    if not figures.has_meetings:
        return []
    warnings = []
    for family in figures.programme_families_absent:
        label = family_label(family)
        if territory:
            text = _(
                "Aucune personne de la famille « %(family)s » n’a participé aux rencontres de "
                "ce territoire."
            )
        else:
            text = _(
                "Aucune personne de la famille « %(family)s » n’a participé aux rencontres de "
                "cette Fabrique."
            )
        warnings.append(text % {"family": label})
    return warnings


# --- Reading the database ------------------------------------------------------------------------


def held_workshops(*, now: datetime.datetime | None = None) -> QuerySet[Workshop]:
    """Workshops held so far: not cancelled, started before now."""
    return Workshop.objects.exclude(status=WorkshopStatus.CANCELLED).filter(
        starts_at__lt=now or timezone.now()
    )


# What a meeting's line shows: its Fabrique, its territory's label and code.
_MEETING_RELATED = (
    "fabrique",
    "participation__commune",
    "participation__epci",
    "participation__qpv",
)


def _meeting(workshop: Workshop) -> Meeting:
    participation = workshop.participation
    return Meeting(
        pk=workshop.pk,
        starts_at=workshop.starts_at,
        kind=workshop.kind,
        kind_label=str(workshop.get_kind_display()),
        title=workshop.title,
        participation_id=workshop.participation_id,
        territory_label=participation.label if participation else "",
        territory_code=(participation.code or "") if participation else "",
        fabrique_slug=workshop.fabrique.slug,
    )


def _scope(
    queryset: QuerySet[Workshop], fabrique: Fabrique, participation: Participation | None
) -> QuerySet[Workshop]:
    if participation is not None:
        return queryset.filter(participation=participation)
    return queryset.filter(fabrique=fabrique)


def load_figures(
    *,
    fabrique: Fabrique,
    participation: Participation | None = None,
    now: datetime.datetime | None = None,
) -> Figures:
    """The figures of a Fabrique (all its meetings) or of one territory (its own meetings).

    Queries: 2, whatever the number of meetings — the meetings held (with their territory),
    then one row per registration to them (with the member's family and consented facts).
    """
    workshops = list(
        _scope(held_workshops(now=now), fabrique, participation)
        .select_related(*_MEETING_RELATED)
        .order_by("starts_at", "pk")
    )
    if not workshops:
        return compute_figures([], [])
    values = Registration.objects.filter(workshop__in=[w.pk for w in workshops]).values_list(
        "workshop_id",
        "member_id",
        "member__family",
        "status",
        "attendance",
        "walk_in",
        "member__gender",
        "member__consent_on",
    )
    rows = [
        RegistrationRow(
            meeting=w,
            member=m,
            family=family,
            status=status,
            attendance=attendance,
            walk_in=walk_in,
            gender=gender,
            consented=consent_on is not None,
        )
        for w, m, family, status, attendance, walk_in, gender, consent_on in values
    ]
    return compute_figures([_meeting(w) for w in workshops], rows)


# --- Public figures ------------------------------------------------------------------------------

FIGURES_VERSION = "workshop-figures"


def figures_are_public(fabrique: Fabrique) -> bool:
    return fabrique.status in FIGURES_PUBLIC_STATUSES


def public_figures(fabrique: Fabrique) -> Figures | None:
    """The Fabrique's figures for its public page, None before its work is published.

    Cached per public data version (bumped by every write to workshops, registrations and
    members of a published Fabrique: see workshops.signals) and per number of meetings held
    (a meeting that starts changes the figures without any write). Queries: 2 when cached
    (the version, the number of meetings held), 4 otherwise.
    """
    if not figures_are_public(fabrique):
        return None
    held = _scope(held_workshops(), fabrique, None).count()
    return cached_by_version(
        f"{FIGURES_VERSION}:{fabrique.pk}:{held}", lambda: load_figures(fabrique=fabrique)
    )


@dataclass(frozen=True)
class FamilyCell:
    meeting: Meeting
    family: str
    attendees: int


def public_family_attendance() -> list[FamilyCell]:
    """Per meeting held by a published Fabrique and per family, the number of attendees: the
    open dataset. Queries: 2 (the meetings with their Fabrique and territory, one aggregate of
    attendances per meeting and family)."""
    workshops = list(
        held_workshops()
        .filter(fabrique__status__in=FIGURES_PUBLIC_STATUSES)
        .select_related(*_MEETING_RELATED)
        .order_by("fabrique__slug", "starts_at", "pk")
    )
    counts = {
        (row["workshop_id"], row["member__family"]): row["attendees"]
        for row in Registration.objects.filter(
            workshop__in=[w.pk for w in workshops], attendance=Attendance.ATTENDED
        )
        .values("workshop_id", "member__family")
        .annotate(attendees=Count("pk", filter=Q(attendance=Attendance.ATTENDED)))
        .order_by()
    }
    cells = []
    for workshop in workshops:
        meeting = _meeting(workshop)
        for family in FAMILIES:
            cells.append(
                FamilyCell(
                    meeting=meeting, family=family, attendees=counts.get((workshop.pk, family), 0)
                )
            )
    return cells


# --- What a page shows ----------------------------------------------------------------------------

Shown = int | str  # a count, or « moins de 5 »


@dataclass(frozen=True)
class FamilyRow:
    family: str
    label: str
    attendances: Shown
    people: Shown
    in_programme: bool


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    cells: list[Shown]  # in the order of FiguresDisplay.columns
    total: Shown


@dataclass(frozen=True)
class FiguresDisplay:
    """The figures as a page shows them: raw for the people who run the groups, with small
    counts suppressed and small-denominator rates withheld in public (`public=True`)."""

    figures: Figures
    public: bool
    columns: list[tuple[str, str]]  # (family, label) of the per-meeting table
    families: list[FamilyRow]
    meetings: list[MeetingRow]
    participants: Shown
    attendances: Shown
    walk_ins: Shown
    attendance_rate: float | None  # withheld (None) in public on small denominators
    retention: float | None
    retention_cohort: Shown
    retention_kept: Shown
    # (bin, people invited, people present) for the bins "1", "2", "3", "4+".
    load_histogram: list[tuple[str, Shown, Shown]]
    gender: list[tuple[str, Shown]]
    not_consented: Shown
    warnings: list[str]
    family_chart_x: str
    family_chart_y: str
    family_chart_note: bool  # some families are left out of the public chart (suppressed)
    meeting_chart_x: str
    meeting_chart_y: str
    meeting_chart: bool  # false when a public line would draw a suppressed count

    @property
    def attendance_rate_percent(self) -> int | None:
        return None if self.attendance_rate is None else round(self.attendance_rate * 100)

    @property
    def retention_percent(self) -> int | None:
        return None if self.retention is None else round(self.retention * 100)


def _json(value: object) -> str:
    """JSON for a dsfr-chart attribute (the template escapes it for the attribute)."""
    return json.dumps(value, ensure_ascii=False)


def public_total(parts: Sequence[int]) -> Shown:
    """A total of counts shown in public next to its parts, suppressed as they are.

    Next to a part read « moins de 5 », an exact total would give that part away (the total
    minus the other parts): the total then reads « au moins N », N counting each hidden part
    as 1, which says nothing the parts do not. A total under 5 reads « moins de 5 ».
    """
    total = sum(parts)
    if is_suppressed(total) or not any(is_suppressed(p) for p in parts):
        return suppress_small(total)
    floor = sum(1 if is_suppressed(p) else p for p in parts)
    return _("au moins %(count)s") % {"count": floor}


def display_figures(figures: Figures, *, public: bool, territory: bool) -> FiguresDisplay:
    def shown(count: int) -> Shown:
        return suppress_small(count) if public else count

    def total(parts: Sequence[int]) -> Shown:
        return public_total(parts) if public else sum(parts)

    # Every family the programme names, then any other family that came at least once.
    columns = [
        (f, family_label(f))
        for f in FAMILIES
        if f in PROGRAMME_FAMILIES or figures.family_totals[f] > 0
    ]
    families = [
        FamilyRow(
            family=f,
            label=label,
            attendances=total([line.by_family[f] for line in figures.meetings]),
            people=shown(figures.family_people[f]),
            in_programme=f in PROGRAMME_FAMILIES,
        )
        for f, label in columns
    ]
    meetings = [
        MeetingRow(
            meeting=line.meeting,
            cells=[shown(line.by_family[f]) for f, _label in columns],
            total=total([line.by_family[f] for f, _label in columns]),
        )
        for line in figures.meetings
    ]
    rate = figures.attendance_rate
    retention = figures.retention
    if public:
        if figures.confirmed < MIN_PUBLIC_DENOMINATOR:
            rate = None
        if figures.retention_cohort < MIN_PUBLIC_DENOMINATOR:
            retention = None
    # A chart draws exact counts only: what a table shows as « moins de 5 » or « au moins N »
    # is left out of it (families) or leaves it out (the line of meetings).
    charted = [(row.label, row.attendances) for row in families if isinstance(row.attendances, int)]
    meeting_chart = bool(meetings) and all(isinstance(row.total, int) for row in meetings)
    gender_labels = {**dict(Gender.choices), "": _("Non renseigné")}
    return FiguresDisplay(
        figures=figures,
        public=public,
        columns=columns,
        families=families,
        meetings=meetings,
        # Each participant belongs to one family: the count sums the families' people.
        participants=total(list(figures.family_people.values())),
        attendances=shown(figures.attendances),
        walk_ins=shown(figures.walk_ins),
        attendance_rate=rate,
        retention=retention,
        retention_cohort=shown(figures.retention_cohort),
        retention_kept=shown(figures.retention_kept),
        load_histogram=[
            (
                bin_,
                shown(figures.invited_load.histogram[bin_]),
                shown(figures.attended_load.histogram[bin_]),
            )
            for bin_ in HISTOGRAM_BINS
        ],
        gender=[(str(gender_labels[k]), shown(v)) for k, v in figures.gender.items()],
        not_consented=shown(figures.not_consented),
        warnings=absence_warnings(figures, territory=territory),
        family_chart_x=_json([[label for label, _count in charted]]),
        family_chart_y=_json([[count for _label, count in charted]]),
        family_chart_note=len(charted) < len(columns),
        meeting_chart_x=_json(
            [
                [
                    f"{timezone.localtime(line.meeting.starts_at):%d/%m/%Y}"
                    for line in figures.meetings
                ]
            ]
        ),
        meeting_chart_y=_json([[line.total for line in figures.meetings]]),
        meeting_chart=meeting_chart,
    )


def public_figures_display(fabrique: Fabrique) -> FiguresDisplay | None:
    """The Fabrique's figures as its public page shows them (small counts suppressed), None
    before its work is published."""
    figures = public_figures(fabrique)
    if figures is None:
        return None
    return display_figures(figures, public=True, territory=False)
