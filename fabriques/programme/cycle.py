"""The yearly cycle of a Fabrique: which status may follow which, and what each one needs.

idea → designed → call_open → selection → running → closing → published → follow_up, plus four
backward moves that need a reason. A status' guard lists everything the Fabrique lacks to enter
it, in French, whichever direction it is entered from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fabriques.core.services import audit_event_create, history_author_set
from fabriques.core.text import quote

from .models import Fabrique, FabriqueStatus, Role
from .services import (
    fabrique_cohort_errors,
    fabrique_design_problems,
    fabrique_lock,
    fabrique_months_problems,
)

S = FabriqueStatus
STATUS_ORDER: tuple[str, ...] = tuple(S.values)

FORWARD: dict[str, str] = {
    S.IDEA: S.DESIGNED,
    S.DESIGNED: S.CALL_OPEN,
    S.CALL_OPEN: S.SELECTION,
    S.SELECTION: S.RUNNING,
    S.RUNNING: S.CLOSING,
    S.CLOSING: S.PUBLISHED,
    S.PUBLISHED: S.FOLLOW_UP,
}
# Going back needs a reason, kept in the audit event.
BACKWARD: dict[str, str] = {
    S.DESIGNED: S.IDEA,
    S.CALL_OPEN: S.DESIGNED,
    S.SELECTION: S.CALL_OPEN,  # reopening the call
    S.CLOSING: S.RUNNING,
}


class TransitionError(Exception):
    """A refused move; `problems` are French sentences naming everything that is missing."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def _label(status: str) -> str:
    return str(S(status).label)


def _running_problems(fabrique: Fabrique) -> list[str]:
    problems = []
    if not fabrique.roles.filter(role=Role.PROVIDER).exists():
        problems.append(_("Désignez le prestataire de la Fabrique."))
    problems += fabrique_cohort_errors(
        status=S.RUNNING, territory_count=fabrique.participations.count()
    )
    return problems + fabrique_months_problems(fabrique=fabrique)


def _call_open_problems(fabrique: Fabrique) -> list[str]:
    from fabriques.calls.selectors import call_open_problems  # the calls app builds on this one

    return list(call_open_problems(fabrique=fabrique))


def _published_problems(fabrique: Fabrique) -> list[str]:
    from fabriques.deliverables.selectors import publication_problems

    return list(publication_problems(fabrique=fabrique))


GUARDS: dict[str, Any] = {
    S.DESIGNED: lambda fabrique: fabrique_design_problems(fabrique=fabrique),
    S.CALL_OPEN: _call_open_problems,
    # Selection has no guard: the call stops taking applications once the status moves on.
    S.RUNNING: _running_problems,
    S.PUBLISHED: _published_problems,
}


def is_backward(from_status: str, to_status: str) -> bool:
    return BACKWARD.get(from_status) == to_status


def targets(status: str) -> list[str]:
    """The statuses a Fabrique in `status` may move to: forward first, then backward."""
    return [s for s in (FORWARD.get(status), BACKWARD.get(status)) if s is not None]


def transition_problems(
    fabrique: Fabrique, to_status: str, *, reason: str | None = ""
) -> list[str]:
    """Why `fabrique` may not move to `to_status` now (empty when it may).

    With reason=None the reason is not checked (the page asks for it with the button).
    """
    if to_status not in targets(fabrique.status):
        target = _label(to_status) if to_status in STATUS_ORDER else to_status
        return [
            _("Une Fabrique au statut %(from)s ne peut pas passer au statut %(to)s.")
            % {"from": quote(_label(fabrique.status)), "to": quote(target)}
        ]
    problems = []
    if reason is not None and is_backward(fabrique.status, to_status) and not reason.strip():
        problems.append(
            _("Indiquez la raison de ce retour au statut %(to)s.")
            % {"to": quote(_label(to_status))}
        )
    guard = GUARDS.get(to_status)
    if guard is not None:
        problems += guard(fabrique)
    return problems


@dataclass(frozen=True)
class TransitionOption:
    to_status: str
    label: str
    backward: bool
    problems: list[str]

    @property
    def allowed(self) -> bool:
        return not self.problems


def allowed_transitions(fabrique: Fabrique) -> list[TransitionOption]:
    """Each status the Fabrique may move to, with what it still lacks (for the buttons)."""
    return [
        TransitionOption(
            to_status=to_status,
            label=_label(to_status),
            backward=is_backward(fabrique.status, to_status),
            problems=transition_problems(fabrique, to_status, reason=None),
        )
        for to_status in targets(fabrique.status)
    ]


@transaction.atomic
def fabrique_transition(
    *, fabrique: Fabrique, to_status: str, actor: Any, reason: str = ""
) -> Fabrique:
    """Move a Fabrique to `to_status`, or raise TransitionError and change nothing.

    The row is locked first, so two people moving the same Fabrique at once are serialised
    and the second one's move is checked against the status the first one left.
    """
    locked = fabrique_lock(fabrique)
    reason = reason.strip()
    problems = transition_problems(locked, to_status, reason=reason)
    if problems:
        raise TransitionError(problems)
    from_status = locked.status
    locked.status = to_status
    try:
        locked.full_clean()
    except ValidationError as exc:
        raise TransitionError(exc.messages) from exc
    history_author_set(locked, actor)
    # The version history keeps a short reason (100 characters); the audit event keeps it all.
    locked._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"  # type: ignore[attr-defined]
    locked.save(update_fields=["status", "updated_at"])
    summary = _("Statut changé de %(from)s à %(to)s") % {
        "from": quote(_label(from_status)),
        "to": quote(_label(to_status)),
    }
    audit_event_create(
        action="fabrique.transition",
        obj=locked,
        actor=actor,
        summary=f"{summary} : {reason}" if reason else summary,
        data={"from": from_status, "to": to_status, "reason": reason},
    )
    return locked


@dataclass(frozen=True)
class Stepper:
    """The DSFR stepper over the eight statuses."""

    current: int  # 1-based
    total: int
    label: str
    next_label: str


def stepper(status: str) -> Stepper:
    index = STATUS_ORDER.index(status)
    following = STATUS_ORDER[index + 1] if index + 1 < len(STATUS_ORDER) else None
    return Stepper(
        current=index + 1,
        total=len(STATUS_ORDER),
        label=_label(status),
        next_label=_label(following) if following else "",
    )
