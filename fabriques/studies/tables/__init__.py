"""The foresight methods' inputs as spreadsheets (CSV and XLSX) and back.

`read(method, filename, content)` turns a file into the method's JSON input document (the one
`foresight.<method>.parse` takes) and `write(method, doc, fmt)` does the reverse; writing then
reading gives the same document back. Layouts (XLSX sheets; in CSV, sections opened by a line
« [Name] » when a method needs several tables):

- micmac: one square matrix, variable names in row 1 and column A, cells 0–3 or P (empty = 0).
- mactor: sheets « MID » (actors × actors, 0–4) and « MAO » (actors × objectives, −4…+4).
- cib: columns A and B give each row's descriptor and variant, rows 1 and 2 each column's
  descriptor and variant (an empty descriptor cell repeats the one before, as merged cells do);
  cells −3…+3 (empty = 0), self-impacts accepted.
- morpho: sheet « Composantes », one column per component (name in row 1, its hypotheses
  below); optional sheet « Exclusions », one exclusion per row, cells « Composante:Hypothèse ».
- smic: « P(i) » (hypothesis, probability), « P(i|j) » and « P(i|non j) » (square; the cell in
  row i, column j is P(i|j); empty = not given; the diagonal is ignored).
- multipol: « Notes » (actions × criteria) and « Politiques » (policies × criteria weights,
  optional last column « Probabilité »).
- regnier: statements × participants, colours as the library's codes (dark_green…) or their
  French names (« vert foncé », « vert clair », « orange », « rouge clair », « rouge foncé »,
  « blanc », « noir »), case and accents aside; an empty cell is refused (white is a vote);
  written as codes, with columns P1, P2… when the document names no participant.
- delphi: one sheet per round, « Tour 1 », « Tour 2 »…, questions × experts (empty: no answer);
  without expert names in row 1, a round's answers are its row's filled cells.

Reading accepts CSV in UTF-8 with or without BOM (or Windows-1252), « ; » or « , » (the first
line that has either decides), decimal commas, and trims cells (a name's outer spaces are
not kept); XLSX is read with openpyxl in
read-only mode, formulas giving their last computed value. At most 2 MB, 500 rows and 500
columns per sheet. Errors name the cell (« ligne 3, colonne 7 : … »), up to 20 at once, and
nothing is returned unless the whole document passes the method's own `parse`.

Writing gives CSV with « ; » in UTF-8 *with* a BOM (without it Excel reads accents as
Windows-1252) and XLSX with a bold header, frozen first row and column, and column widths.
Names that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a leading
apostrophe, which reading takes off again. Only the table fields (`TABLE_FIELDS`) are written;
options (potential_value, max_inconsistency, consensus…), morphological obligations and
implications and Delphi Likert settings are not: pass them back to `read` as `options`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from typing import Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fabriques.core.text import normalize, quote
from fabriques.studies.tables._layouts import LAYOUTS, Doc
from fabriques.studies.tables._sheets import (
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ERRORS,
    MAX_ROWS,
    Collector,
    TableError,
    TableErrors,
    fail,
    read_csv,
    read_xlsx,
    write_csv,
    write_xlsx,
)
from foresight import InputError

METHODS = tuple(LAYOUTS)
TABLE_FIELDS = {method: layout.fields for method, layout in LAYOUTS.items()}

__all__ = [
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_ERRORS",
    "MAX_ROWS",
    "METHODS",
    "TABLE_FIELDS",
    "TableError",
    "TableErrors",
    "read",
    "write",
]


def _layout(method: str) -> Any:
    if method not in LAYOUTS:
        raise ValueError(f"no table layout for method {method!r}")
    return LAYOUTS[method]


def _format(filename: str, content: bytes) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if content.startswith(b"PK\x03\x04"):
        return "xlsx"
    if extension == "xlsx":
        raise fail(_("fichier XLSX illisible"))
    if extension in ("xls", "ods", "numbers") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise fail(_("format non pris en charge\u00a0: enregistrez le tableau en XLSX ou en CSV"))
    return "csv"


def _section(method: str) -> Any:
    names = {normalize(name): name for name in LAYOUTS[method].sheets}

    def section(marker: str) -> str | None:
        key = normalize(marker)
        if method == "delphi":
            return marker if re.fullmatch(r"tour \d+", key) else None
        return names.get(key)

    return section


def read(
    method: str, filename: str, content: bytes, *, options: Mapping[str, Any] | None = None
) -> Doc:
    """The method's input document read from a CSV or XLSX file; `options` (fields the tables
    do not carry, such as Delphi's `consensus`) are added before the method's `parse` checks it.

    Raises `TableErrors` naming each faulty cell."""
    layout = _layout(method)
    if len(content) > MAX_BYTES:
        raise fail(_("le fichier dépasse 2\u00a0Mo\u00a0: découpez-le"))
    if _format(filename, content) == "xlsx":
        sheets = read_xlsx(content)
    else:
        sheets = read_csv(content, _section(method))
    if not any(sheet.rows for sheet in sheets):
        raise fail(_("le fichier est vide"))
    errs = Collector()
    doc = layout.read(sheets, errs)
    errs.check()
    for key, value in (options or {}).items():
        if key in layout.fields:
            raise ValueError(f"{key!r} comes from the table, not from the options")
        doc[key] = value
    parse = importlib.import_module(f"foresight.{method}").parse
    try:
        parse(doc)
    except InputError as error:
        raise TableErrors([_translate(error, errs.places)]) from None
    return doc


def write(method: str, doc: Mapping[str, Any], fmt: Literal["csv", "xlsx"]) -> bytes:
    """The tables of a valid input document (checked by the method's `parse` first: an
    invalid one raises `foresight.InputError`) as a CSV or XLSX file."""
    layout = _layout(method)
    importlib.import_module(f"foresight.{method}").parse(doc)
    sheets = layout.write(dict(doc))
    if fmt == "csv":
        return write_csv(sheets, markers=len(sheets) > 1)
    if fmt == "xlsx":
        return write_xlsx(sheets)
    raise ValueError(f"unknown format {fmt!r}")


# The library's messages a table can trigger past the layout's own checks, in French.
_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"the diagonal must be 0.*", gettext_noop("la diagonale doit être 0")),
    (r"duplicate name '(?P<name>.*)'", gettext_noop("le nom %(name)s apparaît deux fois")),
    (r"all weights are zero", gettext_noop("tous les poids de la politique sont nuls")),
    (
        r"probabilities must sum to 1, got (?P<value>.*)",
        gettext_noop(
            "les probabilités des politiques doivent avoir pour somme 1 (somme lue\u00a0: %(value)s)"
        ),
    ),
    (
        r"missing: give a probability to every policy or to none",
        gettext_noop("la probabilité manque\u00a0: donnez-en une à chaque politique ou à aucune"),
    ),
    (r"no answer in this round", gettext_noop("aucune réponse à ce tour")),
    (
        r"at most (?P<value>\d+) hypotheses per component",
        gettext_noop("%(value)s hypothèses au plus par composante"),
    ),
    (r"at most (?P<value>\d+) hypotheses .*", gettext_noop("%(value)s hypothèses au plus")),
    (
        r"(both|two) elements belong to the same component.*",
        gettext_noop("deux éléments de l’exclusion appartiennent à la même composante"),
    ),
    (
        r"expected at least (?P<value>\d+) element.*",
        gettext_noop("il faut au moins %(value)s noms"),
    ),
)


def _translate(
    error: InputError, places: dict[str, tuple[str, int | None, int | None]]
) -> TableError:
    """The library's error placed in the table: the field's own cell, else its row or list."""
    message = None
    for pattern, french in _MESSAGES:
        match = re.fullmatch(pattern, error.message)
        if match:
            values = {k: quote(v) if k == "name" else v for k, v in match.groupdict().items()}
            message = _(french) % values
            break
    if message is None:
        message = _("valeur refusée par la méthode (%(detail)s)") % {
            "detail": f"{error.field}: {error.message}"
        }
    field = error.field
    while field:
        if field in places:
            sheet, row, column = places[field]
            return TableError(row, column, message, sheet)
        # matrix[2][6] → matrix[2] → matrix; descriptors[1].variants → descriptors[1].
        parent = re.sub(r"(\[\d+\]|\.\w+)$", "", field)
        field = parent if parent != field else ""
    return TableError(None, None, message)
