from pathlib import Path

import pytest

from foresight.tests.cli_helpers import Cli, validator
from foresight.tests.test_cib import HAND

DATA = Path(__file__).parent / "data" / "scenariowizard"
GLOBAL_SCW = (DATA / "CIB_global.scw").read_text(encoding="utf-8")
GLOBAL_SL = (DATA / "CIB_global.sl").read_text(encoding="utf-8")

VALID: dict[str, list[dict[str, object]]] = {
    "scenariowizard": [
        {"action": "import", "scw": GLOBAL_SCW, "sl": GLOBAL_SL},
        {"action": "export", "model": HAND, "title": "hand.scw", "solve": True},
    ],
    "cib_tools": [
        {"analysis": "succession", **HAND},
        {"analysis": "succession", **HAND, "rule": "adjacent", "start": ["a1", "b2"]},
        {"analysis": "ensemble", "descriptors": HAND["descriptors"], "matrices": [HAND["matrix"]]},
        {"analysis": "diverse", **HAND, "k": 2},
        {"analysis": "balances", **HAND, "scenarios": [["a2", "b1"], ["a1", "b1"]]},
        {"analysis": "check", **HAND},
        {"analysis": "intervention", **HAND, "fixed": {"A": "a1"}, "limit": 5},
    ],
}
CASES = [(m, d) for m, docs in VALID.items() for d in docs]


@pytest.mark.parametrize(("method", "doc"), CASES)
def test_valid_documents_exit_zero(
    cli: Cli,
    method: str,
    doc: dict[str, object],
) -> None:
    cli.ok(method, doc)


@pytest.mark.parametrize(("method", "doc"), CASES)
def test_valid_documents_match_their_schema(method: str, doc: dict[str, object]) -> None:
    validator(method).validate(doc)


def test_import_then_export_through_the_command_line(cli: Cli) -> None:
    imported = cli.ok("scenariowizard", VALID["scenariowizard"][0])
    assert imported["solutions"][0] == {
        "variants": ["Ntl", "Alrt", "Stag"],
        "frequency": 4.0,
        "flags": [0, 0],
        "total_impact_score": 15,
        "note": "",
    }
    doc = {"action": "export", "model": imported["model"], "title": "CIB_global.scw", "solve": True}
    exported = cli.ok("scenariowizard", doc)
    # Notes and colours are empty/white in both, so the model comes back byte for byte.
    assert exported["scw"] == GLOBAL_SCW
    lines = exported["sl"].splitlines()
    assert lines[2] == " 4 " and len(lines) == 8
    assert sorted(line.split(",")[0] for line in lines[4:]) == sorted(
        line.split(",")[0] for line in GLOBAL_SL.splitlines()[4:]
    )


BAD: list[tuple[str, dict[str, object], str]] = [
    ("cib_tools", {"analysis": "intervention", **HAND}, "fixed: missing required field"),
    ("cib_tools", {"analysis": "intervention", **HAND, "fixed": {}}, "fixed: expected at least"),
    (
        "cib_tools",
        {"analysis": "intervention", **HAND, "fixed": {"Z": "a1"}},
        "fixed.Z: unknown descriptor 'Z'",
    ),
    (
        "cib_tools",
        {"analysis": "intervention", **HAND, "fixed": {"A": "b1"}},
        "fixed.A: unknown variant 'b1' of 'A'",
    ),
    ("cib_tools", {"analysis": "check", **HAND, "k": 1}, "k: unknown field"),
    ("cib_tools", {"analysis": "check", **HAND, "max_inconsistency": 1}, "max_inconsistency"),
    ("cib_tools", {"analysis": "check", "matrix": HAND["matrix"]}, "descriptors: missing"),
    ("cib_tools", {"analysis": "balances", **HAND}, "scenarios: missing required field"),
    (
        "cib_tools",
        {"analysis": "balances", **HAND, "scenarios": [["a1", "b1"], ["a1", "x"]]},
        "scenarios[1][1]: unknown variant 'x' of 'B'",
    ),
    (
        "cib_tools",
        {"analysis": "balances", **HAND, "scenarios": [["a1", "b1"]] * 1001},
        "scenarios: at most 1000 scenarios",
    ),
    ("scenariowizard", {"action": "merge"}, "action: expected 'import' or 'export'"),
    ("scenariowizard", {"scw": GLOBAL_SCW}, "action: missing required field"),
    ("scenariowizard", {"action": "import", "scw": 3}, "scw: expected a string"),
    (
        "scenariowizard",
        {"action": "import", "scw": GLOBAL_SCW.replace(" 3 , 3 \n", " 3 \n", 1)},
        "scw: line 44: 9 values, expected 10",
    ),
    (
        "scenariowizard",
        {"action": "import", "scw": GLOBAL_SCW, "sl": GLOBAL_SL.replace(" 4 ", " 5 ")},
        "sl: line 3: announces 5 solutions, the file has 4",
    ),
    ("scenariowizard", {"action": "import", "scw": GLOBAL_SCW, "model": HAND}, "model: unknown"),
    ("scenariowizard", {"action": "export"}, "model: missing required field"),
    (
        "scenariowizard",
        {"action": "export", "model": {**HAND, "matrix": [[0, 0], [0, 0]]}},
        "model.matrix: matrix is not square",
    ),
    ("scenariowizard", {"action": "export", "model": HAND, "solve": "yes"}, "solve: expected"),
    ("cib_tools", {**HAND}, "analysis: missing required field"),
    ("cib_tools", {"analysis": "morphology", **HAND}, "analysis: expected one of"),
    ("cib_tools", {"analysis": "succession", **HAND, "rule": "random"}, "rule: expected one of"),
    (
        "cib_tools",
        {"analysis": "succession", **HAND, "start": ["a1"]},
        "start: expected 2 variants (one per descriptor), got 1",
    ),
    (
        "cib_tools",
        {"analysis": "succession", **HAND, "start": ["a1", "b9"]},
        "start[1]: unknown variant 'b9' of 'B'",
    ),
    ("cib_tools", {"analysis": "succession", **HAND, "max_starts": 0}, "max_starts: value 0"),
    ("cib_tools", {"analysis": "succession", **HAND, "max_inconsistency": 1}, "must be 0"),
    ("cib_tools", {"analysis": "succession", **HAND, "k": 3}, "k: unknown field"),
    ("cib_tools", {"analysis": "diverse", **HAND, "k": 0}, "k: value 0 out of scale 1..1000"),
    ("cib_tools", {"analysis": "diverse", **HAND, "limit": 2}, "limit: unknown field"),
    (
        "cib_tools",
        {"analysis": "ensemble", **HAND, "matrices": [HAND["matrix"]]},
        "matrix: unknown field",
    ),
    (
        "cib_tools",
        {"analysis": "ensemble", "descriptors": HAND["descriptors"], "matrices": []},
        "matrices: expected at least 1",
    ),
    (
        "cib_tools",
        {
            "analysis": "ensemble",
            "descriptors": HAND["descriptors"],
            "matrices": [HAND["matrix"], [[0, 0, 0, 0]] * 3],
        },
        "matrices[1]: matrix is not square: 3 rows for 4 variants",
    ),
    (
        "cib_tools",
        {
            "analysis": "diverse",
            **HAND,
            "matrix": [[0, 0, 2, -2], [0, 0, 1.5, 1], [0] * 4, [0] * 4],
        },
        "matrix[1][2]: expected an integer",
    ),
]


@pytest.mark.parametrize(
    ("method", "doc", "message"), BAD, ids=[f"{m}-{i}" for i, (m, _, _) in enumerate(BAD)]
)
def test_bad_input_exits_two_naming_the_field(
    cli: Cli,
    method: str,
    doc: dict[str, object],
    message: str,
) -> None:
    cli.bad(method, doc, message)


def test_command_line_round_trip_keeps_notes_byte_for_byte(cli: Cli) -> None:
    # CIB_natl_regional has a judgement note in its trailer and self-impacts in its matrix.
    original = (DATA / "CIB_natl_regional.scw").read_text(encoding="utf-8")
    imported = cli.ok("scenariowizard", {"action": "import", "scw": original})
    doc = {"action": "export", **imported}
    assert cli.ok("scenariowizard", doc)["scw"] == original
    validator("scenariowizard").validate(doc)


EXPORT = {"action": "export", "model": HAND}
BAD_EXPORT: list[tuple[dict[str, object], str]] = [
    ({**EXPORT, "colours": ["FFFFFF"] * 3 + ["red"]}, "colours[3]: invalid colour 'red'"),
    ({**EXPORT, "colours": ["FFFFFF"]}, "colours: expected 4 strings, got 1"),
    ({**EXPORT, "variant_notes": [["", ""]]}, "variant_notes: expected 2 lists"),
    ({**EXPORT, "variant_notes": [["", ""], ["#x", ""]]}, "variant_notes[1][0]: a note cannot"),
    ({**EXPORT, "descriptor_notes": ["a\nb", ""]}, "descriptor_notes[0]: line break"),
    ({**EXPORT, "layout": {"header": []}}, "layout.header: unknown field"),
    ({**EXPORT, "layout": {"section2": ["# x"]}}, "layout.section2[0]: a line cannot start"),
    (
        {
            **EXPORT,
            "model": {
                **HAND,
                "descriptors": [
                    {"name": " A", "variants": ["a1", "a2"]},
                    {"name": "B", "variants": ["b1", "b2"]},
                ],
            },
        },
        "model.descriptors[0].name: ' A': leading or trailing spaces",
    ),
]


@pytest.mark.parametrize(("doc", "message"), BAD_EXPORT)
def test_bad_export_exits_two_naming_the_field(
    cli: Cli,
    doc: dict[str, object],
    message: str,
) -> None:
    cli.bad("scenariowizard", doc, message)
