"""Reads of the morphological analysis screens: the live answer to the group's choices, the
study page's summary with its scenarios, and a run's morphological table.

The live answer is the library's: the study's document is parsed by `foresight.morpho` and its
consistent configurations are listed by `foresight.morpho_engine` once per version of the
inputs (kept in this process, a few small arrays); each click then only selects among them
— how many remain with the choices made, which hypotheses still appear. A field with more
consistent configurations than `ENUMERATION_LIMIT` is answered by the engine at each click
instead (the choices as one-component clauses: its exact count, and its uniform draws plus a
satisfiability check for the hypotheses no draw showed).
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from foresight.morpho_engine import BudgetExceeded

from ..models import Scenario, Study, StudyRun
from ..services.morpho import (
    MorphoComponent,
    MorphoField,
    element_label,
    morpho_components,
    morpho_exclusions,
    other_constraints,
)

# Consistent configurations listed once per version of the inputs (about 15 µs each).
ENUMERATION_LIMIT = 20_000
# Uniform draws that show which hypotheses remain possible on a large field.
DRAWS = 64
_CACHE_SIZE = 32
_cache: OrderedDict[tuple[Any, ...], Prepared] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class Prepared:
    field: MorphoField
    total: int | None
    # All the consistent configurations (rows: hypothesis positions), when few enough.
    configurations: np.ndarray[Any, Any] | None


def _key(study: Study) -> tuple[Any, ...]:
    doc = json.dumps(study.inputs, sort_keys=True, ensure_ascii=False)
    return (study.pk, study.lock_version, hashlib.sha256(doc.encode()).hexdigest())


def morpho_prepared(study: Study) -> Prepared:
    """The study's field and its consistent configurations, computed once per version of the
    inputs (`InputErrors` when the library refuses the document)."""
    key = _key(study)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    field = MorphoField.of(study.inputs)
    total = field.count()
    configurations = None
    if total is not None and total <= ENUMERATION_LIMIT:
        engine = field.engine()
        rows = list(engine.enumerate())
        configurations = np.array(rows, dtype=np.int8).reshape(len(rows), len(field.sizes))
    prepared = Prepared(field, total, configurations)
    with _lock:
        _cache[key] = prepared
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return prepared


# The live answer ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveHypothesis:
    position: int
    name: str
    chosen: bool
    # Compatible with the choices made for the other components.
    possible: bool
    # Consistent configurations if it is chosen (with the others' choices); None: not known.
    count: int | None
    # Ready for the template (a click's answer renders 60 of these: no filter, no tag).
    input_id: str = ""
    value: str = ""
    hint: str = ""


@dataclass(frozen=True)
class LiveComponent:
    position: int
    name: str
    chosen: int | None
    hypotheses: list[LiveHypothesis]
    input_name: str = ""
    hint: str = ""

    @property
    def chosen_name(self) -> str:
        return "" if self.chosen is None else self.hypotheses[self.chosen].name

    @property
    def possible_count(self) -> int:
        return sum(1 for h in self.hypotheses if h.possible)


@dataclass(frozen=True)
class LiveAnswer:
    components: list[LiveComponent]
    choices: dict[int, int]
    consistent: bool
    # Consistent configurations with the choices made (None: past the engine's budget).
    remaining: int | None
    total: int | None
    space: int
    # Exclusions whose hypotheses are all chosen (the plain reason of an inconsistency).
    violated: list[str]

    @property
    def complete(self) -> bool:
        return len(self.choices) == len(self.components)


def parse_choices(
    query: Mapping[str, str], components: Sequence[MorphoComponent]
) -> dict[int, int]:
    """The radio buttons `c-<component>` = hypothesis position; anything else is « not chosen »."""
    choices: dict[int, int] = {}
    for c, comp in enumerate(components):
        value = query.get(f"c-{c}", "")
        if value.isdigit() and int(value) < len(comp.hypotheses):
            choices[c] = int(value)
    return choices


def _enumerated(
    configurations: np.ndarray[Any, Any], sizes: Sequence[int], choices: Mapping[int, int]
) -> tuple[int, list[list[int]]]:
    """Remaining count, and per component the count of each hypothesis among the
    configurations that agree with the choices of the other components."""
    rows = configurations.shape[0]
    hits = {c: configurations[:, c] == h for c, h in choices.items()}
    matched = np.zeros(rows, dtype=np.int16)
    for hit in hits.values():
        matched += hit
    k = len(choices)
    remaining = int(np.count_nonzero(matched == k))
    counts = []
    for c, size in enumerate(sizes):
        agree = (matched - hits[c]) == k - 1 if c in hits else matched == k
        counts.append(np.bincount(configurations[agree, c], minlength=size).tolist())
    return remaining, counts


def _possible(
    field: MorphoField, fixed: Mapping[int, int], components: Sequence[int]
) -> dict[int, set[int]]:
    """Per component, its hypotheses compatible with `fixed`: those the engine's draws show,
    then a satisfiability check for the others."""
    engine = field.engine(fixed)
    seen: dict[int, set[int]] = {c: set() for c in components}
    try:
        # One forward pass, kept for the draws.
        if 0 in engine.group_counts(keep=True):
            return seen
        draws = [engine.sample(random.Random(i)) for i in range(DRAWS)]
    except BudgetExceeded:
        rng = random.Random(0)
        draws = [d for d in (engine.random_configuration(rng) for _ in range(DRAWS)) if d]
    for draw in draws:
        for c in components:
            seen[c].add(draw[c])
    for c in components:
        for h in range(field.sizes[c]):
            if h not in seen[c] and field.satisfied({**fixed, c: h}):
                seen[c].add(h)
    return seen


def _hint(possible: bool, count: int | None) -> str:
    if not possible:
        return _("✕ impossible avec les autres choix")
    if count is None:
        return _("possible")
    return ngettext(
        "possible — %(count)s configuration", "possible — %(count)s configurations", count
    ) % {"count": count}


def morpho_live(study: Study, choices: Mapping[int, int]) -> LiveAnswer:
    """The answer to the group's choices: consistent or not, how many consistent
    configurations remain, and which hypotheses of each component stay possible given the
    choices made for the others (no query; `InputErrors` when the library refuses the
    document)."""
    prepared = morpho_prepared(study)
    field = prepared.field
    comps = field.data.components
    sizes = field.sizes
    counts: list[list[int]] | None = None
    if prepared.configurations is not None:
        remaining: int | None
        remaining, counts = _enumerated(prepared.configurations, sizes, choices)
        possible = [{h for h, n in enumerate(row) if n} for row in counts]
    else:
        remaining = field.count(dict(choices)) if choices else prepared.total
        free = [c for c in range(len(sizes)) if c not in choices]
        possible = [set() for _ in sizes]
        for c, found in _possible(field, choices, free).items():
            possible[c] = found
        for c in choices:
            others = {o: h for o, h in choices.items() if o != c}
            possible[c] = _possible(field, others, [c])[c]
    consistent = (remaining is None and field.satisfied(dict(choices))) or bool(remaining)
    components = []
    for c, comp in enumerate(comps):
        hyps = [
            LiveHypothesis(
                position=h,
                name=name,
                chosen=choices.get(c) == h,
                possible=h in possible[c],
                count=None if counts is None else counts[c][h],
                input_id=f"c-{c}-{h}",
                value=str(h),
                hint=_hint(h in possible[c], None if counts is None else counts[c][h]),
            )
            for h, name in enumerate(comp.hypotheses)
        ]
        n_possible = len(possible[c])
        components.append(
            LiveComponent(
                position=c,
                name=comp.name,
                chosen=choices.get(c),
                hypotheses=hyps,
                input_name=f"c-{c}",
                hint=ngettext(
                    "%(count)s hypothèse possible sur %(total)s",
                    "%(count)s hypothèses possibles sur %(total)s",
                    n_possible,
                )
                % {"count": n_possible, "total": len(hyps)},
            )
        )
    chosen_elements = {(comps[c].name, comps[c].hypotheses[h]) for c, h in choices.items()}
    violated = [
        " + ".join(element_label(e) for e in excl)
        for excl in morpho_exclusions(study)
        if excl and all(tuple(e) in chosen_elements for e in excl)
    ]
    return LiveAnswer(
        components=components,
        choices=dict(choices),
        consistent=consistent,
        remaining=remaining,
        total=prepared.total,
        space=field.space,
        violated=violated,
    )


# The study page ------------------------------------------------------------------------------


def morpho_scenarios(study: Study) -> list[Scenario]:
    """The study's named scenarios, by name, with who saved them (one query)."""
    return list(
        Scenario.objects.filter(study=study).select_related("created_by").order_by("name", "pk")
    )


def morpho_inputs_summary(study: Study) -> dict[str, Any]:
    """The study page's inputs section: the morphological table, the constraints' counts and
    the saved scenarios (one query)."""
    components = morpho_components(study)
    space = 1
    for c in components:
        space *= len(c.hypotheses)
    return {
        "components": components,
        "table": _table(components),
        "space": space if components else 0,
        "exclusion_count": len(morpho_exclusions(study)),
        "others": other_constraints(study),
        "scenarios": morpho_scenarios(study),
    }


def _table(components: Sequence[MorphoComponent]) -> list[list[str]]:
    """The morphological table's rows: the k-th hypothesis of every component ("" past its
    last)."""
    depth = max((len(c.hypotheses) for c in components), default=0)
    return [
        [c.hypotheses[k] if k < len(c.hypotheses) else "" for c in components] for k in range(depth)
    ]


# A run's results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CrossCell:
    shown: bool  # a pair of hypotheses of two different components (lower triangle)
    excluded: bool
    label: str


@dataclass(frozen=True)
class CrossRow:
    label: str
    component: str
    hypothesis: str
    cells: list[CrossCell]


def _constraint_label(doc: Mapping[str, Any], path: str) -> str:
    """A constraint of the input document named by its field path (« exclusions[3] »), in
    words."""
    kind, _sep, rest = path.partition("[")
    try:
        index = int(rest.rstrip("]"))
        item = doc.get(kind, [])[index]
    except (ValueError, IndexError, TypeError):
        return path
    if kind == "exclusions":
        if len(item) == 1:
            return _("Hypothèse interdite\u00a0: %(e)s") % {"e": element_label(item[0])}
        return _("Exclusion\u00a0: %(e)s ne vont pas ensemble") % {
            "e": " + ".join(element_label(e) for e in item)
        }
    if kind == "obligations":
        return _("Obligation\u00a0: au moins une de %(e)s") % {
            "e": ", ".join(element_label(e) for e in item)
        }
    if kind == "implications":
        return _("Implication\u00a0: si %(a)s, alors %(b)s") % {
            "a": element_label(item["if"]),
            "b": _(" ou ").join(element_label(e) for e in item["then"]),
        }
    return path


def morpho_results(run: StudyRun) -> dict[str, Any]:
    """A run's morphological table, its cross-consistency table of the excluded pairs, the
    count of consistent configurations and, when there is none, the library's explanation
    (no query)."""
    doc = run.input
    output = run.output
    components = [
        MorphoComponent(str(c["name"]), tuple(str(h) for h in c["hypotheses"]))
        for c in doc.get("components", [])
    ]
    exclusions = [[tuple(e) for e in excl] for excl in doc.get("exclusions", [])]
    pairs = {frozenset(excl) for excl in exclusions if len(excl) == 2}
    forbidden = {excl[0] for excl in exclusions if len(excl) == 1}
    flat = [(c.name, h) for c in components for h in c.hypotheses]
    comp_of = {e: i for i, c in enumerate(components) for e in ((c.name, h) for h in c.hypotheses)}
    last = components[-1].name if components else ""
    first = components[0].name if components else ""
    columns = [e for e in flat if e[0] != last]
    rows = [
        CrossRow(
            label=element_label(r),
            component=r[0],
            hypothesis=r[1],
            cells=[
                CrossCell(
                    shown=comp_of[col] < comp_of[r],
                    excluded=frozenset((r, col)) in pairs,
                    label=_("%(a)s avec %(b)s") % {"a": element_label(r), "b": element_label(col)},
                )
                for col in columns
            ],
        )
        for r in flat
        if r[0] != first
    ]
    # Column groups: one per component (all but the last), spanning its hypotheses.
    column_groups = [(c.name, len(c.hypotheses)) for c in components[:-1]]
    larger = [" + ".join(element_label(e) for e in excl) for excl in exclusions if len(excl) >= 3]
    others = [
        _constraint_label(doc, f"{kind}[{i}]")
        for kind in ("obligations", "implications")
        for i in range(len(doc.get(kind, []) or []))
    ]
    conflict = [_constraint_label(doc, path) for path in output.get("conflict") or []]
    return {
        "morpho_components": components,
        "morpho_table": [
            [
                (name, bool(name) and (components[j].name, name) in forbidden)
                for j, name in enumerate(row)
            ]
            for row in _table(components)
        ],
        "cross_columns": columns,
        "cross_groups": column_groups,
        "cross_rows": rows,
        "pair_count": len(pairs),
        "larger_exclusions": larger,
        "other_constraints": others,
        "count": output.get("count"),
        "space": output.get("space"),
        "groups": output.get("groups") or [],
        "conflict": conflict,
        "conflict_minimal": output.get("conflict_minimal"),
        "notes": output.get("notes") or [],
    }
