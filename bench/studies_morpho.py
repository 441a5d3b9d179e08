"""Benchmark: the morphological analysis's live answer (issue 14: a 12 × 5 space with 300
exclusions, under 100 ms server time).

Usage: .venv/bin/python bench/studies_morpho.py [--repeat 30] [--database-url URL]

Builds its own database (var/bench-studies-morpho.sqlite3 by default), a Fabrique with its ANCT
pilot, and one morphological study entered through the services: 12 components of 5
hypotheses and 300 pair exclusions drawn with a fixed seed (`bench/foresight_morpho.field`,
the library's own bench fields). Then, as the pilot through Django's test client (the whole
request in this process: middleware, session, access, the library, the template; no
network), it times the live screen's answer:

- the first answer after a change of the inputs (the field is parsed and its consistent
  configurations are listed by the library once per version, then kept);
- the htmx fragment (`HX-Request: true`, what each click asks) with 0, 1, 3, 6, 9 and 12
  choices taken from a consistent configuration, and with an inconsistent pair;
- the full page (a plain GET, without JavaScript) with 3 choices;
- the same fragment answered by the engine at each click (the path of fields with more than
  `ENUMERATION_LIMIT` consistent configurations), for comparison.

Prints SQL queries and the median of `--repeat` requests after three warm-ups. Figures only:
tests never assert timings.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django as harness

COMPONENTS = 12
HYPOTHESES = 5
EXCLUSIONS = 300
SEED = 14


def build() -> tuple[Any, Any]:
    """The pilot and the study (12 × 5, 300 exclusions), through the services."""
    from bench.foresight_morpho import field
    from fabriques.accounts.models import Membership, MembershipRole, User
    from fabriques.programme.tests.factories import FabriqueFactory
    from fabriques.studies import services
    from fabriques.studies.models import Method

    fabrique = FabriqueFactory(slug="fabrique-banc-morpho", title="Fabrique de banc d’essai")
    pilot = User.objects.create(username="pilote-morpho@anct.gouv.fr")
    Membership.objects.create(user=pilot, role=MembershipRole.ANCT_PILOT, fabrique=fabrique)
    study = services.study_create(
        fabrique=fabrique,
        actor=pilot,
        method=Method.MORPHO,
        title="Banc d’essai morphologique 12 × 5",
    )
    services.morpho_components_save(
        study=study,
        actor=pilot,
        components=[
            services.ComponentEdit(
                None,
                f"Composante {c + 1}",
                [(None, f"H{c + 1}.{h + 1}") for h in range(HYPOTHESES)],
            )
            for c in range(COMPONENTS)
        ],
        expected_version=study.lock_version,
    )
    pairs = COMPONENTS * (COMPONENTS - 1) // 2 * HYPOTHESES * HYPOTHESES
    _sizes, exclusions = field(COMPONENTS, HYPOTHESES, EXCLUSIONS / pairs, SEED)
    services.morpho_exclusions_save(
        study=study,
        actor=pilot,
        added=[(f"{a}-{ha}", f"{b}-{hb}") for (a, ha), (b, hb) in exclusions],
        removed=(),
        expected_version=study.lock_version,
    )
    study.refresh_from_db()
    assert len(study.inputs["exclusions"]) == EXCLUSIONS
    return pilot, study


def timed(client: Any, url: str, repeat: int, **headers: Any) -> tuple[int, float, int]:
    """(queries, median seconds, status) after three warm-ups."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        client.get(url, **headers)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    count = len(queries)
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url, **headers)
        timings.append(time.perf_counter() - start)
    return count, statistics.median(timings), response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()
    harness.setup("bench-studies-morpho", args.database_url)
    from django.test import Client
    from django.urls import reverse

    from fabriques.studies import selectors
    from fabriques.studies.selectors import morpho as live

    pilot, study = build()
    client = Client()
    client.force_login(pilot)
    base = reverse("studies:morpho_live", args=[study.pk])
    hx = {"HTTP_HX_REQUEST": "true"}

    start = time.perf_counter()
    prepared = selectors.morpho_prepared(study)
    first = time.perf_counter() - start
    assert prepared.configurations is not None and prepared.total is not None
    print(
        f"Espace {COMPONENTS} × {HYPOTHESES} ({prepared.field.space:,} combinaisons), "
        f"{EXCLUSIONS} exclusions : {prepared.total:,} configurations cohérentes "
        "(comptées par foresight.morpho_engine)."
    )
    print(
        f"Première réponse après un changement des entrées (analyse, comptage et liste des "
        f"configurations par la bibliothèque, une fois par version) : {first * 1000:.1f} ms"
    )
    consistent = [int(h) for h in prepared.configurations[0]]
    cases: list[tuple[str, dict[int, int], dict[str, str]]] = [
        (f"fragment htmx, {k} choix", dict(enumerate(consistent[:k])), hx)
        for k in (0, 1, 3, 6, 9, 12)
    ]
    excl = study.inputs["exclusions"][0]
    names = [c["name"] for c in study.inputs["components"]]
    clash = {
        names.index(excl[0][0]): int(excl[0][1].split(".")[1]) - 1,
        names.index(excl[1][0]): int(excl[1][1].split(".")[1]) - 1,
    }
    cases.append(("fragment htmx, paire exclue (incohérente)", clash, hx))
    cases.append(("page entière sans JavaScript, 3 choix", dict(enumerate(consistent[:3])), {}))

    def url(choices: dict[int, int]) -> str:
        return base + "?" + "&".join(f"c-{c}={h}" for c, h in sorted(choices.items()))

    print()
    header = f"{'réponse':<48} {'req.':>5} {'médiane':>10}"
    print(header)
    print("-" * len(header))
    for label, choices, headers in cases:
        queries, median, status = timed(client, url(choices), args.repeat, **headers)
        assert status == 200, status
        print(f"{label:<48} {queries:>5} {median * 1000:>7.1f} ms")

    # The engine path: every click answered by the engine (fields too large to list).
    live.ENUMERATION_LIMIT = 0
    live._cache.clear()
    print()
    print("Le même fragment répondu par le moteur à chaque clic (chemin des grands espaces) :")
    for k in (1, 6, 12):
        queries, median, _status = timed(
            client, url(dict(enumerate(consistent[:k]))), max(3, args.repeat // 5), **hx
        )
        print(f"{'moteur, ' + str(k) + ' choix':<48} {queries:>5} {median * 1000:>7.1f} ms")


if __name__ == "__main__":
    main()
