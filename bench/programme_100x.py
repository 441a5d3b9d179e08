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
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django as harness


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()

    harness.setup("bench", args.database_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("import_referential", verbosity=0)
    call_command("import_programme", verbosity=0)

    public = {
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
    pages: harness.Pages = {name: (None, url) for name, url in public.items()}
    pages |= {name: ("admin", url) for name, url in workspace.items()}
    users = {"admin": admin}
    kept_pages: harness.Pages = {name: (None, url) for name, url in public.items()}
    first, first_kept = measure_both(pages, kept_pages, users, args.repeat)
    counts_1 = sizes()
    grow(args.factor)
    counts_n = sizes()
    second, second_kept = measure_both(pages, kept_pages, users, args.repeat)

    print()
    print(f"Données 1×   : {counts_1}")
    print(f"Données {args.factor}× : {counts_n}")
    print()
    print("Pages construites (fragments en cache par version des données, sans la page entière) :")
    harness.print_comparison(first, second, args.factor)
    print()
    print("Pages publiques d’un visiteur anonyme gardées entières (fabriques.public.pagecache) :")
    harness.print_comparison(first_kept, second_kept, args.factor)


def measure_both(pages, kept_pages, users, repeat):  # type: ignore[no-untyped-def]
    """The pages built (the whole-page cache off), then the anonymous public pages answered
    from the whole-page cache (on)."""
    from django.conf import settings

    settings.PUBLIC_PAGE_CACHE = False
    built = harness.measure(pages, users, repeat)
    settings.PUBLIC_PAGE_CACHE = True
    kept = harness.measure(kept_pages, {}, repeat)
    settings.PUBLIC_PAGE_CACHE = False
    return built, kept


def sizes() -> str:
    from fabriques.programme.models import Fabrique
    from fabriques.territories.models import Participation

    return f"{Fabrique.objects.count()} Fabriques, {Participation.objects.count()} participations"


def build(name: str, database_url: str, factor: int) -> Path:
    """The programme `factor` times over in a database and an uploads folder of the bench's
    own (var/<name>.sqlite3 or `database_url`, emptied; var/<name>-media): the referential,
    the 2018–2021 history, the copies, then the planner's statistics. Returns the folder:
    a server started on this database must be given it (DJANGO_MEDIA_ROOT) to find the
    files written there."""
    import shutil

    media = harness.ROOT / "var" / f"{name}-media"
    shutil.rmtree(media, ignore_errors=True)
    os.environ["DJANGO_MEDIA_ROOT"] = str(media)
    harness.setup(name, database_url)
    from django.core.management import call_command

    call_command("import_referential", verbosity=0)
    call_command("import_programme", verbosity=0)
    if factor > 1:
        grow(factor)
    from django.db import connection

    if connection.vendor == "postgresql":
        # The planner's statistics, as autovacuum gathers them after a bulk import in
        # production (a server may run with it off, as this machine's does: the plans were
        # then made blind, with seq scans of the referential's tables in a page's joins).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return media


def administrator():
    from fabriques.accounts.models import Membership, MembershipRole, User

    user = User.objects.create(username="bench@anct.gouv.fr", email="bench@anct.gouv.fr")
    Membership.objects.create(user=user, role=MembershipRole.ANCT_ADMIN)
    return user


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
