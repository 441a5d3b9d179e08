"""The registry of personal data each app keeps about a person, for RGPD export and erasure.

Each app that stores personal data registers one source in its AppConfig.ready():

    from fabriques.accounts.personal_data import PersonalDataSource, register
    register(PersonalDataSource(key="calls.applications", label=_("Candidatures"),
                                export=export_applications, erase=erase_applications))

`export(user)` returns JSON-serialisable rows; `erase(user)` deletes or anonymises them inside
the caller's transaction and returns how many records it changed. Erasure keeps what the law
requires to keep (audit of decisions, deliverables owed under a public contract) but cuts
the link to the person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class PersonalDataSource:
    key: str
    label: str | Promise
    export: Callable[[Any], list[dict[str, Any]]]
    erase: Callable[[Any], int]
    # Keys of the sources this one must be erased before: those that cut the link (an
    # account, an address) through which this source finds the person's rows.
    before: tuple[str, ...] = ()


_SOURCES: dict[str, PersonalDataSource] = {}


def register(source: PersonalDataSource) -> None:
    _SOURCES[source.key] = source


def sources() -> list[PersonalDataSource]:
    """The sources by key, each moved ahead of the sources it names in `before`."""
    ordered = sorted(_SOURCES)
    for key in sorted(_SOURCES):
        for later in _SOURCES[key].before:
            if later in ordered and ordered.index(later) < ordered.index(key):
                ordered.remove(key)
                ordered.insert(ordered.index(later), key)
    return [_SOURCES[key] for key in ordered]
