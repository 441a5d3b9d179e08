"""Each method's inputs as the tables practitioners keep, and back.

A reader takes the file's sheets and a `Collector`, records every problem with its cell and the
place of every field of the document it builds (so that the library's own checks can be traced
back to a cell), and returns the document. A writer returns the sheets of a document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from fabriques.core.text import normalize, quote
from fabriques.studies.tables._sheets import (
    Collector,
    OutSheet,
    Sheet,
    Value,
    find,
    format_number,
    number,
    shown,
)

Doc = dict[str, Any]

# Names of the sheets (XLSX) and sections (CSV « [MAO] »), per method.
MID, MAO = "MID", "MAO"
COMPONENTS, EXCLUSIONS = "Composantes", "Exclusions"
P, P_IF, P_IF_NOT = "P(i)", "P(i|j)", "P(i|non j)"
SCORES, POLICIES = "Notes", "Politiques"
PROBABILITY = "Probabilité"
ROUND = "Tour %(n)s"
CIB_SCALE = 3  # cross-impact judgements are written −3…+3

# Régnier: the library's codes, and the French names accepted as aliases.
COLOURS = ("dark_green", "light_green", "orange", "light_red", "dark_red", "white", "black")
COLOUR_ALIASES = {
    "vert fonce": "dark_green",
    "vert clair": "light_green",
    "orange": "orange",
    "rouge clair": "light_red",
    "rouge fonce": "dark_red",
    "blanc": "white",
    "noir": "black",
}


# Shared readers -------------------------------------------------------------------------------


def _text(value: Value) -> str | None:
    if value is None:
        return None
    # A name typed as a number in a workbook (a year, a code) is read as its text.
    return value if isinstance(value, str) else format_number(value)


def _names(
    sheet: Sheet,
    errs: Collector,
    cells: list[tuple[int, int]],
    path: str,
    *,
    along: str,
) -> list[str]:
    """Names read from `cells` (i, j): present and distinct. `along` is « row » when they run
    along a row (the message then names the row only), « column » otherwise."""
    out: list[str] = []
    seen: set[str] = set()
    for k, (i, j) in enumerate(cells):
        name = _text(sheet.cell(i, j))
        errs.place(f"{path}[{k}]", sheet, i, j)
        if name is None:
            errs.add(sheet, i, j, _("le nom manque"))
        elif name in seen:
            # Along the header row, the row says it all (« ligne 1 : le nom … »).
            at = None if along == "row" else j
            errs.add(sheet, i, at, _("le nom %(name)s apparaît deux fois") % {"name": quote(name)})
        seen.add(name or "")
        out.append(name or "")
    return out


def _check_width(sheet: Sheet, errs: Collector, i: int, width: int) -> None:
    """Cells right of the table (no name heads their column) are refused, not dropped."""
    row = sheet.rows[i] if i < len(sheet.rows) else []
    for j in range(width, len(row)):
        if row[j] is not None:
            errs.add(sheet, i, j, _("valeur hors du tableau (aucun nom en tête de colonne)"))
            return


def _range(lo: int | float, hi: int | float) -> str:
    return _("la valeur doit être comprise entre %(lo)s et %(hi)s") % {"lo": lo, "hi": hi}


def integer_cell(lo: int, hi: int, *, empty: int | None = 0) -> Callable[[Value], Any]:
    """A reader of integer cells on lo..hi; an empty cell is `empty` (None: refused)."""

    def read(value: Value) -> Any:
        if value is None:
            if empty is None:
                raise ValueError(_("la valeur manque"))
            return empty
        try:
            x = number(value)
        except ValueError:
            raise ValueError(_("%(value)s n’est pas un nombre") % {"value": shown(value)}) from None
        if isinstance(x, float):
            if not x.is_integer():
                raise ValueError(_("la valeur doit être un nombre entier"))
            x = int(x)
        if not lo <= x <= hi:
            raise ValueError(_range(lo, hi))
        return x

    return read


def number_cell(
    lo: float | None = None, hi: float | None = None, *, empty: str = "refuse"
) -> Callable[[Value], Any]:
    """A reader of numeric cells; `empty`: « refuse » or « null » (an estimate not given)."""

    def read(value: Value) -> Any:
        if value is None:
            if empty == "null":
                return None
            raise ValueError(_("la valeur manque"))
        try:
            x = number(value)
        except ValueError:
            raise ValueError(_("%(value)s n’est pas un nombre") % {"value": shown(value)}) from None
        if lo is not None and hi is not None and not lo <= x <= hi:
            raise ValueError(_range(lo, hi))
        if lo is not None and x < lo:
            raise ValueError(_("la valeur doit être au moins %(lo)s") % {"lo": lo})
        return x

    return read


def micmac_cell(value: Value) -> Any:
    """0–3 or P (a potential influence, either case); empty = 0."""
    if isinstance(value, str):
        if value.upper() == "P":
            return "P"
        try:
            number(value)
        except ValueError:
            raise ValueError(
                _("%(value)s n’est pas une valeur de la matrice\u00a0: 0, 1, 2, 3 ou P")
                % {"value": shown(value)}
            ) from None
    return integer_cell(0, 3)(value)


def colour_cell(value: Value) -> str:
    text = normalize(_text(value) or "").replace("_", " ")
    for code in COLOURS:
        if text == code.replace("_", " "):
            return code
    if text in COLOUR_ALIASES:
        return COLOUR_ALIASES[text]
    if value is None:
        raise ValueError(_("la couleur manque"))
    raise ValueError(
        _(
            "%(value)s n’est pas une couleur de l’abaque\u00a0: vert foncé, vert clair, orange, "
            "rouge clair, rouge foncé, blanc ou noir (ou dark_green, light_green, orange, "
            "light_red, dark_red, white, black)"
        )
        % {"value": shown(value)}
    )


def _values(
    sheet: Sheet,
    errs: Collector,
    i: int,
    columns: range,
    read: Callable[[Value], Any],
    path: str,
) -> list[Any]:
    out = []
    for k, j in enumerate(columns):
        errs.place(f"{path}[{k}]", sheet, i, j)
        try:
            out.append(read(sheet.cell(i, j)))
        except ValueError as error:
            errs.add(sheet, i, j, str(error))
            out.append(None)
    return out


def _grid(
    sheet: Sheet,
    errs: Collector,
    read: Callable[[Value], Any],
    path: str,
    names_path: str,
    *,
    square: bool,
    columns: list[str] | None = None,
) -> tuple[list[str], list[str], list[list[Any]]]:
    """A table with names in its first row and first column: (row names, column names, values).

    `square`: the row names must be the column names, in the same order. `columns`: the column
    names the table must carry (another sheet of the same document fixed them)."""
    if not sheet.rows:
        errs.add(sheet, None, None, _empty(sheet))
        return [], [], []
    width = len(sheet.rows[0])
    head = _names(
        sheet, errs, [(0, j) for j in range(1, width)], f"{names_path}:columns", along="row"
    )
    if columns is not None and head != columns and len(head) == len(columns):
        for j, (got, want) in enumerate(zip(head, columns, strict=True), 1):
            if got != want:
                errs.add(
                    sheet,
                    0,
                    j,
                    _("le nom %(got)s ne correspond pas à celui attendu (%(want)s)")
                    % {"got": quote(got), "want": quote(want)},
                )
                break
    elif columns is not None and len(head) != len(columns):
        errs.add(
            sheet,
            0,
            None,
            _("%(got)s colonnes pour %(want)s noms attendus")
            % {"got": len(head), "want": len(columns)},
        )
    rows = range(1, len(sheet.rows))
    names = _names(sheet, errs, [(i, 0) for i in rows], names_path, along="column")
    if square and len(names) != len(head):
        errs.add(
            sheet,
            None,
            None,
            _("la matrice n’est pas carrée\u00a0: %(rows)s lignes pour %(cols)s colonnes")
            % {"rows": len(names), "cols": len(head)},
        )
    elif square:
        for k, (got, want) in enumerate(zip(names, head, strict=True)):
            if got and want and got != want:
                errs.add(
                    sheet,
                    k + 1,
                    0,
                    _("le nom %(got)s ne correspond pas à celui de la colonne %(col)s (%(want)s)")
                    % {"got": quote(got), "col": k + 2, "want": quote(want)},
                )
                break
    values = []
    for k, i in enumerate(rows):
        errs.place(f"{path}[{k}]", sheet, i, None)
        _check_width(sheet, errs, i, width)
        values.append(_values(sheet, errs, i, range(1, width), read, f"{path}[{k}]"))
    return names, head, values


def _is_number(value: Value) -> bool:
    if value is None:
        return False
    try:
        number(value)
    except ValueError:
        return False
    return True


def _empty(sheet: Sheet | None) -> str:
    if sheet is None or not sheet.name:
        return _("le tableau est vide")
    return _("le tableau %(name)s est vide") % {"name": quote(sheet.name)}


def _alias(errs: Collector, new: str, old: str) -> None:
    if old in errs.places:
        errs.places[new] = errs.places[old]


def _grid_rows(
    names: list[str], head: list[str], values: list[list[Any]], corner: str = ""
) -> list[list[Value]]:
    return [[corner, *head]] + [[name, *row] for name, row in zip(names, values, strict=True)]


# One layout per method ------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    sheets: tuple[str, ...]  # sheet and section names (Delphi: « Tour 1 », « Tour 2 »…)
    fields: tuple[str, ...]  # the document fields the tables carry
    read: Callable[[list[Sheet], Collector], Doc]
    write: Callable[[Doc], list[OutSheet]]


def _micmac_read(sheets: list[Sheet], errs: Collector) -> Doc:
    sheet = find(sheets, "MICMAC", 0) or sheets[0]
    names, _head, matrix = _grid(sheet, errs, micmac_cell, "matrix", "variables", square=True)
    return {"variables": names, "matrix": matrix}


def _micmac_write(doc: Doc) -> list[OutSheet]:
    if "matrix" not in doc:
        raise ValueError("several experts' matrices have no table layout; write each one")
    names = doc["variables"]
    return [OutSheet("MICMAC", _grid_rows(names, names, doc["matrix"]))]


def _mactor_read(sheets: list[Sheet], errs: Collector) -> Doc:
    mid, mao = find(sheets, MID, 0), find(sheets, MAO, 1)
    if mid is None or mao is None:
        errs.add(None, None, None, _("il faut deux tableaux, MID et MAO"))
        return {}
    actors, _head, matrix = _grid(mid, errs, integer_cell(0, 4), "mid", "actors", square=True)
    rows, objectives, positions = _grid(
        mao, errs, integer_cell(-4, 4), "positions", "mao:actors", square=False
    )
    for k, (got, want) in enumerate(zip(rows, actors, strict=False)):
        if got != want:
            errs.add(
                mao,
                k + 1,
                0,
                _("l’acteur %(got)s n’est pas celui de la ligne %(row)s de la MID (%(want)s)")
                % {"got": quote(got), "row": mid.row_number(k + 1), "want": quote(want)},
            )
            break
    if mao.rows and len(rows) != len(actors):
        errs.add(
            mao,
            None,
            None,
            _("%(got)s acteurs pour %(want)s dans la MID")
            % {"got": len(rows), "want": len(actors)},
        )
    for k in range(len(objectives)):
        _alias(errs, f"objectives[{k}]", f"mao:actors:columns[{k}]")
    return {"actors": actors, "objectives": objectives, "mid": matrix, "positions": positions}


def _mactor_write(doc: Doc) -> list[OutSheet]:
    actors = doc["actors"]
    return [
        OutSheet(MID, _grid_rows(actors, actors, doc["mid"])),
        OutSheet(MAO, _grid_rows(actors, doc["objectives"], doc["positions"])),
    ]


def _cib_read(sheets: list[Sheet], errs: Collector) -> Doc:
    """Columns A and B: descriptor and variant of each row; rows 1 and 2: descriptor and variant
    of each column; an empty descriptor cell repeats the one before (merged cells)."""
    sheet = find(sheets, "CIB", 0) or sheets[0]
    if len(sheet.rows) < 3:
        errs.add(sheet, None, None, _empty(sheet))
        return {}

    def pairs(cells: list[tuple[int, int, int, int]]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        current = None
        for di, dj, vi, vj in cells:
            descriptor = _text(sheet.cell(di, dj)) or current
            variant = _text(sheet.cell(vi, vj))
            if descriptor is None:
                errs.add(sheet, di, dj, _("le nom du descripteur manque"))
            if variant is None:
                errs.add(sheet, vi, vj, _("le nom de la variante manque"))
            current = descriptor
            out.append((descriptor or "", variant or ""))
        return out

    width = len(sheet.rows[1])
    cols = pairs([(0, j, 1, j) for j in range(2, width)])
    rows = pairs([(i, 0, i, 1) for i in range(2, len(sheet.rows))])
    descriptors: list[dict[str, Any]] = []
    for n, (descriptor, variant) in enumerate(rows):
        i = n + 2
        if not descriptors or descriptors[-1]["name"] != descriptor:
            if any(d["name"] == descriptor for d in descriptors):
                errs.add(
                    sheet,
                    i,
                    0,
                    _(
                        "le descripteur %(name)s apparaît deux fois (ses variantes doivent se suivre)"
                    )
                    % {"name": quote(descriptor)},
                )
            errs.place(f"descriptors[{len(descriptors)}]", sheet, i, 0)
            errs.place(f"descriptors[{len(descriptors)}].name", sheet, i, 0)
            errs.place(f"descriptors[{len(descriptors)}].variants", sheet, i, 1)
            descriptors.append({"name": descriptor, "variants": []})
        variants = descriptors[-1]["variants"]
        if variant in variants:
            errs.add(
                sheet,
                i,
                1,
                _("la variante %(name)s apparaît deux fois") % {"name": quote(variant)},
            )
        errs.place(f"descriptors[{len(descriptors) - 1}].variants[{len(variants)}]", sheet, i, 1)
        variants.append(variant)
    if len(rows) != len(cols):
        errs.add(
            sheet,
            None,
            None,
            _("la matrice n’est pas carrée\u00a0: %(rows)s lignes pour %(cols)s colonnes")
            % {"rows": len(rows), "cols": len(cols)},
        )
    else:
        for n, (got, want) in enumerate(zip(cols, rows, strict=True)):
            if got != want:
                errs.add(
                    sheet,
                    None,
                    n + 2,
                    _("la colonne %(got)s ne correspond pas à la ligne %(row)s (%(want)s)")
                    % {
                        "got": quote(" / ".join(got)),
                        "row": sheet.row_number(n + 2),
                        "want": quote(" / ".join(want)),
                    },
                )
                break
    matrix = []
    for n in range(len(rows)):
        i = n + 2
        errs.place(f"matrix[{n}]", sheet, i, None)
        _check_width(sheet, errs, i, width)
        read = integer_cell(-CIB_SCALE, CIB_SCALE)
        matrix.append(_values(sheet, errs, i, range(2, width), read, f"matrix[{n}]"))
    return {"descriptors": descriptors, "matrix": matrix}


def _cib_write(doc: Doc) -> list[OutSheet]:
    head_d: list[Value] = ["", ""]
    head_v: list[Value] = [_("Descripteur"), _("Variante")]
    labels = []
    for d in doc["descriptors"]:
        for v in d["variants"]:
            head_d.append(d["name"])
            head_v.append(v)
            labels.append([d["name"], v])
    rows = [head_d, head_v] + [[*lab, *row] for lab, row in zip(labels, doc["matrix"], strict=True)]
    return [OutSheet("CIB", rows, header_rows=2, frozen="C3")]


def _element(text: str, components: dict[str, list[str]]) -> list[str] | None:
    """« Composante:Hypothèse », split at the colon that names a component and one of its
    hypotheses (either may itself hold a colon)."""
    for m in re.finditer(":", text):
        c, h = text[: m.start()].strip(), text[m.end() :].strip()
        if h in components.get(c, ()):
            return [c, h]
    return None


def _morpho_read(sheets: list[Sheet], errs: Collector) -> Doc:
    sheet = find(sheets, COMPONENTS, 0)
    if sheet is None or not sheet.rows:
        errs.add(sheet, None, None, _empty(sheet))
        return {}
    width = len(sheet.rows[0])
    names = _names(sheet, errs, [(0, j) for j in range(width)], "components:names", along="row")
    components: list[dict[str, Any]] = []
    for j, name in enumerate(names):
        errs.place(f"components[{j}]", sheet, 0, j)
        errs.place(f"components[{j}].name", sheet, 0, j)
        errs.place(f"components[{j}].hypotheses", sheet, 0, j)
        hypotheses: list[str] = []
        for i in range(1, len(sheet.rows)):
            h = _text(sheet.cell(i, j))
            if h is None:
                continue
            if h in hypotheses:
                errs.add(
                    sheet, i, j, _("l’hypothèse %(name)s apparaît deux fois") % {"name": quote(h)}
                )
            errs.place(f"components[{j}].hypotheses[{len(hypotheses)}]", sheet, i, j)
            hypotheses.append(h)
        if not hypotheses and name:
            errs.add(
                sheet,
                None,
                j,
                _("la composante %(name)s n’a aucune hypothèse") % {"name": quote(name)},
            )
        components.append({"name": name, "hypotheses": hypotheses})
    for i in range(1, len(sheet.rows)):
        _check_width(sheet, errs, i, width)
    doc: Doc = {"components": components}
    excl = find(sheets, EXCLUSIONS, 1) if len(sheets) > 1 else None
    if excl is None or excl is sheet:
        return doc
    known: dict[str, list[str]] = {c["name"]: c["hypotheses"] for c in components}
    exclusions: list[list[list[str] | None]] = []
    for i, row in enumerate(excl.rows):
        if not any(v is not None for v in row):
            continue
        errs.place(f"exclusions[{len(exclusions)}]", excl, i, None)
        elements: list[list[str] | None] = []
        for j, value in enumerate(row):
            text = _text(value)
            if text is None:
                continue
            element = _element(text, known)
            if element is None:
                errs.add(
                    excl,
                    i,
                    j,
                    _(
                        "%(value)s\u00a0: écrivez Composante:Hypothèse, avec une composante du tableau "
                        "et l’une de ses hypothèses"
                    )
                    % {"value": quote(text)},
                )
            errs.place(f"exclusions[{len(exclusions)}][{len(elements)}]", excl, i, j)
            elements.append(element)
        exclusions.append(elements)
    if exclusions:
        doc["exclusions"] = exclusions
    return doc


def _morpho_write(doc: Doc) -> list[OutSheet]:
    components = doc["components"]
    depth = max(len(c["hypotheses"]) for c in components)
    rows: list[list[Value]] = [[c["name"] for c in components]]
    for k in range(depth):
        rows.append([c["hypotheses"][k] if k < len(c["hypotheses"]) else None for c in components])
    sheets = [OutSheet(COMPONENTS, rows, frozen="A2")]
    if doc.get("exclusions"):
        lines: list[list[Value]] = [[f"{c}:{h}" for c, h in e] for e in doc["exclusions"]]
        sheets.append(OutSheet(EXCLUSIONS, lines, header_rows=0, frozen=None))
    return sheets


def _smic_read(sheets: list[Sheet], errs: Collector) -> Doc:
    first = find(sheets, P, 0)
    if first is None or len(first.rows) < 2:
        errs.add(first, None, None, _empty(first))
        return {}
    if _is_number(first.cell(0, 1)):
        # A forgotten header would silently turn the first hypothesis into it.
        errs.add(first, 0, None, _("la première ligne est l’en-tête\u00a0: Hypothèse, P(i)"))
    hypotheses = _names(
        first, errs, [(i, 0) for i in range(1, len(first.rows))], "hypotheses", along="column"
    )
    p = []
    for k, i in enumerate(range(1, len(first.rows))):
        _check_width(first, errs, i, 2)
        p += _values(first, errs, i, range(1, 2), number_cell(0, 1), f"p[{k}]")
        _alias(errs, f"p[{k}]", f"p[{k}][0]")
    doc: Doc = {"hypotheses": hypotheses, "p": p}
    n = len(hypotheses)
    for key, name, position in (("p_if", P_IF, 1), ("p_if_not", P_IF_NOT, 2)):
        sheet = find(sheets, name, position)
        if sheet is None or sheet is first:
            doc[key] = [[None] * n for _ in range(n)]
            continue
        # The diagonal says nothing (P(i|i) = 1): whatever it holds (« - », « X ») is ignored.
        for i, row in enumerate(sheet.rows[1:], 1):
            if i < len(row):
                row[i] = None
        _rows, _head, matrix = _grid(
            sheet,
            errs,
            number_cell(0, 1, empty="null"),
            key,
            f"{key}:names",
            square=True,
            columns=hypotheses,
        )
        doc[key] = matrix
    return doc


def _smic_write(doc: Doc) -> list[OutSheet]:
    if "p" not in doc:
        raise ValueError("several experts' estimates have no table layout; write each one")
    names = doc["hypotheses"]
    return [
        OutSheet(
            P, [[_("Hypothèse"), "P(i)"]] + [[h, x] for h, x in zip(names, doc["p"], strict=True)]
        ),
        OutSheet(P_IF, _grid_rows(names, names, doc["p_if"], "P(i|j)")),
        OutSheet(P_IF_NOT, _grid_rows(names, names, doc["p_if_not"], "P(i|non j)")),
    ]


def _multipol_read(sheets: list[Sheet], errs: Collector) -> Doc:
    scores_sheet, policies_sheet = find(sheets, SCORES, 0), find(sheets, POLICIES, 1)
    if scores_sheet is None or policies_sheet is None:
        errs.add(None, None, None, _("il faut deux tableaux, Notes et Politiques"))
        return {}
    actions, criteria, scores = _grid(
        scores_sheet, errs, number_cell(), "scores", "actions", square=False
    )
    for k in range(len(criteria)):
        _alias(errs, f"criteria[{k}]", f"actions:columns[{k}]")
    head = policies_sheet.rows[0] if policies_sheet.rows else []
    with_probability = len(head) == len(criteria) + 2 and normalize(_text(head[-1]) or "") in (
        "probabilite",
        "probability",
    )
    if with_probability:
        saved = policies_sheet.rows
        policies_sheet.rows = [row[: len(criteria) + 1] for row in saved]
    names, _head, weights = _grid(
        policies_sheet,
        errs,
        number_cell(0),
        "weights",
        "policies:names",
        square=False,
        columns=criteria,
    )
    policies = []
    for k, (name, row) in enumerate(zip(names, weights, strict=True)):
        policy: dict[str, Any] = {"name": name, "weights": row}
        for key in ("", ".name", ".weights"):
            _alias(errs, f"policies[{k}]{key}", f"policies:names[{k}]")
        for j in range(len(row)):
            _alias(errs, f"policies[{k}].weights[{j}]", f"weights[{k}][{j}]")
        policies.append(policy)
    if with_probability:
        policies_sheet.rows = saved
        j = len(criteria) + 1
        for k, policy in enumerate(policies):
            errs.place(f"policies[{k}].probability", policies_sheet, k + 1, j)
            value = policies_sheet.cell(k + 1, j)
            if value is None:
                continue
            try:
                policy["probability"] = number_cell(0, 1)(value)
            except ValueError as error:
                errs.add(policies_sheet, k + 1, j, str(error))
        for k in range(len(policies)):
            _check_width(policies_sheet, errs, k + 1, j + 1)
    return {"actions": actions, "criteria": criteria, "scores": scores, "policies": policies}


def _multipol_write(doc: Doc) -> list[OutSheet]:
    criteria = doc["criteria"]
    policies = doc["policies"]
    with_probability = any("probability" in p for p in policies)
    head: list[Value] = [_("Politique"), *criteria] + ([PROBABILITY] if with_probability else [])
    rows = [head] + [
        [p["name"], *p["weights"]] + ([p.get("probability")] if with_probability else [])
        for p in policies
    ]
    return [
        OutSheet(SCORES, _grid_rows(doc["actions"], criteria, doc["scores"], _("Action"))),
        OutSheet(POLICIES, rows),
    ]


def _regnier_read(sheets: list[Sheet], errs: Collector) -> Doc:
    statements, participants, votes = _grid(
        find(sheets, "Abaque", 0) or sheets[0],
        errs,
        colour_cell,
        "votes",
        "statements",
        square=False,
    )
    for k in range(len(participants)):
        _alias(errs, f"participants[{k}]", f"statements:columns[{k}]")
    return {"statements": statements, "participants": participants, "votes": votes}


def _regnier_write(doc: Doc) -> list[OutSheet]:
    votes = doc["votes"]
    width = len(votes[0]) if votes else 0
    participants = doc.get("participants") or [f"P{k}" for k in range(1, width + 1)]
    return [OutSheet("Abaque", _grid_rows(doc["statements"], participants, votes))]


def round_name(n: int) -> str:
    return ROUND % {"n": n}


def _delphi_read(sheets: list[Sheet], errs: Collector) -> Doc:
    """One sheet per round, questions × experts; an empty cell: the expert did not answer. With
    no expert named in the first row, a round's answers are its row's filled cells."""
    rounds = [s for s in sheets if re.fullmatch(r"tour \d+", normalize(s.name))]
    rounds.sort(key=lambda s: int(normalize(s.name).split()[1]))
    rounds = rounds or sheets
    first = rounds[0]
    if not first.rows:
        errs.add(first, None, None, _empty(first))
        return {}
    anonymous = len(first.rows[0]) <= 1
    questions: list[dict[str, Any]] = []
    experts: list[str] = []
    done: dict[int, int] = {}  # question → the round it stopped at
    skipped: set[int] = set()  # questions that came back after a round without answers
    values: list[list[Any]] = []
    for r, sheet in enumerate(rounds):
        if anonymous:
            head: list[str] = []
            names = _names(
                sheet, errs, [(i, 0) for i in range(1, len(sheet.rows))], f"r{r}", along="column"
            )
            width = max((len(row) for row in sheet.rows), default=1)
        else:
            names, head, values = _grid(
                sheet,
                errs,
                number_cell(empty="null"),
                f"r{r}:values",
                f"r{r}",
                square=False,
                columns=experts if r else None,
            )
            width = len(head) + 1
        if r == 0:
            experts = head
            questions = [{"name": name, "rounds": []} for name in names]
            for k in range(len(names)):
                for key in ("", ".name", ".rounds"):
                    _alias(errs, f"questions[{k}]{key}", f"r0[{k}]")
        elif names != [q["name"] for q in questions]:
            errs.add(
                sheet,
                None,
                0,
                _("les questions doivent être celles du premier tour, dans le même ordre"),
            )
            continue
        for k, question in enumerate(questions):
            i = k + 1
            if anonymous:
                answers: list[Any] = []
                for j in range(1, width):
                    value = sheet.cell(i, j)
                    if value is None:
                        continue
                    errs.place(f"questions[{k}].rounds[{r}][{len(answers)}]", sheet, i, j)
                    try:
                        answers.append(number_cell()(value))
                    except ValueError as error:
                        errs.add(sheet, i, j, str(error))
            else:
                answers = values[k]
                for j in range(len(answers)):
                    _alias(errs, f"questions[{k}].rounds[{r}][{j}]", f"r{r}:values[{k}][{j}]")
            errs.place(f"questions[{k}].rounds[{r}]", sheet, i, None)
            if all(a is None for a in answers):
                done.setdefault(k, r)
            elif k in done:
                skipped.add(k)
                errs.add(
                    sheet,
                    i,
                    None,
                    _("la question %(name)s n’a pas de réponse au tour %(n)s mais en a ensuite")
                    % {"name": quote(question["name"]), "n": done[k] + 1},
                )
            else:
                question["rounds"].append(answers)
    for k, question in enumerate(questions):
        if not question["rounds"] and question["name"] and k not in skipped:
            errs.add(
                first,
                k + 1,
                None,
                _("la question %(name)s n’a aucune réponse") % {"name": quote(question["name"])},
            )
    doc: Doc = {"questions": questions}
    if experts:
        doc["experts"] = experts
        for k in range(len(experts)):
            _alias(errs, f"experts[{k}]", f"r0:columns[{k}]")
    return doc


def _delphi_write(doc: Doc) -> list[OutSheet]:
    questions = doc["questions"]
    experts = doc.get("experts")
    count = max(len(q["rounds"]) for q in questions)
    sheets = []
    for r in range(count):
        rows: list[list[Value]] = [[_("Question"), *(experts or [])]]
        for q in questions:
            rows.append([q["name"], *(q["rounds"][r] if r < len(q["rounds"]) else [])])
        sheets.append(OutSheet(round_name(r + 1), rows))
    return sheets


LAYOUTS = {
    "micmac": Layout(("MICMAC",), ("variables", "matrix"), _micmac_read, _micmac_write),
    "mactor": Layout(
        (MID, MAO), ("actors", "objectives", "mid", "positions"), _mactor_read, _mactor_write
    ),
    "cib": Layout(("CIB",), ("descriptors", "matrix"), _cib_read, _cib_write),
    "morpho": Layout(
        (COMPONENTS, EXCLUSIONS), ("components", "exclusions"), _morpho_read, _morpho_write
    ),
    "smic": Layout(
        (P, P_IF, P_IF_NOT), ("hypotheses", "p", "p_if", "p_if_not"), _smic_read, _smic_write
    ),
    "multipol": Layout(
        (SCORES, POLICIES),
        ("actions", "criteria", "scores", "policies"),
        _multipol_read,
        _multipol_write,
    ),
    "regnier": Layout(
        ("Abaque",), ("statements", "participants", "votes"), _regnier_read, _regnier_write
    ),
    "delphi": Layout(("Tour 1",), ("questions", "experts"), _delphi_read, _delphi_write),
}
