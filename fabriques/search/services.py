"""Keeping the public search index in step with what is published."""

from __future__ import annotations

from collections.abc import Iterable


def refresh_later(kind: str, pks: Iterable[int]) -> None:
    """After the current transaction commits, re-index these objects of this kind.

    An object that is no longer published leaves the index. `kind` is one of the registered
    sources' kinds: "fabrique", "territory", "roadmap", "sheet", "recommendation".
    """
    # Implemented with the search index (issue 12, search part).
    return None
