"""The result charts: well-formed, titled and described SVG, tables equal to the library's
figures in French, escaping, determinism, degenerate inputs, contrast."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from fabriques.studies.charts import (
    CELL_FILLS,
    CELL_TEXT,
    GRAPHIC_PAIRS,
    TEXT_PAIRS,
    Chart,
    contrast_ratio,
    delphi_boxplots,
    fr_number,
    mactor_balance,
    mactor_graph,
    mactor_mobilisation,
    mactor_plane,
    micmac_graph,
    micmac_plane,
    regnier_abacus,
)
from fabriques.studies.charts._svg import nice_ticks, plane_ticks
from foresight import delphi, mactor, micmac, regnier

NS = "{http://www.w3.org/2000/svg}"
NNBSP = "\u202f"
EVIL = "<script>alert(1)</script> & co"

# The foresight README's worked examples.
MICMAC_DOC: dict[str, Any] = {
    "variables": ["A", "B", "C"],
    "matrix": [[0, 3, "P"], [1, 0, 2], [0, 1, 0]],
}
MACTOR_DOC: dict[str, Any] = {
    "actors": ["A", "B", "C"],
    "objectives": ["O1", "O2"],
    "mid": [[0, 2, 1], [1, 0, 3], [0, 1, 0]],
    "positions": [[2, -1], [3, 0], [-4, 1]],
}
REGNIER_VOTES = [
    ["dark_green", "dark_red", "dark_green", "dark_red"],
    ["light_green", "light_green", "orange", "white"],
]
DELPHI_ROUNDS: list[list[float | None]] = [[1, 2, 3, 4, 10], [2, 3, 3, 3, 4]]


def solve_micmac(doc: dict[str, Any]) -> dict[str, Any]:
    return micmac.solve(micmac.parse(doc)).to_dict()


def solve_mactor(doc: dict[str, Any] = MACTOR_DOC) -> dict[str, Any]:
    return mactor.solve(mactor.parse(doc)).to_dict()


def solve_regnier(statements: list[str], votes: list[list[str]]) -> dict[str, Any]:
    return regnier.solve(regnier.parse({"statements": statements, "votes": votes})).to_dict()


def solve_delphi(rounds: list[list[float | None]]) -> dict[str, Any]:
    doc = {
        "questions": [{"name": "Q", "rounds": rounds}],
        "consensus": {"rule": "iqr_at_most", "value": 1},
    }
    question: dict[str, Any] = delphi.solve(delphi.parse(doc)).to_dict()["questions"][0]
    return question


def parse_svg(chart: Chart, prefix: str) -> ET.Element:
    """Parses the SVG and checks what every chart owes: an accessible name and description,
    responsive, the DSFR fonts, nothing executable or external."""
    svg = str(chart.svg)
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{prefix}-title {prefix}-desc"
    assert re.fullmatch(r"0 0 \d+\.\d \d+\.\d", root.get("viewBox") or "")
    assert root.get("width") is None and root.get("height") is None
    assert (root.get("font-family") or "").startswith("Marianne, arial, sans-serif")
    title, desc = root[0], root[1]
    assert (title.tag, title.get("id"), title.text) == (
        f"{NS}title",
        f"{prefix}-title",
        chart.title,
    )
    assert (desc.tag, desc.get("id"), desc.text) == (
        f"{NS}desc",
        f"{prefix}-desc",
        chart.description,
    )
    assert chart.description and chart.table.caption == chart.title
    for element in root.iter():
        assert element.tag.split("}")[1] not in {"script", "image", "foreignObject", "a", "use"}
        for name, value in element.attrib.items():
            assert not name.startswith("on") and name != "style" and "href" not in name
            assert "http" not in value and "javascript" not in value
    assert svg.count("http") == 1  # the namespace only
    width = len(chart.table.header)
    assert all(len(row) == width for row in chart.table.rows)
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def all_charts() -> list[tuple[Chart, str]]:
    """One chart of each kind, with its id prefix."""
    m = solve_micmac(MICMAC_DOC)
    a = solve_mactor()
    r = solve_regnier(["S1", "S2"], REGNIER_VOTES)
    return [
        (micmac_plane(m, id_prefix="p1"), "p1"),
        (micmac_plane(m, compare="indirect", id_prefix="p2"), "p2"),
        (micmac_graph(MICMAC_DOC["variables"], MICMAC_DOC["matrix"], id_prefix="g"), "g"),
        (mactor_plane(a, id_prefix="ap"), "ap"),
        (mactor_balance(a, id_prefix="ab"), "ab"),
        (mactor_graph(a, id_prefix="ac"), "ac"),
        (mactor_graph(a, kind="divergence", id_prefix="ad"), "ad"),
        (mactor_mobilisation(a, id_prefix="am"), "am"),
        (regnier_abacus(r, REGNIER_VOTES, id_prefix="r"), "r"),
        (delphi_boxplots(solve_delphi(DELPHI_ROUNDS), DELPHI_ROUNDS, id_prefix="d"), "d"),
    ]


# French numbers and contrast -------------------------------------------------------------


def test_numbers_are_written_the_french_way() -> None:
    assert fr_number(1234.5) == f"1{NNBSP}234,50"
    assert fr_number(12) == "12"
    assert fr_number(-3) == "\u22123"
    assert fr_number(-0.001) == "0,00"  # no negative zero
    assert fr_number(0.125, 1) == "0,1"
    assert (
        fr_number(2**70)
        == f"1{NNBSP}180{NNBSP}591{NNBSP}620{NNBSP}717{NNBSP}411{NNBSP}303{NNBSP}424"
    )


def test_contrast_ratio_follows_wcag() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert contrast_ratio("#000091", "#FFFFFF") == pytest.approx(14.91, abs=0.01)
    # #767676 is the lightest grey reaching 4.5:1 on white, #777777 falls short.
    assert contrast_ratio("#767676", "#FFFFFF") >= 4.5 > contrast_ratio("#777777", "#FFFFFF")


def test_every_text_and_mark_colour_has_enough_contrast() -> None:
    for text, background in TEXT_PAIRS:
        assert contrast_ratio(text, background) >= 4.5, (text, background)
    for mark, background in GRAPHIC_PAIRS:
        assert contrast_ratio(mark, background) >= 3.0, (mark, background)
    for code, fill in CELL_FILLS.items():
        assert contrast_ratio(CELL_TEXT[code], fill) >= 4.5, code


def test_the_charts_write_text_only_in_the_checked_colours() -> None:
    on_white = {text for text, background in TEXT_PAIRS if background == "#FFFFFF"}
    for chart, prefix in all_charts():
        root = parse_svg(chart, prefix)
        # Text outside the abacus cells lies on the white background.
        for group in root.iter(f"{NS}g"):
            rect = group.find(f"{NS}rect")
            for text in group.findall(f"{NS}text"):
                if rect is not None:
                    background = rect.get("fill") or ""
                    assert contrast_ratio(text.get("fill") or "", background) >= 4.5
        cell_texts = {
            id(t)
            for g in root.iter(f"{NS}g")
            if g.find(f"{NS}rect") is not None
            for t in g.findall(f"{NS}text")
        }
        legend_letters = set(CELL_TEXT.values())
        for text in root.iter(f"{NS}text"):
            if id(text) in cell_texts:
                continue
            fill = text.get("fill") or ""
            assert fill in on_white or (prefix == "r" and fill in legend_letters), (prefix, fill)


def test_every_chart_is_deterministic_and_takes_its_id_prefix() -> None:
    first = [str(chart.svg) for chart, _p in all_charts()]
    second = [str(chart.svg) for chart, _p in all_charts()]
    assert first == second
    m = solve_micmac(MICMAC_DOC)
    a, b = micmac_plane(m, id_prefix="one"), micmac_plane(m, id_prefix="two")
    assert str(a.svg).replace("one-", "two-") == str(b.svg)
    with pytest.raises(ValueError, match="id_prefix"):
        micmac_plane(m, id_prefix='x" onload="alert(1)')


def test_axes_start_at_zero_unless_the_cloud_sits_far_from_it() -> None:
    assert nice_ticks(25) == [0, 5, 10, 15, 20, 25]
    assert plane_ticks([3, 25]) == [0, 5, 10, 15, 20, 25]
    # Every value above 40 % of the largest: from the step's multiple just below the smallest.
    assert plane_ticks([12, 20, 25]) == [10, 15, 20, 25]
    assert plane_ticks([0, 0]) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]


# MICMAC ----------------------------------------------------------------------------------


def test_micmac_plane_table_and_points() -> None:
    chart = micmac_plane(solve_micmac(MICMAC_DOC), id_prefix="m")
    root = parse_svg(chart, "m")
    assert chart.title == "Plan influence–dépendance direct"
    assert chart.table.header == ("Variable", "Influence directe", "Dépendance directe", "Quadrant")
    # Row sums (influence) 3, 3, 1 and column sums (dependence) 1, 4, 2, P counted 0; means
    # 7/3 both: A above in influence only, B both, C neither.
    assert chart.table.rows == (
        ("A", "3", "1", "Variables d’entrée / influentes"),
        ("B", "3", "4", "Variables relais"),
        ("C", "1", "2", "Variables exclues"),
    )
    assert "(dépendance 2,33, influence 2,33)" in chart.description
    groups = [g.find(f"{NS}title") for g in root.iter(f"{NS}g")]
    assert [t.text for t in groups if t is not None] == [
        "A — Variables d’entrée / influentes",
        "B — Variables relais",
        "C — Variables exclues",
    ]
    shown = texts(root)
    for name in (
        "Variables d’entrée / influentes",
        "Variables relais",
        "Variables dépendantes / de sortie",
        "Variables exclues",
    ):
        assert name in shown


def test_micmac_plane_with_the_indirect_displacement() -> None:
    result = solve_micmac(MICMAC_DOC)
    chart = micmac_plane(result, compare="indirect", id_prefix="m")
    root = parse_svg(chart, "m")
    # Shares in ‰: direct influence 3/7, indirect 54 931 640 625 / 103 759 765 625 = 9/17.
    assert chart.table.rows[0] == (
        "A",
        "3",
        "1",
        "428,6",
        "529,4",
        "142,9",
        "235,3",
        "Variables d’entrée / influentes",
    )
    assert chart.table.rows[1][-1] == "Variables régulatrices"
    assert chart.table.header[3:7] == (
        "Influence directe (‰)",
        "Influence indirecte (‰)",
        "Dépendance directe (‰)",
        "Dépendance indirecte (‰)",
    )
    arrows = [line for line in root.iter(f"{NS}line") if line.get("marker-end")]
    assert len(arrows) == 3 + 1  # one per variable, one in the legend
    assert "du plan direct au plan indirect" in texts(root)


def test_micmac_short_labels_are_drawn_and_full_names_kept() -> None:
    result = solve_micmac(MICMAC_DOC)
    chart = micmac_plane(result, labels=["a1", "b2", "c3"], id_prefix="l")
    root = parse_svg(chart, "l")
    assert {"a1", "b2", "c3"} <= set(texts(root)) and "A" not in texts(root)
    assert [row[0] for row in chart.table.rows] == ["A", "B", "C"]
    graph = micmac_graph(
        MICMAC_DOC["variables"], MICMAC_DOC["matrix"], labels=["a1", "b2", "c3"], id_prefix="l"
    )
    assert {"a1", "b2", "c3"} <= set(texts(parse_svg(graph, "l")))
    with pytest.raises(ValueError, match="expected 3 labels, got 2"):
        micmac_plane(result, labels=["a1", "b2"])


def test_micmac_plane_of_one_variable_and_of_zeros() -> None:
    one = micmac_plane(
        solve_micmac({"variables": ["Seule"], "matrix": [[0]]}), compare="indirect", id_prefix="o"
    )
    parse_svg(one, "o")
    assert one.table.rows == (("Seule", "0", "0", "0,0", "0,0", "0,0", "0,0", "Variables exclues"),)
    zeros = micmac_plane(
        solve_micmac({"variables": ["A", "B", "C"], "matrix": [[0] * 3] * 3}), id_prefix="z"
    )
    parse_svg(zeros, "z")
    assert [row[1:] for row in zeros.table.rows] == [("0", "0", "Variables exclues")] * 3


def test_micmac_escapes_names() -> None:
    doc: dict[str, Any] = {"variables": [EVIL, "B"], "matrix": [[0, 2], [1, 0]]}
    for chart in (
        micmac_plane(solve_micmac(doc), compare="indirect", id_prefix="e"),
        micmac_graph(doc["variables"], doc["matrix"], id_prefix="e"),
    ):
        svg = str(chart.svg)
        assert "<script" not in svg
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in svg
        root = parse_svg(chart, "e")
        titles = [t.text or "" for t in root.iter(f"{NS}title")]
        assert any(t.startswith(EVIL) for t in titles)  # the parsed text is the name itself
        assert chart.table.rows[0][0] == EVIL  # the template escapes the table


def test_micmac_graph_threshold_strengths_and_potential() -> None:
    variables, matrix = MICMAC_DOC["variables"], MICMAC_DOC["matrix"]
    chart = micmac_graph(variables, matrix, threshold=2, id_prefix="g")
    root = parse_svg(chart, "g")
    assert chart.table.rows == (
        ("A", "B", "3", "forte"),
        ("A", "C", "P", "potentielle"),
        ("B", "C", "2", "moyenne"),
    )
    links = {
        t.text: g.find(f"{NS}path")
        for g in root.iter(f"{NS}g")
        if (t := g.find(f"{NS}title")) is not None
    }
    strong, potential, medium = (
        links["A → B : 3 (forte)"],
        links["A → C : P (potentielle)"],
        links["B → C : 2 (moyenne)"],
    )
    assert strong is not None and potential is not None and medium is not None
    assert float(strong.get("stroke-width") or 0) > float(medium.get("stroke-width") or 0)
    assert potential.get("stroke-dasharray") and not strong.get("stroke-dasharray")
    # Threshold 1 adds B → A and C → B; A ⇄ B and B ⇄ C are bent to be told apart.
    chart = micmac_graph(variables, matrix, threshold=1, potential=False, id_prefix="g")
    assert [row[:3] for row in chart.table.rows] == [
        ("A", "B", "3"),
        ("B", "A", "1"),
        ("B", "C", "2"),
        ("C", "B", "1"),
    ]
    paths = [g.find(f"{NS}path") for g in parse_svg(chart, "g").iter(f"{NS}g")]
    assert all("Q" in (p.get("d") or "") for p in paths if p is not None)
    with pytest.raises(ValueError):
        micmac_graph(variables, matrix, threshold=4)


def test_micmac_graph_of_one_variable_and_of_zeros() -> None:
    one = micmac_graph(["Seule"], [[0]], id_prefix="o")
    parse_svg(one, "o")
    assert one.table.rows == ()
    zeros = micmac_graph(["A", "B"], [[0, 0], [0, 0]], id_prefix="z")
    assert "0 fortes" in zeros.description and zeros.table.rows == ()


# MACTOR ----------------------------------------------------------------------------------


def test_mactor_plane_and_balance_of_power() -> None:
    result = solve_mactor()
    plane = mactor_plane(result, id_prefix="p")
    parse_svg(plane, "p")
    # MIDI without its diagonal: influence (6, 5, 2), dependence (2, 4, 7).
    assert plane.table.rows == (
        ("A", "6", "2", "Acteurs dominants"),
        ("B", "5", "4", "Acteurs dominants"),
        ("C", "2", "7", "Acteurs dominés"),
    )
    balance = mactor_balance(result, id_prefix="b")
    root = parse_svg(balance, "b")
    # r* = (1.694, 1.086, 0.220), strongest first.
    assert balance.table.rows == (("A", "1,69"), ("B", "1,09"), ("C", "0,22"))
    bars = [r for r in root.iter(f"{NS}rect") if r.get("fill") == "#000091"]
    widths = [float(r.get("width") or 0) for r in bars]
    assert widths == sorted(widths, reverse=True) and len(widths) == 3


def test_mactor_convergence_and_divergence_graphs() -> None:
    result = solve_mactor()
    divergence = mactor_graph(result, kind="divergence", id_prefix="d")
    root = parse_svg(divergence, "d")
    assert divergence.table.rows == (("A", "C", "4,00"), ("B", "C", "3,50"))
    assert {"4,00", "3,50"} <= set(texts(root))  # value labels on the edges
    edges = [line for line in root.iter(f"{NS}line") if line.get("stroke") == "#CE0500"]
    assert len(edges) == 2 and all(e.get("stroke-dasharray") for e in edges)
    convergence = mactor_graph(result, id_prefix="c")
    assert convergence.table.rows == (("A", "B", "2,50"),)
    # With threshold 3.8 the divergence graph keeps only A–C and the convergence graph is empty.
    assert mactor_graph(result, kind="divergence", threshold=3.8).table.rows == (
        ("A", "C", "4,00"),
    )
    empty = mactor_graph(result, threshold=3.8, id_prefix="e")
    parse_svg(empty, "e")
    assert empty.table.rows == ()
    with pytest.raises(ValueError):
        mactor_graph(result, order=4)


def test_mactor_mobilisation() -> None:
    chart = mactor_mobilisation(solve_mactor(), id_prefix="m")
    root = parse_svg(chart, "m")
    # Order 2: O1 5 for, 4 against, mobilisation 9; O2 1, 1, 2.
    assert chart.table.rows == (("O1", "5,00", "4,00", "9,00"), ("O2", "1,00", "1,00", "2,00"))
    hatched = [
        r for r in root.iter(f"{NS}rect") if (r.get("fill") or "").startswith("url(#m-hatch)")
    ]
    assert len(hatched) == 2  # "against" is hatched, not only red


def test_mactor_degenerate_and_escaped() -> None:
    # Two actors (the library's minimum), no influence, no position: all zeros.
    doc = {
        "actors": [EVIL, "B"],
        "objectives": ["O"],
        "mid": [[0, 0], [0, 0]],
        "positions": [[0], [0]],
    }
    result = solve_mactor(doc)
    for chart in (
        mactor_plane(result, id_prefix="x"),
        mactor_balance(result, id_prefix="x"),
        mactor_graph(result, id_prefix="x"),
        mactor_mobilisation(result, id_prefix="x"),
    ):
        parse_svg(chart, "x")
        assert "<script" not in str(chart.svg)
    assert mactor_balance(result).table.rows == ((EVIL, "1,00"), ("B", "1,00"))  # all 1
    assert mactor_mobilisation(result).table.rows == (("O", "0,00", "0,00", "0,00"),)


# Régnier ---------------------------------------------------------------------------------


def test_regnier_abacus_in_the_library_order() -> None:
    result = solve_regnier(["S1", "S2"], REGNIER_VOTES)
    chart = regnier_abacus(result, REGNIER_VOTES, id_prefix="r")
    root = parse_svg(chart, "r")
    # Participants by mean: P1 4.5, P3 4, P2 2.5, P4 0.5; S2 (no dissensus) before S1.
    assert chart.table.header == (
        "Affirmation",
        "P1",
        "P3",
        "P2",
        "P4",
        "Moyenne",
        "Dispersion",
        "Dissensus",
    )
    green, light, orange = (
        "vert foncé (tout à fait d’accord)",
        "vert clair (plutôt d’accord)",
        "orange (avis mitigé)",
    )
    red, white = "rouge foncé (pas du tout d’accord)", "blanc (sans avis)"
    assert chart.table.rows == (
        ("S2", light, orange, light, white, "2,75", "0,47", "non"),
        ("S1", green, green, red, red, "3,00", "2,00", "oui"),
    )
    cells = []
    for group in root.iter(f"{NS}g"):
        title, rect, text = (
            group.find(f"{NS}title"),
            group.find(f"{NS}rect"),
            group.find(f"{NS}text"),
        )
        assert title is not None and rect is not None and text is not None
        cells.append((title.text, rect.get("fill"), text.text))
    assert cells[:4] == [
        ("S2 — P1 : " + light, "#68A532", "VC"),
        ("S2 — P3 : " + orange, "#FC5D00", "O"),
        ("S2 — P2 : " + light, "#68A532", "VC"),
        ("S2 — P4 : " + white, "#FFFFFF", "B"),
    ]
    assert [c[2] for c in cells[4:]] == ["VF", "VF", "RF", "RF"]
    legend = texts(root)
    for letters in ("VF", "VC", "O", "RC", "RF", "B", "N"):
        assert letters in legend
    assert "noir (refus de répondre)" in legend and "3,00 ≠" in legend


def test_regnier_without_votes_and_escaped() -> None:
    votes = [["white", "black"], ["white", "white"]]
    result = regnier.solve(
        regnier.parse(
            {
                "statements": [EVIL, "S2"],
                "votes": votes,
                "participants": ["Ann & Bob", "<i>Cyd</i>"],
            }
        )
    ).to_dict()
    chart = regnier_abacus(result, votes, id_prefix="n")
    parse_svg(chart, "n")
    assert "<script" not in str(chart.svg) and "<i>" not in str(chart.svg)
    assert "&amp;lt;" not in str(chart.svg)  # escaped once, not twice
    assert [row[-3:] for row in chart.table.rows] == [("0,00", "—", "non")] * 2


# Delphi ----------------------------------------------------------------------------------


def test_delphi_box_plots_per_round() -> None:
    chart = delphi_boxplots(solve_delphi(DELPHI_ROUNDS), DELPHI_ROUNDS, id_prefix="d")
    root = parse_svg(chart, "d")
    assert chart.table.rows == (
        ("1", "5", "1,00", "2,00", "3,00", "4,00", "10,00", "2,00", "10,00", "non"),
        # IQR 0: every answer off the median is an outlier (the library's rule).
        ("2", "5", "2,00", "3,00", "3,00", "3,00", "4,00", "0,00", "2,00 ; 4,00", "oui"),
    )
    outliers = [p for p in root.iter(f"{NS}path") if p.get("fill") == "#FFFFFF"]
    assert len(outliers) == 3
    assert "Tour 1" in texts(root) and "Tour 2" in texts(root)
    assert "tour 1 : médiane 3,00, quartiles 2,00 et 4,00, 5 réponses" in chart.description


def test_delphi_with_missing_answers_and_a_single_answer() -> None:
    rounds: list[list[float | None]] = [[7.5]]
    chart = delphi_boxplots(solve_delphi(rounds), rounds, id_prefix="s")
    parse_svg(chart, "s")
    assert chart.table.rows == (
        ("1", "1", "7,50", "7,50", "7,50", "7,50", "7,50", "0,00", "—", "oui"),
    )
    doc: dict[str, Any] = {
        "questions": [{"name": EVIL, "rounds": [[1, None, 3], [2, 2, None]]}],
        "experts": ["a", "b", "c"],
        "consensus": {"rule": "iqr_at_most", "value": 1},
    }
    question = delphi.solve(delphi.parse(doc)).to_dict()["questions"][0]
    chart = delphi_boxplots(question, doc["questions"][0]["rounds"], id_prefix="m")
    parse_svg(chart, "m")
    assert "<script" not in str(chart.svg)
    assert [row[1] for row in chart.table.rows] == ["2", "2"]
