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


@dataclass(frozen=True)
class MultipolInput:
    actions: tuple[str, ...]
    criteria: tuple[str, ...]
    scores: tuple[tuple[float, ...], ...]  # actions × criteria
    policies: tuple[Policy, ...]


@dataclass(frozen=True)
class ActionResult:
    name: str
    scores: list[float]  # one per policy: weighted mean of the criteria scores
    ranks: list[int]  # one per policy, 1 = best, ties in input order
    mean: float  # over policies
    standard_deviation: float  # over policies (population): low = robust to the policy
    best_rank: int
    worst_rank: int


@dataclass(frozen=True)
class MultipolResult:
    policies: list[str]
    actions: list[ActionResult]
    ranking: list[str]  # by mean score, descending, ties in input order

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse(doc: object) -> MultipolInput:
    doc = _input.mapping(doc, "")
    _input.reject_unknown(doc, ("actions", "criteria", "scores", "policies"))
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
        _input.reject_unknown(item, ("name", "weights"), fld)
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
        policies.append(Policy(name, values))
    return MultipolInput(actions, criteria, scores, tuple(policies))


def _ranks(values: list[float]) -> list[int]:
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    ranks = [0] * len(values)
    for rank, i in enumerate(order, start=1):
        ranks[i] = rank
    return ranks


def solve(data: MultipolInput) -> MultipolResult:
    per_policy = []
    for policy in data.policies:
        total = sum(policy.weights)
        per_policy.append(
            [
                sum(w * s for w, s in zip(policy.weights, row, strict=True)) / total
                for row in data.scores
            ]
        )
    ranks = [_ranks(values) for values in per_policy]
    k = len(data.policies)
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
            )
        )
    order = sorted(range(len(data.actions)), key=lambda a: (-means[a], a))
    return MultipolResult(
        policies=[p.name for p in data.policies],
        actions=actions,
        ranking=[data.actions[a] for a in order],
    )
