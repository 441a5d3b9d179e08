"""Command line: bad values of the options issue 13 added to micmac, mactor, regnier, multipol
and delphi exit 2 with one line naming the field; a document using every new option runs."""

import pytest

from foresight.tests.cli_helpers import Cli, validator
from foresight.tests.test_cli import DELPHI, MACTOR, MICMAC, MULTIPOL, REGNIER

BAD_GODET: list[tuple[str, dict[str, object], str]] = [
    ("mactor", {**MACTOR, "balance_reading": "B"}, "balance_reading: unknown reading 'B'"),
    ("mactor", {**MACTOR, "graph_threshold": -1}, "graph_threshold: value -1 out of scale"),
    ("mactor", {**MACTOR, "graph_threshold": "high"}, "graph_threshold: expected a number"),
    ("micmac", {**MICMAC, "iterations": 0}, "iterations: value 0 out of scale 1..1000"),
    ("micmac", {**MICMAC, "iterations": 1001}, "iterations: value 1001 out of scale 1..1000"),
    ("micmac", {**MICMAC, "iterations": 3, "max_power": 5}, "iterations: give either"),
    ("micmac", {**MICMAC, "max_power": 5000}, "max_power: value 5000 out of scale 2..1000"),
    ("micmac", {**MICMAC, "link_threshold": -1}, "link_threshold: value -1 out of scale"),
    ("micmac", {**MICMAC, "indirect_matrix": "yes"}, "indirect_matrix: expected true or false"),
    ("micmac", {**MICMAC, "combine": "median"}, "combine: only with matrices"),
    (
        "micmac",
        {**MICMAC, "matrices": [MICMAC["matrix"]]},
        "matrices: give either matrix or matrices",
    ),
    (
        "micmac",
        {"variables": ["A", "B"], "matrices": [[[0, 1], [1, 0]], [[0, 9], [1, 0]]]},
        "matrices[1][0][1]: value 9 out of scale 0..3",
    ),
    (
        "micmac",
        {"variables": ["A", "B"], "matrices": [[[0, 1], [1, 0]], [[0, 1]]]},
        "matrices[1]: matrix is not square",
    ),
    ("micmac", {"variables": ["A", "B"], "matrices": []}, "matrices: expected at least 1"),
    (
        "micmac",
        {"variables": ["A", "B"], "matrices": [[[0, 1], [1, 0]]], "combine": "mode"},
        "combine: unknown rule 'mode'",
    ),
    ("regnier", {**REGNIER, "sort": "best"}, "sort: unknown sort 'best'"),
    ("regnier", {**REGNIER, "participants": ["Ann"]}, "participants: expected 2 names"),
    ("multipol", {**MULTIPOL, "sensitivity": 0}, "sensitivity: expected a perturbation above 0"),
    (
        "multipol",
        {**MULTIPOL, "policies": [{"name": "p", "weights": [1], "probability": 0.5}]},
        "policies: probabilities must sum to 1",
    ),
    ("delphi", {**DELPHI, "outlier_fence": -2}, "outlier_fence: value -2 out of scale"),
    ("delphi", {**DELPHI, "experts": ["A"]}, "questions[0].rounds[0]: expected 1 answers"),
    (
        "delphi",
        {**DELPHI, "questions": [{"name": "Q", "likert": {"points": 3}, "rounds": [[4]]}]},
        "questions[0].rounds[0][0]: value 4 out of scale 1..3",
    ),
    (
        "delphi",
        {**DELPHI, "questions": [{"name": "Q", "likert": {"scale": 3}, "rounds": [[1]]}]},
        "questions[0].likert.scale: unknown field",
    ),
]


@pytest.mark.parametrize(
    ("method", "doc", "message"),
    BAD_GODET,
    ids=[f"{m}-{i}" for i, (m, _, _) in enumerate(BAD_GODET)],
)
def test_bad_new_options_exit_two_naming_the_field(
    cli: Cli,
    method: str,
    doc: dict[str, object],
    message: str,
) -> None:
    cli.bad(method, doc, message, whole=True)


FULL: list[tuple[str, dict[str, object]]] = [
    ("mactor", {**MACTOR, "balance_reading": "diagonal_excluded", "graph_threshold": 1}),
    (
        "micmac",
        {
            "variables": ["A", "B"],
            "matrices": [[[0, 1], [2, 0]], [[0, 2], ["P", 0]]],
            "combine": "median",
            "iterations": 3,
            "link_threshold": 100,
            "indirect_matrix": True,
        },
    ),
    ("regnier", {**REGNIER, "sort": "favourable", "participants": ["Ann", "Bob"]}),
    (
        "multipol",
        {
            **MULTIPOL,
            "policies": [{"name": "p", "weights": [1], "probability": 1}],
            "sensitivity": 0.1,
        },
    ),
    (
        "delphi",
        {
            "questions": [
                {"name": "Q", "rounds": [[1, 2], [2, None]]},
                {"name": "L", "likert": {"points": 5}, "rounds": [[4, 5]]},
            ],
            "experts": ["A", "B"],
            "stability_tolerance": 0.5,
            "outlier_fence": 3,
            "consensus": {"rule": "iqr_at_most", "value": 1},
        },
    ),
]


@pytest.mark.parametrize(("method", "doc"), FULL, ids=[m for m, _ in FULL])
def test_every_new_option_runs(
    cli: Cli,
    method: str,
    doc: dict[str, object],
) -> None:
    cli.ok(method, doc)


@pytest.mark.parametrize(("method", "doc"), FULL, ids=[m for m, _ in FULL])
def test_new_options_match_the_schemas(method: str, doc: dict[str, object]) -> None:
    validator(method).validate(doc)


@pytest.mark.parametrize(
    ("method", "doc"),
    # The Likert value against its own scale is a cross-field rule: the library checks it.
    [
        b[:2]
        for b in BAD_GODET
        if ("unknown" in b[2] or "out of scale" in b[2]) and "rounds" not in b[2]
    ],
)
def test_schemas_refuse_bad_new_options(method: str, doc: dict[str, object]) -> None:
    assert not validator(method).is_valid(doc)
