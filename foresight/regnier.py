"""Régnier's abacus: colour votes on statements, acceptance and dissensus."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

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
FAVOURABLE = ("dark_green", "light_green")
DEFAULT_DISSENSUS_THRESHOLD = 1.5
Sort = Literal["consensus", "mean", "mean_answered", "favourable"]
SORTS: tuple[Sort, ...] = ("consensus", "mean", "mean_answered", "favourable")


@dataclass(frozen=True)
class RegnierInput:
    statements: tuple[str, ...]
    votes: tuple[tuple[str, ...], ...]  # one row per statement, one colour per participant
    dissensus_threshold: float = DEFAULT_DISSENSUS_THRESHOLD
    sort: Sort = "consensus"
    participants: tuple[str, ...] | None = None  # names of the columns (default P1, P2, …)


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
    favourable: float  # share of dark and light greens among all participants


@dataclass(frozen=True)
class ParticipantResult:
    name: str
    position: int  # 0-based column in the input
    mean: float  # over all statements, abstentions counted 0
    answered: int


@dataclass(frozen=True)
class RegnierResult:
    sort: Sort
    statements: list[StatementResult]  # the abacus's rows, in the chosen order
    participants: list[ParticipantResult]  # its columns, by voting profile

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse(doc: object) -> RegnierInput:
    doc = _input.mapping(doc, "")
    _input.reject_unknown(
        doc, ("statements", "votes", "dissensus_threshold", "sort", "participants")
    )
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
    sort = doc.get("sort", "consensus")
    if sort not in SORTS:
        raise InputError("sort", f"unknown sort {sort!r}; expected one of {', '.join(SORTS)}")
    participants = None
    if "participants" in doc:
        participants = _input.names(doc["participants"], "participants")
        if width is not None and len(participants) != width:
            raise InputError(
                "participants",
                f"expected {width} names (one per vote column), got {len(participants)}",
            )
    return RegnierInput(statements, tuple(votes), threshold, sort, participants)


def _sort_key(sort: Sort, r: StatementResult) -> tuple[Any, ...]:
    if sort == "mean":
        return (-r.mean, r.position)
    if sort == "mean_answered":
        # The order before issue 13: a statement nobody answered comes last.
        return (r.mean_answered is None, -(r.mean_answered or 0), r.position)
    if sort == "favourable":
        return (-r.favourable, -r.mean, r.position)
    # consensus: statements without dissensus first, then those with, then those nobody
    # answered; within a group acceptance over everybody (abstentions weigh 0), then the less
    # dispersed, then the more answered.
    dispersion = r.dispersion if r.dispersion is not None else math.inf
    return (r.answered == 0, r.dissensus, -r.mean, dispersion, -r.answered, r.position)


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
                favourable=sum(c in FAVOURABLE for c in row) / len(row),
            )
        )
    results.sort(key=lambda r: _sort_key(data.sort, r))
    return RegnierResult(data.sort, results, _participants(data))


def _participants(data: RegnierInput) -> list[ParticipantResult]:
    """Columns by voting profile: mean score (abstentions 0) descending; at equal means, the
    participant closest (L1 distance of the scores) to the one placed just before, then input
    order."""
    width = len(data.votes[0]) if data.votes else 0
    names = data.participants or tuple(f"P{j + 1}" for j in range(width))
    profiles = [[COLOURS[row[j]] for row in data.votes] for j in range(width)]
    m = len(data.votes)
    means = [sum(p) / m if m else 0.0 for p in profiles]
    remaining = sorted(range(width), key=lambda j: (-means[j], j))
    order: list[int] = []
    while remaining:
        top = means[remaining[0]]
        tied = [j for j in remaining if means[j] == top]
        if order:
            last = profiles[order[-1]]
            pick = min(tied, key=lambda j: (_distance(profiles[j], last), j))
        else:
            pick = tied[0]
        order.append(pick)
        remaining.remove(pick)
    return [
        ParticipantResult(names[j], j, means[j], sum(1 for v in profiles[j] if v)) for j in order
    ]


def _distance(a: list[int], b: list[int]) -> int:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True))
