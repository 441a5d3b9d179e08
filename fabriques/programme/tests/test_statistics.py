"""The public figures of the programme: per year, totals and breakdowns (programme.statistics)."""

import pytest

from fabriques.programme import statistics
from fabriques.programme.statistics import CategoryCount, DepartementCount, YearRow, year_statistics
from fabriques.programme.tests.dataset import build_figures_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return build_figures_programme()


def test_year_rows_are_chronological_and_keep_both_figures(programme):
    rows = statistics.year_rows(year_statistics())
    assert rows == [
        YearRow(year=2019, fabriques=1, declared_territories=12, counted_territories=1),
        YearRow(year=2020, fabriques=2, declared_territories=20, counted_territories=5),
        YearRow(year=2021, fabriques=0, declared_territories=None, counted_territories=0),
    ]
    assert [r.gap for r in rows] == [-11, -15, None]


def test_programme_totals_never_sum_a_partial_declaration():
    rows = [
        YearRow(year=2018, fabriques=3, declared_territories=12, counted_territories=12),
        YearRow(year=2020, fabriques=3, declared_territories=20, counted_territories=16),
    ]
    totals = statistics.programme_totals(rows)
    assert (totals.fabriques, totals.declared_territories, totals.counted_territories) == (
        6,
        32,
        28,
    )
    rows.append(YearRow(year=2021, fabriques=1, declared_territories=None, counted_territories=4))
    assert statistics.programme_totals(rows).declared_territories is None
    assert statistics.programme_totals([]).declared_territories is None


def test_theme_statistics_count_public_fabriques_in_each_of_their_themes(programme):
    assert statistics.theme_statistics() == [
        CategoryCount(key="sante", label="Santé", fabriques=2, territories=5),
        CategoryCount(key="alimentation", label="Alimentation", fabriques=2, territories=4),
    ]


def test_programme_statistics_ignore_programmes_of_non_public_fabriques(programme):
    assert statistics.programme_statistics() == [
        CategoryCount(key="acv", label="Action cœur de ville", fabriques=1, territories=3)
    ]


def test_association_statistics_only_follow_the_elected_association_role(programme):
    assert statistics.association_statistics() == [
        CategoryCount(
            key="amf",
            label="AMF",
            long_label="Association des maires de France",
            fabriques=2,
            territories=5,
        ),
        CategoryCount(key="vdf", label="Villes de France", fabriques=2, territories=4),
    ]


def test_region_statistics_list_the_regions_with_public_territories(programme):
    assert statistics.region_statistics() == [
        CategoryCount(key="75", label="Nouvelle-Aquitaine", fabriques=2, territories=3),
        CategoryCount(key="44", label="Grand Est", fabriques=2, territories=2),
        CategoryCount(key="04", label="La Réunion", fabriques=1, territories=1),
        # Only the non-public Fabrique went to Corsica: no row of zeros for it.
    ]


def test_kind_statistics_give_every_kind(programme):
    assert [(k.key, k.fabriques, k.territories) for k in statistics.kind_statistics()] == [
        ("commune", 2, 3),
        ("epci", 2, 2),
        ("qpv", 1, 1),
    ]


def test_departement_statistics_list_accompanied_departements(programme):
    assert statistics.departement_statistics() == [
        DepartementCount(
            code="16", name="Charente", region="Nouvelle-Aquitaine", fabriques=2, territories=2
        ),
        DepartementCount(
            code="33", name="Gironde", region="Nouvelle-Aquitaine", fabriques=1, territories=1
        ),
        DepartementCount(
            code="67", name="Bas-Rhin", region="Grand Est", fabriques=2, territories=2
        ),
        DepartementCount(
            code="974", name="La Réunion", region="La Réunion", fabriques=1, territories=1
        ),
    ]
