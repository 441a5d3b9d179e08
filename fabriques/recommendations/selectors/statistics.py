"""What became of the published recommendations, as the Cour des comptes counts its own.

Each recommendation counts once, with the degree of its latest review (furthest horizon). The
implementation rate is the share of fully and partially implemented ones among those
reviewed; the ones not yet reviewed are counted apart (« non encore évaluées »), never in the
rate's denominator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from ..models import AddresseeKind, Implementation, Recommendation, RecommendationStatus
from .public import latest_reviews

DEGREES = [degree.value for degree in Implementation]
IMPLEMENTED = (Implementation.FULLY, Implementation.PARTIALLY)


@dataclass
class ImplementationRow:
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DEGREES, 0))
    not_reviewed: int = 0

    @property
    def reviewed(self) -> int:
        return sum(self.counts.values())

    @property
    def total(self) -> int:
        return self.reviewed + self.not_reviewed

    @property
    def implemented(self) -> int:
        return sum(self.counts[d] for d in IMPLEMENTED)

    @property
    def rate(self) -> float | None:
        """Fully + partially implemented among reviewed, in percent (None: none reviewed)."""
        return round(100 * self.implemented / self.reviewed, 1) if self.reviewed else None

    @property
    def degree_counts(self) -> list[int]:
        return [self.counts[d] for d in DEGREES]

    def add(self, degree: str) -> None:
        if degree:
            self.counts[degree] += 1
        else:
            self.not_reviewed += 1


@dataclass(frozen=True)
class ImplementationStatistics:
    by_year: list[ImplementationRow]
    by_addressee_kind: list[ImplementationRow]
    by_addressee: list[ImplementationRow]
    total: ImplementationRow
    degree_labels: list[str]


def implementation_statistics() -> ImplementationStatistics:
    """Implementation of published recommendations per year of publication, per addressee kind
    and per addressee (2 queries: the recommendations, their reviews)."""
    recommendations = list(
        Recommendation.objects.filter(status=RecommendationStatus.PUBLISHED)
        .only("pk", "published_at", "addressee_kind", "addressee")
        .order_by("published_at", "pk")
    )
    latest = latest_reviews([r.pk for r in recommendations])
    by_year: dict[int, ImplementationRow] = {}
    by_kind: dict[str, ImplementationRow] = {
        kind.value: ImplementationRow(str(kind.label)) for kind in AddresseeKind
    }
    by_addressee: dict[str, ImplementationRow] = {}
    total = ImplementationRow(str(_("Ensemble")))
    for recommendation in recommendations:
        review = latest.get(recommendation.pk)
        degree = review.degree if review else ""
        year = recommendation.published_at.year if recommendation.published_at else 0
        by_year.setdefault(year, ImplementationRow(str(year))).add(degree)
        by_kind[recommendation.addressee_kind].add(degree)
        name = recommendation.addressee.strip()
        by_addressee.setdefault(name.casefold(), ImplementationRow(name)).add(degree)
        total.add(degree)
    return ImplementationStatistics(
        by_year=[by_year[y] for y in sorted(by_year)],
        by_addressee_kind=[row for row in by_kind.values() if row.total],
        by_addressee=sorted(by_addressee.values(), key=lambda row: (-row.total, row.label)),
        total=total,
        degree_labels=[str(degree.label) for degree in Implementation],
    )
