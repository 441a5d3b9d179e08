"""Foresight inputs through CSV and XLSX: round trips, practitioners' files, precise errors."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from fabriques.studies import tables
from fabriques.studies.tables import TableError, TableErrors, read, write

NBSP = "\u00a0"
DATA = Path(__file__).parent / "data"
CONSENSUS = {"consensus": {"rule": "iqr_at_most", "value": 1}}

# Names a spreadsheet mangles: accents, the separator, quotes, a line break, formula starts.
A, B, C, D = "Santé; «soins»", 'Logement "social"', "Mobilité\nrurale", "=SOMME(A1)"

DOCS: dict[str, dict[str, Any]] = {
    "micmac": {
        "variables": ["Emploi", A, B, C, D],
        "matrix": [
            [0, 2, 1, "P", 0],
            [0, 0, 3, 0, 1],
            [1, 0, 0, 2, 0],
            [3, 3, "P", 0, 0],
            [0, 0, 0, 1, 0],
        ],
    },
    "mactor": {
        "actors": ["État", A, "-Région"],
        "objectives": [B, "@cible"],
        "mid": [[0, 2, 1], [1, 0, 4], [0, 1, 0]],
        "positions": [[2, -1], [3, 0], [-4, 1]],
    },
    "cib": {
        "descriptors": [
            {"name": A, "variants": ["haut", "bas"]},
            {"name": "Climat", "variants": [C, "+2 °C", "+4 °C"]},
        ],
        "matrix": [
            [0, 0, 2, -2, 0],
            [0, 0, -1, 1, 3],
            [1, -1, 0, 0, 0],
            [-3, 3, 0, 0, 0],
            [0, 2, 0, 0, -3],
        ],
    },
    "morpho": {
        "components": [
            {"name": "Habitat", "hypotheses": ["dense", "diffus", D]},
            {"name": "Ville: centre", "hypotheses": ["h:1", B]},
            {"name": C, "hypotheses": ["oui"]},
        ],
        "exclusions": [
            [["Habitat", "dense"], ["Ville: centre", "h:1"]],
            [["Habitat", D], ["Ville: centre", B], [C, "oui"]],
            [["Habitat", "diffus"]],
        ],
    },
    "smic": {
        "hypotheses": [A, "Relance", D],
        "p": [0.6, 0.35, 1],
        "p_if": [[None, 0.7, 0.5], [0.4, None, None], [0.0, 0.25, None]],
        "p_if_not": [[None, None, 0.55], [0.3, None, 0.1], [None, None, None]],
    },
    "multipol": {
        "actions": ["A1", A],
        "criteria": ["coût", C],
        "scores": [[10, 4.5], [6, 8]],
        "policies": [
            {"name": "sobriété", "weights": [3, 1], "probability": 0.25},
            {"name": D, "weights": [1, 3.5], "probability": 0.75},
        ],
    },
    "regnier": {
        "statements": [A, "La ligne rouvrira"],
        "participants": ["Ann", B, "+Cyd"],
        "votes": [
            ["dark_green", "light_red", "white"],
            ["orange", "black", "dark_red"],
        ],
    },
    "delphi": {
        "experts": ["Ann", C, "=Bob"],
        "questions": [
            {"name": A, "rounds": [[1, 2.5, 10], [2, None, 3]]},
            {"name": "Part du vélo", "rounds": [[0.2, None, 0.3]]},
        ],
        **CONSENSUS,
    },
}
OPTIONS = {"delphi": CONSENSUS}


def rows_of_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A workbook as a practitioner's spreadsheet saves it."""
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def errors(method: str, filename: str, content: bytes, **kwargs: Any) -> list[str]:
    with pytest.raises(TableErrors) as caught:
        read(method, filename, content, **kwargs)
    return caught.value.messages()


# Round trips -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("method", list(DOCS))
def test_writing_then_reading_gives_the_document_back(method: str, fmt: str) -> None:
    doc = DOCS[method]
    content = write(method, doc, fmt)  # type: ignore[arg-type]
    assert read(method, f"export.{fmt}", content, options=OPTIONS.get(method)) == doc


def test_every_method_has_a_round_trip_document() -> None:
    assert set(DOCS) == set(tables.METHODS)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_delphi_without_expert_names_round_trips(fmt: str) -> None:
    doc = {
        "questions": [
            {"name": "Q1", "rounds": [[1, 2, 3, 4, 10], [2, 3, 3, 3, 4]]},
            {"name": "Q2", "rounds": [[5, 6]]},
        ],
        **CONSENSUS,
    }
    content = write("delphi", doc, fmt)  # type: ignore[arg-type]
    assert read("delphi", f"d.{fmt}", content, options=CONSENSUS) == doc


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_morpho_without_exclusions_round_trips(fmt: str) -> None:
    doc = {"components": [{"name": "X", "hypotheses": ["x1", "x2"]}]}
    assert read("morpho", f"m.{fmt}", write("morpho", doc, fmt)) == doc  # type: ignore[arg-type]


def test_options_are_added_and_table_fields_are_not_options() -> None:
    content = write("micmac", DOCS["micmac"], "csv")
    doc = read("micmac", "m.csv", content, options={"potential_value": 2})
    assert doc["potential_value"] == 2
    with pytest.raises(ValueError):
        read("micmac", "m.csv", content, options={"matrix": []})


def test_writing_refuses_an_invalid_document() -> None:
    from foresight import InputError

    with pytest.raises(InputError):
        write("micmac", {"variables": ["A"], "matrix": [[4]]}, "csv")


# What the written files look like ----------------------------------------------------------------


def test_csv_is_utf8_with_bom_and_semicolons_with_sections_for_several_tables() -> None:
    content = write("mactor", DOCS["mactor"], "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = rows_of_csv(content)
    assert rows[0] == ["[MID]"]
    assert rows[1] == ["", "État", A, "'-Région"]
    assert rows[5] == []
    assert rows[6] == ["[MAO]"]
    assert rows[7] == ["", B, "'@cible"]
    assert rows[8] == ["État", "2", "-1"]


def test_csv_writes_decimal_commas() -> None:
    rows = rows_of_csv(write("smic", DOCS["smic"], "csv"))
    assert [A, "0,6"] in rows
    assert ["Relance", "0,35"] in rows


def test_names_a_spreadsheet_would_run_are_written_with_an_apostrophe() -> None:
    doc = {
        "variables": ["=1+1", "+33", "-x", "@f", "\tcmd", "'=déjà", "2030"],
        "matrix": [[0] * 7 for _ in range(7)],
    }
    head = rows_of_csv(write("micmac", doc, "csv"))[0]
    assert head == ["", "'=1+1", "'+33", "'-x", "'@f", "'\tcmd", "''=déjà", "2030"]
    ws = load_workbook(io.BytesIO(write("micmac", doc, "xlsx"))).active
    assert ws is not None
    cells = [ws.cell(row=1, column=j) for j in range(2, 9)]
    assert [c.value for c in cells] == ["'=1+1", "'+33", "'-x", "'@f", "'\tcmd", "''=déjà", "2030"]
    assert {c.data_type for c in cells} == {"s"}  # text, never a formula
    # Numbers are numbers, negative ones included: only names are quoted.
    mactor = load_workbook(io.BytesIO(write("mactor", DOCS["mactor"], "xlsx")))["MAO"]
    assert mactor["C2"].value == -1
    # Read back, every name is as it was.
    assert read("micmac", "m.csv", write("micmac", doc, "csv")) == doc


def test_xlsx_has_a_bold_header_frozen_panes_and_widths() -> None:
    wb = load_workbook(io.BytesIO(write("micmac", DOCS["micmac"], "xlsx")))
    ws = wb["MICMAC"]
    assert ws.freeze_panes == "B2"
    assert ws["B1"].font.b and not ws["B2"].font.b
    assert ws.column_dimensions["A"].width == len(B) + 2  # the longest name, plus a margin
    cib = load_workbook(io.BytesIO(write("cib", DOCS["cib"], "xlsx")))["CIB"]
    assert cib.freeze_panes == "C3"
    assert cib["C2"].font.b
    assert wb.sheetnames == ["MICMAC"]
    assert load_workbook(io.BytesIO(write("smic", DOCS["smic"], "xlsx"))).sheetnames == [
        "P(i)",
        "P(i|j)",
        "P(i|non j)",
    ]


# Practitioners' files --------------------------------------------------------------------------


def test_a_french_excel_csv_with_commas_blanks_and_spaces() -> None:
    text = (
        "Variables;Emploi ; Santé;Logement\r\n Emploi;;2; p \r\nSanté;1;0;3\r\nLogement;0,0;;\r\n"
    )
    doc = read("micmac", "analyse.csv", text.encode("cp1252"))
    assert doc == {
        "variables": ["Emploi", "Santé", "Logement"],
        "matrix": [[0, 2, "P"], [1, 0, 3], [0, 0, 0]],
    }
    assert read("micmac", "analyse.csv", text.encode("utf-8")) == doc


def test_a_comma_separated_file_with_quoted_decimal_commas() -> None:
    text = 'Hypothèse,P(i)\nA,"0,6"\nB,0.5\n'
    assert read("smic", "p.csv", text.encode()) == {
        "hypotheses": ["A", "B"],
        "p": [0.6, 0.5],
        "p_if": [[None, None], [None, None]],
        "p_if_not": [[None, None], [None, None]],
    }


def test_the_fixture_files_read() -> None:
    # cib_merged.csv: the README's worked CIB model, typed by hand with merged-looking blanks.
    doc = read("cib", "cib.csv", (DATA / "cib_merged.csv").read_bytes())
    assert doc == {
        "descriptors": [
            {"name": "A", "variants": ["a1", "a2"]},
            {"name": "B", "variants": ["b1", "b2"]},
        ],
        "matrix": [[0, 0, 2, -2], [0, 0, -1, 1], [1, -1, 0, 0], [-3, 3, 0, 0]],
    }


def test_xlsx_named_sheets_in_any_order_and_formulas_cached_values() -> None:
    content = workbook(
        {
            "Notes": [["", "MAO"], ["x", 1]],
            "MAO": [["", "O1"], ["A", 2], ["B", "=1+1"]],
            "MID": [["", "A", "B"], ["A", 0, 1], ["B", 2, 0]],
        }
    )
    # openpyxl stores no computed value: put in the one Excel would have saved.
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>-3</v>")
            dst.writestr(item, data)
    doc = read("mactor", "acteurs.xlsx", buffer.getvalue())
    assert doc["positions"] == [[2], [-3]]
    assert doc["mid"] == [[0, 1], [2, 0]]


def test_regnier_takes_french_colour_names() -> None:
    text = ";Ann;Bob;Cyd\nS1;Vert foncé;ROUGE CLAIR;vert fonce\nS2;blanc;Noir;light green\n"
    doc = read("regnier", "abaque.csv", text.encode())
    assert doc["votes"] == [
        ["dark_green", "light_red", "dark_green"],
        ["white", "black", "light_green"],
    ]


def test_morpho_exclusions_split_at_the_colon_that_names_a_hypothesis() -> None:
    text = "[Composantes]\nX;Y: z\nx1;a:b\nx2;c\n\n[Exclusions]\nX:x1;Y: z:a:b\nY: z : c\n"
    doc = read("morpho", "m.csv", text.encode())
    assert doc["exclusions"] == [[["X", "x1"], ["Y: z", "a:b"]], [["Y: z", "c"]]]


def test_cib_with_blank_descriptor_cells_like_merged_cells() -> None:
    text = ";;A;;B\nDescripteur;Variante;a1;a2;b1\nA;a1;0;0;3\n;a2;0;0;-3\nB;b1;1;-1;0\n"
    doc = read("cib", "c.csv", text.encode())
    assert doc["descriptors"] == [
        {"name": "A", "variants": ["a1", "a2"]},
        {"name": "B", "variants": ["b1"]},
    ]


# Errors that name the cell ---------------------------------------------------------------------


def test_a_value_out_of_scale_names_its_cell() -> None:
    names = ["V1", "V2", "V3", "V4", "V5", "V6"]
    rows = [["", *names]] + [[n] + ["0"] * 6 for n in names]
    rows[2][6] = "5"  # V2 on V6: row 3, column 7
    text = "\n".join(";".join(r) for r in rows)
    assert errors("micmac", "m.csv", text.encode()) == [
        f"ligne 3, colonne 7{NBSP}: la valeur doit être comprise entre 0 et 3"
    ]


def test_every_error_is_reported_at_once_up_to_twenty() -> None:
    text = ";A;B\nA;0;x\nB;-1;0\n"
    assert errors("micmac", "m.csv", text.encode()) == [
        f"ligne 2, colonne 3{NBSP}: «{NBSP}x{NBSP}» n’est pas une valeur de la matrice{NBSP}: "
        "0, 1, 2, 3 ou P",
        f"ligne 3, colonne 2{NBSP}: la valeur doit être comprise entre 0 et 3",
    ]
    n = 30
    names = [f"V{k}" for k in range(n)]
    text = "\n".join([";" + ";".join(names)] + [f"{v};" + ";".join(["9"] * n) for v in names])
    with pytest.raises(TableErrors) as caught:
        read("micmac", "m.csv", text.encode())
    assert len(caught.value.errors) == 20
    assert caught.value.more == n * n - 20
    assert caught.value.messages()[-1] == f"… et {n * n - 20} autres erreurs"
    assert caught.value.errors[0] == TableError(2, 2, "la valeur doit être comprise entre 0 et 3")


def test_a_name_twice_and_a_matrix_not_square() -> None:
    text = ";Emploi;Santé;Emploi\nEmploi;0;0;0\nSanté;0;0;0\nEmploi;0;0;0\n"
    assert errors("micmac", "m.csv", text.encode()) == [
        f"ligne 1{NBSP}: le nom «{NBSP}Emploi{NBSP}» apparaît deux fois",
        f"ligne 4, colonne 1{NBSP}: le nom «{NBSP}Emploi{NBSP}» apparaît deux fois",
    ]
    names = [f"V{k}" for k in range(12)]
    text = "\n".join([";" + ";".join(names[:11])] + [f"{v};" + ";".join("0" * 11) for v in names])
    assert errors("micmac", "m.csv", text.encode()) == [
        f"la matrice n’est pas carrée{NBSP}: 12 lignes pour 11 colonnes"
    ]


def test_rows_and_columns_must_name_the_same_variables() -> None:
    text = ";A;B\nA;0;1\nC;0;0\n"
    assert errors("micmac", "m.csv", text.encode()) == [
        f"ligne 3, colonne 1{NBSP}: le nom «{NBSP}C{NBSP}» ne correspond pas à celui de la "
        f"colonne 3 («{NBSP}B{NBSP}»)"
    ]


def test_a_value_right_of_the_table_is_refused() -> None:
    assert errors("micmac", "m.csv", b";A;B\nA;0;1;2\nB;0;0\n") == [
        f"ligne 2, colonne 4{NBSP}: valeur hors du tableau (aucun nom en tête de colonne)"
    ]


def test_the_library_error_is_placed_in_the_table() -> None:
    # A self-influence: the layout lets it through, micmac.parse refuses matrix[2][2].
    text = ";A;B;C\nA;0;1;0\nB;0;0;0\nC;0;0;2\n"
    assert errors("micmac", "m.csv", text.encode()) == [
        f"ligne 4, colonne 4{NBSP}: la diagonale doit être 0"
    ]
    # In a workbook of several sheets, the sheet is named too.
    content = workbook(
        {"MID": [["", "A", "B"], ["A", 3, 1], ["B", 2, 0]], "MAO": [["", "O"], ["A", 1], ["B", 0]]}
    )
    assert errors("mactor", "a.xlsx", content) == [
        f"feuille «{NBSP}MID{NBSP}», ligne 2, colonne 2{NBSP}: la diagonale doit être 0"
    ]


def test_a_library_error_without_a_cell_is_a_general_message() -> None:
    text = "[Notes]\n;c1\nA;1\n[Politiques]\nPolitique;c1;Probabilité\np1;1;0,5\np2;1;0,4\n"
    assert errors("multipol", "m.csv", text.encode()) == [
        f"les probabilités des politiques doivent avoir pour somme 1 (somme lue{NBSP}: 0.9)"
    ]
    text = "[Notes]\n;c1;c2\nA;1;2\n[Politiques]\nPolitique;c1;c2\np1;0;0\n"
    assert errors("multipol", "m.csv", text.encode()) == [
        f"ligne 6, colonne 1{NBSP}: tous les poids de la politique sont nuls"
    ]


def test_delphi_needs_its_consensus_rule_as_an_option() -> None:
    content = write("delphi", DOCS["delphi"], "csv")
    assert errors("delphi", "d.csv", content) == [
        "valeur refusée par la méthode (consensus: missing required field)"
    ]


def test_cib_out_of_scale_and_unmatched_headers() -> None:
    text = ";;A;;B\n;;a1;a2;b1\nA;a1;0;0;4\nA;a2;0;0;0\nB;b2;0;0;0\n"
    assert errors("cib", "c.csv", text.encode()) == [
        f"colonne 5{NBSP}: la colonne «{NBSP}B / b1{NBSP}» ne correspond pas à la ligne 5 "
        f"(«{NBSP}B / b2{NBSP}»)",
        f"ligne 3, colonne 5{NBSP}: la valeur doit être comprise entre -3 et 3",
    ]


def test_mactor_mao_must_list_the_mid_actors() -> None:
    text = "[MID]\n;A;B\nA;0;1\nB;1;0\n\n[MAO]\n;O1\nA;1\nC;-5\n"
    assert errors("mactor", "a.csv", text.encode()) == [
        f"ligne 9, colonne 2{NBSP}: la valeur doit être comprise entre -4 et 4",
        f"ligne 9, colonne 1{NBSP}: l’acteur «{NBSP}C{NBSP}» n’est pas celui de la ligne 4 de "
        f"la MID («{NBSP}B{NBSP}»)",
    ]


def test_regnier_unknown_and_missing_colours() -> None:
    messages = errors("regnier", "r.csv", b";Ann;Bob\nS1;violet;\n")
    assert messages[0].startswith(
        f"ligne 2, colonne 2{NBSP}: «{NBSP}violet{NBSP}» n’est pas une couleur de l’abaque"
    )
    assert messages[1] == f"ligne 2, colonne 3{NBSP}: la couleur manque"


def test_morpho_bad_exclusion_and_empty_component() -> None:
    text = "[Composantes]\nX;Y\nx1;\n[Exclusions]\nX:x9;X:x1\n"
    assert errors("morpho", "m.csv", text.encode()) == [
        f"colonne 2{NBSP}: la composante «{NBSP}Y{NBSP}» n’a aucune hypothèse",
        f"ligne 5, colonne 1{NBSP}: «{NBSP}X:x9{NBSP}»{NBSP}: écrivez Composante:Hypothèse, "
        "avec une composante du tableau et l’une de ses hypothèses",
    ]


def test_smic_probability_out_of_range_and_not_a_number() -> None:
    text = "[P(i)]\nHypothèse;P(i)\nA;1,2\nB;beaucoup\n"
    assert errors("smic", "s.csv", text.encode()) == [
        f"ligne 3, colonne 2{NBSP}: la valeur doit être comprise entre 0 et 1",
        f"ligne 4, colonne 2{NBSP}: «{NBSP}beaucoup{NBSP}» n’est pas un nombre",
    ]


def test_delphi_a_question_cannot_skip_a_round() -> None:
    text = "[Tour 1]\nQuestion;Ann\nQ1;\nQ2;3\n[Tour 2]\nQuestion;Ann\nQ1;4\nQ2;3\n"
    assert errors("delphi", "d.csv", text.encode(), options=CONSENSUS) == [
        f"ligne 7{NBSP}: la question «{NBSP}Q1{NBSP}» n’a pas de réponse au tour 1 mais en a "
        "ensuite"
    ]
    text = "Question;Ann\nQ1;\nQ2;3\n"
    assert errors("delphi", "d.csv", text.encode(), options=CONSENSUS) == [
        f"ligne 2{NBSP}: la question «{NBSP}Q1{NBSP}» n’a aucune réponse"
    ]


# Files refused as a whole ----------------------------------------------------------------------


def test_unreadable_too_large_or_foreign_files() -> None:
    assert errors("micmac", "m.xlsx", b"a;b\n") == ["fichier XLSX illisible"]
    assert errors("micmac", "m.xlsx", b"PK\x03\x04 not a zip")[0].startswith(
        "fichier XLSX illisible"
    )
    assert errors("micmac", "m.xls", b"\xd0\xcf\x11\xe0rest") == [
        f"format non pris en charge{NBSP}: enregistrez le tableau en XLSX ou en CSV"
    ]
    assert errors("micmac", "m.csv", b"x" * (2 * 1024 * 1024 + 1)) == [
        f"le fichier dépasse 2{NBSP}Mo{NBSP}: découpez-le"
    ]
    assert errors("micmac", "m.csv", b"\xef\xbb\xbf \n;;\n") == ["le fichier est vide"]


def test_too_many_rows_or_columns() -> None:
    text = "\n".join(f"V{k};0" for k in range(600))
    assert errors("micmac", "m.csv", text.encode()) == [f"trop de lignes{NBSP}: 500 au plus"]
    assert errors("micmac", "m.csv", (";" * 600 + "x\n").encode()) == [
        f"ligne 1{NBSP}: trop de colonnes{NBSP}: 500 au plus"
    ]
    content = workbook({"MICMAC": [["V"] * 501]})
    assert errors("micmac", "m.xlsx", content) == [
        f"ligne 1{NBSP}: trop de colonnes{NBSP}: 500 au plus"
    ]


def test_the_sheet_is_found_by_its_name_before_its_position() -> None:
    content = workbook(
        {"Lisez-moi": [["Analyse structurelle, mars"]], "micmac": [["", "A"], ["A", 0]]}
    )
    assert read("micmac", "m.xlsx", content) == {"variables": ["A"], "matrix": [[0]]}


def test_an_empty_section_is_named() -> None:
    text = "[MID]\n;A;B\nA;0;1\nB;1;0\n\n[MAO]\n\n"
    assert errors("mactor", "a.csv", text.encode()) == [f"le tableau «{NBSP}MAO{NBSP}» est vide"]


def test_smic_without_its_header_row_is_refused() -> None:
    assert errors("smic", "s.csv", b"A;0,6\nB;0,5\n") == [
        f"ligne 1{NBSP}: la première ligne est l’en-tête{NBSP}: Hypothèse, P(i)"
    ]


def test_xlsx_merged_descriptor_cells_and_names_typed_as_numbers() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in (
        ["", "", "Horizon", None],
        ["", "", 2030, 2050],
        ["Horizon", 2030, 0, 1],
        [None, 2050, -1, 0],
    ):
        ws.append(row)
    ws.merge_cells("C1:D1")
    ws.merge_cells("A3:A4")
    out = io.BytesIO()
    wb.save(out)
    assert read("cib", "c.xlsx", out.getvalue()) == {
        "descriptors": [{"name": "Horizon", "variants": ["2030", "2050"]}],
        "matrix": [[0, 1], [-1, 0]],
    }
