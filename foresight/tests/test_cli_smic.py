"""SMIC's new options through the command line: bad input names its field; schema agreement."""

import pytest

from foresight.tests.cli_helpers import Cli, validator
from foresight.tests.test_cli import SMIC

EXPERT = {"name": "X", "p": [0.5], "p_if": [[None]], "p_if_not": [[None]]}
WITH_EXPERTS = {"hypotheses": ["A"], "experts": [EXPERT, {**EXPERT, "name": "Y", "weight": 2}]}
NINE = {
    "hypotheses": [f"H{i}" for i in range(9)],
    "p": [0.5] * 9,
    "p_if": [[None] * 9] * 9,
    "p_if_not": [[None] * 9] * 9,
    "elasticities": True,
}

VALID = [
    {**SMIC, "objective": "duperrin_godet_1975"},
    {**SMIC, "intervals": 3},
    {**SMIC, "intervals": "none", "elasticities": True},
    WITH_EXPERTS,
]

BAD: list[tuple[dict[str, object], str]] = [
    ({**SMIC, "objective": "godet"}, "objective: expected one of linear, duperrin_godet_1975"),
    ({**SMIC, "intervals": "some"}, "intervals: expected 'all', 'none' or a count"),
    ({**SMIC, "intervals": -1}, "intervals: value -1 out of scale ≥ 0"),
    ({**SMIC, "intervals": 1.5}, "intervals: expected an integer"),
    ({**SMIC, "elasticities": "yes"}, "elasticities: expected true or false"),
    (NINE, "elasticities: computed for at most 8 hypotheses, got 9"),
    ({**WITH_EXPERTS, "p": [0.5]}, "p: give either experts or p, p_if and p_if_not"),
    ({"hypotheses": ["A"], "experts": []}, "experts: expected at least 1 element"),
    ({"hypotheses": ["A"], "experts": [EXPERT, EXPERT]}, "experts[1].name: duplicate name 'X'"),
    (
        {"hypotheses": ["A"], "experts": [{**EXPERT, "weight": 0}]},
        "experts[0].weight: must be positive",
    ),
    (
        {"hypotheses": ["A"], "experts": [{**EXPERT, "p": [2]}]},
        "experts[0].p[0]: value 2 out of scale 0..1",
    ),
    (
        {"hypotheses": ["A"], "experts": [{**EXPERT, "p_if": [[None, 1]]}]},
        "experts[0].p_if[0]: matrix is not square",
    ),
    (
        {"hypotheses": ["A"], "experts": [{"name": "X", "p": [0.5], "p_if": [[None]]}]},
        "experts[0].p_if_not: missing required field",
    ),
    ({"hypotheses": ["A"], "experts": [{**EXPERT, "mood": 1}]}, "experts[0].mood: unknown field"),
    ({"hypotheses": ["A"]}, "p: missing required field"),
]


@pytest.mark.parametrize(("doc", "message"), BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_bad_input_exits_two_naming_the_field(
    cli: Cli,
    doc: dict[str, object],
    message: str,
) -> None:
    cli.bad("smic", doc, message)


@pytest.mark.parametrize("doc", VALID)
def test_new_options_run_and_match_the_schema(cli: Cli, doc: dict[str, object]) -> None:
    validator("smic").validate(doc)
    assert "scenarios" in cli.ok("smic", doc)


@pytest.mark.parametrize(
    "doc",
    [
        {**WITH_EXPERTS, "p": [0.5], "p_if": [[None]], "p_if_not": [[None]]},
        {**SMIC, "objective": "godet"},
        {**SMIC, "intervals": -1},
        {"hypotheses": ["A"], "experts": [{**EXPERT, "weight": 0}]},
    ],
)
def test_schema_refuses_what_the_library_refuses(doc: dict[str, object]) -> None:
    assert not validator("smic").is_valid(doc)
