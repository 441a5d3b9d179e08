"""The access matrix: every route of the site and the API, tried by every persona.

For each named route (found by walking the URL resolver, so a new page cannot be forgotten)
`spec.CASES` says what each persona gets. The test fails when a route has no entry, when a
persona gets anything else, and when a POST by someone who may not write, empty or with a
valid form (`Case.payload`, which a writer's POST must get through), is not refused or
changes any data. People who hold roles in both Fabriques (`spec.COMBINED`) get the best of
what the personas they combine get. `ACCESS_MATRIX_OUT=var/access-matrix.md` also writes the observed matrix as
a Markdown table (the one in the closing note of issue 4), once every part of the run is done.

The walk is cut into parts (`parts()`: a route group, or a slice of a big one) so that xdist
shares it between its workers; each worker builds the world once for the whole module and
each part runs in a savepoint of it, starting from the world as built.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from fabriques.programme.tests.personas import ROLE_NAMES

from .routes import all_routes
from .spec import CASES, COMBINED, Case, combined_outcome, combined_writes
from .world import build_world

pytestmark = pytest.mark.django_db

LOGIN_PATHS = ("/compte/connexion/", "/admin/login/")
REFUSED = {"403", "404", "405", "410", "login"}


def classify(response) -> str:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        return "login" if any(p in location for p in LOGIN_PATHS) else "redirect"
    if response.status_code == 200:
        return "ok"
    return str(response.status_code)


def data_fingerprint() -> tuple[int, ...]:
    """Row counts of every table of the project's apps, plus the audit trail.

    In one query (a count per model's default manager, as `.count()` makes it): the matrix
    takes it twice around each of some 7000 POSTs, and a query per table made that about a
    million and a half queries, most of the matrix's time on PostgreSQL.
    """
    sql, params = _fingerprint_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(cursor.fetchone())


@cache
def _fingerprint_query() -> tuple[str, tuple[Any, ...]]:
    counts: list[str] = []
    params: list[Any] = []
    for model in apps.get_models():
        if model.__module__.startswith("fabriques."):
            sql, values = model._default_manager.order_by().values("pk").query.sql_with_params()
            counts.append(f"(SELECT COUNT(*) FROM ({sql}) AS rows_{len(counts)})")
            params.extend(values)
    return "SELECT " + ", ".join(counts), tuple(params)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[Any]:
    """The world, built once per module and worker and rolled back at the end.

    Each test of the module runs in a savepoint inside this transaction (pytest-django's
    `db`), so what a test writes is gone for the next one, as with Django's setUpTestData.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


# The largest number of cases in one part: a part of about 15 cases takes some 15 s.
PART_SIZE = 15


@cache
def parts() -> dict[str, list[tuple[str, Case]]]:
    """The (route name, case) of every route, in route order, by group and slice of a group."""
    groups: dict[str, list[tuple[str, Case]]] = {}
    for route in all_routes():
        group = route.name.split(":")[0]
        groups.setdefault(group, []).extend(
            (route.name, case) for case in CASES.get(route.name, [])
        )
    found: dict[str, list[tuple[str, Case]]] = {}
    for group, cases in groups.items():
        count = -(-len(cases) // PART_SIZE)
        for i in range(count):
            part = cases[i * len(cases) // count : (i + 1) * len(cases) // count]
            found[group if count == 1 else f"{group}-{i + 1}"] = part
    return found


def test_every_route_has_an_access_rule():
    names = {route.name for route in all_routes()}
    missing = sorted(names - CASES.keys())
    assert not missing, f"routes sans règle d’accès dans tests/access/spec.py : {missing}"
    stale = sorted(CASES.keys() - names)
    assert not stale, f"règles pour des routes qui n’existent plus : {stale}"


def test_django_admin_is_for_staff_only(world):
    """The Django admin (technical staff) is outside the matrix: no persona is staff."""
    for name in ROLE_NAMES:
        client = Client()
        if world.user(name) is not None:
            client.force_login(world.user(name))
        for url in ("/admin/", "/admin/accounts/membership/", "/admin/calls/application/"):
            assert classify(client.get(url)) == "login", (name, url)


def _clients(world) -> dict[str, Client]:
    clients = {}
    for name in (*ROLE_NAMES, *COMBINED):
        client = Client()
        user = world.user(name)
        if user is not None:
            client.force_login(user)
        clients[name] = client
    return clients


def test_the_parts_hold_every_case_once():
    walked = [(name, id(case)) for cases in parts().values() for name, case in cases]
    expected = [(r.name, id(case)) for r in all_routes() for case in CASES.get(r.name, [])]
    assert walked == expected


@pytest.mark.parametrize("part", list(parts()))
def test_access_matrix(world, part, testrun_uid):
    clients = _clients(world)
    failures: list[str] = []
    observed: list[tuple[str, str, dict[str, str], frozenset[str]]] = []
    for name, case in parts()[part]:
        url = reverse(name, kwargs=case.kwargs(world)) + case.query
        row = {}
        for persona in ROLE_NAMES:
            got = classify(clients[persona].get(url))
            row[persona] = got
            expected = case.get[persona]
            if got != expected:
                failures.append(f"GET {url} ({name}) as {persona}: {got} ≠ {expected}")
        for persona in COMBINED:
            got = classify(clients[persona].get(url))
            expected = combined_outcome(case, persona)
            if got != expected:
                failures.append(f"GET {url} ({name}) as {persona}: {got} ≠ {expected}")
        observed.append((name, case.label, row, case.writers))
        failures.extend(_check_posts(name, url, case, clients, world))
    _write_matrix(part, observed, testrun_uid)
    assert not failures, "\n".join(failures)


def _check_posts(name: str, url: str, case: Case, clients: dict[str, Client], world) -> list[str]:
    failures = []
    refused = [p for p in ROLE_NAMES if p not in case.writers]
    refused += [p for p in COMBINED if not combined_writes(case, p)]
    bodies: list[tuple[str, Callable[[Any], dict[str, Any]]]] = [("empty", lambda w: {})] + (
        [("valid", case.payload)] if case.payload else []
    )
    for persona in refused:
        for kind, body in bodies:
            before = data_fingerprint()
            response = clients[persona].post(url, data=body(world))
            got = classify(response)
            if got not in REFUSED:
                failures.append(
                    f"POST {kind} {url} ({name}) as {persona}: {got}, should be refused"
                )
            if data_fingerprint() != before:
                failures.append(f"POST {kind} {url} ({name}) as {persona} changed data")
    return failures


def test_the_valid_payloads_go_through_for_a_writer(world):
    """A refused valid POST proves something only if the form is valid: a writer's gets in.

    Each write is rolled back, so every route starts from the same world.
    """
    clients = _clients(world)
    failures: list[str] = []
    for route in all_routes():
        for case in CASES.get(route.name, []):
            if case.payload is None or not case.writers:
                continue
            url = reverse(route.name, kwargs=case.kwargs(world)) + case.query
            writer = case.writer or next(p for p in (*ROLE_NAMES, *COMBINED) if p in case.writers)
            before = data_fingerprint()
            with transaction.atomic():
                got = classify(clients[writer].post(url, data=case.payload(world)))
                changed = data_fingerprint() != before
                transaction.set_rollback(True)
            if got != case.valid or not changed:
                failures.append(f"POST valid {url} ({route.name}) as {writer}: {got}, {changed=}")
    assert not failures, "\n".join(failures)


SYMBOLS = {
    "ok": "✅",
    "login": "🔑",
    "403": "⛔ 403",
    "404": "⛔ 404",
    "405": "— 405",
    "410": "⛔ 410",
}


def _who(writers: frozenset[str]) -> str:
    if not writers:
        return "personne"
    if writers == frozenset(ROLE_NAMES):
        return "tous"
    if writers == frozenset(ROLE_NAMES) - {"anonymous"}:
        return "tout compte"
    return ", ".join(p for p in ROLE_NAMES if p in writers)


def _write_matrix(part: str, observed, run: str) -> None:
    """Write the table once every part of this run has left its rows (under any worker)."""
    target = os.environ.get("ACCESS_MATRIX_OUT")
    if not target:
        return
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    rows = Path(f"{target}.parts") / run
    rows.mkdir(parents=True, exist_ok=True)
    names = list(parts())
    # Under a lock on the target's directory, so that one part only finds them all.
    folder = os.open(Path(target).parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        (rows / f"{names.index(part):03}.json").write_text(json.dumps(observed, default=sorted))
        files = [rows / f"{i:03}.json" for i in range(len(names))]
        if not all(f.exists() for f in files):
            return
        everything = [row for f in files for row in json.loads(f.read_text())]
        shutil.rmtree(rows)
        with contextlib.suppress(OSError):
            rows.parent.rmdir()
    finally:
        os.close(folder)
    lines = [
        "| page | " + " | ".join(ROLE_NAMES) + " | POST accepté pour |",
        "|---|" + "---|" * (len(ROLE_NAMES) + 1),
    ]
    for name, label, row, writers in everything:
        title = f"{name} ({label})" if label else name
        cells = [SYMBOLS.get(row[p], row[p]) for p in ROLE_NAMES]
        lines.append(f"| `{title}` | " + " | ".join(cells) + f" | {_who(frozenset(writers))} |")
    Path(target).write_text("\n".join(lines) + "\n", encoding="utf-8")
