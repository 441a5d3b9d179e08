"""Spreadsheet files in and out: CSV and XLSX as lists of sheets of trimmed cells.

What a method's layout sees is a `Sheet`: rows of cells that are text (trimmed, never empty),
numbers (from a workbook) or None, and the spreadsheet place of each cell. Errors are collected
as `TableError`s (row and column numbered from 1, as a spreadsheet shows them) and raised
together in one `TableErrors`.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from fabriques.core.text import NBSP, normalize, quote
from fabriques.core.uploads import check_office_container

# Limits of an import: a structural analysis keeps to 80 variables or so; a sheet of 500 × 500
# cells is far past any workshop, and a 2 MB file holds it comfortably.
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500
MAX_COLUMNS = 500
MAX_SHEETS = 50
MAX_ERRORS = 20

Value = str | int | float | None


class TableError(NamedTuple):
    """One problem, placed as a spreadsheet shows it (row and column from 1, None if unknown)."""

    row: int | None
    column: int | None
    message: str
    sheet: str = ""  # named only in a workbook of several sheets

    def __str__(self) -> str:
        place = []
        if self.sheet:
            place.append(_("feuille %(name)s") % {"name": quote(self.sheet)})
        if self.row is not None:
            place.append(_("ligne %(row)s") % {"row": self.row})
        if self.column is not None:
            place.append(_("colonne %(column)s") % {"column": self.column})
        if not place:
            return self.message
        return f"{', '.join(place)}{NBSP}: {self.message}"


class TableErrors(Exception):
    """Every problem found in a table (at most MAX_ERRORS listed; `more` counts the others)."""

    def __init__(self, errors: list[TableError], more: int = 0) -> None:
        self.errors = errors
        self.more = more
        super().__init__("\n".join(self.messages()))

    def messages(self) -> list[str]:
        lines = [str(error) for error in self.errors]
        if self.more:
            lines.append(_("… et %(count)s autres erreurs") % {"count": self.more})
        return lines


def fail(message: str) -> TableErrors:
    return TableErrors([TableError(None, None, message)])


@dataclass
class Sheet:
    name: str
    rows: list[list[Value]]
    first_row: int = 1  # the file's row number of rows[0] (a CSV section starts further down)
    label: str = ""  # the name shown in messages, in a workbook of several sheets

    def cell(self, i: int, j: int) -> Value:
        row = self.rows[i] if i < len(self.rows) else []
        return row[j] if j < len(row) else None

    def row_number(self, i: int) -> int:
        return self.first_row + i


@dataclass
class Collector:
    """Errors gathered while reading, and where each field of the document came from."""

    errors: list[TableError] = field(default_factory=list)
    more: int = 0
    places: dict[str, tuple[str, int | None, int | None]] = field(default_factory=dict)

    def add(self, sheet: Sheet | None, i: int | None, j: int | None, message: str) -> None:
        if len(self.errors) >= MAX_ERRORS:
            self.more += 1
            return
        row = sheet.row_number(i) if sheet is not None and i is not None else None
        column = j + 1 if j is not None else None
        self.errors.append(TableError(row, column, message, sheet.label if sheet else ""))

    def place(self, path: str, sheet: Sheet, i: int | None, j: int | None) -> None:
        row = sheet.row_number(i) if i is not None else None
        self.places[path] = (sheet.label, row, j + 1 if j is not None else None)

    def check(self) -> None:
        if self.errors:
            raise TableErrors(self.errors, self.more)


# Reading cells ---------------------------------------------------------------------------------

# A spreadsheet runs a cell starting with one of these as a formula (tab and CR too, in CSV).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _needs_quote(text: str) -> bool:
    # Recursive so that a name that itself starts with « '= » survives the round trip.
    return text[:1] in FORMULA_STARTS or (text[:1] == "'" and _needs_quote(text[1:]))


def inert(text: str) -> str:
    """A text cell a spreadsheet would run, written with a leading apostrophe."""
    return "'" + text if _needs_quote(text) else text


def typed(text: str) -> str:
    """A text cell as the person typed it: without the apostrophe `inert` put before it."""
    return text[1:] if text[:1] == "'" and _needs_quote(text[1:]) else text


def _clean(value: Any) -> Value:
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    return typed(text) if text else None


_NUMBER = re.compile(r"[+-]?(\d+(?P<dec>[.,]\d*)?|[.,]\d+)(?P<exp>[eE][+-]?\d+)?")


def number(value: Value) -> int | float:
    """A number from a cell: French decimal comma, spaces between thousands, « − » accepted.

    Raises ValueError for anything else (the caller names the cell)."""
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(value)
        return value
    text = str(value)
    for space in (" ", NBSP, "\u202f"):
        text = text.replace(space, "")
    text = text.replace("−", "-")
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise ValueError(value)
    if match["dec"] is None and match["exp"] is None and text.lstrip("+-").isdigit():
        return int(text)
    return float(text.replace(",", "."))


def shown(value: Value) -> str:
    """A cell quoted in a message."""
    return quote(value if not isinstance(value, float) else format_number(value))


def format_number(value: int | float) -> str:
    """The shortest text that reads back to the same number, with a French decimal comma."""
    return str(value) if isinstance(value, int) else repr(value).replace(".", ",")


# Reading files ---------------------------------------------------------------------------------


def _trim(rows: Iterable[Iterable[Any]]) -> list[list[Value]]:
    out = []
    for raw in rows:
        cells = [_clean(v) for v in raw]
        while cells and cells[-1] is None:
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def _check_size(sheet: Sheet) -> None:
    if len(sheet.rows) > MAX_ROWS:
        raise TableErrors(
            [
                TableError(
                    None,
                    None,
                    _("trop de lignes\u00a0: %(limit)s au plus") % {"limit": MAX_ROWS},
                    sheet.label,
                )
            ]
        )
    for i, row in enumerate(sheet.rows):
        if len(row) > MAX_COLUMNS:
            raise TableErrors(
                [
                    TableError(
                        sheet.row_number(i),
                        None,
                        _("trop de colonnes\u00a0: %(limit)s au plus") % {"limit": MAX_COLUMNS},
                        sheet.label,
                    )
                ]
            )


def decode(content: bytes) -> str:
    """UTF-8 with or without BOM; Windows-1252 as a French Excel saves « CSV (point-virgule) »."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def read_csv(content: bytes, section: Callable[[str], str | None]) -> list[Sheet]:
    """The sections of a CSV file; `section` turns a marker « [Name] » into a sheet name (None:
    not a marker). Rows before the first marker form a section named ""."""
    text = decode(content)
    delimiter = ";"
    for line in text.splitlines()[:20]:
        if ";" in line or "," in line:
            delimiter = ";" if line.count(";") >= line.count(",") else ","
            break
    sheets = [Sheet("", [], 1)]
    raw: list[list[str]] = []
    try:
        for number_, record in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            cells = [c.strip() for c in record]
            filled = [c for c in cells if c]
            if len(filled) == 1 and cells[0].startswith("[") and cells[0].endswith("]"):
                name = section(cells[0][1:-1].strip())
                if name is not None:
                    sheets[-1].rows = _trim(raw)
                    sheets.append(Sheet(name, [], number_ + 1))
                    raw = []
                    continue
            raw.append(record)
            if len(raw) > MAX_ROWS + 1:
                break
    except csv.Error:
        raise fail(_("fichier CSV illisible")) from None
    sheets[-1].rows = _trim(raw)
    sheets = [s for s in sheets if s.name or s.rows]
    for sheet in sheets:
        _check_size(sheet)
    return sheets


def read_xlsx(content: bytes) -> list[Sheet]:
    """Every sheet of a workbook (values of formulas as last computed by the spreadsheet)."""
    try:
        check_office_container(io.BytesIO(content), "xlsx", max_bytes=MAX_BYTES)
    except ValidationError as error:
        raise fail(
            _("fichier XLSX illisible\u00a0: %(why)s") % {"why": " ".join(error.messages)}
        ) from None
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged or foreign archive
        raise fail(_("fichier XLSX illisible")) from None
    try:
        worksheets = workbook.worksheets
        if len(worksheets) > MAX_SHEETS:
            raise fail(_("trop de feuilles\u00a0: %(limit)s au plus") % {"limit": MAX_SHEETS})
        several = len(worksheets) > 1
        sheets = []
        for ws in worksheets:
            rows = ws.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS + 1, values_only=True)
            sheet = Sheet(ws.title, _trim(rows), 1, ws.title if several else "")
            _check_size(sheet)
            sheets.append(sheet)
        return sheets
    except TableErrors:
        raise
    except Exception:
        raise fail(_("fichier XLSX illisible")) from None
    finally:
        workbook.close()


def find(sheets: list[Sheet], name: str, position: int) -> Sheet | None:
    """The sheet called `name` (case and accents aside), else the one at `position`."""
    for sheet in sheets:
        if normalize(sheet.name) == normalize(name):
            return sheet
    return sheets[position] if position < len(sheets) else None


# Writing files ---------------------------------------------------------------------------------


@dataclass
class OutSheet:
    name: str
    rows: list[list[Value]]
    header_rows: int = 1  # shown in bold
    frozen: str | None = "B2"  # first cell not frozen (« B2 »: header row and first column)


def write_csv(sheets: list[OutSheet], *, markers: bool) -> bytes:
    """« ; » and UTF-8 with a BOM: Excel opens accents correctly only with the BOM.

    With `markers`, each sheet is a section opened by a line « [Name] »."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for k, sheet in enumerate(sheets):
        if markers:
            if k:
                writer.writerow([])
            writer.writerow([f"[{sheet.name}]"])
        for row in sheet.rows:
            writer.writerow(
                [
                    "" if v is None else inert(v) if isinstance(v, str) else format_number(v)
                    for v in row
                ]
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(sheets: list[OutSheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    bold = Font(bold=True)
    for sheet in sheets:
        ws = workbook.create_sheet(title=sheet.name)
        widths: dict[int, int] = {}
        for i, row in enumerate(sheet.rows):
            for j, value in enumerate(row):
                if value is None:
                    continue
                cell = ws.cell(row=i + 1, column=j + 1)
                if isinstance(value, str):
                    cell.value = inert(value)
                    cell.data_type = "s"  # text, never a formula
                    text = value
                else:
                    cell.value = value
                    text = format_number(value)
                if i < sheet.header_rows:
                    cell.font = bold
                longest = max(len(line) for line in text.split("\n"))
                widths[j] = max(widths.get(j, 0), longest)
        for j, width in widths.items():
            ws.column_dimensions[get_column_letter(j + 1)].width = min(max(width + 2, 6), 50)
        if sheet.frozen:
            ws.freeze_panes = sheet.frozen
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
