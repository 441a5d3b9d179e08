"""A roadmap as a document (PDF, DOCX, ODT) and its action sheets as fixed-column tables.

`roadmap_document` gives the whole roadmap: framing, governance, partners, contracts, then
each axis with every part of each sheet. `sheet_tables` gives the three tables of the
CSV and XLSX exports, whose columns are fixed (SHEET_COLUMNS, BUDGET_COLUMNS,
FUNDING_COLUMNS): a column is never renamed, moved or dropped, so that spreadsheets and
scripts built on an export keep working; new columns are added at the end.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fabriques.core.forms import format_amount
from fabriques.documents.blocks import (
    BulletList,
    Document,
    Heading,
    KeyValue,
    PageBreak,
    Paragraph,
    Table,
)

from .models import (
    ActionSheet,
    BudgetUnit,
    FollowUpEntry,
    Indicator,
    Roadmap,
    SheetNote,
    Step,
)

# The columns of the exports, in this order, forever (append only).
SHEET_COLUMNS: tuple[str, ...] = (
    "feuille_de_route",
    "axe_numero",
    "axe",
    "fiche_numero",
    "intitule",
    "description",
    "objectifs",
    "effets_attendus",
    "publics_cibles",
    "commune_insee",
    "commune",
    "qpv",
    "structure_pilote",
    "personne_pilote",
    "elu_referent",
    "maitre_ouvrage",
    "siret_maitre_ouvrage",
    "priorite",
    "maturite",
    "etat",
    "debut_prevu",
    "fin_prevue",
    "debut_effectif",
    "fin_effective",
    "partenaires",
    "etapes_realisees",
    "etapes",
    "budget_prevu_eur_ht",
    "budget_realise_eur_ht",
    "financement_demande_eur",
    "financement_accorde_eur",
    "indicateurs",
)
BUDGET_COLUMNS: tuple[str, ...] = (
    "feuille_de_route",
    "fiche_numero",
    "fiche",
    "annee",
    "nature",
    "unite",
    "prevu",
    "realise",
)
FUNDING_COLUMNS: tuple[str, ...] = (
    "feuille_de_route",
    "fiche_numero",
    "fiche",
    "financeur",
    "dispositif",
    "montant_demande_eur",
    "montant_accorde_eur",
    "etat",
)
# The three tables: (file or sheet name, columns).
EXPORT_TABLES: dict[str, tuple[str, ...]] = {
    "fiches": SHEET_COLUMNS,
    "budget": BUDGET_COLUMNS,
    "financements": FUNDING_COLUMNS,
}


def roadmap_for_document(pk: int) -> Roadmap:
    """The roadmap with everything its document and exports show, in a bounded number of queries.

    1 roadmap (participation, Fabrique), 2 axes, 3 partners, 4 contracts, 5 sheets (axis,
    commune, QPV), then one query each for the sheets' partners, steps, budget lines, funding
    lines, indicators, indicator values, notes, status changes, related sheets and entries of
    closed follow-ups: 15 whatever the number of sheets.
    """
    return (
        Roadmap.objects.select_related("participation", "fabrique")
        .prefetch_related(
            "axes",
            "partners",
            "contracts",
            Prefetch(
                "sheets",
                queryset=ActionSheet.objects.select_related("axis", "commune", "qpv").order_by(
                    "axis__position", "number", "pk"
                ),
            ),
            "sheets__partners",
            "sheets__steps",
            "sheets__budget_lines",
            "sheets__funding_lines",
            Prefetch("sheets__indicators", queryset=Indicator.objects.prefetch_related("values")),
            Prefetch("sheets__notes", queryset=SheetNote.objects.filter(is_comment=False)),
            "sheets__status_changes",
            Prefetch("sheets__related", queryset=ActionSheet.objects.only("pk", "number")),
            Prefetch(
                "sheets__follow_up_entries",
                queryset=FollowUpEntry.objects.filter(follow_up__closed_at__isnull=False)
                .select_related("follow_up")
                .order_by("follow_up__horizon"),
                to_attr="closed_follow_ups",
            ),
        )
        .get(pk=pk)
    )


def _date(value: datetime.date | None) -> str:
    return date_format(value, "j F Y") if value else ""


def _amount(value: Decimal | None, unit: str = BudgetUnit.EUR_HT) -> str:
    if value is None:
        return ""
    if unit == BudgetUnit.FTE:
        return f"{format_amount(value)}\u00a0{_('ETP')}"
    return f"{format_amount(value)}\u00a0€"


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def _pairs(*pairs: tuple[str, str]) -> KeyValue | None:
    kept = [(term, value) for term, value in pairs if value]
    return KeyValue(kept) if kept else None


def _texts(*pairs: tuple[str, str]) -> list[Heading | Paragraph]:
    """Each filled text under a small heading."""
    blocks: list[Heading | Paragraph] = []
    for title, text in pairs:
        if text.strip():
            blocks += [Heading(4, title), Paragraph(text.strip())]
    return blocks


def _period(start: datetime.date | None, end: datetime.date | None) -> str:
    if start and end:
        return _("du %(start)s au %(end)s") % {"start": _date(start), "end": _date(end)}
    if start:
        return _("à partir du %(start)s") % {"start": _date(start)}
    if end:
        return _("jusqu’au %(end)s") % {"end": _date(end)}
    return ""


def roadmap_document(roadmap: Roadmap, *, public: bool = False) -> Document:
    """The whole roadmap as a document (pass a roadmap from roadmap_for_document).

    The public version leaves out the sheets' notes, the writers' working log.
    """
    participation = roadmap.participation
    document = Document(
        title=roadmap.title,
        subject=_("Feuille de route de %(territory)s — %(fabrique)s")
        % {"territory": participation.label, "fabrique": roadmap.fabrique.title},
    )
    document.add(
        _pairs(
            (_("Territoire"), participation.label),
            (_("Fabrique"), roadmap.fabrique.title),
            (_("État"), roadmap.get_status_display()),
            (_("Horizon"), str(roadmap.horizon or "")),
            (_("Période"), _period(roadmap.period_start, roadmap.period_end)),
            (_("Publiée le"), _date(roadmap.published_at.date() if roadmap.published_at else None)),
        )
    )
    if roadmap.easy_summary.strip():
        document.add(Heading(1, _("En bref")), Paragraph(roadmap.easy_summary.strip()))
    framing = _texts(
        (_("Synthèse du diagnostic"), roadmap.diagnostic),
        (_("Enjeux"), roadmap.issues),
        (_("Vision ou scénario retenu"), roadmap.vision),
    )
    if framing:
        document.add(Heading(1, _("Cadrage")), *framing)
    governance = _pairs(
        (_("Instance de pilotage"), roadmap.steering_body),
        (_("Rythme des réunions"), roadmap.meeting_rhythm),
        (_("Élu référent"), roadmap.elected_referent),
        (_("Chef de projet"), roadmap.project_lead),
        (_("Délibération"), roadmap.deliberation_body),
        (_("Date de la délibération"), _date(roadmap.deliberation_date)),
        (_("Numéro de la délibération"), roadmap.deliberation_number),
    )
    if governance:
        document.add(Heading(1, _("Gouvernance")), governance)
    partners = list(roadmap.partners.all())
    if partners:
        document.add(
            Heading(1, _("Partenaires")),
            Table(
                _("Partenaires de la feuille de route"),
                [_("Partenaire"), _("Rôle")],
                [[p.name, p.role] for p in partners],
            ),
        )
    contracts = list(roadmap.contracts.all())
    if contracts:
        document.add(
            Heading(1, _("Contrats et programmes du territoire")),
            Table(
                _("Contrats et programmes liés"),
                [_("Type"), _("Intitulé"), _("Référence"), _("Date")],
                [
                    [c.get_kind_display(), c.label, c.reference, _date(c.signed_on)]
                    for c in contracts
                ],
            ),
        )
    sheets = list(roadmap.sheets.all())
    axes = list(roadmap.axes.all())
    if axes:
        document.add(
            Heading(1, _("Axes")),
            BulletList(
                [
                    _("Axe %(n)s : %(title)s (%(count)s fiches)")
                    % {
                        "n": axis.position,
                        "title": axis.title,
                        "count": sum(1 for s in sheets if s.axis_id == axis.pk),
                    }
                    for axis in axes
                ]
            ),
        )
    for axis in axes:
        document.add(
            PageBreak(),
            Heading(1, _("Axe %(n)s : %(title)s") % {"n": axis.position, "title": axis.title}),
        )
        if axis.description.strip():
            document.add(Paragraph(axis.description.strip()))
        for sheet in sheets:
            if sheet.axis_id == axis.pk:
                document.add(*sheet_blocks(sheet, notes=not public))
    return document


def _step_line(step: Step) -> str:
    state = _("réalisée") if step.done else _("à réaliser")
    if step.due_on:
        return _("%(name)s — %(date)s — %(state)s") % {
            "name": step.name,
            "date": _date(step.due_on),
            "state": state,
        }
    return _("%(name)s — %(state)s") % {"name": step.name, "state": state}


def sheet_blocks(sheet: ActionSheet, *, notes: bool = True) -> list[Any]:
    """Every part of one sheet (its relations prefetched)."""
    place = ", ".join(
        part
        for part in (
            sheet.commune.name if sheet.commune else "",
            sheet.qpv.name if sheet.qpv else "",
        )
        if part
    )
    owner = sheet.project_owner
    if sheet.project_owner_siret:
        owner = f"{owner} (SIRET {sheet.project_owner_siret})"
    blocks: list[Any] = [
        Heading(2, _("Fiche %(n)s : %(title)s") % {"n": sheet.number, "title": sheet.title}),
        _pairs(
            (_("État d’avancement"), sheet.get_status_display()),
            (_("Priorité"), sheet.get_priority_display()),
            (_("Maturité"), sheet.get_maturity_display()),
            (_("Lieu"), place),
            (_("Structure pilote"), sheet.pilot_organisation),
            (_("Personne pilote"), sheet.pilot_person),
            (_("Élu référent"), sheet.elected_referent),
            (_("Maître d’ouvrage"), owner),
            (_("Dates prévues"), _period(sheet.planned_start, sheet.planned_end)),
            (_("Dates effectives"), _period(sheet.actual_start, sheet.actual_end)),
            (
                _("Fiches liées"),
                ", ".join(
                    str(other.number)
                    for other in sorted(sheet.related.all(), key=lambda s: s.number)
                ),
            ),
        ),
    ]
    blocks += _texts(
        (_("Description"), sheet.description),
        (_("Objectifs"), sheet.objectives),
        (_("Effets attendus"), sheet.expected_effects),
        (_("Publics cibles"), sheet.targets),
    )
    # Partners, steps and the status history are short lists read in one line each: written
    # as lists rather than tables, they cost the PDF a third fewer boxes to lay out
    # (bench/documents.py), and read the same in every format.
    partners = list(sheet.partners.all())
    if partners:
        blocks += [
            Heading(4, _("Partenaires")),
            KeyValue([(p.name, p.role or "—") for p in partners]),
        ]
    steps = list(sheet.steps.all())
    if steps:
        blocks += [
            Heading(4, _("Étapes")),
            BulletList([_step_line(step) for step in steps]),
        ]
    budget = list(sheet.budget_lines.all())
    if budget:
        blocks.append(
            Table(
                _("Budget de la fiche %(n)s") % {"n": sheet.number},
                [_("Année"), _("Nature"), _("Prévu"), _("Réalisé")],
                [
                    [
                        str(line.year),
                        line.get_nature_display(),
                        _amount(line.planned, line.unit),
                        _amount(line.actual, line.unit),
                    ]
                    for line in budget
                ],
            )
        )
    funding = list(sheet.funding_lines.all())
    if funding:
        blocks.append(
            Table(
                _("Plan de financement de la fiche %(n)s") % {"n": sheet.number},
                [_("Financeur"), _("Dispositif"), _("Demandé"), _("Accordé"), _("État")],
                [
                    [
                        line.funder,
                        line.get_scheme_display(),
                        _amount(line.amount_asked, ""),
                        _amount(line.amount_granted, ""),
                        line.get_status_display(),
                    ]
                    for line in funding
                ],
            )
        )
    indicators = list(sheet.indicators.all())
    if indicators:
        blocks.append(
            Table(
                _("Indicateurs de la fiche %(n)s") % {"n": sheet.number},
                [
                    _("Indicateur"),
                    _("Unité"),
                    _("Périodicité"),
                    _("Cible"),
                    _("Valeurs mesurées"),
                    _("Résultat"),
                    _("Source"),
                ],
                [
                    [
                        indicator.definition,
                        indicator.unit,
                        indicator.get_periodicity_display(),
                        " ".join(
                            part
                            for part in (
                                _number(indicator.target),
                                _("au %(d)s") % {"d": _date(indicator.target_on)}
                                if indicator.target_on
                                else "",
                            )
                            if part
                        ),
                        "; ".join(
                            f"{_date(v.measured_on)} : {_number(v.value)}"
                            for v in indicator.values.all()
                        ),
                        indicator.result,
                        indicator.source,
                    ]
                    for indicator in indicators
                ],
            )
        )
    changes = list(sheet.status_changes.all())
    if changes:
        blocks += [
            Heading(4, _("Historique de l’état d’avancement")),
            BulletList(
                [
                    " — ".join(
                        part
                        for part in (_date(c.changed_on), c.get_status_display(), c.comment)
                        if part
                    )
                    for c in changes
                ]
            ),
        ]
    for entry in getattr(sheet, "closed_follow_ups", []):
        follow_up = entry.follow_up
        blocks += [
            Heading(
                4,
                _("Suivi %(horizon)s, remis le %(date)s")
                % {
                    "horizon": follow_up.get_horizon_display().lower(),
                    "date": _date(follow_up.closed_at.date() if follow_up.closed_at else None),
                },
            ),
            _pairs(
                (_("État d’avancement"), entry.get_status_display()),
                (_("Dates effectives"), _period(entry.actual_start, entry.actual_end)),
                (_("Dépensé"), _amount(entry.spent)),
                (_("Subventions obtenues"), _amount(entry.granted, "")),
                (_("Commentaire"), entry.comment.strip()),
            ),
        ]
    written = list(sheet.notes.all()) if notes else []
    if written:
        blocks.append(Heading(4, _("Notes")))
        blocks += [Paragraph(f"{_date(note.written_on)} — {note.text}") for note in written]
    return [block for block in blocks if block is not None]


# Exports -----------------------------------------------------------------------------------


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    kept = [v for v in values if v is not None]
    return sum(kept, Decimal(0)) if kept else None


def sheet_tables(roadmap: Roadmap) -> dict[str, list[list[Any]]]:
    """The three export tables as typed rows (str, int, Decimal, date or None), header apart."""
    sheets: list[list[Any]] = []
    budget: list[list[Any]] = []
    funding: list[list[Any]] = []
    for sheet in roadmap.sheets.all():
        steps = list(sheet.steps.all())
        lines = list(sheet.budget_lines.all())
        funds = list(sheet.funding_lines.all())
        euros = [line for line in lines if line.unit == BudgetUnit.EUR_HT]
        sheets.append(
            [
                roadmap.title,
                sheet.axis.position,
                sheet.axis.title,
                sheet.number,
                sheet.title,
                sheet.description,
                sheet.objectives,
                sheet.expected_effects,
                sheet.targets,
                sheet.commune.code if sheet.commune else "",
                sheet.commune.name if sheet.commune else "",
                sheet.qpv.name if sheet.qpv else "",
                sheet.pilot_organisation,
                sheet.pilot_person,
                sheet.elected_referent,
                sheet.project_owner,
                sheet.project_owner_siret,
                sheet.get_priority_display(),
                sheet.get_maturity_display(),
                sheet.get_status_display(),
                sheet.planned_start,
                sheet.planned_end,
                sheet.actual_start,
                sheet.actual_end,
                " | ".join(
                    f"{p.name} ({p.role})" if p.role else p.name for p in sheet.partners.all()
                ),
                sum(1 for s in steps if s.done),
                len(steps),
                _sum(line.planned for line in euros),
                _sum(line.actual for line in euros),
                _sum(f.amount_asked for f in funds),
                _sum(f.amount_granted for f in funds),
                " | ".join(i.definition for i in sheet.indicators.all()),
            ]
        )
        for line in lines:
            budget.append(
                [
                    roadmap.title,
                    sheet.number,
                    sheet.title,
                    line.year,
                    line.get_nature_display(),
                    line.get_unit_display(),
                    line.planned,
                    line.actual,
                ]
            )
        for fund in funds:
            funding.append(
                [
                    roadmap.title,
                    sheet.number,
                    sheet.title,
                    fund.funder,
                    fund.get_scheme_display(),
                    fund.amount_asked,
                    fund.amount_granted,
                    fund.get_status_display(),
                ]
            )
    return {"fiches": sheets, "budget": budget, "financements": funding}


# A text cell a spreadsheet would run as a formula is written with a leading apostrophe
# (CSV) or typed as text (XLSX), as the other workspace exports do.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Any) -> str:
    """French spreadsheet conventions: a decimal comma, ISO dates, empty for nothing."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return str(value)


def table_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM, `;` between fields, CRLF: what French spreadsheets open as is (the
    house choice for workspace exports, as the working groups' import template)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def tables_xlsx(tables: dict[str, list[list[Any]]]) -> bytes:
    """One workbook, one worksheet a table, a frozen bold header row, typed cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for name, columns in EXPORT_TABLES.items():
        worksheet = workbook.create_sheet(title=name)
        worksheet.append(list(columns))
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        worksheet.freeze_panes = "A2"
        for values in tables[name]:
            worksheet.append(values)
            for cell in worksheet[worksheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
