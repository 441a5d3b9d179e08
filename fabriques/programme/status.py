"""A Fabrique's status as people read it: its French label and the DSFR stepper over all eight."""

from __future__ import annotations

from dataclasses import dataclass

from .models import STATUS_ORDER, FabriqueStatus


def status_label(status: str) -> str:
    return str(FabriqueStatus(status).label)


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
        label=status_label(status),
        next_label=status_label(following) if following else "",
    )
