"""Régnier's abacus: colour votes on statements, acceptance and dissensus."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from foresight import InputError, _input

# The seven colours of the abacus; white (no opinion) and black (refusal) are abstentions.
COLOURS = {
    "dark_green": 5,
    "light_green": 4,
    "orange": 3,
    "light_red": 2,
    "dark_red": 1,
    "white": 0,
    "black": 0,
}
DEFAULT_DISSENSUS_THRESHOLD = 1.5


@dataclass(frozen=True)
class RegnierInput:
    statements: tuple[str, ...]
    votes: tuple[tuple[str, ...], ...]  # one row per statement, one colour per participant
    dissensus_threshold: float = DEFAULT_DISSENSUS_THRESHOLD


@dataclass(frozen=True)
class StatementResult:
    name: str
    position: int  # 0-based position in the input
    counts: dict[str, int]  # per colour
    answered: int  # votes other than white and black
    mean: float  # abstentions counted 0, over all participants
    mean_answered: float | None  # over those who answered
    dispersion: float | None  # population standard deviation of the answers
    dissensus: bool  # dispersion ≥ dissensus_threshold


@dataclass(frozen=True)
class RegnierResult:
    statements: list[StatementResult]  # by acceptance (mean_answered), descending

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse(doc: object) -> RegnierInput:
    doc = _input.mapping(doc, "")
    _input.reject_unknown(doc, ("statements", "votes", "dissensus_threshold"))
    statements = _input.names(_input.required(doc, "statements"), "statements")
    raw = _input.array(_input.required(doc, "votes"), "votes")
    if len(raw) != len(statements):
        raise InputError(
            "votes", f"expected {len(statements)} rows (one per statement), got {len(raw)}"
        )
    votes = []
    width = None
    for i, row in enumerate(raw):
        row = _input.array(row, f"votes[{i}]", min_len=1)
        if width is not None and len(row) != width:
            raise InputError(
                f"votes[{i}]", f"expected {width} votes (one per participant), got {len(row)}"
            )
        width = len(row)
        colours: list[str] = []
        for j, colour in enumerate(row):
            if colour not in COLOURS:
                raise InputError(
                    f"votes[{i}][{j}]",
                    f"unknown colour {colour!r}; expected one of {', '.join(COLOURS)}",
                )
            colours.append(colour)
        votes.append(tuple(colours))
    threshold = _input.number(
        doc.get("dissensus_threshold", DEFAULT_DISSENSUS_THRESHOLD),
        "dissensus_threshold",
        lo=0,
        hi=2,
    )
    return RegnierInput(statements, tuple(votes), threshold)


def solve(data: RegnierInput) -> RegnierResult:
    results = []
    for i, (name, row) in enumerate(zip(data.statements, data.votes, strict=True)):
        answers = [COLOURS[c] for c in row if COLOURS[c]]
        mean_answered = sum(answers) / len(answers) if answers else None
        dispersion = (
            math.sqrt(sum((a - mean_answered) ** 2 for a in answers) / len(answers))
            if mean_answered is not None
            else None
        )
        results.append(
            StatementResult(
                name=name,
                position=i,
                counts={colour: row.count(colour) for colour in COLOURS},
                answered=len(answers),
                mean=sum(answers) / len(row),
                mean_answered=mean_answered,
                dispersion=dispersion,
                dissensus=dispersion is not None and dispersion >= data.dissensus_threshold,
            )
        )
    # Acceptance: mean of the answers; a statement nobody answered comes last.
    results.sort(key=lambda r: (r.mean_answered is None, -(r.mean_answered or 0), r.position))
    return RegnierResult(results)
