"""Morphological analysis inputs: the components and their hypotheses, the exclusions, and the
named scenarios the group saves from the live screen.

The inputs are the library's own document (`foresight/README.md`, « morpho »): `components`
(`name`, `hypotheses`) and the constraints `exclusions` (k hypotheses of distinct components
that may not be chosen together), `obligations` and `implications`. The screens edit the
components and the exclusions; whatever else the document holds (obligations and implications
brought by an import, scoring options) is kept, its names following a rename. Consistency is
always the library's answer (`foresight.morpho` parses, `foresight.morpho_engine.Space`
counts): no second implementation here.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.core.services import audit_event_create
from fabriques.core.text import quote
from foresight import InputError, morpho
from foresight.morpho_engine import BudgetExceeded, Space

from ..models import Scenario, Study, StudyRun
from ._base import MAX_NAME_LENGTH, EditConflict, InputErrors, save_versioned

MAX_COMPONENTS = 30
MAX_HYPOTHESES = morpho.MAX_HYPOTHESES
# Element of a constraint as the document writes it: [component name, hypothesis name].
Element = list[str]


@dataclass(frozen=True)
class MorphoComponent:
    name: str
    hypotheses: tuple[str, ...]


@dataclass(frozen=True)
class ComponentEdit:
    """One component as the form posts it: its former position (None: new), its name and its
    hypotheses as (former position or None, name), in order; removed ones are left out."""

    position: int | None
    name: str
    hypotheses: Sequence[tuple[int | None, str]] = field(default=())


def morpho_components(study: Study) -> list[MorphoComponent]:
    """The study's components, as the document lists them (tolerant of a half-filled one)."""
    out = []
    for item in study.inputs.get("components", []) or []:
        if isinstance(item, Mapping):
            hyps = item.get("hypotheses") or []
            out.append(MorphoComponent(str(item.get("name", "")), tuple(str(h) for h in hyps if h)))
    return out


def _elements(value: Any) -> list[Element]:
    return [[str(e[0]), str(e[1])] for e in value or [] if isinstance(e, list) and len(e) == 2]


def morpho_exclusions(study: Study) -> list[list[Element]]:
    """Every exclusion of the document (pairs and larger combinations), in order."""
    return [_elements(e) for e in study.inputs.get("exclusions", []) or []]


def other_constraints(study: Study) -> dict[str, int]:
    """How many obligations and implications the document holds (brought by an import)."""
    return {
        "obligations": len(study.inputs.get("obligations", []) or []),
        "implications": len(study.inputs.get("implications", []) or []),
    }


def element_label(element: Sequence[str]) -> str:
    return f"{element[0]}\u00a0: {element[1]}"


# The field and the engine ---------------------------------------------------------------------


@dataclass(frozen=True)
class MorphoField:
    """The study's document parsed by the library, ready for the engine: hypothesis counts
    and every constraint as a clause. `satisfied` and `count` put the choices made as extra
    one-component clauses, so that the answer is always the engine's."""

    data: morpho.MorphoInput
    sizes: tuple[int, ...]
    clauses: tuple[Any, ...]

    @classmethod
    def of(cls, document: Mapping[str, Any]) -> MorphoField:
        """Raises `InputErrors` (French) when the library refuses the document."""
        doc = {k: v for k, v in document.items() if k in morpho.FIELDS}
        doc["mode"] = "count"
        try:
            data = morpho.parse(doc)
        except InputError as error:
            raise InputErrors([input_message(error)]) from None
        return cls(
            data=data,
            sizes=tuple(len(c.hypotheses) for c in data.components),
            clauses=tuple(c.clause for c in data.constraints()),
        )

    @property
    def space(self) -> int:
        return math.prod(self.sizes)

    def engine(self, choices: Mapping[int, int] | None = None, **budget: Any) -> Space:
        units = [((c, 1 << h),) for c, h in (choices or {}).items()]
        return Space(list(self.sizes), clauses=[*self.clauses, *units], **budget)

    def count(self, choices: Mapping[int, int] | None = None) -> int | None:
        """Consistent configurations with these choices (None past the engine's budget)."""
        try:
            return self.engine(choices).count()
        except BudgetExceeded:
            return None

    def satisfied(self, choices: Mapping[int, int]) -> bool:
        return self.engine(choices).satisfiable()


def input_message(error: InputError) -> str:
    if error.field == "components" and "at least" in error.message:
        return _("Ajoutez au moins une composante et ses hypothèses.")
    return _("La bibliothèque refuse ces données (%(field)s\u00a0: %(message)s).") % {
        "field": error.field,
        "message": error.message,
    }


# Components and hypotheses -------------------------------------------------------------------


def _name_errors(place: str, name: str, seen: dict[str, int], what: str, first: str) -> list[str]:
    if not name:
        return [_("%(place)s\u00a0: le nom ne peut pas être vide.") % {"place": place}]
    if len(name) > MAX_NAME_LENGTH:
        return [
            _("%(place)s\u00a0: %(limit)s caractères au plus.")
            % {"place": place, "limit": MAX_NAME_LENGTH}
        ]
    if name in seen:
        return [
            _("%(place)s\u00a0: %(what)s %(name)s existe déjà (%(first)s %(number)s).")
            % {
                "place": place,
                "what": what,
                "name": quote(name),
                "first": first,
                "number": seen[name],
            }
        ]
    return []


def _check_components(components: Sequence[ComponentEdit]) -> list[str]:
    errors: list[str] = []
    seen: dict[str, int] = {}
    for number, comp in enumerate(components, start=1):
        place = _("Composante %(number)s") % {"number": number}
        errors += _name_errors(place, comp.name, seen, _("la composante"), _("composante"))
        seen.setdefault(comp.name, number)
        if not comp.hypotheses:
            errors.append(
                _("%(place)s\u00a0: donnez-lui au moins une hypothèse.") % {"place": place}
            )
        elif len(comp.hypotheses) > MAX_HYPOTHESES:
            errors.append(
                _("%(place)s\u00a0: %(limit)s hypothèses au plus.")
                % {"place": place, "limit": MAX_HYPOTHESES}
            )
        hyp_seen: dict[str, int] = {}
        for rank, (_old, hyp) in enumerate(comp.hypotheses, start=1):
            where = _("Composante %(number)s, hypothèse %(rank)s") % {
                "number": number,
                "rank": rank,
            }
            errors += _name_errors(where, hyp, hyp_seen, _("l’hypothèse"), _("hypothèse"))
            hyp_seen.setdefault(hyp, rank)
    if len(components) > MAX_COMPONENTS:
        errors.append(
            _("%(limit)s composantes au plus\u00a0: regroupez-en.") % {"limit": MAX_COMPONENTS}
        )
    return errors


def _renamer(
    before: Sequence[MorphoComponent], after: Sequence[ComponentEdit]
) -> tuple[dict[str, str], dict[tuple[str, str], tuple[str, str]]]:
    """Old component name → new, old (component, hypothesis) → new, for what is kept."""
    comps: dict[str, str] = {}
    hyps: dict[tuple[str, str], tuple[str, str]] = {}
    for comp in after:
        if comp.position is None or not 0 <= comp.position < len(before):
            continue
        old = before[comp.position]
        comps[old.name] = comp.name
        for position, name in comp.hypotheses:
            if position is not None and 0 <= position < len(old.hypotheses):
                hyps[(old.name, old.hypotheses[position])] = (comp.name, name)
    return comps, hyps


def _remap_constraints(
    doc: dict[str, Any],
    comps: Mapping[str, str],
    hyps: Mapping[tuple[str, str], tuple[str, str]],
) -> dict[str, int]:
    """Follow renames in every constraint and option of the document; a constraint that names
    a removed hypothesis goes (an exclusion can no longer happen, an obligation or an
    implication loses that element and goes when none is left). Returns what was dropped."""

    def element(e: Any) -> Element | None:
        if not (isinstance(e, list) and len(e) == 2):
            return None
        new = hyps.get((str(e[0]), str(e[1])))
        return list(new) if new else None

    dropped = {"exclusions": 0, "obligations": 0, "implications": 0}
    if "exclusions" in doc:
        kept = []
        for excl in doc["exclusions"] or []:
            mapped = [element(e) for e in excl]
            if all(mapped):
                kept.append(mapped)
            else:
                dropped["exclusions"] += 1
        doc["exclusions"] = kept
    if "obligations" in doc:
        kept = []
        for ob in doc["obligations"] or []:
            mapped = [m for m in (element(e) for e in ob) if m]
            if mapped:
                kept.append(mapped)
            else:
                dropped["obligations"] += 1
        doc["obligations"] = kept
    if "implications" in doc:
        kept_imp = []
        for imp in doc["implications"] or []:
            premise = element(imp.get("if")) if isinstance(imp, Mapping) else None
            mapped_then = [element(e) for e in imp.get("then", []) or []] if premise else []
            then = [m for m in mapped_then if m]
            if premise and then:
                kept_imp.append({"if": premise, "then": then})
            else:
                dropped["implications"] += 1
        doc["implications"] = kept_imp

    def table(value: Any) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for comp, scores in (value or {}).items():
            for hyp, score in (scores or {}).items():
                new = hyps.get((comp, hyp))
                if new:
                    out.setdefault(new[0], {})[new[1]] = score
        return out

    if "preferences" in doc:
        doc["preferences"] = table(doc["preferences"])
    for criterion in doc.get("criteria", []) or []:
        if isinstance(criterion, dict):
            criterion["scores"] = table(criterion.get("scores"))
    if "reference" in doc:
        ref = {
            hyps[(c, h)][0]: hyps[(c, h)][1]
            for c, h in (doc["reference"] or {}).items()
            if (c, h) in hyps
        }
        if ref:
            doc["reference"] = ref
        else:
            doc.pop("reference")
    if "distance_weights" in doc:
        doc["distance_weights"] = {
            comps[c]: w for c, w in (doc["distance_weights"] or {}).items() if c in comps
        }
    return dropped


@transaction.atomic
def morpho_components_save(
    *,
    study: Study,
    actor: User,
    components: Sequence[ComponentEdit],
    expected_version: int,
) -> dict[str, int]:
    """Rename, reorder, remove and add components and hypotheses. The constraints follow the
    renames; those naming a removed hypothesis go (counted in the answer and the audit).
    `InputErrors` naming the component and the hypothesis (nothing saved); `EditConflict`."""
    cleaned = [
        ComponentEdit(
            c.position,
            c.name.strip(),
            tuple((p, h.strip()) for p, h in c.hypotheses),
        )
        for c in components
    ]
    errors = _check_components(cleaned)
    if errors:
        raise InputErrors(errors)
    before = morpho_components(study)
    comps, hyps = _renamer(before, cleaned)
    doc = dict(study.inputs)
    dropped = _remap_constraints(doc, comps, hyps)
    doc["components"] = [
        {"name": c.name, "hypotheses": [h for _p, h in c.hypotheses]} for c in cleaned
    ]
    doc.setdefault("exclusions", [])
    if cleaned:
        MorphoField.of(doc)  # the library's last word on the document
    study.inputs = doc
    study._history_user = actor  # type: ignore[attr-defined]
    save_versioned(study, expected_version=expected_version, fields=["inputs"])
    audit_event_create(
        action="study.components_changed",
        obj=study,
        actor=actor,
        summary=study.title,
        data={
            "components": len(cleaned),
            "hypotheses": sum(len(c.hypotheses) for c in cleaned),
            "dropped": dropped,
        },
    )
    return dropped


# Exclusions ----------------------------------------------------------------------------------


def parse_element(value: str, components: Sequence[MorphoComponent]) -> tuple[int, int] | None:
    """« 2-3 » (component and hypothesis positions, 0-based) as posted by the selects."""
    try:
        c_text, h_text = value.split("-")
        c, h = int(c_text), int(h_text)
    except ValueError:
        return None
    if 0 <= c < len(components) and 0 <= h < len(components[c].hypotheses):
        return c, h
    return None


@transaction.atomic
def morpho_exclusions_save(
    *,
    study: Study,
    actor: User,
    added: Sequence[tuple[str, str]],
    removed: Collection[int],
    expected_version: int,
) -> int:
    """Remove the exclusions at positions `removed` and add each pair of `added` (two select
    values « component-hypothesis »; a pair of empty values is skipped). Returns how many
    exclusions the study has. `InputErrors` naming the pair (nothing saved); `EditConflict`."""
    components = morpho_components(study)
    exclusions = morpho_exclusions(study)
    errors: list[str] = []
    kept = [e for i, e in enumerate(exclusions) if i not in set(removed)]
    dropped = len(exclusions) - len(kept)
    existing = {frozenset(map(tuple, e)) for e in kept}
    for number, (first, second) in enumerate(added, start=1):
        if not first and not second:
            continue
        place = _("Exclusion à ajouter %(number)s") % {"number": number}
        a = parse_element(first, components)
        b = parse_element(second, components)
        if a is None or b is None:
            errors.append(
                _("%(place)s\u00a0: choisissez une hypothèse dans chacune des deux listes.")
                % {"place": place}
            )
            continue
        if a[0] == b[0]:
            errors.append(
                _(
                    "%(place)s\u00a0: les deux hypothèses appartiennent à la même composante "
                    "%(name)s, qui n’en retient qu’une par configuration (elles s’excluent déjà)."
                )
                % {"place": place, "name": quote(components[a[0]].name)}
            )
            continue
        pair = [[components[c].name, components[c].hypotheses[h]] for c, h in sorted((a, b))]
        key = frozenset(map(tuple, pair))
        if key in existing:
            errors.append(
                _("%(place)s\u00a0: %(a)s et %(b)s s’excluent déjà.")
                % {
                    "place": place,
                    "a": quote(element_label(pair[0])),
                    "b": quote(element_label(pair[1])),
                }
            )
            continue
        existing.add(key)
        kept.append(pair)
    if errors:
        raise InputErrors(errors)
    study.inputs = {**study.inputs, "exclusions": kept}
    study._history_user = actor  # type: ignore[attr-defined]
    save_versioned(study, expected_version=expected_version, fields=["inputs"])
    audit_event_create(
        action="study.exclusions_changed",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"exclusions": len(kept), "removed": dropped},
    )
    return len(kept)


# Scenarios -----------------------------------------------------------------------------------


@transaction.atomic
def morpho_scenario_save(
    *,
    study: Study,
    actor: User,
    name: str,
    narrative: str,
    choices: Mapping[int, int],
    expected_version: int,
    run: StudyRun | None = None,
) -> Scenario:
    """Save the configuration chosen on the live screen (component position → hypothesis
    position, one per component) as a named scenario with its narrative. Refused, with a
    French message, when a component has no hypothesis, when the library finds the
    configuration inconsistent, or when the name is taken; `EditConflict` when the
    components changed since the screen was read."""
    if study.lock_version != expected_version:
        raise EditConflict(lock_version=study.lock_version)
    components = morpho_components(study)
    name = name.strip()
    errors: list[str] = []
    if not name:
        errors.append(_("Nom du scénario\u00a0: donnez-lui un nom."))
    elif len(name) > MAX_NAME_LENGTH:
        errors.append(
            _("Nom du scénario\u00a0: %(limit)s caractères au plus.") % {"limit": MAX_NAME_LENGTH}
        )
    elif Scenario.objects.filter(study=study, name=name).exists():
        errors.append(
            _("Nom du scénario\u00a0: le scénario %(name)s existe déjà.") % {"name": quote(name)}
        )
    missing = [
        c.name for i, c in enumerate(components) if not 0 <= choices.get(i, -1) < len(c.hypotheses)
    ]
    if not components:
        errors.append(_("Ajoutez d’abord les composantes et leurs hypothèses."))
    elif missing:
        errors.append(
            _("Choisissez une hypothèse pour chaque composante (manque\u00a0: %(names)s).")
            % {"names": ", ".join(quote(n) for n in missing)}
        )
    elif not MorphoField.of(study.inputs).satisfied(dict(choices)):
        errors.append(
            _(
                "Cette configuration n’est pas cohérente\u00a0: elle enfreint au moins une "
                "exclusion ou une contrainte de l’étude. Seule une configuration cohérente "
                "s’enregistre comme scénario."
            )
        )
    if errors:
        raise InputErrors(errors)
    scenario = Scenario(
        study=study,
        run=run,
        name=name,
        narrative=narrative.strip(),
        configuration={c.name: c.hypotheses[choices[i]] for i, c in enumerate(components)},
        created_by=actor,
    )
    try:
        scenario.full_clean()
    except ValidationError as error:
        raise InputErrors(error.messages) from None
    scenario.save()
    audit_event_create(
        action="study.scenario_saved",
        obj=study,
        actor=actor,
        summary=f"{study.title} — {name}",
        data={"scenario": scenario.pk},
    )
    return scenario


@transaction.atomic
def morpho_scenario_delete(*, scenario: Scenario, actor: User) -> None:
    study = scenario.study
    audit_event_create(
        action="study.scenario_deleted",
        obj=study,
        actor=actor,
        summary=f"{study.title} — {scenario.name}",
        data={"scenario": scenario.pk},
    )
    scenario.delete()
