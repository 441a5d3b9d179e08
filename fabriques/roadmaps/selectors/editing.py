"""Reads of the editing pages: a Fabrique's roadmaps, the roadmap page, the sheet page, the
table and calendar views, the completeness check and the sheet's readable history."""

from __future__ import annotations

import datetime
import difflib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from fabriques.accounts.types import Person
from fabriques.core.models import AuditEvent
from fabriques.programme.models import Fabrique
from fabriques.studies.models import RetainedKind, RetainedResult
from fabriques.studies.retained import KIND_HEADINGS
from fabriques.territories.models import Participation
from fabriques.workinggroups.access import may_manage_group

from ..access import visible_roadmaps_q
from ..models import (
    ActionSheet,
    Axis,
    FundingLine,
    Indicator,
    IndicatorValue,
    Roadmap,
    SheetStatus,
)
from ..services.editing import answer_choices_for, visible_answers

# Page-level rows --------------------------------------------------------------------------------


@dataclass
class TerritoryRow:
    participation: Participation
    roadmap: Roadmap | None
    sheet_count: int
    may_create: bool


def fabrique_roadmap_rows(*, user: Person, fabrique: Fabrique) -> list[TerritoryRow]:
    """One row per territory of the Fabrique the person sees a roadmap of, or may write one
    for."""
    participations = list(
        Participation.objects.filter(fabrique=fabrique).order_by("position", "pk")
    )
    visible = {
        roadmap.participation_id: roadmap
        for roadmap in Roadmap.objects.filter(fabrique=fabrique)
        .filter(visible_roadmaps_q(user))
        .annotate(sheet_count=Count("sheets", distinct=True))
        .distinct()
    }
    # Roadmaps the person does not see still take the territory (one roadmap per territory).
    taken = set(
        Roadmap.objects.filter(fabrique=fabrique).values_list("participation_id", flat=True)
    )
    rows = []
    for participation in participations:
        participation.fabrique = fabrique
        may_write = may_manage_group(user, participation)
        roadmap = visible.get(participation.pk)
        if roadmap is None and not may_write:
            continue
        rows.append(
            TerritoryRow(
                participation=participation,
                roadmap=roadmap,
                sheet_count=getattr(roadmap, "sheet_count", 0),
                may_create=roadmap is None and may_write and participation.pk not in taken,
            )
        )
    return rows


def _sheet_parts() -> list[Any]:
    return [
        "partners",
        "steps",
        "budget_lines",
        "funding_lines",
        Prefetch(
            "indicators",
            queryset=Indicator.objects.prefetch_related(
                Prefetch("values", queryset=IndicatorValue.objects.order_by("measured_on", "pk"))
            ),
        ),
    ]


def _answers(user: Person | None) -> QuerySet[RetainedResult]:
    return RetainedResult.objects.all() if user is None else visible_answers(user)


def roadmap_for_page(*, roadmap: Roadmap, user: Person | None = None) -> Roadmap:
    """The roadmap with its axes, sheets (and the parts the completeness check reads),
    partners, contracts, attachments and comments, in a fixed number of queries; with
    `user`, the foresight results each axis and sheet answers that this person sees."""
    answers = Prefetch("answers", queryset=_answers(user).order_by("kind", "position"))
    sheets = ActionSheet.objects.order_by("number", "pk").prefetch_related(*_sheet_parts())
    return (
        Roadmap.objects.select_related("participation", "fabrique")
        .prefetch_related(
            Prefetch(
                "axes",
                queryset=Axis.objects.prefetch_related(
                    Prefetch("sheets", sheets.prefetch_related(answers)), answers
                ),
            ),
            "partners",
            "contracts",
            Prefetch("attachments"),
            Prefetch("comments", queryset=roadmap.comments.select_related("author")),
        )
        .get(pk=roadmap.pk)
    )


@dataclass(frozen=True)
class VisionGroup:
    kind: str
    heading: str
    results: list[RetainedResult]


def roadmap_vision(*, roadmap: Roadmap, user: Person) -> list[VisionGroup]:
    """The roadmap's « Vision prospective »: the results retained in its territory's studies
    and the Fabrique's collective ones that this person sees, by kind (key variables,
    issues, scenarios, statements), with their study (one query)."""
    return vision_groups(list(answer_choices_for(roadmap, user)))


def vision_groups(results: list[RetainedResult]) -> list[VisionGroup]:
    """Retained results grouped by kind, in the kinds' order, empty kinds left out."""
    return [
        VisionGroup(kind, str(KIND_HEADINGS[kind]), [r for r in results if r.kind == kind])
        for kind in RetainedKind
        if any(r.kind == kind for r in results)
    ]


def sheet_for_page(*, sheet: ActionSheet, user: Person | None = None) -> ActionSheet:
    return (
        ActionSheet.objects.select_related(
            "roadmap__participation", "roadmap__fabrique", "axis", "commune", "qpv"
        )
        .prefetch_related(
            *_sheet_parts(),
            "notes__author",
            "status_changes__changed_by",
            "related",
            "outcomes__minutes__workshop",
            "editors",
            Prefetch("answers", queryset=_answers(user).select_related("study")),
        )
        .get(pk=sheet.pk)
    )


# Completeness -----------------------------------------------------------------------------------


def completeness(sheet: ActionSheet) -> list[str]:
    """What is missing for the sheet to be reviewed (French messages); reads only the sheet's
    fields and its prefetched budget lines, funding lines and indicators."""
    missing = []
    if not sheet.pilot_organisation.strip() and not sheet.pilot_person.strip():
        missing.append(_("Aucun pilote désigné"))
    if not sheet.objectives.strip():
        missing.append(_("Objectifs non renseignés"))
    if not sheet.description.strip():
        missing.append(_("Description vide"))
    if sheet.planned_start is None or sheet.planned_end is None:
        missing.append(_("Dates prévues manquantes"))
    if not list(sheet.indicators.all()):
        missing.append(_("Aucun indicateur"))
    if not list(sheet.budget_lines.all()):
        missing.append(_("Aucune ligne budgétaire"))
    if not list(sheet.funding_lines.all()):
        missing.append(_("Plan de financement vide"))
    return missing


def roadmap_completeness(roadmap: Roadmap) -> tuple[int, int]:
    """(complete sheets, all sheets) of a roadmap loaded by roadmap_for_page."""
    sheets = [sheet for axis in roadmap.axes.all() for sheet in axis.sheets.all()]
    return sum(1 for sheet in sheets if not completeness(sheet)), len(sheets)


# Table and calendar -----------------------------------------------------------------------------

SORTS = {
    "numero": ("number", "pk"),
    "axe": ("axis__position", "number"),
    "etat": ("status", "number"),
    "priorite": ("priority", "number"),
    "pilote": ("pilot_organisation", "number"),
    "debut": ("planned_start", "number"),
    "fin": ("planned_end", "number"),
}


@dataclass
class TableFilters:
    axis: int | None = None
    status: str = ""
    pilot: str = ""
    funder: str = ""
    sort: str = "numero"
    descending: bool = False

    @classmethod
    def from_query(cls, query: Any) -> TableFilters:
        def _int(value: str | None) -> int | None:
            try:
                return int(value) if value else None
            except ValueError:
                return None

        status = query.get("etat", "")
        sort = query.get("tri", "numero")
        return cls(
            axis=_int(query.get("axe")),
            status=status if status in SheetStatus.values else "",
            pilot=query.get("pilote", "")[:250],
            funder=query.get("financeur", "")[:250],
            sort=sort if sort in SORTS else "numero",
            descending=query.get("ordre") == "desc",
        )


def table_sheets(*, roadmap: Roadmap, filters: TableFilters) -> QuerySet[ActionSheet]:
    sheets = ActionSheet.objects.filter(roadmap=roadmap).select_related("axis")
    if filters.axis:
        sheets = sheets.filter(axis_id=filters.axis)
    if filters.status:
        sheets = sheets.filter(status=filters.status)
    if filters.pilot:
        sheets = sheets.filter(pilot_organisation=filters.pilot)
    if filters.funder:
        funded = FundingLine.objects.filter(funder=filters.funder).values("sheet_id")
        sheets = sheets.filter(pk__in=funded)
    order: tuple[str, ...] = SORTS[filters.sort]
    if filters.descending:
        order = tuple(f"-{name}" for name in order)
    return sheets.prefetch_related("funding_lines").order_by(*order)


def filter_choices(*, roadmap: Roadmap) -> dict[str, list[Any]]:
    """The filter lists: axes, pilots and funders used in the roadmap."""
    return {
        "axes": list(roadmap.axes.order_by("position", "pk")),
        "pilots": list(
            roadmap.sheets.exclude(pilot_organisation="")
            .order_by("pilot_organisation")
            .values_list("pilot_organisation", flat=True)
            .distinct()
        ),
        "funders": list(
            FundingLine.objects.filter(sheet__roadmap=roadmap)
            .order_by("funder")
            .values_list("funder", flat=True)
            .distinct()
        ),
        "statuses": SheetStatus.choices,
    }


@dataclass
class Month:
    first_day: datetime.date
    label: str


@dataclass
class Bar:
    sheet: ActionSheet
    start: int = 0  # first month column (1-based)
    end: int = 0  # column after the last month
    dated: bool = False


@dataclass
class Calendar:
    months: list[Month] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)


MAX_MONTHS = 120
MONTHS_FR = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def _month_index(day: datetime.date, start: datetime.date) -> int:
    return (day.year - start.year) * 12 + day.month - start.month


def calendar(*, roadmap: Roadmap, sheets: list[ActionSheet]) -> Calendar:
    """Bars positioned by month over the span of the roadmap's period and its sheets' planned
    dates (at most MAX_MONTHS months from the earliest)."""
    days = [d for s in sheets for d in (s.planned_start, s.planned_end) if d is not None]
    days += [d for d in (roadmap.period_start, roadmap.period_end) if d is not None]
    if not days:
        return Calendar(bars=[Bar(sheet=s) for s in sheets])
    start = min(days).replace(day=1)
    count = min(_month_index(max(days), start) + 1, MAX_MONTHS)
    months = []
    for index in range(count):
        year, month = divmod(start.month - 1 + index, 12)
        months.append(
            Month(
                first_day=datetime.date(start.year + year, month + 1, 1),
                label=f"{MONTHS_FR[month]} {start.year + year}",
            )
        )
    bars = []
    for sheet in sheets:
        if sheet.planned_start is None or sheet.planned_end is None:
            bars.append(Bar(sheet=sheet))
            continue
        first = min(_month_index(sheet.planned_start, start), count - 1)
        last = min(_month_index(sheet.planned_end, start), count - 1)
        bars.append(Bar(sheet=sheet, start=first + 1, end=last + 2, dated=True))
    return Calendar(months=months, bars=bars)


# History ----------------------------------------------------------------------------------------

HISTORY_IGNORED = {"id", "lock_version", "created_at", "updated_at", "roadmap"}
LONG_TEXT = 80


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    diff: SafeString | None = None  # a word-level diff, for long texts


@dataclass
class HistoryEntry:
    """One moment of a sheet's history: a saved version of the sheet (`record`, a historical
    record) or a change to one of its parts (steps, partners, budget and funding lines,
    indicators, notes, linked sheets and outcomes), read from its audit event."""

    when: datetime.datetime
    who: Any  # a User or None
    changes: list[FieldChange]
    record: Any = None
    heading: str = ""  # for a part: « Étape ajoutée : Travaux »
    created: bool = False

    @property
    def anchor(self) -> str:
        return f"version-{self.record.history_id}" if self.record is not None else ""


def word_diff(old: str, new: str) -> SafeString:
    """Words removed in <del>, added in <ins>; every word escaped."""
    before, after = old.split(), new.split()
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(before[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(' '.join(before[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(' '.join(after[b1:b2]))}</ins>")
    return mark_safe(" ".join(parts))


def _field(name: str) -> Any:
    return ActionSheet._meta.get_field(name)


def _display(record: Any, field_name: str) -> str:
    model_field = _field(field_name)
    value = getattr(record, model_field.attname)
    if value in (None, ""):
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        try:
            related = getattr(record, field_name)
        except Exception:
            return str(value)
        return str(related)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


PART_VERBS = {"added": _("Ajout"), "changed": _("Modification"), "removed": _("Suppression")}


def _part_entries(sheet: ActionSheet) -> list[HistoryEntry]:
    """The changes to the sheet's parts, from their audit events (services.editing records
    the fields changed, French labels, old → new)."""
    events = AuditEvent.objects.filter(
        object_type=ActionSheet._meta.label_lower,
        object_id=str(sheet.pk),
        action="sheet.part_changed",
    ).select_related("actor")
    entries = []
    for event in events:
        data = event.data or {}
        verb = next((v for k, v in PART_VERBS.items() if k in data), _("Modification"))
        label = data.get("label") or event.summary
        heading = _("%(verb)s — %(part)s : %(what)s") % {
            "part": label,
            "verb": verb,
            "what": event.summary,
        }
        if data.get("part") in ("related", "outcomes", "answers"):
            heading = str(label)
        changes = []
        for item in data.get("fields", []):
            name, old, new = (str(part) for part in item)
            change = FieldChange(label=name, old=old, new=new)
            if len(old) > LONG_TEXT or len(new) > LONG_TEXT:
                change.diff = word_diff(old, new)
            changes.append(change)
        entries.append(
            HistoryEntry(when=event.created_at, who=event.actor, changes=changes, heading=heading)
        )
    return entries


def sheet_history(*, sheet: ActionSheet) -> list[HistoryEntry]:
    """The sheet's history, newest first: each saved version with the fields changed from the
    previous one (French labels, old → new), and each change to its parts (2 queries)."""
    records = list(
        sheet.history.select_related("history_user", "axis", "commune", "qpv").order_by(
            "history_date", "history_id"
        )
    )
    names = [f.name for f in ActionSheet._meta.concrete_fields if f.name not in HISTORY_IGNORED]
    entries = []
    previous = None
    for record in records:
        changes = []
        for name in names:
            attname = _field(name).attname
            if previous is not None and getattr(previous, attname) == getattr(record, attname):
                continue
            new = _display(record, name)
            old = _display(previous, name) if previous is not None else ""
            if previous is None and not new:
                continue
            label = str(_field(name).verbose_name)
            change = FieldChange(label=label[:1].upper() + label[1:], old=old, new=new)
            if len(old) > LONG_TEXT or len(new) > LONG_TEXT:
                change.diff = word_diff(old, new)
            changes.append(change)
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                changes=changes,
                record=record,
                created=record.history_type == "+",
            )
        )
        previous = record
    entries += _part_entries(sheet)
    # Oldest first by date, then reversed: a part saved in the same second as the sheet
    # comes after it, as it did.
    entries.sort(key=lambda entry: entry.when)
    entries.reverse()
    return entries


def _shown(model_field: Any, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def conflict_rows(
    *, form_fields: dict[str, Any], theirs: dict[str, Any], mine: dict[str, Any], model: Any
) -> list[tuple[str, str, str]]:
    """(label, their value, my value) for each field whose two versions differ."""
    rows = []
    for name, form_field in form_fields.items():
        if name not in theirs:
            continue
        their_value, my_value = theirs[name], mine.get(name)
        if their_value in ("", None) and my_value in ("", None):
            continue
        if their_value == my_value:
            continue
        model_field = model._meta.get_field(name)
        rows.append(
            (
                str(form_field.label),
                _shown(model_field, their_value),
                _shown(model_field, my_value),
            )
        )
    return rows
