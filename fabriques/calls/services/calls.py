"""Writes on a call and its criteria."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.core.services import audit_event_create
from fabriques.programme.models import Fabrique

from ..models import (
    Application,
    ApplicationStatus,
    Call,
    CallCriterion,
)
from .common import email_application, now_or_current

# --------------------------------------------------------------------------------------------
# Calls and criteria


@dataclass(frozen=True)
class CriterionInput:
    """One row of the criteria form: a new criterion (pk None), a change, or a deletion."""

    label: str
    description: str = ""
    weight: int = 1
    max_score: int = 5
    pk: int | None = None
    delete: bool = False


@transaction.atomic
def call_save(
    *,
    fabrique: Fabrique,
    actor: User,
    opens_at: datetime.datetime | None,
    closes_at: datetime.datetime | None,
    introduction: str,
    expected_commitment: str,
    decision_expected_on: datetime.date | None,
    criteria: Sequence[CriterionInput] | None = None,
) -> Call:
    """Create or update the Fabrique's call and, when given, its criteria in the given order."""
    call = Call.objects.select_for_update(of=("self",)).filter(fabrique=fabrique).first()
    created = call is None
    if call is None:
        call = Call(fabrique=fabrique)
    values = {
        "opens_at": opens_at,
        "closes_at": closes_at,
        "introduction": introduction.strip(),
        "expected_commitment": expected_commitment.strip(),
        "decision_expected_on": decision_expected_on,
    }
    changed = [name for name, value in values.items() if getattr(call, name) != value]
    for name, value in values.items():
        setattr(call, name, value)
    call.full_clean()
    if created:
        call.save()
    elif changed:
        call.save(update_fields=[*changed, "updated_at"])
    if created or changed:
        audit_event_create(
            action="call.created" if created else "call.updated",
            obj=call,
            actor=actor,
            summary=_("Appel à volontaires de « %(fabrique)s »") % {"fabrique": fabrique.title},
            data={"fields": changed},
        )
    if criteria is not None:
        criteria_save(call=call, criteria=criteria, actor=actor)
    return call


@transaction.atomic
def criteria_save(*, call: Call, criteria: Sequence[CriterionInput], actor: User) -> None:
    """Apply the criteria form: deletions, changes and additions, positions in form order."""
    existing = {c.pk: c for c in call.criteria.all()}
    kept = [row for row in criteria if not row.delete]
    labels = [row.label.strip().casefold() for row in kept]
    duplicates = {label for label in labels if labels.count(label) > 1}
    if duplicates:
        raise ValidationError(
            _("Deux critères portent le même nom : %(names)s.")
            % {"names": ", ".join(sorted(duplicates))}
        )
    for row in criteria:
        if row.pk is not None and row.pk not in existing:
            raise ValidationError(_("Un des critères n’appartient pas à cet appel."))
        if row.delete and row.pk is not None:
            criterion_delete(criterion=existing[row.pk], actor=actor)
    for position, row in enumerate(kept):
        if row.pk is None:
            criterion_create(
                call=call,
                label=row.label,
                description=row.description,
                weight=row.weight,
                max_score=row.max_score,
                position=position,
                actor=actor,
            )
        else:
            criterion_update(
                criterion=existing[row.pk],
                label=row.label,
                description=row.description,
                weight=row.weight,
                max_score=row.max_score,
                position=position,
                actor=actor,
            )


@transaction.atomic
def criterion_create(
    *,
    call: Call,
    label: str,
    description: str = "",
    weight: int = 1,
    max_score: int = 5,
    position: int | None = None,
    actor: User,
) -> CallCriterion:
    if position is None:
        position = call.criteria.count()
    criterion = CallCriterion(
        call=call,
        label=label.strip(),
        description=description.strip(),
        weight=weight,
        max_score=max_score,
        position=position,
    )
    criterion.full_clean()
    criterion.save()
    audit_event_create(
        action="call.criterion_created",
        obj=criterion,
        actor=actor,
        summary=criterion.label,
        data={"call": call.pk, "weight": weight, "max_score": max_score},
    )
    return criterion


@transaction.atomic
def criterion_update(
    *,
    criterion: CallCriterion,
    label: str,
    description: str = "",
    weight: int = 1,
    max_score: int = 5,
    position: int | None = None,
    actor: User,
) -> CallCriterion:
    highest = (
        criterion.scores.order_by("-score").values_list("score", flat=True).first()
        if max_score < criterion.max_score
        else None
    )
    if highest is not None and highest > max_score:
        raise ValidationError(
            {
                "max_score": _(
                    "Le critère « %(label)s » a déjà reçu la note %(score)d : sa note maximale "
                    "ne peut pas descendre en dessous."
                )
                % {"label": criterion.label, "score": highest}
            }
        )
    values = {
        "label": label.strip(),
        "description": description.strip(),
        "weight": weight,
        "max_score": max_score,
        "position": criterion.position if position is None else position,
    }
    changed = [name for name, value in values.items() if getattr(criterion, name) != value]
    if not changed:
        return criterion
    for name in changed:
        setattr(criterion, name, values[name])
    criterion.full_clean()
    criterion.save(update_fields=changed)
    if changed != ["position"]:
        audit_event_create(
            action="call.criterion_updated",
            obj=criterion,
            actor=actor,
            summary=criterion.label,
            data={"fields": changed},
        )
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: CallCriterion, actor: User) -> None:
    if criterion.scores.exists():
        raise ValidationError(
            _(
                "Le critère « %(label)s » a déjà servi à noter des candidatures : "
                "il ne peut plus être supprimé."
            )
            % {"label": criterion.label}
        )
    audit_event_create(
        action="call.criterion_deleted",
        obj=criterion,
        actor=actor,
        summary=criterion.label,
        data={"call": criterion.call_id},
    )
    criterion.delete()


@transaction.atomic
def call_close_early_notify(
    *, fabrique: Fabrique, actor: User, now: datetime.datetime | None = None
) -> int:
    """Tell the authors of drafts that the call closed before its announced date.

    Called by the cycle once the Fabrique has left call_open; does nothing when the announced
    closing date has passed. Returns how many drafts' authors were written to.
    """
    now = now_or_current(now)
    call = Call.objects.filter(fabrique=fabrique, closes_at__gt=now).first()
    if call is None or call.closes_at is None:
        return 0
    drafts = list(
        Application.objects.filter(call=call, status=ApplicationStatus.DRAFT)
        .select_related("call__fabrique", "commune", "epci", "qpv", "applicant")
        .order_by("pk")
    )
    # A draft is its author's own business: the referents it names were not told of it.
    for draft in drafts:
        if draft.applicant is None:
            continue
        email_application(
            draft,
            to=[draft.applicant.email],
            subject=_("Fabrique « %(title)s » : l’appel à volontaires est clos")
            % {"title": fabrique.title},
            template="calls/emails/call_closed_early",
            extra={"announced_close": call.closes_at, "closed_at": now},
        )
    audit_event_create(
        action="call.closed_early",
        obj=call,
        actor=actor,
        summary=_("Appel clos avant la date annoncée ; %(count)d brouillon(s) non déposé(s)")
        % {"count": len(drafts)},
        data={"announced_close": call.closes_at.isoformat(), "drafts": len(drafts)},
    )
    return len(drafts)
