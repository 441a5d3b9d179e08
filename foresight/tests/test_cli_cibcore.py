"""CLI bad-input messages for the CIB solver's options added in issue 13."""

import pytest

from foresight.tests.cli_helpers import Cli, validator
from foresight.tests.test_cli import CIB

FULL = {
    **CIB,
    "fixed": {"A": "a2"},
    "with_balances": True,
    "standardize": False,
    "time_budget_s": 2,
    "max_scenarios_built": 5,
    "monte_carlo_starts": 10,
    "seed": 1,
}

BAD: list[tuple[dict[str, object], str]] = [
    ({**CIB, "fixed": ["A"]}, "fixed: expected an object"),
    ({**CIB, "fixed": {"Z": "a1"}}, "fixed.Z: unknown descriptor 'Z'"),
    ({**CIB, "fixed": {"A": "b1"}}, "fixed.A: unknown variant 'b1' of 'A'"),
    ({**CIB, "fixed": {"A": 0}}, "fixed.A: expected a variant name"),
    ({**CIB, "with_balances": "yes"}, "with_balances: expected true or false"),
    ({**CIB, "standardize": 1}, "standardize: expected true or false"),
    ({**CIB, "standardize": True}, "standardize: group matrix[2][0..1] (B=b1 onto A) sums to 1"),
    ({**CIB, "time_budget_s": 0}, "time_budget_s: value 0 out of scale 0.01..3600"),
    ({**CIB, "time_budget_s": "fast"}, "time_budget_s: expected a number"),
    ({**CIB, "max_scenarios_built": 0}, "max_scenarios_built: value 0 out of scale"),
    ({**CIB, "max_scenarios_built": 10**7}, "max_scenarios_built: value 10000000 out of"),
    ({**CIB, "monte_carlo_starts": 1.5}, "monte_carlo_starts: expected an integer"),
    ({**CIB, "seed": -1}, "seed: value -1 out of scale"),
]


@pytest.mark.parametrize(("doc", "message"), BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_cib_options_exit_two_naming_the_field(
    cli: Cli,
    doc: dict[str, object],
    message: str,
) -> None:
    cli.bad("cib", doc, message)


def test_every_option_together_is_accepted(cli: Cli) -> None:
    result = cli.ok("cib", FULL)
    # A fixed to a2 although b1 → a1 = +1 favours a1: a fixed descriptor is not checked. B's
    # only variant b1 receives a2 → b1 = −1; the total impact score is 0 + (−1).
    assert result["scenarios"] == [
        {
            "variants": ["a2", "b1"],
            "inconsistency": 0,
            "total_impact_score": -1,
            "balances": {"A": {"a1": 1, "a2": 0}, "B": {"b1": -1}},
        }
    ]
    assert result["exhaustive"] is True
    assert result["islands"] == [{"descriptors": ["B"], "scenario_count": 1}]


def test_schema_accepts_every_option_and_refuses_bad_shapes() -> None:
    check = validator("cib")
    check.validate(FULL)
    for doc, message in BAD:
        if "unknown" in message or "standardize: group" in message:
            continue  # cross references, checked by the library only
        assert not check.is_valid(doc), message
