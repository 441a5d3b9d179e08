import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from foresight.tests.cli_helpers import Cli

ROOT = Path(__file__).resolve().parents[2]

MICMAC = {"variables": ["A", "B"], "matrix": [[0, 1], [2, 0]]}
MACTOR = {
    "actors": ["A", "B"],
    "objectives": ["O"],
    "mid": [[0, 1], [2, 0]],
    "positions": [[1], [-1]],
}
MORPHO = {
    "components": [{"name": "X", "hypotheses": ["x1", "x2"]}, {"name": "Y", "hypotheses": ["y1"]}],
    "exclusions": [[["X", "x1"], ["Y", "y1"]]],
}
CIB = {
    "descriptors": [{"name": "A", "variants": ["a1", "a2"]}, {"name": "B", "variants": ["b1"]}],
    "matrix": [[0, 0, 1], [0, 0, -1], [1, 0, 0]],
}
SMIC = {"hypotheses": ["A"], "p": [0.5], "p_if": [[None]], "p_if_not": [[None]]}
MULTIPOL = {
    "actions": ["A"],
    "criteria": ["c"],
    "scores": [[1]],
    "policies": [{"name": "p", "weights": [1]}],
}
REGNIER = {"statements": ["S"], "votes": [["dark_green", "white"]]}
DELPHI = {
    "questions": [{"name": "Q", "rounds": [[1, 2]]}],
    "consensus": {"rule": "iqr_at_most", "value": 1},
}
VALID: dict[str, Mapping[str, object]] = {
    "micmac": MICMAC,
    "mactor": MACTOR,
    "morpho": MORPHO,
    "cib": CIB,
    "smic": SMIC,
    "multipol": MULTIPOL,
    "regnier": REGNIER,
    "delphi": DELPHI,
}


@pytest.mark.parametrize("method", sorted(VALID))
def test_valid_input_exits_zero_with_json(cli: Cli, method: str) -> None:
    cli.ok(method, VALID[method])


BAD: list[tuple[str, dict[str, object], str]] = [
    ("micmac", {**MICMAC, "matrix": [[0, 1]]}, "matrix: matrix is not square"),
    ("micmac", {**MICMAC, "matrix": [[0, 4], [1, 0]]}, "matrix[0][1]: value 4 out of scale 0..3"),
    ("micmac", {**MICMAC, "matrix": [[1, 0], [1, 0]]}, "matrix[0][0]: the diagonal must be 0"),
    ("micmac", {**MICMAC, "matrix": [[0, "Q"], [1, 0]]}, "matrix[0][1]"),
    ("micmac", {**MICMAC, "variables": ["A", "A"]}, "variables[1]: duplicate name 'A'"),
    ("micmac", {**MICMAC, "max_power": 1}, "max_power"),
    ("micmac", {"matrix": [[0]]}, "variables: missing required field"),
    ("mactor", {**MACTOR, "mid": [[0, 5], [1, 0]]}, "mid[0][1]: value 5 out of scale 0..4"),
    (
        "mactor",
        {**MACTOR, "positions": [[1], [-5]]},
        "positions[1][0]: value -5 out of scale -4..4",
    ),
    ("mactor", {**MACTOR, "positions": [[1]]}, "positions: expected 2 rows"),
    ("mactor", {**MACTOR, "objectives": ["O", "O"]}, "objectives[1]: duplicate name"),
    (
        "morpho",
        {**MORPHO, "exclusions": [[["X", "x9"]]]},
        "exclusions[0][0][1]: unknown hypothesis 'x9'",
    ),
    (
        "morpho",
        {**MORPHO, "exclusions": [[["Z", "x1"]]]},
        "exclusions[0][0][0]: unknown component 'Z'",
    ),
    (
        "morpho",
        {**MORPHO, "components": [{"name": "X", "hypotheses": []}]},
        "components[0].hypotheses: empty component",
    ),
    ("morpho", {**MORPHO, "mode": "all"}, "mode"),
    (
        "morpho",
        {**MORPHO, "exclusions": [[["X", "x1"], ["X", "x2"]]]},
        "exclusions[0]: both elements",
    ),
    ("morpho", {**MORPHO, "preferences": {"X": {"x3": 1}}}, "preferences.X.x3: unknown hypothesis"),
    (
        "cib",
        {**CIB, "descriptors": [{"name": "A", "variants": []}]},
        "descriptors[0].variants: empty descriptor 'A'",
    ),
    # Self-impacts (cells inside a descriptor's own block) are accepted since issue 13.
    ("cib", {**CIB, "matrix": [[0, 1, 1], [0, 0, "x"], [1, 0, 0]]}, "matrix[1][2]: expected"),
    ("cib", {**CIB, "matrix": [[0, 0, 1], [0, 0, -1]]}, "matrix: matrix is not square"),
    (
        "cib",
        {**CIB, "matrix": [[0, 0, 1.5], [0, 0, -1], [1, 0, 0]]},
        "matrix[0][2]: expected an integer",
    ),
    ("cib", {**CIB, "max_inconsistency": -1}, "max_inconsistency"),
    (
        "cib",
        {
            **CIB,
            "descriptors": [{"name": "A", "variants": ["a1"]}, {"name": "A", "variants": ["b"]}],
        },
        "descriptors[1].name: duplicate name",
    ),
    ("smic", {**SMIC, "p": [1.5]}, "p[0]: value 1.5 out of scale 0..1"),
    ("smic", {**SMIC, "p": [0.5, 0.5]}, "p: expected 1 probabilities"),
    ("smic", {**SMIC, "p_if": [[None, 0.5]]}, "p_if[0]: matrix is not square"),
    (
        "multipol",
        {**MULTIPOL, "policies": [{"name": "p", "weights": [0]}]},
        "policies[0].weights: all weights are zero",
    ),
    ("multipol", {**MULTIPOL, "scores": [[1, 2]]}, "scores[0]: expected 1 values"),
    ("regnier", {**REGNIER, "votes": [["green"]]}, "votes[0][0]: unknown colour 'green'"),
    (
        "regnier",
        {"statements": ["S", "T"], "votes": [["white"], ["white", "black"]]},
        "votes[1]: expected 1 votes",
    ),
    (
        "delphi",
        {**DELPHI, "consensus": {"rule": "vibes", "value": 1}},
        "consensus.rule: unknown rule",
    ),
    (
        "delphi",
        {**DELPHI, "questions": [{"name": "Q", "rounds": [[]]}]},
        "questions[0].rounds[0]: expected at least 1",
    ),
    (
        "delphi",
        {**DELPHI, "questions": [{"name": "Q", "rounds": [["x"]]}]},
        "questions[0].rounds[0][0]: expected a number",
    ),
]


@pytest.mark.parametrize(
    ("method", "doc", "message"), BAD, ids=[f"{m}-{i}" for i, (m, _, _) in enumerate(BAD)]
)
def test_bad_input_exits_two_naming_the_field(
    cli: Cli, method: str, doc: dict[str, object], message: str
) -> None:
    cli.bad(method, doc, message)


@pytest.mark.parametrize("method", sorted(VALID))
def test_unknown_field_is_refused(cli: Cli, method: str) -> None:
    cli.bad(method, {**VALID[method], "colour": 1}, "colour: unknown field")


@pytest.mark.parametrize("text", ["{", "[1, 2]", '{"variables": NaN}'])
def test_malformed_documents(cli: Cli, text: str) -> None:
    cli.bad("micmac", text, "input", whole=True)


def test_unknown_method(cli: Cli) -> None:
    cli.bad("swot", "{}", "method: unknown method 'swot'")


def test_real_process_reads_a_file_and_stdin(tmp_path: Path) -> None:
    path = tmp_path / "cib.json"
    path.write_text(json.dumps(CIB), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "foresight", "cib", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["scenario_space"] == 2
    bad = subprocess.run(
        [sys.executable, "-m", "foresight", "micmac", "-"],
        cwd=ROOT,
        input=json.dumps({**MICMAC, "matrix": [[0, 9], [1, 0]]}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr == "foresight micmac: matrix[0][1]: value 9 out of scale 0..3\n"


def test_library_never_imports_django() -> None:
    # Every module of the package, the ones added later included.
    code = (
        "import importlib, pkgutil, sys, foresight, foresight.__main__\n"
        "for m in pkgutil.iter_modules(foresight.__path__):\n"
        "    if m.name != 'tests': importlib.import_module('foresight.' + m.name)\n"
        "print('django' in sys.modules,"
        " sorted(n for n in sys.modules if n.startswith('foresight.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    flag, modules = done.stdout.split(" ", 1)
    assert flag == "False"
    assert "'foresight.cib_tools'" in modules and "'foresight.smic_lp'" in modules
