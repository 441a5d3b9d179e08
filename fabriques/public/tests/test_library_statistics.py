"""The programme statistics of follow-up: action sheets and recommendations."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from fabriques.recommendations.models import AddresseeKind, Implementation
from fabriques.recommendations.selectors.statistics import implementation_statistics
from fabriques.roadmaps.models import SheetStatus
from fabriques.roadmaps.selectors.statistics import sheet_statistics

from . import library_data as data

pytestmark = pytest.mark.django_db


def test_sheet_shares_per_fabrique_and_year_use_the_latest_closed_follow_up():
    health = data.fabrique(year=2022, title="Santé")
    first = data.roadmap(fabrique_obj=health, sheets=5)  # done, in progress, dropped, late, new
    data.close_follow_up(first, {4: SheetStatus.DONE, 5: SheetStatus.DROPPED}, horizon=1)
    # The three-year follow-up, closed later, wins over the one-year one.
    data.close_follow_up(first, {5: SheetStatus.DONE}, horizon=3)
    data.roadmap(fabrique_obj=health, sheets=2, title="Deuxième")  # done, in progress
    data.roadmap(fabrique_obj=health, sheets=4, published=False, title="Brouillon")
    mobility = data.fabrique(year=2023, title="Mobilité")
    data.roadmap(fabrique_obj=mobility, sheets=3)  # done, in progress, dropped

    stats = sheet_statistics()

    by_year = {row.label: row for row in stats.by_year}
    # 2022: sheets 1 done, 2 in progress, 3 dropped, 4 late (current: the 3-year follow-up has
    # no entry for it), 5 done at three years; then done, in progress.
    p2022 = by_year["2022"].progress
    assert (p2022.done, p2022.in_progress, p2022.dropped, p2022.other) == (3, 3, 1, 0)
    assert by_year["2022"].roadmaps == 2
    assert p2022.done_share == pytest.approx(42.9)
    p2023 = by_year["2023"].progress
    assert (p2023.done, p2023.in_progress, p2023.dropped, p2023.other) == (1, 1, 1, 0)
    assert [row.label for row in stats.by_fabrique] == ["Mobilité (2023)", "Santé (2022)"]
    assert stats.total.progress.total == 10  # the draft's sheets are not counted
    assert stats.total.roadmaps == 3


def test_implementation_rate_counts_fully_and_partially_among_reviewed():
    fabrique = data.fabrique()
    at = datetime.datetime(2023, 3, 1, tzinfo=datetime.UTC)
    data.recommendation(
        fabrique_obj=fabrique, number=1, degree=Implementation.FULLY, published_at=at
    )
    data.recommendation(
        fabrique_obj=fabrique, number=2, degree=Implementation.PARTIALLY, published_at=at
    )
    data.recommendation(
        fabrique_obj=fabrique, number=3, degree=Implementation.REFUSED, published_at=at
    )
    data.recommendation(fabrique_obj=fabrique, number=4, published_at=at)  # not yet reviewed
    data.recommendation(
        fabrique_obj=fabrique,
        number=5,
        degree=Implementation.NOT_IMPLEMENTED,
        addressee="Banque des Territoires",
        addressee_kind=AddresseeKind.OPERATOR,
    )
    data.recommendation(
        fabrique_obj=fabrique, number=6, degree=Implementation.FULLY, published=False
    )

    stats = implementation_statistics()

    by_year = {row.label: row for row in stats.by_year}
    assert by_year["2023"].reviewed == 3
    assert by_year["2023"].not_reviewed == 1
    assert by_year["2023"].rate == pytest.approx(66.7)  # 2 of 3 reviewed, not of 4
    assert by_year["2024"].rate == 0.0
    kinds = {row.label: row for row in stats.by_addressee_kind}
    assert set(kinds) == {"Ministère ou direction", "Opérateur"}
    assert kinds["Opérateur"].counts[Implementation.NOT_IMPLEMENTED] == 1
    addressees = [row.label for row in stats.by_addressee]
    assert addressees == ["Ministère de la santé", "Banque des Territoires"]
    assert stats.total.total == 5  # the unpublished one is not counted
    assert stats.total.rate == pytest.approx(50.0)


def test_nothing_reviewed_gives_no_rate():
    data.recommendation()
    stats = implementation_statistics()
    assert stats.total.rate is None
    assert stats.total.not_reviewed == 1


def test_statistics_page_shows_the_follow_up_tables(client):
    roadmap = data.roadmap(sheets=3)
    data.recommendation(fabrique_obj=roadmap.fabrique, degree=Implementation.FULLY)
    data.recommendation(fabrique_obj=roadmap.fabrique, number=2)
    page = re.sub(r"\s+", " ", client.get(reverse("public:statistics")).content.decode())
    assert "Ce que deviennent les fiches action" in page
    assert 'id="table-suivi-fiches-annees"' in page
    assert 'id="table-suivi-fiches-fabriques"' in page
    assert 'id="table-preconisations-destinataires"' in page
    assert "<bar-chart" in page and 'stacked="true"' in page
    # One fully implemented among one reviewed; one not yet reviewed.
    assert re.search(r"Ministère de la santé</th> <td[^>]*>2</td> <td[^>]*>100,0 %</td>", page)


def test_statistics_page_without_anything_published(client):
    page = client.get(reverse("public:statistics")).content.decode()
    assert "Aucune feuille de route n’est encore publiée." in page
    assert "Aucune préconisation n’est encore publiée." in page
