"""Benchmark: 50 simulated voters join one Régnier vote by its code and vote on its four
statements (issue 14: 50 voters within 10 s, every vote counted exactly once).

Usage: .venv/bin/python bench/studies_votes.py [--voters 50] [--database-url URL]

Builds its own database (var/bench-studies-votes.sqlite3 by default). The consultant opens the
vote through its page; each voter is a Django test client of its own (its own cookie jar, as a
phone): the code form, the vote's page, joining (a token in a cookie), the ballot page, the
vote on every statement; the facilitator's projected grid is polled after every fifth voter,
as its page does every 3 s. Then the vote is closed through its page (the run of
foresight.regnier). Prints the wall time of the voters' requests and checks that each vote
was counted exactly once (ballots in the database, in the projected grid and in the run).
Figures only: tests never assert timings.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _django as harness

COLOURS = ("dark_green", "light_green", "orange", "light_red", "dark_red", "white", "black")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--voters", type=int, default=50)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()
    harness.setup("bench-studies-votes", args.database_url)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from fabriques.programme.tests.personas import build_personas
    from fabriques.studies.models import Ballot, StudyRun, Voter, VoteSession
    from fabriques.studies.tests.factories import STATEMENTS, regnier_study

    cast = build_personas()
    study = regnier_study(
        fabrique=cast.fabrique_a, actor=cast.provider_a, participation=cast.participation_a
    )
    facilitator = Client()
    facilitator.force_login(cast.provider_a)
    opened = facilitator.post(
        reverse("studies:votes", args=[study.pk]),
        {"items": [str(i) for i in range(len(STATEMENTS))], "token_mode": "anonymous"},
    )
    assert opened.status_code == 302, opened.status_code
    session = VoteSession.objects.get(study=study)
    page = reverse("studies:vote_page", args=[session.code])
    live = reverse("studies:vote_live", args=[study.pk, session.pk])
    expected: dict[int, dict[str, int]] = {i: dict.fromkeys(COLOURS, 0) for i in range(4)}

    per_voter: list[float] = []
    polls: list[float] = []
    steps: dict[str, list[float]] = {}
    queries: dict[str, int] = {}

    def timed(step: str, call: Callable[..., Any], *args: Any) -> Any:
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = call(*args)
            steps.setdefault(step, []).append(time.perf_counter() - began)
        queries[step] = len(captured)
        return response

    # One server process: the phones share the request handler (its middleware is loaded
    # once, as in a worker); each keeps its own cookies.
    facilitator.get(page)
    start = time.perf_counter()
    cpu_start = time.process_time()
    for k in range(args.voters):
        began = time.perf_counter()
        phone = Client()
        phone.handler = facilitator.handler
        join = reverse("studies:vote_join")
        joined = timed("code", phone.post, join, {"code": session.code.lower()})
        assert joined["Location"] == page
        assert timed("page", phone.get, page).status_code == 200
        assert timed("jeton", phone.post, page, {"action": "join"}).status_code == 302
        assert timed("bulletin", phone.get, page).status_code == 200
        colours = {i: COLOURS[(k + 2 * i) % len(COLOURS)] for i in range(len(STATEMENTS))}
        for i, colour in colours.items():
            expected[i][colour] += 1
        form = {"action": "vote", **{f"s-{i}": c for i, c in colours.items()}}
        voted = timed("vote", phone.post, page, form)
        assert voted.status_code == 302, voted.content[:500]
        per_voter.append(time.perf_counter() - began)
        if k % 5 == 4:
            polled = time.perf_counter()
            assert facilitator.get(live).status_code == 200
            polls.append(time.perf_counter() - polled)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu_start

    grid = facilitator.get(live).content.decode()
    closing = time.perf_counter()
    closed = facilitator.post(reverse("studies:vote_close", args=[study.pk, session.pk]))
    close_time = time.perf_counter() - closing
    assert closed.status_code == 302
    run = StudyRun.objects.get(study=study)

    # Every vote counted exactly once: in the database, the projected grid and the run.
    assert Voter.objects.filter(session=session).count() == args.voters
    assert Ballot.objects.filter(session=session).count() == args.voters * len(STATEMENTS)
    for voter_ballots in (
        Ballot.objects.filter(session=session).values("voter").distinct().count(),
    ):
        assert voter_ballots == args.voters
    assert f"{args.voters} participants ont rejoint le vote" in grid
    assert f"{args.voters} ont répondu" in grid
    assert len(run.input["participants"]) == args.voters
    for statement in run.output["statements"]:
        assert statement["counts"] == expected[statement["position"]], statement["name"]
        assert sum(statement["counts"].values()) == args.voters

    print(f"Base : {connection.vendor} — un vote de {len(STATEMENTS)} affirmations")
    print(
        f"{args.voters} votants (code, page, jeton, bulletin, vote ; 5 requêtes chacun) : "
        f"{wall:.2f} s au total (objectif : moins de 10 s), dont {cpu:.2f} s de processeur "
        f"pour ce processus (charge moyenne de la machine : {os.getloadavg()[0]:.1f} pour "
        f"{os.cpu_count()} cœurs)"
    )
    print(
        f"par votant : médiane {statistics.median(per_voter) * 1000:.0f} ms, "
        f"maximum {max(per_voter) * 1000:.0f} ms"
    )
    print(
        f"grille projetée ({len(polls)} rafraîchissements) : médiane "
        f"{statistics.median(polls) * 1000:.0f} ms, dernier {polls[-1] * 1000:.0f} ms"
    )
    for step, timings in steps.items():
        print(
            f"  {step:<9} médiane {statistics.median(timings) * 1000:>5.0f} ms, "
            f"{queries[step]} requêtes SQL"
        )
    print(f"clôture et calcul foresight.regnier : {close_time * 1000:.0f} ms")
    print(
        f"comptage : {args.voters * len(STATEMENTS)} votes enregistrés, chacun une fois "
        "(base, grille projetée et calcul concordent)"
    )


if __name__ == "__main__":
    main()
