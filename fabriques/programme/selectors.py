"""Reads for the programme: catalogue, Fabrique pages, statistics."""

from dataclasses import dataclass

from django.db.models import Count, Q

from .models import PUBLIC_STATUSES, ProgrammeYear


@dataclass(frozen=True)
class YearStatistics:
    year: int
    declared_territories: int | None  # as declared by ANCT (may differ from the count)
    counted_territories: int  # participations recorded on the platform
    fabriques: int


def year_statistics() -> list[YearStatistics]:
    """Per programme year, most recent first: declared vs counted territories, Fabriques.

    One query whatever the number of years or Fabriques.
    """
    public = Q(fabriques__status__in=PUBLIC_STATUSES)
    rows = ProgrammeYear.objects.annotate(
        n_fabriques=Count("fabriques", filter=public, distinct=True),
        n_participations=Count("fabriques__participations", filter=public, distinct=True),
    ).order_by("-year")
    return [
        YearStatistics(
            year=row.year,
            declared_territories=row.declared_territories,
            counted_territories=row.n_participations,
            fabriques=row.n_fabriques,
        )
        for row in rows
    ]
