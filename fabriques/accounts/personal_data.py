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


_SOURCES: dict[str, PersonalDataSource] = {}


def register(source: PersonalDataSource) -> None:
    _SOURCES[source.key] = source


def sources() -> list[PersonalDataSource]:
    return [_SOURCES[key] for key in sorted(_SOURCES)]
