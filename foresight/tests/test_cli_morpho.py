"""Command line and schema for the new morphological inputs: every bad input names its field."""

import pytest

from foresight.tests.cli_helpers import Cli, validator
from foresight.tests.test_cli import MORPHO
from foresight.tests.test_morpho import HAND

CRITERIA = [{"name": "cost", "weight": 2, "scores": {"X": {"x1": 1}}}]
GOOD: list[dict[str, object]] = [
    {**HAND, "exclusions": [[["X", "x1"], ["Y", "y1"], ["Z", "z1"]]], "mode": "enumerate"},
    {**HAND, "obligations": [[["Y", "y1"], ["Y", "y2"]]], "mode": "sample", "limit": 3},
    {**HAND, "implications": [{"if": ["X", "x2"], "then": [["Z", "z2"]]}], "mode": "enumerate"},
    {**HAND, "criteria": CRITERIA, "mode": "enumerate", "limit": 2},
    {**HAND, "mode": "nearest", "reference": {"X": "x1"}, "distance_weights": {"Y": 0.5}},
    {**HAND, "mode": "diverse", "limit": 3, "pool": 10},
    {**HAND, "obligations": [[["Y", "y3"]]]},
]


@pytest.mark.parametrize("doc", GOOD)
def test_new_documents_run_and_match_the_schema(cli: Cli, doc: dict[str, object]) -> None:
    validator("morpho").validate(doc)
    result = cli.ok("morpho", doc)
    assert {"count", "groups", "configurations", "conflict", "notes"} <= set(result)


def test_infeasible_document_reports_its_conflict(cli: Cli) -> None:
    result = cli.ok("morpho", GOOD[-1])
    assert (result["count"], result["conflict"], result["conflict_minimal"]) == (
        0,
        ["exclusions[1]", "obligations[0]"],
        True,
    )


BAD: list[tuple[dict[str, object], str]] = [
    (
        {**MORPHO, "exclusions": [[["X", "x1"], ["Y", "y1"], ["X", "x2"]]]},
        "exclusions[0]: two elements belong to the same component 'X'",
    ),
    ({**MORPHO, "exclusions": [[]]}, "exclusions[0]: expected at least 1 element"),
    ({**MORPHO, "obligations": [[]]}, "obligations[0]: expected at least 1 element"),
    ({**MORPHO, "obligations": [["X", "x1"]]}, "obligations[0][0]: expected an array"),
    (
        {**MORPHO, "obligations": [[["X", "x1"], ["X", "x1"]]]},
        "obligations[0][1]: element listed twice",
    ),
    (
        {**MORPHO, "obligations": [[["X", "x7"]]]},
        "obligations[0][0][1]: unknown hypothesis 'x7'",
    ),
    (
        {**MORPHO, "implications": [{"if": ["X", "x1"], "then": [["X", "x2"]]}]},
        "implications[0].then[0]: same component 'X' as the premise",
    ),
    ({**MORPHO, "implications": [{"then": [["Y", "y1"]]}]}, "implications[0].if: missing"),
    (
        {**MORPHO, "implications": [{"if": ["X", "x1"], "then": ["Y", "y1"]}]},
        "implications[0].then[0]: expected an array",
    ),
    (
        {**MORPHO, "implications": [{"if": ["X", "x1"], "then": [["Y", "y1"]], "else": []}]},
        "implications[0].else: unknown field",
    ),
    (
        {**MORPHO, "implications": [{"if": ["W", "x1"], "then": [["Y", "y1"]]}]},
        "implications[0].if[0]: unknown component 'W'",
    ),
    (
        {**MORPHO, "criteria": [{"name": "c", "scores": {}}, {"name": "c", "scores": {}}]},
        "criteria[1].name: duplicate name 'c'",
    ),
    (
        {**MORPHO, "criteria": [{"name": "c", "scores": {"X": {"x9": 1}}}]},
        "criteria[0].scores.X.x9: unknown hypothesis",
    ),
    (
        {**MORPHO, "criteria": [{"name": "c", "weight": "high", "scores": {}}]},
        "criteria[0].weight: expected a number",
    ),
    ({**MORPHO, "criteria": [{"name": "c"}]}, "criteria[0].scores: missing required field"),
    (
        {**MORPHO, "criteria": [{"name": "c", "scores": {}}], "preferences": {}},
        "preferences: give criteria or preferences, not both",
    ),
    ({**MORPHO, "mode": "nearest"}, "reference: missing required field"),
    ({**MORPHO, "mode": "nearest", "reference": {}}, "reference: expected at least one"),
    (
        {**MORPHO, "mode": "nearest", "reference": {"X": "y1"}},
        "reference.X: unknown hypothesis 'y1'",
    ),
    ({**MORPHO, "distance_weights": {"X": -1}}, "distance_weights.X: value -1 out of scale"),
    ({**MORPHO, "distance_weights": {"Q": 1}}, "distance_weights.Q: unknown component"),
    ({**MORPHO, "pool": 0}, "pool: value 0 out of scale"),
    (
        {**MORPHO, "components": [{"name": "X", "hypotheses": [f"h{i}" for i in range(65)]}]},
        "components[0].hypotheses: at most 64 hypotheses",
    ),
]


@pytest.mark.parametrize(("doc", "message"), BAD)
def test_bad_input_exits_two_naming_the_field(
    cli: Cli,
    doc: dict[str, object],
    message: str,
) -> None:
    cli.bad("morpho", doc, message)


SHAPE = [
    {**MORPHO, "obligations": [[]]},
    {**MORPHO, "implications": [{"if": ["X", "x1"]}]},
    {**MORPHO, "mode": "nearest"},
    {**MORPHO, "distance_weights": {"X": -1}},
    {**MORPHO, "criteria": [{"name": "c"}]},
]


@pytest.mark.parametrize("doc", SHAPE)
def test_schema_refuses_shape_errors(doc: dict[str, object]) -> None:
    assert not validator("morpho").is_valid(doc)
