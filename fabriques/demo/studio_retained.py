"""Demo: foresight results carried into a roadmap. A key variable of a structural analysis
and a scenario are retained, and two action sheets of the territory's roadmap cite them.
Everything goes through the services; running it twice changes nothing. The content is the
demo's own, illustrative (no official figure)."""

from __future__ import annotations

from typing import Any

from fabriques.roadmaps.models import Roadmap
from fabriques.roadmaps.services.editing import answer_choices, sheet_answers_set
from fabriques.studies import selectors, services
from fabriques.studies.models import RetainedKind, RetainedResult, Scenario, Study
from fabriques.studies.retained import SCENARIO_METHODS


def _retain(
    study: Study, *, consultant: Any, kind: str, key: str, run: Any, note: str
) -> RetainedResult:
    found = RetainedResult.objects.filter(study=study, kind=kind, key=key).first()
    if found is not None:
        return found
    return services.retained_add(
        study=study, actor=consultant, kind=kind, key=key, run=run, note=note
    )


def demo_retained(
    *, study: Study, roadmap: Roadmap, consultant: Any, scenario_study: Study | None = None
) -> list[RetainedResult]:
    """Retain `study`'s first key variable (a MICMAC study; run first if it has no run) and a
    saved scenario (of `scenario_study`, or of the first study of the Fabrique that has one),
    and cite them from the roadmap's first two action sheets. The studies must be the
    roadmap's territory's or the Fabrique's collective ones."""
    retained: list[RetainedResult] = []
    run = selectors.latest_run(study) or services.study_run(study=study, actor=consultant)
    run.study = study
    for group in selectors.run_candidates(run):
        if group.kind == RetainedKind.VARIABLE and group.rows:
            first = group.rows[0].candidate
            retained.append(
                _retain(
                    study,
                    consultant=consultant,
                    kind=first.kind,
                    key=first.key,
                    run=run,
                    note="Variable relais : elle conditionne les autres (exemple de démonstration).",
                )
            )
    scenario = (
        Scenario.objects.filter(study=scenario_study).order_by("pk").first()
        if scenario_study is not None
        else Scenario.objects.filter(
            study__fabrique_id=study.fabrique_id, study__method__in=SCENARIO_METHODS
        )
        .select_related("study")
        .order_by("pk")
        .first()
    )
    if scenario is not None:
        retained.append(
            _retain(
                scenario.study,
                consultant=consultant,
                kind=RetainedKind.SCENARIO,
                key=scenario.name,
                run=None,
                note="Scénario choisi en atelier (exemple de démonstration).",
            )
        )
    allowed = set(answer_choices(roadmap).values_list("pk", flat=True))
    cited = [r for r in retained if r.pk in allowed]
    for sheet in roadmap.sheets.order_by("number", "pk")[:2]:
        current = list(sheet.answers.all())
        missing = [r for r in cited if r not in current]
        if missing:
            sheet_answers_set(sheet=sheet, actor=consultant, answers=[*current, *missing])
    return retained
