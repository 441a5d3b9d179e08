"""The yearly cycle of a Fabrique: which status may follow which, and what each one needs.

idea → designed → call_open → selection → running → closing → published → follow_up, plus four
backward moves that need a reason. A status' guard lists everything the Fabrique lacks to enter
it, in French, whichever direction it is entered from.

Every guard is one line of `GUARDS`, the single table of what the cycle checks. The cycle sits
above the apps whose state it reads (programme, calls, deliverables), so it imports their
selectors at the top like any other module. A new app of the year's work (working groups,
roadmaps, studies) adds its guard as one line of that table: `S.<STATUS>: <app>_problems,`.

A move may also be allowed but costly (closing a call before its announced date): `WARNINGS`
lists what such a move would do, and the move needs the person's confirmation; `EFFECTS` runs
what must follow a move (telling the people it affects), in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.calls.selectors import call_early_close_warnings, call_open_problems
from fabriques.calls.services import call_close_early_notify
from fabriques.core.services import audit_event_create, history_author_set
from fabriques.core.text import quote
from fabriques.deliverables.selectors import publication_problems
from fabriques.programme.models import STATUS_ORDER, Fabrique, FabriqueStatus, Role
from fabriques.programme.services import (
    fabrique_cohort_errors,
    fabrique_design_problems,
    fabrique_lock,
    fabrique_months_problems,
)
from fabriques.programme.status import status_label

S = FabriqueStatus

FORWARD: Final[Mapping[str, str]] = {
    S.IDEA: S.DESIGNED,
    S.DESIGNED: S.CALL_OPEN,
    S.CALL_OPEN: S.SELECTION,
    S.SELECTION: S.RUNNING,
    S.RUNNING: S.CLOSING,
    S.CLOSING: S.PUBLISHED,
    S.PUBLISHED: S.FOLLOW_UP,
}
# Going back needs a reason, kept in the audit event.
BACKWARD: Final[Mapping[str, str]] = {
    S.DESIGNED: S.IDEA,
    S.CALL_OPEN: S.DESIGNED,
    S.SELECTION: S.CALL_OPEN,  # reopening the call
    S.CLOSING: S.RUNNING,
}


class Guard(Protocol):
    """What a Fabrique lacks to enter a status, as French sentences (empty when nothing)."""

    def __call__(self, *, fabrique: Fabrique) -> list[str]: ...


def running_problems(*, fabrique: Fabrique) -> list[str]:
    """A provider, a cohort of four to eight territories and the months of the Fabrique."""
    problems = []
    if not fabrique.roles.filter(role=Role.PROVIDER).exists():
        problems.append(_("Désignez le prestataire de la Fabrique."))
    problems += fabrique_cohort_errors(
        status=S.RUNNING, territory_count=fabrique.participations.count()
    )
    return problems + fabrique_months_problems(fabrique=fabrique)


# The guard of each status, whichever direction it is entered from; a status absent from this
# table has none.
GUARDS: Final[Mapping[str, Guard]] = {
    S.DESIGNED: fabrique_design_problems,  # programme
    S.CALL_OPEN: call_open_problems,  # calls
    # Selection has no guard: the call stops taking applications once the status moves on.
    S.RUNNING: running_problems,  # programme and territories
    S.PUBLISHED: publication_problems,  # deliverables
}


class Effect(Protocol):
    """What follows a move into a status (e-mails to the people it affects)."""

    def __call__(self, *, fabrique: Fabrique, actor: User) -> object: ...


# What entering a status would do that the person must confirm first, in French.
WARNINGS: Final[Mapping[str, Guard]] = {
    S.SELECTION: call_early_close_warnings,  # calls: a call closed before its announced date
}
# What runs after entering a status, in the move's transaction.
EFFECTS: Final[Mapping[str, Effect]] = {
    S.SELECTION: call_close_early_notify,  # calls: the drafts' authors are told
}


class TransitionError(Exception):
    """A refused move; `problems` are French sentences naming everything that is missing."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


class ConfirmationRequired(TransitionError):
    """An allowed move whose consequences (`problems`, the warnings) need confirming first."""


def transition_warnings(fabrique: Fabrique, to_status: str) -> list[str]:
    """What moving to `to_status` now would do that needs confirming (empty when nothing).

    Only for a forward move: going back to call_open reopens the call, it closes nothing.
    """
    warning = WARNINGS.get(to_status)
    if warning is None or FORWARD.get(fabrique.status) != to_status:
        return []
    return warning(fabrique=fabrique)


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
        target = status_label(to_status) if to_status in STATUS_ORDER else to_status
        return [
            _("Une Fabrique au statut %(from)s ne peut pas passer au statut %(to)s.")
            % {"from": quote(status_label(fabrique.status)), "to": quote(target)}
        ]
    problems = []
    if reason is not None and is_backward(fabrique.status, to_status) and not reason.strip():
        problems.append(
            _("Indiquez la raison de ce retour au statut %(to)s.")
            % {"to": quote(status_label(to_status))}
        )
    guard = GUARDS.get(to_status)
    if guard is not None:
        problems += guard(fabrique=fabrique)
    return problems


@dataclass(frozen=True)
class TransitionOption:
    to_status: str
    label: str
    backward: bool
    problems: list[str]
    warnings: list[str]

    @property
    def allowed(self) -> bool:
        return not self.problems


def allowed_transitions(fabrique: Fabrique) -> list[TransitionOption]:
    """Each status the Fabrique may move to, with what it still lacks (for the buttons)."""
    return [
        TransitionOption(
            to_status=to_status,
            label=status_label(to_status),
            backward=is_backward(fabrique.status, to_status),
            problems=transition_problems(fabrique, to_status, reason=None),
            warnings=transition_warnings(fabrique, to_status),
        )
        for to_status in targets(fabrique.status)
    ]


@transaction.atomic
def fabrique_transition(
    *, fabrique: Fabrique, to_status: str, actor: User, reason: str = "", confirmed: bool = False
) -> Fabrique:
    """Move a Fabrique to `to_status`, or raise TransitionError and change nothing.

    A move with warnings (`transition_warnings`) raises ConfirmationRequired unless
    `confirmed`. The row is locked first, so two people moving the same Fabrique at once are
    serialised and the second one's move is checked against the status the first one left.
    """
    locked = fabrique_lock(fabrique)
    reason = reason.strip()
    problems = transition_problems(locked, to_status, reason=reason)
    if problems:
        raise TransitionError(problems)
    warnings = transition_warnings(locked, to_status)
    if warnings and not confirmed:
        raise ConfirmationRequired(warnings)
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
        "from": quote(status_label(from_status)),
        "to": quote(status_label(to_status)),
    }
    audit_event_create(
        action="fabrique.transition",
        obj=locked,
        actor=actor,
        summary=f"{summary} : {reason}" if reason else summary,
        data={"from": from_status, "to": to_status, "reason": reason}
        | ({"confirmed": warnings} if warnings else {}),
    )
    effect = EFFECTS.get(to_status)
    if effect is not None and FORWARD.get(from_status) == to_status:
        effect(fabrique=locked, actor=actor)
    return locked
