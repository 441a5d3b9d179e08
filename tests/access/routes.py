"""Every named route of the site and the API, found by walking the URL resolver."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str


def all_routes() -> list[Route]:
    routes: dict[str, Route] = {}
    for name, pattern in _walk(get_resolver().url_patterns, "", None):
        # Django's admin has its own access control (staff only), checked by its own rule.
        if name is None or name.startswith("admin:"):
            continue
        routes.setdefault(name, Route(name=name, pattern=pattern))
    return sorted(routes.values(), key=lambda r: r.name)


def _walk(patterns, prefix: str, namespace: str | None) -> Iterator[tuple[str | None, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, prefix + str(entry.pattern)
