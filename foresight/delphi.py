"""Delphi: rounds of numeric estimates, their spread, convergence and consensus."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from typing import Any, Literal

from foresight import InputError, _input

Rule = Literal["iqr_at_most", "relative_iqr_at_most", "share_within"]
RULES: tuple[Rule, ...] = ("iqr_at_most", "relative_iqr_at_most", "share_within")


@dataclass(frozen=True)
class Consensus:
    rule: Rule
    value: float
    tolerance: float = 0.0  # share_within only: half-width of the band around the median


@dataclass(frozen=True)
class Question:
    name: str
    rounds: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class DelphiInput:
    questions: tuple[Question, ...]
    consensus: Consensus


@dataclass(frozen=True)
class RoundResult:
    round: int  # 0-based
    n: int
    median: float
    q1: float
    q3: float
    iqr: float
    mean: float
    minimum: float
    maximum: float
    share_within: float | None  # share of answers within median ± tolerance (share_within rule)
    consensus: bool
    iqr_ratio: float | None  # iqr / previous iqr (< 1: converging); None on the first round
    median_shift: float | None  # median − previous median


@dataclass(frozen=True)
class QuestionResult:
    name: str
    rounds: list[RoundResult]
    converging: bool  # the last round's iqr is below the first one's
    consensus: bool  # reached at the last round


@dataclass(frozen=True)
class DelphiResult:
    questions: list[QuestionResult]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse(doc: object) -> DelphiInput:
    doc = _input.mapping(doc, "")
    _input.reject_unknown(doc, ("questions", "consensus"))
    raw = _input.array(_input.required(doc, "questions"), "questions", min_len=1)
    questions = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        fld = f"questions[{i}]"
        item = _input.mapping(item, fld)
        _input.reject_unknown(item, ("name", "rounds"), fld)
        name = _input.string(_input.required(item, "name", fld), f"{fld}.name")
        if name in seen:
            raise InputError(f"{fld}.name", f"duplicate name {name!r}")
        seen.add(name)
        rounds = _input.array(_input.required(item, "rounds", fld), f"{fld}.rounds", min_len=1)
        parsed = []
        for r, answers in enumerate(rounds):
            rf = f"{fld}.rounds[{r}]"
            answers = _input.array(answers, rf, min_len=1)
            parsed.append(tuple(_input.number(a, f"{rf}[{k}]") for k, a in enumerate(answers)))
        questions.append(Question(name, tuple(parsed)))
    c = _input.mapping(_input.required(doc, "consensus"), "consensus")
    _input.reject_unknown(c, ("rule", "value", "tolerance"), "consensus")
    rule = _input.required(c, "rule", "consensus")
    if rule not in RULES:
        raise InputError(
            "consensus.rule", f"unknown rule {rule!r}; expected one of {', '.join(RULES)}"
        )
    hi = 1.0 if rule == "share_within" else None
    value = _input.number(_input.required(c, "value", "consensus"), "consensus.value", lo=0, hi=hi)
    tolerance = 0.0
    if rule == "share_within":
        tolerance = _input.number(
            _input.required(c, "tolerance", "consensus"), "consensus.tolerance", lo=0
        )
    return DelphiInput(tuple(questions), Consensus(rule, value, tolerance))


def quartiles(values: tuple[float, ...]) -> tuple[float, float, float]:
    """Q1, median, Q3 by linear interpolation between order statistics (Hyndman–Fan type 7)."""
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def solve(data: DelphiInput) -> DelphiResult:
    rule = data.consensus
    out = []
    for question in data.questions:
        rounds: list[RoundResult] = []
        for r, answers in enumerate(question.rounds):
            q1, median, q3 = quartiles(answers)
            iqr = q3 - q1
            share = None
            if rule.rule == "share_within":
                share = sum(abs(a - median) <= rule.tolerance for a in answers) / len(answers)
                agreed = share >= rule.value
            elif rule.rule == "iqr_at_most":
                agreed = iqr <= rule.value
            else:
                # Relative to the median's size; a zero median agrees only on a zero iqr.
                agreed = iqr <= rule.value * abs(median) if median else iqr == 0
            prev = rounds[-1] if rounds else None
            rounds.append(
                RoundResult(
                    round=r,
                    n=len(answers),
                    median=median,
                    q1=q1,
                    q3=q3,
                    iqr=iqr,
                    mean=statistics.fmean(answers),
                    minimum=min(answers),
                    maximum=max(answers),
                    share_within=share,
                    consensus=agreed,
                    iqr_ratio=None if prev is None or prev.iqr == 0 else iqr / prev.iqr,
                    median_shift=None if prev is None else median - prev.median,
                )
            )
        out.append(
            QuestionResult(
                name=question.name,
                rounds=rounds,
                converging=len(rounds) > 1 and rounds[-1].iqr < rounds[0].iqr,
                consensus=rounds[-1].consensus,
            )
        )
    return DelphiResult(out)
