"""Delphi: rounds of numeric estimates, their spread, convergence and consensus."""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import asdict, dataclass
from typing import Any, Literal

from scipy import stats

from foresight import InputError, _input

Rule = Literal["iqr_at_most", "relative_iqr_at_most", "share_within"]
RULES: tuple[Rule, ...] = ("iqr_at_most", "relative_iqr_at_most", "share_within")


@dataclass(frozen=True)
class Consensus:
    rule: Rule
    value: float
    tolerance: float = 0.0  # share_within only: half-width of the band around the median


DEFAULT_OUTLIER_FENCE = 1.5


@dataclass(frozen=True)
class Likert:
    points: int  # answers are the integers 1..points
    agree_at_least: int  # answers ≥ this count as agreeing


@dataclass(frozen=True)
class Question:
    name: str
    # With experts, one answer per expert, None where an expert did not answer.
    rounds: tuple[tuple[float | None, ...], ...]
    likert: Likert | None = None


@dataclass(frozen=True)
class DelphiInput:
    questions: tuple[Question, ...]
    consensus: Consensus
    experts: tuple[str, ...] | None = None
    stability_tolerance: float = 0.0
    outlier_fence: float = DEFAULT_OUTLIER_FENCE


@dataclass(frozen=True)
class LikertSummary:
    counts: list[int]  # per point 1..points
    median: int  # inverse of the empirical distribution (lower median)
    q1: int
    q3: int
    iqr: int
    mode: int  # the smallest most frequent answer
    share_agreeing: float


@dataclass(frozen=True)
class ExpertStability:
    name: str
    answers: list[float | None]  # per round
    shifts: list[float | None]  # answer − previous answer, from the second round
    mean_absolute_shift: float | None
    stable: bool | None  # every shift within stability_tolerance (None: nothing to compare)


@dataclass(frozen=True)
class Concordance:
    """Kendall's W over the questions of one round, as items every expert rated."""

    round: int
    experts: int  # experts who answered every question of the round
    items: int
    w: float | None  # None when undefined (fewer than 2 experts or items, or all tied)
    chi2: float | None  # m(n − 1)W, n − 1 degrees of freedom
    p_value: float | None


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
    outliers: list[int]  # positions (expert indexes) outside Q1 − k·IQR, Q3 + k·IQR
    likert: LikertSummary | None


@dataclass(frozen=True)
class QuestionResult:
    name: str
    rounds: list[RoundResult]
    converging: bool  # the last round's iqr is below the first one's
    consensus: bool  # reached at the last round
    experts: list[ExpertStability] | None  # with experts
    stable_share: list[float | None] | None  # per round from the second: share of stable experts


@dataclass(frozen=True)
class DelphiResult:
    questions: list[QuestionResult]
    concordance: list[Concordance] | None  # per round, with experts

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


FIELDS = ("questions", "consensus", "experts", "stability_tolerance", "outlier_fence")


def parse(doc: object) -> DelphiInput:
    doc = _input.mapping(doc, "")
    _input.reject_unknown(doc, FIELDS)
    experts = None
    if "experts" in doc:
        experts = _input.names(doc["experts"], "experts", min_len=1)
    raw = _input.array(_input.required(doc, "questions"), "questions", min_len=1)
    questions = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        fld = f"questions[{i}]"
        item = _input.mapping(item, fld)
        _input.reject_unknown(item, ("name", "rounds", "likert"), fld)
        name = _input.string(_input.required(item, "name", fld), f"{fld}.name")
        if name in seen:
            raise InputError(f"{fld}.name", f"duplicate name {name!r}")
        seen.add(name)
        likert = _likert(item["likert"], f"{fld}.likert") if "likert" in item else None
        rounds = _input.array(_input.required(item, "rounds", fld), f"{fld}.rounds", min_len=1)
        parsed = []
        for r, answers in enumerate(rounds):
            rf = f"{fld}.rounds[{r}]"
            answers = _input.array(answers, rf, min_len=1)
            if experts is not None and len(answers) != len(experts):
                raise InputError(
                    rf,
                    f"expected {len(experts)} answers (one per expert, null if none), got {len(answers)}",
                )
            row: list[float | None] = []
            for k, a in enumerate(answers):
                if a is None and experts is not None:
                    row.append(None)
                elif likert is not None:
                    row.append(float(_input.integer(a, f"{rf}[{k}]", lo=1, hi=likert.points)))
                else:
                    row.append(_input.number(a, f"{rf}[{k}]"))
            if all(a is None for a in row):
                raise InputError(rf, "no answer in this round")
            parsed.append(tuple(row))
        questions.append(Question(name, tuple(parsed), likert))
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
    stability = _input.number(doc.get("stability_tolerance", 0), "stability_tolerance", lo=0)
    if "stability_tolerance" in doc and experts is None:
        raise InputError("stability_tolerance", "only with experts (answers matched by expert)")
    fence = _input.number(doc.get("outlier_fence", DEFAULT_OUTLIER_FENCE), "outlier_fence", lo=0)
    return DelphiInput(
        tuple(questions), Consensus(rule, value, tolerance), experts, stability, fence
    )


def _likert(value: object, fld: str) -> Likert:
    doc = _input.mapping(value, fld)
    _input.reject_unknown(doc, ("points", "agree_at_least"), fld)
    points = _input.integer(_input.required(doc, "points", fld), f"{fld}.points", lo=2, hi=11)
    # Default: strictly above the middle point (4 and 5 on a 5-point scale, 3 and 4 on 4).
    default = points // 2 + 1 + points % 2
    agree = _input.integer(
        doc.get("agree_at_least", default), f"{fld}.agree_at_least", lo=1, hi=points
    )
    return Likert(points, agree)


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
        for r, row in enumerate(question.rounds):
            answers = tuple(a for a in row if a is not None)
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
            lo, hi = q1 - data.outlier_fence * iqr, q3 + data.outlier_fence * iqr
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
                    outliers=[k for k, a in enumerate(row) if a is not None and not lo <= a <= hi],
                    likert=None
                    if question.likert is None
                    else _likert_summary(answers, question.likert),
                )
            )
        experts, stable_share = _stability(data, question)
        out.append(
            QuestionResult(
                name=question.name,
                rounds=rounds,
                converging=len(rounds) > 1 and rounds[-1].iqr < rounds[0].iqr,
                consensus=rounds[-1].consensus,
                experts=experts,
                stable_share=stable_share,
            )
        )
    return DelphiResult(out, None if data.experts is None else _concordance(data))


def _likert_summary(answers: tuple[float, ...], scale: Likert) -> LikertSummary:
    ordered = sorted(int(a) for a in answers)
    n = len(ordered)

    def quantile(p: float) -> int:
        # Inverse of the empirical distribution: the smallest answer with at least p of the
        # answers at or below it (Hyndman–Fan type 1), always a point of the scale.
        return ordered[max(math.ceil(p * n) - 1, 0)]

    counts = [ordered.count(point) for point in range(1, scale.points + 1)]
    q1, q3 = quantile(0.25), quantile(0.75)
    return LikertSummary(
        counts=counts,
        median=quantile(0.5),
        q1=q1,
        q3=q3,
        iqr=q3 - q1,
        mode=counts.index(max(counts)) + 1,
        share_agreeing=sum(a >= scale.agree_at_least for a in ordered) / n,
    )


def _stability(
    data: DelphiInput, question: Question
) -> tuple[list[ExpertStability] | None, list[float | None] | None]:
    if data.experts is None:
        return None, None
    tol = data.stability_tolerance
    experts = []
    for e, name in enumerate(data.experts):
        answers = [row[e] for row in question.rounds]
        shifts = [None if a is None or b is None else b - a for a, b in itertools.pairwise(answers)]
        known = [abs(x) for x in shifts if x is not None]
        experts.append(
            ExpertStability(
                name=name,
                answers=answers,
                shifts=shifts,
                mean_absolute_shift=statistics.fmean(known) if known else None,
                stable=all(x <= tol for x in known) if known else None,
            )
        )
    shares: list[float | None] = []
    for r in range(1, len(question.rounds)):
        compared = [x.shifts[r - 1] for x in experts if x.shifts[r - 1] is not None]
        shares.append(
            sum(abs(x) <= tol for x in compared if x is not None) / len(compared)
            if compared
            else None
        )
    return experts, shares


def _average_ranks(values: list[float]) -> tuple[list[float], int]:
    """Ranks 1..n with ties given their mean rank, and Σ(t³ − t) over the groups of ties."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    ties = 0
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        t = end - start + 1
        ties += t**3 - t
        for k in range(start, end + 1):
            ranks[order[k]] = (start + end) / 2 + 1
        start = end + 1
    return ranks, ties


def _concordance(data: DelphiInput) -> list[Concordance]:
    """Kendall's W per round over the questions having that round, with the tie correction
    W = 12·S / (m²(n³ − n) − m·ΣT); experts missing an answer in the round are left out."""
    assert data.experts is not None
    depth = max(len(q.rounds) for q in data.questions)
    out = []
    for r in range(depth):
        items = [q.rounds[r] for q in data.questions if len(q.rounds) > r]
        n = len(items)
        complete = [e for e in range(len(data.experts)) if all(row[e] is not None for row in items)]
        m = len(complete)
        w = chi2 = p = None
        if n >= 2 and m >= 2:
            totals = [0.0] * n
            tie_sum = 0
            for e in complete:
                ranks, ties = _average_ranks([float(row[e] or 0.0) for row in items])
                totals = [t + x for t, x in zip(totals, ranks, strict=True)]
                tie_sum += ties
            mean = m * (n + 1) / 2
            s = sum((t - mean) ** 2 for t in totals)
            denominator = m * m * (n**3 - n) - m * tie_sum
            if denominator > 0:
                w = 12 * s / denominator
                chi2 = m * (n - 1) * w
                p = float(stats.chi2.sf(chi2, n - 1))
        out.append(Concordance(r, m, n, w, chi2, p))
    return out
