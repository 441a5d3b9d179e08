"""Benchmark: roadmaps, action sheets, recommendations and the search at 1× and 100×.

Usage: .venv/bin/python bench/roadmaps_100x.py [--repeat 15] [--factor 100] [--database-url URL]

A Fabrique here is the issue's: 8 territories, each with a published roadmap of 3 axes and 30
action sheets (each with 2 steps, 2 budget lines, 1 funding line, 1 indicator with 2 values),
and 10 published recommendations with 3 positions each. One sheet in ten mentions health
(« santé »), so a search finds more as the data grows. Builds its own database
(var/bench-roadmaps.sqlite3 by default, or DATABASE_URL / --database-url), measures the
roadmap page and its table view (as the Fabrique's pilot), the public roadmap page, the public
library and a search, on the first Fabrique; then adds (factor − 1) Fabriques, rebuilds the
search index, and measures again. Prints SQL queries and median server time.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django as harness

TERRITORIES = 8
AXES = 3
SHEETS = 30
RECOMMENDATIONS = 10
WORDS = (
    "mobilité",
    "énergie",
    "logement",
    "commerce",
    "jeunesse",
    "eau",
    "agriculture",
    "culture",
    "numérique",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()
    harness.setup("bench-roadmaps", args.database_url)
    from django.core.management import call_command
    from django.db import connection

    rng = random.Random(2026)
    now = datetime.datetime.now(datetime.UTC)
    first = build_fabrique(0, rng, now)
    call_command("search_reindex", verbosity=0)
    pages, users = first["pages"], first["users"]
    print(f"Base : {connection.vendor} — {args.repeat} mesures par page après un échauffement")
    # Public pages are cached by data version: measure the computation, not the cache.
    before = harness.measure(pages, users, args.repeat, uncached=True)
    counts_1 = sizes()
    start = time.perf_counter()
    for index in range(1, args.factor):
        build_fabrique(index, rng, now)
    call_command("search_reindex", verbosity=0)
    built = time.perf_counter() - start
    counts_n = sizes()
    after = harness.measure(pages, users, args.repeat, uncached=True)

    print()
    print(f"Données 1×   : {counts_1}")
    print(f"Données {args.factor}× : {counts_n} (construites et indexées en {built:.0f} s)")
    print()
    harness.print_comparison(before, after, args.factor)


def sizes() -> str:
    from fabriques.programme.models import Fabrique
    from fabriques.recommendations.models import Recommendation
    from fabriques.roadmaps.models import ActionSheet, Roadmap

    return (
        f"{Fabrique.objects.count()} Fabriques, {Roadmap.objects.count()} feuilles de route, "
        f"{ActionSheet.objects.count()} fiches action, "
        f"{Recommendation.objects.count()} préconisations"
    )


def build_fabrique(index: int, rng: random.Random, now: datetime.datetime) -> dict:
    """One Fabrique of the issue's size, written with bulk inserts; its pages and people."""
    from django.db import transaction

    from fabriques.accounts.models import Membership, MembershipRole, User
    from fabriques.programme.models import FabriqueOrganisation, FabriqueStatus, Role
    from fabriques.programme.tests.factories import FabriqueFactory, OrganisationFactory
    from fabriques.recommendations.models import (
        AddresseeKind,
        Position,
        Recommendation,
        RecommendationKind,
        RecommendationStatus,
        Stance,
    )
    from fabriques.roadmaps.models import (
        ActionSheet,
        Axis,
        BudgetLine,
        BudgetNature,
        FundingLine,
        FundingScheme,
        Indicator,
        IndicatorValue,
        Roadmap,
        RoadmapStatus,
        SheetStatus,
        Step,
    )
    from fabriques.territories.tests.factories import ParticipationFactory

    statuses = list(SheetStatus.values)
    with transaction.atomic():
        fabrique = FabriqueFactory(
            slug=f"fabrique-banc-{index}",
            title=f"Fabrique de banc d’essai {index}",
            status=FabriqueStatus.PUBLISHED,
        )
        participations = [ParticipationFactory(fabrique=fabrique) for _ in range(TERRITORIES)]
        roadmaps = Roadmap.objects.bulk_create(
            [
                Roadmap(
                    participation=p,
                    fabrique=fabrique,
                    title=f"Feuille de route de {p.label}",
                    horizon=2035,
                    diagnostic="Un territoire rural qui vieillit et manque de médecins.",
                    vision="Un bassin de vie où chacun trouve soins, emploi et mobilité.",
                    status=RoadmapStatus.PUBLISHED,
                    published_at=now,
                )
                for p in participations
            ]
        )
        axes = Axis.objects.bulk_create(
            [
                Axis(roadmap=r, position=n + 1, title=f"Axe {n + 1} : {WORDS[n]}")
                for r in roadmaps
                for n in range(AXES)
            ]
        )
        sheets = []
        for r_index, roadmap in enumerate(roadmaps):
            for n in range(SHEETS):
                topic = "santé" if n % 10 == 0 else WORDS[rng.randrange(len(WORDS))]
                start = datetime.date(2025, 1 + n % 12, 1)
                sheets.append(
                    ActionSheet(
                        roadmap=roadmap,
                        axis=axes[r_index * AXES + n % AXES],
                        number=n + 1,
                        title=f"Agir pour la {topic} dans les quartiers ({n + 1})",
                        description=f"Une action sur la {topic}, portée avec les habitants.",
                        objectives="Réduire les inégalités d’accès.",
                        pilot_organisation=f"Communauté de communes {index}",
                        status=statuses[n % len(statuses)],
                        planned_start=start,
                        planned_end=start + datetime.timedelta(days=365),
                    )
                )
        ActionSheet.objects.bulk_create(sheets, batch_size=2000)
        Step.objects.bulk_create(
            [Step(sheet=s, position=k, name=f"Étape {k + 1}") for s in sheets for k in range(2)],
            batch_size=2000,
        )
        BudgetLine.objects.bulk_create(
            [
                BudgetLine(
                    sheet=s,
                    year=2025 + k,
                    nature=BudgetNature.INVESTMENT if k == 0 else BudgetNature.OPERATING,
                    planned=Decimal(10000 * (k + 1)),
                )
                for s in sheets
                for k in range(2)
            ],
            batch_size=2000,
        )
        FundingLine.objects.bulk_create(
            [
                FundingLine(
                    sheet=s,
                    funder="État",
                    scheme=FundingScheme.DETR,
                    amount_asked=Decimal(8000),
                )
                for s in sheets
            ],
            batch_size=2000,
        )
        indicators = Indicator.objects.bulk_create(
            [Indicator(sheet=s, definition="Personnes touchées", unit="personnes") for s in sheets],
            batch_size=2000,
        )
        IndicatorValue.objects.bulk_create(
            [
                IndicatorValue(
                    indicator=i, measured_on=datetime.date(2025 + k, 12, 31), value=Decimal(50 * k)
                )
                for i in indicators
                for k in range(2)
            ],
            batch_size=2000,
        )
        organisations = [OrganisationFactory() for _ in range(3)]
        for position, organisation in enumerate(organisations):
            FabriqueOrganisation.objects.create(
                fabrique=fabrique,
                organisation=organisation,
                role=Role.ELECTED_ASSOCIATION if position == 0 else Role.PARTNER,
                position=position,
            )
        recommendations = Recommendation.objects.bulk_create(
            [
                Recommendation(
                    fabrique=fabrique,
                    number=n + 1,
                    title=f"Simplifier l’accès aux aides pour la {WORDS[n % len(WORDS)]}",
                    finding="Les petites communes renoncent faute d’ingénierie.",
                    proposal="Un guichet unique départemental.",
                    kind=RecommendationKind.PUBLIC_POLICY,
                    addressee_kind=AddresseeKind.MINISTRY,
                    addressee="Ministère de la cohésion des territoires",
                    status=RecommendationStatus.PUBLISHED,
                    published_at=now,
                )
                for n in range(RECOMMENDATIONS)
            ]
        )
        Position.objects.bulk_create(
            [
                Position(
                    recommendation=r,
                    organisation=o,
                    stance=Stance.SUPPORT,
                    signatory="La présidence",
                )
                for r in recommendations
                for o in organisations
            ]
        )
        pilot = User.objects.create(username=f"pilote-{index}@anct.gouv.fr")
        Membership.objects.create(user=pilot, role=MembershipRole.ANCT_PILOT, fabrique=fabrique)
    roadmap = roadmaps[0]
    return {
        "users": {"pilot": pilot},
        "pages": {
            "feuille de route (pilote)": ("pilot", f"/espace/feuilles-de-route/{roadmap.pk}/"),
            "tableau des fiches (pilote)": (
                "pilot",
                f"/espace/feuilles-de-route/{roadmap.pk}/tableau/",
            ),
            "feuille de route publique": (None, f"/bibliotheque/feuilles-de-route/{roadmap.pk}/"),
            "bibliothèque publique": (None, "/bibliotheque/"),
            "recherche « sante »": (None, "/recherche/?q=sante"),
            "recherche « quartier prioritaire »": (None, "/recherche/?q=quartier+prioritaire"),
        },
    }


if __name__ == "__main__":
    main()
