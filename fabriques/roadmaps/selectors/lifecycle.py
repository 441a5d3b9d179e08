"""Reads of the roadmap's lifecycle: its frozen snapshot, the differences between two states,
the lifecycle page (stepper, actions and their guards, history of transitions, deliberation).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from fabriques.accounts.types import Person
from fabriques.core.models import AuditEvent

from ..models import (
    ActionSheet,
    Axis,
    BudgetLine,
    ContractLink,
    FundingLine,
    Indicator,
    IndicatorValue,
    Roadmap,
    RoadmapPartner,
    RoadmapStatus,
    RoadmapVersion,
    SheetPartner,
    Step,
)

SNAPSHOT_FORMAT = 1

ROADMAP_FIELDS = (
    "title",
    "horizon",
    "period_start",
    "period_end",
    "diagnostic",
    "issues",
    "vision",
    "easy_summary",
    "steering_body",
    "meeting_rhythm",
    "elected_referent",
    "project_lead",
    "deliberation_body",
    "deliberation_date",
    "deliberation_number",
)
SHEET_FIELDS = (
    "number",
    "title",
    "description",
    "objectives",
    "expected_effects",
    "targets",
    "pilot_organisation",
    "pilot_person",
    "elected_referent",
    "project_owner",
    "project_owner_siret",
    "priority",
    "maturity",
    "status",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
)
# Each list of a sheet's parts: (key in the snapshot, model, fields kept).
SHEET_PARTS: tuple[tuple[str, type[models.Model], tuple[str, ...]], ...] = (
    ("partners", SheetPartner, ("name", "role")),
    ("steps", Step, ("name", "done", "due_on")),
    ("budget_lines", BudgetLine, ("year", "nature", "unit", "planned", "actual")),
    (
        "funding_lines",
        FundingLine,
        ("funder", "scheme", "amount_asked", "amount_granted", "status"),
    ),
    (
        "indicators",
        Indicator,
        ("definition", "unit", "periodicity", "target", "target_on", "result", "source"),
    ),
)
INDICATOR_VALUE_FIELDS = ("measured_on", "value", "source")


def _plain(value: Any) -> Any:
    """A JSON-safe copy of a field's value (dates as ISO strings, decimals as strings)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def _row(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in names}


def roadmap_snapshot(roadmap: Roadmap) -> dict[str, Any]:
    """The whole roadmap as JSON-ready data: framing, partners, contracts, axes, and each sheet
    with every part. Eleven queries whatever the roadmap's size: the roadmap's partners,
    contracts and axes; the sheets (with commune and QPV); then each sheet part (partners,
    steps, budget lines, funding lines, indicators, indicator values, related sheets)."""
    sheets = (
        ActionSheet.objects.filter(roadmap=roadmap)
        .select_related("commune", "qpv")
        .prefetch_related(
            "partners",
            "steps",
            "budget_lines",
            "funding_lines",
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related(
                    Prefetch("values", queryset=IndicatorValue.objects.order_by("measured_on"))
                ),
            ),
            Prefetch("related", queryset=ActionSheet.objects.only("pk", "number")),
        )
        .order_by("number", "pk")
    )
    axes = list(Axis.objects.filter(roadmap=roadmap).order_by("position", "pk"))
    axis_titles = {axis.pk: axis.title for axis in axes}
    sheet_rows = []
    for sheet in sheets:
        row = _row(sheet, SHEET_FIELDS)
        row["id"] = sheet.pk
        row["axis"] = axis_titles.get(sheet.axis_id, "")
        row["commune"] = str(sheet.commune) if sheet.commune_id else ""
        row["qpv"] = str(sheet.qpv) if sheet.qpv_id else ""
        row["related"] = sorted(other.number for other in sheet.related.all())
        for key, _model, names in SHEET_PARTS:
            parts = []
            for part in getattr(sheet, key).all():
                part_row = _row(part, names)
                if key == "indicators":
                    part_row["values"] = [
                        _row(value, INDICATOR_VALUE_FIELDS)
                        for value in part.values.all()  # type: ignore[attr-defined]
                    ]
                parts.append(part_row)
            row[key] = parts
        sheet_rows.append(row)
    return {
        "format": SNAPSHOT_FORMAT,
        "roadmap": _row(roadmap, ROADMAP_FIELDS),
        "partners": [
            _row(p, ("name", "role"))
            for p in RoadmapPartner.objects.filter(roadmap=roadmap).order_by("position", "pk")
        ],
        "contracts": [
            _row(c, ("kind", "label", "reference", "signed_on"))
            for c in ContractLink.objects.filter(roadmap=roadmap).order_by("kind", "pk")
        ],
        "axes": [
            {"id": a.pk, "position": a.position, "title": a.title, "description": a.description}
            for a in axes
        ],
        "sheets": sheet_rows,
    }


# Differences ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class SheetDiff:
    """One sheet added, removed or changed, named by its number and title."""

    kind: str  # "added", "removed", "changed"
    number: Any
    title: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class SnapshotDiff:
    roadmap: list[FieldChange]
    axes: list[FieldChange]
    sheets: list[SheetDiff]

    @property
    def is_empty(self) -> bool:
        return not (self.roadmap or self.axes or self.sheets)

    @property
    def added(self) -> list[SheetDiff]:
        return [s for s in self.sheets if s.kind == "added"]

    @property
    def removed(self) -> list[SheetDiff]:
        return [s for s in self.sheets if s.kind == "removed"]

    @property
    def changed(self) -> list[SheetDiff]:
        return [s for s in self.sheets if s.kind == "changed"]


def _field(model: type[models.Model], name: str) -> Any:
    return model._meta.get_field(name)


def _display(model: type[models.Model], name: str, value: Any) -> str:
    """A stored value as a person reads it: choices by their label, booleans in French."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    try:
        model_field = _field(model, name)
    except Exception:
        return str(value)
    choices = dict(getattr(model_field, "flatchoices", None) or ())
    if value in choices:
        return str(choices[value])
    if isinstance(model_field, models.DateField) and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(_field(model, name).verbose_name).capitalize()
    except Exception:
        return name


def _part_lines(key: str, model: type[models.Model], names: tuple[str, ...], rows: list) -> str:
    """A list of parts as one readable text: one line per part, fields separated by « · »."""
    lines = []
    for row in rows:
        text = " · ".join(
            _display(model, n, row.get(n)) for n in names if row.get(n) not in ("", None)
        )
        if key == "indicators" and row.get("values"):
            values = ", ".join(
                f"{_display(IndicatorValue, 'measured_on', v.get('measured_on'))} : {v.get('value')}"
                for v in row["values"]
            )
            text += " — " + _("valeurs : %s") % values
        lines.append(text)
    return "\n".join(lines) or "—"


def _compare_fields(
    model: type[models.Model], names: Iterable[str], old: dict, new: dict
) -> list[FieldChange]:
    changes = []
    for name in names:
        if old.get(name) != new.get(name):
            changes.append(
                FieldChange(
                    label=_label(model, name),
                    old=_display(model, name, old.get(name)),
                    new=_display(model, name, new.get(name)),
                )
            )
    return changes


PART_LABELS: dict[str, Callable[[], str]] = {
    "partners": lambda: _("Partenaires"),
    "steps": lambda: _("Étapes"),
    "budget_lines": lambda: _("Budget"),
    "funding_lines": lambda: _("Plan de financement"),
    "indicators": lambda: _("Indicateurs"),
}


def _sheet_changes(old: dict, new: dict) -> list[FieldChange]:
    changes = _compare_fields(ActionSheet, SHEET_FIELDS, old, new)
    for name, label in (
        ("axis", _("Axe")),
        ("commune", _("Commune")),
        ("qpv", _("QPV")),
    ):
        if old.get(name) != new.get(name):
            changes.append(
                FieldChange(label=label, old=old.get(name) or "—", new=new.get(name) or "—")
            )
    if old.get("related", []) != new.get("related", []):
        changes.append(
            FieldChange(
                label=_("Fiches liées"),
                old=", ".join(map(str, old.get("related", []))) or "—",
                new=", ".join(map(str, new.get("related", []))) or "—",
            )
        )
    for key, model, names in SHEET_PARTS:
        if old.get(key, []) != new.get(key, []):
            changes.append(
                FieldChange(
                    label=PART_LABELS[key](),
                    old=_part_lines(key, model, names, old.get(key, [])),
                    new=_part_lines(key, model, names, new.get(key, [])),
                )
            )
    return changes


def snapshot_diff(old: dict[str, Any], new: dict[str, Any]) -> SnapshotDiff:
    """What changed from `old` to `new` (two `roadmap_snapshot` results), in French labels.

    Sheets are matched by their identifier, so a renumbered sheet shows as changed."""
    roadmap = _compare_fields(Roadmap, ROADMAP_FIELDS, old["roadmap"], new["roadmap"])
    for key, label, model, names in (
        ("partners", _("Partenaires de la feuille de route"), RoadmapPartner, ("name", "role")),
        (
            "contracts",
            _("Contrats et programmes liés"),
            ContractLink,
            ("kind", "label", "reference", "signed_on"),
        ),
    ):
        if old.get(key, []) != new.get(key, []):
            roadmap.append(
                FieldChange(
                    label=label,
                    old=_part_lines(key, model, names, old.get(key, [])),
                    new=_part_lines(key, model, names, new.get(key, [])),
                )
            )
    axes = []
    old_axes = {a["id"]: a for a in old.get("axes", [])}
    new_axes = {a["id"]: a for a in new.get("axes", [])}
    for pk in sorted(old_axes.keys() | new_axes.keys()):
        before, after = old_axes.get(pk), new_axes.get(pk)
        if before == after:
            continue
        if before is None:
            axes.append(FieldChange(_("Axe ajouté"), "—", after["title"]))  # type: ignore[index]
        elif after is None:
            axes.append(FieldChange(_("Axe retiré"), before["title"], "—"))
        else:
            for name, label in (
                ("title", _("Intitulé de l’axe")),
                ("description", _("Description de l’axe")),
                ("position", _("Ordre de l’axe")),
            ):
                if before[name] != after[name]:
                    axes.append(
                        FieldChange(
                            f"{label} « {after['title']} »",
                            str(before[name] or "—"),
                            str(after[name] or "—"),
                        )
                    )
    sheets = []
    old_sheets = {s["id"]: s for s in old.get("sheets", [])}
    new_sheets = {s["id"]: s for s in new.get("sheets", [])}
    for pk in old_sheets.keys() | new_sheets.keys():
        before, after = old_sheets.get(pk), new_sheets.get(pk)
        if before is None:
            sheets.append(SheetDiff("added", after["number"], after["title"]))  # type: ignore[index]
        elif after is None:
            sheets.append(SheetDiff("removed", before["number"], before["title"]))
        elif before != after:
            changes = _sheet_changes(before, after)
            if changes:
                sheets.append(SheetDiff("changed", after["number"], after["title"], changes))
    sheets.sort(key=lambda s: (s.number if isinstance(s.number, int) else 0, s.title))
    return SnapshotDiff(roadmap=roadmap, axes=axes, sheets=sheets)


# Versions -------------------------------------------------------------------------------------


def roadmap_versions(roadmap: Roadmap) -> list[RoadmapVersion]:
    """The frozen versions, newest first, with who froze them (one query)."""
    return list(
        RoadmapVersion.objects.filter(roadmap=roadmap)
        .select_related("created_by")
        .defer("snapshot")
        .order_by("-number")
    )


def latest_version(roadmap: Roadmap) -> RoadmapVersion | None:
    return RoadmapVersion.objects.filter(roadmap=roadmap).order_by("-number").first()


def latest_adopted_version(roadmap: Roadmap) -> RoadmapVersion | None:
    """The latest version frozen at adoption or publication (they are the same content)."""
    return latest_version(roadmap)


def changed_since_version(roadmap: Roadmap) -> RoadmapVersion | None:
    """The latest frozen version when the roadmap differs from it now, else None."""
    version = latest_version(roadmap)
    if version is None:
        return None
    current = roadmap_snapshot(roadmap)
    if snapshot_diff(version.snapshot, current).is_empty:
        return None
    return version


# The lifecycle page ---------------------------------------------------------------------------

STEPS = (
    RoadmapStatus.DRAFT,
    RoadmapStatus.SUBMITTED,
    RoadmapStatus.REVIEWED,
    RoadmapStatus.VALIDATED,
    RoadmapStatus.ADOPTED,
    RoadmapStatus.PUBLISHED,
)
TRANSITION_ACTIONS = (
    "roadmap.submitted",
    "roadmap.reviewed",
    "roadmap.returned",
    "roadmap.validated",
    "roadmap.adopted",
    "roadmap.published",
    "roadmap.unpublished",
)


@dataclass(frozen=True)
class Stepper:
    label: str
    current: int
    total: int
    next_label: str


@dataclass(frozen=True)
class ActionOption:
    """One transition as this person sees it: allowed, or refused with French reasons."""

    name: str
    label: str
    allowed: bool
    reasons: list[str]


@dataclass
class LifecyclePanel:
    """What `roadmaps/lifecycle/_panel.html` shows (context: `roadmap`, `panel`).

    - stepper: the DSFR stepper (label of the current step, its rank, total, next step);
    - actions: the transitions this person may make from the current state, each allowed or
      refused with its guard's reasons (actions of other roles are not listed);
    - history: the audit events of the roadmap's transitions, oldest first;
    - changed_since: the latest frozen version when the roadmap was edited since, else None;
    - versions_count: how many frozen versions there are.
    """

    stepper: Stepper
    actions: list[ActionOption]
    history: list[AuditEvent]
    changed_since: RoadmapVersion | None
    versions_count: int


def stepper_for(roadmap: Roadmap) -> Stepper:
    index = STEPS.index(RoadmapStatus(roadmap.status))
    next_label = str(STEPS[index + 1].label) if index + 1 < len(STEPS) else ""
    return Stepper(
        label=str(RoadmapStatus(roadmap.status).label),
        current=index + 1,
        total=len(STEPS),
        next_label=next_label,
    )


def transition_history(roadmap: Roadmap) -> list[AuditEvent]:
    """The roadmap's lifecycle audit events, oldest first, with their author (one query)."""
    return list(
        AuditEvent.objects.filter(
            object_type=roadmap._meta.label_lower,
            object_id=str(roadmap.pk),
            action__in=TRANSITION_ACTIONS,
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )


def lifecycle_panel(*, roadmap: Roadmap, user: Person) -> LifecyclePanel:
    """Everything the lifecycle panel shows. Queries: the guards' counts and the access checks
    (a handful), the history (1), the versions (2) and, once adopted, the current snapshot
    compared with the latest version (11)."""
    from ..services.lifecycle import available_actions

    versions_count = RoadmapVersion.objects.filter(roadmap=roadmap).count()
    changed = None
    if versions_count and roadmap.status in (RoadmapStatus.ADOPTED, RoadmapStatus.PUBLISHED):
        changed = changed_since_version(roadmap)
    return LifecyclePanel(
        stepper=stepper_for(roadmap),
        actions=available_actions(roadmap=roadmap, user=user),
        history=transition_history(roadmap),
        changed_since=changed,
        versions_count=versions_count,
    )
