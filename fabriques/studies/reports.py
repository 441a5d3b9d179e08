"""A study's report (PDF/UA, DOCX, ODT through fabriques.documents) and a run's results as
CSV.

- `run_tables(method, output)`: the output's main tables (MICMAC: the variables' influence,
  dependence, ranks and quadrant; MACTOR: actors and objectives; Régnier: the statements),
  and for the other methods a generic flattening of the output: each list of records is a
  table of its plain fields, the plain top-level values a « Synthèse » table.
- `run_csv(method, output)`: those tables as one CSV file (« ; », UTF-8 with a BOM), each
  opened by a line « [name] » as the inputs' CSV does.
- `study_document(...)`: method, purpose, inputs tables, the latest run's results (each
  figure's title, its text description, the figure itself — the same SVG as on screen — and
  its data table) and the retained results.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from fabriques.documents.blocks import (
    BulletList,
    Document,
    Figure,
    Heading,
    KeyValue,
    Paragraph,
    Table,
)

from .charts import fr_number
from .charts.mactor import quadrant_names as mactor_quadrants
from .charts.micmac import quadrant_names as micmac_quadrants
from .methods import screens_for
from .models import RetainedKind, RetainedResult, Study, StudyRun
from .tables._layouts import LAYOUTS

# Beyond this many columns an input matrix is not printed (it would not fit a page): the
# report points to the CSV/XLSX export instead.
MAX_PRINTED_COLUMNS = 16
MAX_PRINTED_ROWS = 200


@dataclass(frozen=True)
class ResultTable:
    name: str  # the CSV section's name
    caption: str
    header: list[str]
    rows: list[list[Any]]  # plain values (numbers stay numbers)


def _at(values: Sequence[Any] | None, i: int) -> Any:
    return values[i] if values is not None and i < len(values) else None


def micmac_tables(output: Mapping[str, Any]) -> list[ResultTable]:
    variables = list(output.get("variables") or [])
    direct = output.get("direct") or {}
    indirect = output.get("indirect") or {}
    names = micmac_quadrants()
    order = sorted(
        range(len(variables)), key=lambda i: _at(indirect.get("influence_rank"), i) or i + 1
    )
    rows = [
        [
            variables[i],
            _at(direct.get("influence"), i),
            _at(direct.get("dependence"), i),
            _at(direct.get("influence_rank"), i),
            _at(indirect.get("influence"), i),
            _at(indirect.get("dependence"), i),
            _at(indirect.get("influence_rank"), i),
            _at(indirect.get("dependence_rank"), i),
            names.get(_at(indirect.get("quadrant"), i) or "", ""),
        ]
        for i in order
    ]
    header = [
        _("Variable"),
        _("Influence directe"),
        _("Dépendance directe"),
        _("Rang d’influence directe"),
        _("Influence indirecte"),
        _("Dépendance indirecte"),
        _("Rang d’influence indirecte"),
        _("Rang de dépendance indirecte"),
        _("Quadrant (plan indirect)"),
    ]
    caption = _("Variables par influence indirecte (puissance %(power)s)") % {
        "power": indirect.get("power", "—")
    }
    return [ResultTable("variables", caption, header, rows)]


def mactor_tables(output: Mapping[str, Any]) -> list[ResultTable]:
    actors = list(output.get("actors") or [])
    objectives = list(output.get("objectives") or [])
    plane = output.get("plane") or {}
    names = mactor_quadrants()
    quadrants = plane.get("quadrant") if isinstance(plane, Mapping) else None
    actor_rows = [
        [
            actor,
            _at(output.get("influence"), i),
            _at(output.get("dependence"), i),
            _at(output.get("balance_of_power"), i),
            names.get(_at(quadrants, i) or "", ""),
        ]
        for i, actor in enumerate(actors)
    ]
    orders = list(output.get("orders") or [])
    order = max(orders, key=lambda o: o.get("order", 0)) if orders else {}
    objective_rows = [
        [
            objective,
            _at(order.get("objective_for"), i),
            _at(order.get("objective_against"), i),
            _at(order.get("mobilisation"), i),
        ]
        for i, objective in enumerate(objectives)
    ]
    return [
        ResultTable(
            "acteurs",
            _("Acteurs\u00a0: influence, dépendance et rapport de force"),
            [_("Acteur"), _("Influence"), _("Dépendance"), _("Rapport de force"), _("Position")],
            actor_rows,
        ),
        ResultTable(
            "objectifs",
            _("Objectifs\u00a0: mobilisation à l’ordre %(order)s") % {"order": order.get("order")},
            [_("Objectif"), _("Pour"), _("Contre"), _("Mobilisation")],
            objective_rows,
        ),
    ]


def regnier_tables(output: Mapping[str, Any]) -> list[ResultTable]:
    rows = [
        [
            statement.get("name"),
            statement.get("mean"),
            statement.get("mean_answered"),
            statement.get("dispersion"),
            statement.get("favourable"),
            statement.get("answered"),
            _("dissensus") if statement.get("dissensus") else _("consensus"),
        ]
        for statement in output.get("statements") or []
    ]
    header = [
        _("Énoncé"),
        _("Moyenne"),
        _("Moyenne des votes exprimés"),
        _("Dispersion"),
        _("Part favorable"),
        _("Votes exprimés"),
        _("Lecture"),
    ]
    return [ResultTable("enonces", _("Énoncés dans l’ordre de l’abaque"), header, rows)]


def _plain(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _cell(value: Any) -> Any:
    if isinstance(value, list) and all(_plain(v) for v in value):
        return ", ".join("" if v is None else str(v) for v in value)
    return value


def generic_tables(output: Mapping[str, Any]) -> list[ResultTable]:
    """Each list of records of the output as a table of their plain fields (lists of plain
    values joined, one level of nested records spread as « field.key »); the plain
    top-level values as a « Synthèse » table."""
    found = []
    summary = [[key, value] for key, value in output.items() if _plain(value)]
    if summary:
        found.append(ResultTable("synthese", _("Synthèse"), [_("Champ"), _("Valeur")], summary))
    for key, value in output.items():
        if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            columns: list[str] = []
            flat_rows = []
            for record in value:
                flat: dict[str, Any] = {}
                for name, item in record.items():
                    if isinstance(item, Mapping):
                        for sub, subitem in item.items():
                            if _plain(subitem):
                                flat[f"{name}.{sub}"] = subitem
                    elif _plain(item) or (isinstance(item, list) and all(_plain(v) for v in item)):
                        flat[name] = _cell(item)
                for name in flat:
                    if name not in columns:
                        columns.append(name)
                flat_rows.append(flat)
            rows = [[row.get(name) for name in columns] for row in flat_rows]
            found.append(ResultTable(key, key, columns, rows))
        elif isinstance(value, list) and value and all(_plain(v) for v in value):
            found.append(ResultTable(key, key, [key], [[v] for v in value]))
    return found


RESULT_TABLES = {"micmac": micmac_tables, "mactor": mactor_tables, "regnier": regnier_tables}


def run_tables(method: str, output: Mapping[str, Any]) -> list[ResultTable]:
    extract = RESULT_TABLES.get(method, generic_tables)
    return extract(output)


def _csv_text(value: Any) -> Any:
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # a spreadsheet would run it as a formula
    return value


def run_csv(method: str, output: Mapping[str, Any]) -> bytes:
    """The run's tables as one CSV (« ; », UTF-8 with a BOM, « [name] » before each table
    when there are several)."""
    tables = run_tables(method, output)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for index, table in enumerate(tables):
        if len(tables) > 1:
            if index:
                writer.writerow([])
            writer.writerow([f"[{table.name}]"])
        writer.writerow([_csv_text(v) for v in table.header])
        for row in table.rows:
            writer.writerow([_csv_text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# The report --------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, int | float):
        return fr_number(value)
    return str(value)


def _input_blocks(study: Study) -> list[Any]:
    layout = LAYOUTS.get(study.method)
    if layout is None or not study.inputs:
        return [Paragraph(_("Aucune donnée d’entrée."))]
    try:
        sheets = layout.write(dict(study.inputs))
    except Exception:
        return [Paragraph(_("Les données d’entrée sont incomplètes."))]
    blocks: list[Any] = []
    for sheet in sheets:
        if not sheet.rows:
            continue
        header, *rows = sheet.rows
        width = max(len(row) for row in sheet.rows)
        if width > MAX_PRINTED_COLUMNS or len(rows) > MAX_PRINTED_ROWS:
            blocks.append(
                Paragraph(
                    _(
                        "Tableau « %(name)s »\u00a0: %(rows)s lignes et %(columns)s colonnes, "
                        "trop grand pour être imprimé\u00a0; il est dans l’export CSV ou XLSX "
                        "des données d’entrée."
                    )
                    % {"name": sheet.name, "rows": len(rows), "columns": width}
                )
            )
            continue
        blocks.append(
            Table(
                caption=_("Données d’entrée\u00a0: %(name)s") % {"name": sheet.name},
                header_row=[_text(v) if v is not None else "" for v in header]
                + [""] * (width - len(header)),
                rows=[
                    [_text(v) if v is not None else "" for v in row] + [""] * (width - len(row))
                    for row in rows
                ],
            )
        )
    return blocks


def _result_blocks(study: Study, run: StudyRun) -> list[Any]:
    blocks: list[Any] = [
        Paragraph(
            _(
                "Calcul du %(date)s par la bibliothèque de prospective (version %(version)s), "
                "en %(ms)s ms."
            )
            % {
                "date": run.run_at.strftime("%d/%m/%Y %H:%M"),
                "version": run.foresight_version,
                "ms": run.duration_ms,
            }
        )
    ]
    figures = screens_for(study.method).results_context(run).get("figures") or []
    if figures:
        for figure in figures:
            blocks.append(Heading(3, figure.title))
            blocks.append(Paragraph(figure.description))
            blocks.append(
                Figure(title=figure.title, description=figure.description, svg=str(figure.svg))
            )
            if figure.table.rows:
                blocks.append(
                    Table(
                        caption=figure.table.caption,
                        header_row=list(figure.table.header),
                        rows=[list(row) for row in figure.table.rows],
                    )
                )
        return blocks
    for table in run_tables(study.method, run.output):
        if not table.rows:
            continue
        blocks.append(
            Table(
                caption=table.caption,
                header_row=[str(h) for h in table.header],
                rows=[[_text(v) for v in row] for row in table.rows],
            )
        )
    return blocks


def _retained_blocks(retained: Iterable[RetainedResult], *, public: bool) -> list[Any]:
    blocks: list[Any] = []
    by_kind: dict[str, list[RetainedResult]] = {}
    for result in retained:
        by_kind.setdefault(result.kind, []).append(result)
    for kind in RetainedKind:
        results = by_kind.get(kind)
        if not results:
            continue
        blocks.append(Heading(3, str(kind.label)))
        items = []
        for result in results:
            line = result.label + (f" — {result.note}" if result.note else "")
            if not public:
                answers = [str(axis) for axis in result.answering_axes.all()] + [  # type: ignore[attr-defined]
                    _("fiche %(sheet)s") % {"sheet": sheet}
                    for sheet in result.answering_sheets.all()  # type: ignore[attr-defined]
                ]
                if answers:
                    line += " — " + _("y répondent\u00a0: %(list)s") % {"list": ", ".join(answers)}
            items.append(line)
        blocks.append(BulletList(items))
    return blocks or [Paragraph(_("Aucun résultat retenu pour l’instant."))]


def study_document(
    study: Study,
    *,
    run: StudyRun | None,
    retained: Iterable[RetainedResult],
    meetings: Iterable[Any] = (),
    public: bool = False,
) -> Document:
    """The report: method, purpose, inputs, the latest run's results, the retained results.
    `public` leaves out the meetings and the roadmap links (the public page's rule)."""
    document = Document(title=study.title, subject=str(study.get_method_display()))
    territory = (
        study.participation.label
        if study.participation
        else _("Toute la Fabrique (étude collective)")
    )
    pairs = [
        (_("Méthode"), str(study.get_method_display())),
        (_("Fabrique"), str(study.fabrique)),
        (_("Territoire"), territory),
    ]
    if not public:
        meeting_list = ", ".join(
            f"{m.title} ({m.starts_at:%d/%m/%Y})" for m in meetings if getattr(m, "starts_at", None)
        )
        pairs.append((_("Rencontres"), meeting_list or _("Aucune")))
    document.add(Heading(1, _("L’étude")), KeyValue(pairs))
    if study.purpose:
        document.add(Heading(2, _("Objet de l’étude")), Paragraph(study.purpose))
    document.add(Heading(1, _("Données d’entrée")), *_input_blocks(study))
    document.add(Heading(1, _("Résultats")))
    if run is None:
        document.add(Paragraph(_("Aucun calcul enregistré.")))
    else:
        document.add(*_result_blocks(study, run))
    document.add(Heading(1, _("Résultats retenus")), *_retained_blocks(retained, public=public))
    return document
