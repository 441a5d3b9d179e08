"""Benchmark of the studio's MICMAC pages at the issue's size (issue 14: « a 60 × 60 MICMAC
page with its SVG », target under 300 ms server time).

Run: .venv/bin/python bench/studies_micmac.py [--repeat 15] [--database-url URL]

Builds, on its own database (var/bench-studies.sqlite3 unless --database-url), one Fabrique
with an ANCT pilot (who writes studies as the provider's consultants do) and a 60-variable structural analysis whose seeded matrix is filled
at 30 % (values 1–3, one filled cell in ten « P »), entered and run through the services.
Then measures through Django's test client, signed in as the pilot: the run's results
page (the direct and indirect planes, the displacement, the influence graph — all SVG — and
their data tables), the 60 × 60 entry grid (3,540 inputs), the presentation mode and the study
page. Prints each page's SQL queries and its median server time after a warm-up. Figures
only: tests never assert timings.
"""

from __future__ import annotations

import argparse
import os
import random

import _django as harness

VARIABLES = 60


def matrix(n: int, seed: int) -> list[list[int | str]]:
    rnd = random.Random(seed)
    rows: list[list[int | str]] = []
    for i in range(n):
        row: list[int | str] = []
        for j in range(n):
            if i == j or rnd.random() > 0.3:
                row.append(0)
            else:
                row.append("P" if rnd.random() < 0.1 else rnd.randint(1, 3))
        rows.append(row)
    return rows


def build() -> tuple[dict[str, tuple[str, str]], dict[str, object]]:
    from django.urls import reverse

    from fabriques.accounts.models import Membership, MembershipRole, User
    from fabriques.programme.models import FabriqueStatus
    from fabriques.programme.tests.factories import FabriqueFactory
    from fabriques.studies import services
    from fabriques.studies.models import Method

    fabrique = FabriqueFactory(title="Fabrique de banc d’essai", status=FabriqueStatus.RUNNING)
    consultant = User.objects.create_user(
        username="consultant@banc.example", email="consultant@banc.example", password=None
    )
    Membership.objects.create(user=consultant, role=MembershipRole.ANCT_PILOT, fabrique=fabrique)
    study = services.study_create(
        fabrique=fabrique, actor=consultant, method=Method.MICMAC, title="Analyse 60 × 60"
    )
    services.micmac_variables_save(
        study=study,
        actor=consultant,
        kept=[],
        added=[f"Variable {i + 1:02d}" for i in range(VARIABLES)],
        expected_version=study.lock_version,
    )
    cells = matrix(VARIABLES, 2026)
    services.micmac_matrix_save(
        study=study,
        actor=consultant,
        cells={(i, j): str(v) for i, row in enumerate(cells) for j, v in enumerate(row)},
        expected_version=study.lock_version,
    )
    run = services.study_run(study=study, actor=consultant)
    pages = {
        "résultats (4 figures SVG)": (
            "consultant",
            reverse("studies:run_detail", args=[study.pk, run.pk]),
        ),
        "grille 60 × 60": ("consultant", reverse("studies:matrix", args=[study.pk])),
        "présentation (une ligne)": (
            "consultant",
            reverse("studies:presentation", args=[study.pk, "matrix"]) + "?ligne=30",
        ),
        "page de l’étude": ("consultant", reverse("studies:detail", args=[study.pk])),
    }
    return pages, {"consultant": consultant}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()
    harness.setup("bench-studies", args.database_url)
    from django.db import connection

    pages, users = build()
    print(f"Base : {connection.vendor} — {args.repeat} mesures par page après un échauffement")
    results = harness.measure(pages, users, args.repeat)
    # The results page as its first reader gets it: the figures drawn, not read from the cache.
    first = "résultats, premier affichage (figures dessinées)"
    results[first] = harness.measure(
        {first: pages["résultats (4 figures SVG)"]}, users, args.repeat, uncached=True
    )[first]
    width = max(len(name) for name in results)
    print(f"{'page':<{width}}  requêtes  médiane")
    for name, (queries, seconds) in results.items():
        print(f"{name:<{width}}  {queries:>8}  {seconds * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
