"""Benchmark: the main pages at the programme's real size (1×) and 100 times larger.

Usage: .venv/bin/python bench/programme_100x.py [--repeat 15] [--database-url URL]

Builds its own database (var/bench.sqlite3 by default, or DATABASE_URL / --database-url),
imports the referential and the 2018–2021 history, measures each page, then copies every
Fabrique 99 times onto other territories of the same kind (≈1,000 Fabriques, ≈4,400
participations) and measures again. Prints SQL queries and median server time per page.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()

    bench_db = ROOT / "var" / "bench.sqlite3"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        bench_db.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{bench_db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{bench_db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The settings refuse the development key with DEBUG off; this throwaway run needs any key.
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    # Like Django's test runner: keep one connection across requests, so that the queries of a
    # request can be counted and connection set-up is not timed.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    if args.database_url:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("import_referential", verbosity=0)
    call_command("import_programme", verbosity=0)

    pages = {
        "accueil": "/",
        "catalogue": "/fabriques/",
        "catalogue filtré (q=sante)": "/fabriques/?q=sante",
        "page Fabrique": "/fabriques/2019-transition-ecologique-des-villes-moyennes/",
        "page territoire (Lorient)": "/territoires/communes/56121/",
        "page territoire (EPCI Grand Reims)": "/territoires/epci/200067213/",
        "statistiques": "/statistiques/",
        "API /api/v1/fabriques/": "/api/v1/fabriques/",
    }
    # The workspace, as an ANCT administrator (who sees every Fabrique).
    settings.OTP_REQUIRED_FOR_STAFF = False
    admin = administrator()
    workspace = {
        "espace : tableau de bord": "/espace/",
        "espace : liste des Fabriques": "/espace/fabriques/",
        "espace : page Fabrique": "/espace/fabriques/2019-transition-ecologique-des-villes-moyennes/",
        "espace : statut (gardes)": "/espace/fabriques/2019-transition-ecologique-des-villes-moyennes/statut/",
        "espace : journal d'audit": "/espace/journal/",
        "espace : livrables": "/espace/livrables/",
    }
    print(f"Base : {connection.vendor} — {args.repeat} mesures par page après un échauffement")
    first = measure(pages, args.repeat) | measure(workspace, args.repeat, user=admin)
    counts_1 = sizes()
    grow(args.factor)
    counts_n = sizes()
    second = measure(pages, args.repeat) | measure(workspace, args.repeat, user=admin)
    pages = pages | workspace

    print()
    print(f"Données 1×   : {counts_1}")
    print(f"Données {args.factor}× : {counts_n}")
    print()
    header = f"{'page':38} {'req. 1×':>8} {'req. ' + str(args.factor) + '×':>9} {'médiane 1×':>11} {'médiane ' + str(args.factor) + '×':>13} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    for name in pages:
        q1, t1 = first[name]
        qn, tn = second[name]
        print(
            f"{name:38} {q1:>8} {qn:>9} {t1 * 1000:>9.1f} ms {tn * 1000:>11.1f} ms {tn / t1:>6.2f}"
        )


def sizes() -> str:
    from fabriques.programme.models import Fabrique
    from fabriques.territories.models import Participation

    return f"{Fabrique.objects.count()} Fabriques, {Participation.objects.count()} participations"


def administrator():
    from fabriques.accounts.models import Membership, MembershipRole, User

    user = User.objects.create(username="bench@anct.gouv.fr", email="bench@anct.gouv.fr")
    Membership.objects.create(user=user, role=MembershipRole.ANCT_ADMIN)
    return user


def measure(pages: dict[str, str], repeat: int, user=None) -> dict[str, tuple[int, float]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if user is not None:
        client.force_login(user)
    results = {}
    for name, url in pages.items():
        response = client.get(url)  # warm-up (template and URL caches)
        if response.status_code != 200:
            raise SystemExit(f"{url} a répondu {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        # Read now: every request start clears the connection's query log.
        query_count = len(queries)
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(url)
            timings.append(time.perf_counter() - start)
        results[name] = (query_count, statistics.median(timings))
    return results


def grow(factor: int) -> None:
    """Copy every Fabrique (factor - 1) times onto random territories of the same kind."""
    from django.db import transaction

    from fabriques.core.text import normalize
    from fabriques.core.versioning import bump_data_version
    from fabriques.programme.models import Fabrique, FabriqueOrganisation
    from fabriques.territories.models import Commune, Epci, Participation

    rng = random.Random(2026)
    communes = list(Commune.objects.values_list("pk", "departement_id", "name"))
    epcis = list(Epci.objects.values_list("pk", "departement_id", "name"))
    originals = list(
        Fabrique.objects.prefetch_related("themes", "anct_programmes", "roles", "participations")
    )
    with transaction.atomic():
        for copy in range(1, factor):
            new = []
            for f in originals:
                clone = Fabrique(
                    slug=f"{f.slug}-copie-{copy}",
                    title=f"{f.title} (copie {copy})",
                    programme_year_id=f.programme_year_id,
                    summary=f.summary,
                    objective=f.objective,
                    start_month=f.start_month,
                    end_month=f.end_month,
                    status=f.status,
                    cofinancing=f.cofinancing,
                    source=f.source,
                )
                new.append(clone)
            Fabrique.objects.bulk_create(new)
            roles, participations = [], []
            theme_links, programme_links = [], []
            for f, clone in zip(originals, new, strict=True):
                theme_links += [
                    Fabrique.themes.through(fabrique_id=clone.pk, theme_id=t.pk)
                    for t in f.themes.all()
                ]
                programme_links += [
                    Fabrique.anct_programmes.through(fabrique_id=clone.pk, anctprogramme_id=p.pk)
                    for p in f.anct_programmes.all()
                ]
                roles += [
                    FabriqueOrganisation(
                        fabrique_id=clone.pk, organisation_id=r.organisation_id, role=r.role
                    )
                    for r in f.roles.all()
                ]
                labels = []
                for position, p in enumerate(f.participations.all()):
                    if p.kind == "commune":
                        pk, dep, name = rng.choice(communes)
                        item = Participation(kind="commune", commune_id=pk)
                    else:
                        # QPV copies become EPCI participations: the referential has few QPV.
                        pk, dep, name = rng.choice(epcis)
                        item = Participation(kind="epci", epci_id=pk)
                    item.fabrique_id, item.departement_id = clone.pk, dep
                    item.label, item.position = name, position
                    participations.append(item)
                    labels.append(name)
                clone.search_text = normalize(
                    f"{clone.title} {clone.summary} {clone.objective} {' '.join(labels)}"
                )
            Fabrique.themes.through.objects.bulk_create(theme_links)
            Fabrique.anct_programmes.through.objects.bulk_create(programme_links)
            FabriqueOrganisation.objects.bulk_create(roles)
            Participation.objects.bulk_create(participations, ignore_conflicts=True)
            Fabrique.objects.bulk_update(new, ["search_text"])
        # Bulk writes skip the signals that version cached figures.
        bump_data_version()


if __name__ == "__main__":
    main()
