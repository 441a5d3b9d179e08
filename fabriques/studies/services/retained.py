"""Retaining a study's results for the territory's work (key variables, strategic issues,
scenarios, statements), and letting them go. The roadmap's axes and sheets cite them
(roadmaps.services.editing)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.core.services import audit_event_create

from ..models import RetainedKind, RetainedResult, Scenario, Study, StudyRun
from ..retained import candidates_for, find_candidate

MAX_NOTE_LENGTH = 2000


@transaction.atomic
def retained_add(
    *,
    study: Study,
    actor: User,
    kind: str,
    key: str,
    run: StudyRun | None = None,
    note: str = "",
) -> RetainedResult:
    """Retain one of the candidates the run (or the study's scenarios) offers; its label
    comes from the run, not from the form. `ValidationError` with a French message when it
    is not a candidate or is already retained."""
    if kind not in RetainedKind.values:
        raise ValidationError({"kind": _("Choisissez ce que vous retenez.")})
    if run is not None and run.study_id != study.pk:
        raise ValidationError({"run": _("Ce calcul n’est pas un calcul de cette étude.")})
    if len(note) > MAX_NOTE_LENGTH:
        raise ValidationError(
            {"note": _("La note compte au plus %(count)s caractères.") % {"count": MAX_NOTE_LENGTH}}
        )
    scenarios = Scenario.objects.filter(study=study) if kind == RetainedKind.SCENARIO else []
    groups = candidates_for(study.method, run.output if run else None, scenarios)
    candidate = find_candidate(groups, kind, key)
    if candidate is None:
        raise ValidationError(
            {"key": _("« %(key)s » n’est pas un résultat que ce calcul propose.") % {"key": key}}
        )
    if RetainedResult.objects.filter(study=study, kind=kind, key=key).exists():
        raise ValidationError(
            {
                "key": _("« %(label)s » est déjà retenu dans cette étude (%(kind)s).")
                % {"label": candidate.label, "kind": RetainedKind(kind).label.lower()}
            }
        )
    last = RetainedResult.objects.filter(study=study, kind=kind).aggregate(last=Max("position"))
    retained = RetainedResult(
        study=study,
        run=run if kind != RetainedKind.SCENARIO else None,
        scenario_id=candidate.scenario_id,
        kind=kind,
        key=key,
        label=candidate.label[:250],
        note=note.strip(),
        position=(last["last"] or 0) + 1,
        retained_by=actor,
    )
    retained.full_clean()
    retained.save()
    audit_event_create(
        action="study.result_retained",
        obj=study,
        actor=actor,
        summary=retained.label,
        data={"retained": retained.pk, "kind": kind, "run": run.pk if run else None},
    )
    return retained


@transaction.atomic
def retained_remove(*, retained: RetainedResult, actor: User) -> None:
    """Let a retained result go; the axes and sheets that cited it stop citing it."""
    study = retained.study
    data = {
        "kind": retained.kind,
        "key": retained.key,
        "cited_by_axes": list(retained.answering_axes.values_list("pk", flat=True)),
        "cited_by_sheets": list(retained.answering_sheets.values_list("pk", flat=True)),
    }
    audit_event_create(
        action="study.result_unretained", obj=study, actor=actor, summary=retained.label, data=data
    )
    retained.delete()
