"""Régnier's abacus, issue 13: sort criteria and the participants' axis."""

import random

import pytest

from foresight import InputError, regnier

ISSUE = {
    "statements": ["one dark green", "ten light greens"],
    "votes": [["dark_green"] + ["white"] * 9, ["light_green"] * 10],
}


def order(doc: dict[str, object], **extra: object) -> list[str]:
    return [s.name for s in regnier.solve(regnier.parse({**doc, **extra})).statements]


def test_abstentions_do_not_outrank_a_consensus() -> None:
    assert order(ISSUE) == ["ten light greens", "one dark green"]
    assert order(ISSUE, sort="mean") == ["ten light greens", "one dark green"]  # 4 against 0.5
    assert order(ISSUE, sort="favourable") == ["ten light greens", "one dark green"]  # 1 vs 0.1
    # The order before issue 13 is still available: 5 against 4 among those who answered.
    assert order(ISSUE, sort="mean_answered") == ["one dark green", "ten light greens"]
    result = regnier.solve(regnier.parse(ISSUE))
    assert result.sort == "consensus"
    assert [s.favourable for s in result.statements] == [1.0, 0.1]


def test_consensus_breaks_equal_means_by_dispersion() -> None:
    doc = {
        "statements": ["split", "agreed"],
        "votes": [["dark_green", "orange"], ["light_green", "light_green"]],
    }
    # Both means 4; dispersion 1 (no dissensus at 1.5) against 0.
    assert order(doc) == ["agreed", "split"]
    assert order(doc, sort="mean") == ["split", "agreed"]  # equal means: input order


def test_default_never_puts_a_mostly_abstained_statement_above_a_consensual_one() -> None:
    rnd = random.Random(13)
    colours = list(regnier.COLOURS)
    for _ in range(300):
        width = rnd.randint(1, 9)
        rows = [[rnd.choice(colours) for _ in range(width)] for _ in range(rnd.randint(2, 6))]
        result = regnier.solve(
            regnier.parse({"statements": [f"S{i}" for i in range(len(rows))], "votes": rows})
        )
        seen_abstained = False
        for s in result.statements:
            abstentions = width - s.answered
            consensual = (
                s.answered == width
                and not s.dissensus
                and min(regnier.COLOURS[c] for c in rows[s.position]) >= 3
            )
            if consensual:
                assert not seen_abstained, rows
            if 2 * abstentions > width:
                seen_abstained = True


def test_participants_by_voting_profile() -> None:
    doc = {
        "statements": ["S1", "S2"],
        "votes": [
            ["dark_green", "dark_red", "dark_green", "white"],
            ["dark_green", "dark_red", "light_green", "white"],
        ],
        "participants": ["Ann", "Bob", "Cyd", "Dee"],
    }
    people = regnier.solve(regnier.parse(doc)).participants
    # Means over the statements (abstentions 0): Ann 5, Bob 1, Cyd 4.5, Dee 0.
    assert [(p.name, p.mean, p.answered) for p in people] == [
        ("Ann", 5.0, 2),
        ("Cyd", 4.5, 2),
        ("Bob", 1.0, 2),
        ("Dee", 0.0, 0),
    ]
    tied = {
        "statements": ["S1", "S2"],
        "votes": [["dark_green", "dark_red", "dark_green"], ["dark_red", "dark_green", "dark_red"]],
    }
    # All means 3: P1 first (input order), then P3 (same profile as P1), then P2.
    people = regnier.solve(regnier.parse(tied)).participants
    assert [p.name for p in people] == ["P1", "P3", "P2"]
    assert [p.position for p in people] == [0, 2, 1]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"sort": "median"}, "sort: unknown sort 'median'"),
        ({"participants": ["A"]}, "participants: expected 10 names"),
        ({"participants": ["A"] * 10}, "participants[1]: duplicate name 'A'"),
    ],
)
def test_bad_new_fields(extra: dict[str, object], message: str) -> None:
    with pytest.raises(InputError) as error:
        regnier.parse({**ISSUE, **extra})
    assert str(error.value).startswith(message)
