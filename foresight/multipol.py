"""Multipol: actions scored on criteria, compared under several weighting policies (Godet)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from foresight import InputError, _input


@dataclass(frozen=True)
class Policy:
    name: str
    weights: tuple[float, ...]  # one per criterion, ≥ 0, not all zero
    probability: float | None = None  # of the scenario this policy answers (all or none)


@dataclass(frozen=True)
class MultipolInput:
    actions: tuple[str, ...]
    criteria: tuple[str, ...]
    scores: tuple[tuple[float, ...], ...]  # actions × criteria
    policies: tuple[Policy, ...]
    sensitivity: float | None = None  # δ: each normalised criterion weight moved by ±δ


@dataclass(frozen=True)
class ActionResult:
    name: str
    scores: list[float]  # one per policy: weighted mean of the criteria scores
    ranks: list[int]  # one per policy, 1 = best, ties in input order
    mean: float  # over policies
    standard_deviation: float  # over policies (population): low = robust to the policy
    best_rank: int
    worst_rank: int
    expected: float | None  # Σ over policies of probability × score (policies' probabilities)
    expected_rank: int | None


@dataclass(frozen=True)
class Perturbation:
    """One policy with one criterion weight moved, when it changes the policy's ranking."""

    policy: str
    criterion: str
    delta: float  # +δ or −δ on the normalised weight, before renormalisation
    weights: list[float]  # the perturbed weights, normalised (sum 1)
    ranking: list[str]  # actions under the perturbed weights, best first
    reversals: list[list[str]]  # pairs [a, b]: a was ahead of b under the policy, b is now


@dataclass(frozen=True)
class MultipolResult:
    policies: list[str]
    actions: list[ActionResult]
    ranking: list[str]  # by mean score, descending, ties in input order
    expected_ranking: list[str] | None  # by expected score when policies have probabilities
    sensitivity: list[Perturbation] | None  # with sensitivity δ: only the changing ones

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse(doc: object) -> MultipolInput:
    doc = _input.mapping(doc, "")
    _input.reject_unknown(doc, ("actions", "criteria", "scores", "policies", "sensitivity"))
    actions = _input.names(_input.required(doc, "actions"), "actions")
    criteria = _input.names(_input.required(doc, "criteria"), "criteria")
    rows = _input.rect_matrix(
        _input.required(doc, "scores"), "scores", len(actions), len(criteria), "action"
    )
    scores = tuple(
        tuple(_input.number(v, f"scores[{i}][{j}]") for j, v in enumerate(row))
        for i, row in enumerate(rows)
    )
    raw = _input.array(_input.required(doc, "policies"), "policies", min_len=1)
    policies = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        fld = f"policies[{i}]"
        item = _input.mapping(item, fld)
        _input.reject_unknown(item, ("name", "weights", "probability"), fld)
        name = _input.string(_input.required(item, "name", fld), f"{fld}.name")
        if name in seen:
            raise InputError(f"{fld}.name", f"duplicate name {name!r}")
        seen.add(name)
        weights = _input.array(_input.required(item, "weights", fld), f"{fld}.weights")
        if len(weights) != len(criteria):
            raise InputError(
                f"{fld}.weights", f"expected {len(criteria)} weights, got {len(weights)}"
            )
        values = tuple(_input.number(w, f"{fld}.weights[{j}]", lo=0) for j, w in enumerate(weights))
        if not any(values):
            raise InputError(f"{fld}.weights", "all weights are zero")
        probability = None
        if "probability" in item:
            probability = _input.number(item["probability"], f"{fld}.probability", lo=0, hi=1)
        policies.append(Policy(name, values, probability))
    given = [p.probability is not None for p in policies]
    if any(given):
        if not all(given):
            missing = given.index(False)
            raise InputError(
                f"policies[{missing}].probability",
                "missing: give a probability to every policy or to none",
            )
        total = sum(p.probability or 0.0 for p in policies)
        if abs(total - 1) > 1e-6:
            raise InputError("policies", f"probabilities must sum to 1, got {total:g}")
    sensitivity = None
    if doc.get("sensitivity") is not None:
        sensitivity = _input.number(doc["sensitivity"], "sensitivity", lo=0, hi=1)
        if sensitivity == 0:
            raise InputError("sensitivity", "expected a perturbation above 0")
    return MultipolInput(actions, criteria, scores, tuple(policies), sensitivity)


def _ranks(values: list[float]) -> list[int]:
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    ranks = [0] * len(values)
    for rank, i in enumerate(order, start=1):
        ranks[i] = rank
    return ranks


def _weighted(
    weights: tuple[float, ...] | list[float], scores: tuple[tuple[float, ...], ...]
) -> list[float]:
    total = sum(weights)
    return [sum(w * x for w, x in zip(weights, row, strict=True)) / total for row in scores]


def solve(data: MultipolInput) -> MultipolResult:
    per_policy = [_weighted(policy.weights, data.scores) for policy in data.policies]
    ranks = [_ranks(values) for values in per_policy]
    k = len(data.policies)
    n = len(data.actions)
    expected = None
    expected_ranks: list[int | None] = [None] * n
    if data.policies[0].probability is not None:
        probs = [p.probability or 0.0 for p in data.policies]
        expected = [sum(probs[p] * per_policy[p][a] for p in range(k)) for a in range(n)]
        expected_ranks = list(_ranks(expected))
    actions = []
    means = []
    for a, name in enumerate(data.actions):
        values = [per_policy[p][a] for p in range(k)]
        mean = sum(values) / k
        means.append(mean)
        action_ranks = [ranks[p][a] for p in range(k)]
        actions.append(
            ActionResult(
                name=name,
                scores=values,
                ranks=action_ranks,
                mean=mean,
                standard_deviation=math.sqrt(sum((v - mean) ** 2 for v in values) / k),
                best_rank=min(action_ranks),
                worst_rank=max(action_ranks),
                expected=None if expected is None else expected[a],
                expected_rank=expected_ranks[a],
            )
        )
    order = sorted(range(n), key=lambda a: (-means[a], a))
    return MultipolResult(
        policies=[p.name for p in data.policies],
        actions=actions,
        ranking=[data.actions[a] for a in order],
        expected_ranking=(
            None
            if expected is None
            else [data.actions[a] for a in sorted(range(n), key=lambda a: (-expected[a], a))]
        ),
        sensitivity=None if data.sensitivity is None else _sensitivity(data, ranks),
    )


def _sensitivity(data: MultipolInput, ranks: list[list[int]]) -> list[Perturbation]:
    """Each policy's normalised weights, one criterion at a time moved by +δ and −δ (floored at
    0), renormalised to sum 1; the perturbations that reverse at least one pair of actions."""
    delta = data.sensitivity or 0.0
    out = []
    for p, policy in enumerate(data.policies):
        total = sum(policy.weights)
        base = [w / total for w in policy.weights]
        before = ranks[p]
        for c, criterion in enumerate(data.criteria):
            for sign in (1.0, -1.0):
                moved = list(base)
                moved[c] = max(0.0, moved[c] + sign * delta)
                if moved == base or not any(moved):
                    continue  # −δ on a zero weight changes nothing; all zero is no policy
                s = sum(moved)
                moved = [w / s for w in moved]
                after = _ranks(_weighted(moved, data.scores))
                if after == before:
                    continue
                names = data.actions
                # In the policy's order: a walks the old ranking, b the actions below a.
                old_order = sorted(range(len(names)), key=lambda a: before[a])
                reversals = [
                    [names[a], names[b]]
                    for i, a in enumerate(old_order)
                    for b in old_order[i + 1 :]
                    if after[a] > after[b]
                ]
                out.append(
                    Perturbation(
                        policy=policy.name,
                        criterion=criterion,
                        delta=sign * delta,
                        weights=moved,
                        ranking=[
                            names[a] for a in sorted(range(len(names)), key=lambda a: after[a])
                        ],
                        reversals=reversals,
                    )
                )
    return out
