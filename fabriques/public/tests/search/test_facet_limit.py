"""A facet shows its ten most frequent values and the chosen ones; the rest on request."""

from __future__ import annotations

import re
from unittest import mock

from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from fabriques.public import search_views
from fabriques.search.selectors import FacetValue, SearchResults

URL = reverse("public:search")


def regions(count: int, selected: str = "") -> list[FacetValue]:
    # Region 00 is the least frequent: counts 1, 2, … by number.
    return [
        FacetValue(f"r{n:02}", f"Région {n:02}", n + 1, f"r{n:02}" == selected)
        for n in range(count)
    ]


def results(values: list[FacetValue]) -> SearchResults:
    found = SearchResults(q="sante", words=["sante"], total=3, page=1, pages=1)
    found.facets = {"region": values}
    return found


class ShownTests(SimpleTestCase):
    def test_few_values_are_all_shown(self):
        values = regions(10)
        assert search_views._shown(values, expanded=False) == (values, 0)

    def test_the_most_frequent_and_the_chosen_ones_in_their_usual_order(self):
        values = regions(15, selected="r00")
        shown, hidden = search_views._shown(values, expanded=False)
        # The ten most frequent (05 to 14) and the chosen one, the least frequent of all.
        assert [v.value for v in shown] == ["r00", *[f"r{n:02}" for n in range(5, 15)]]
        assert hidden == 4

    def test_an_expanded_facet_shows_everything(self):
        values = regions(15)
        assert search_views._shown(values, expanded=True) == (values, 0)


class FacetLinkTests(TestCase):  # the page menu reads the database
    def get(self, query: str, values: list[FacetValue]):
        with mock.patch.object(
            search_views.search_selectors, "search", return_value=results(values)
        ):
            return self.client.get(URL + query)

    def boxes(self, response) -> list[str]:
        return re.findall(r'name="region" value="([^"]+)"', response.content.decode())

    def test_a_long_facet_links_to_its_other_values(self):
        response = self.get("?q=sante&page=1", regions(15))
        assert len(self.boxes(response)) == 10
        page = response.content.decode()
        assert "Afficher les 5 autres valeurs (région)" in page
        # The link keeps the search, asks for the whole facet, drops the page number.
        assert 'href="?q=sante&amp;tout=region#facette-region"' in page

    def test_the_expanded_facet_stays_expanded_when_filters_are_applied(self):
        response = self.get("?q=sante&tout=region", regions(15))
        assert len(self.boxes(response)) == 15
        page = response.content.decode()
        assert "autres valeurs" not in page
        assert '<input type="hidden" name="tout" value="region">' in page

    def test_an_unknown_facet_to_expand_is_ignored(self):
        response = self.get("?q=sante&tout=%3Cscript%3E", regions(3))
        assert response.status_code == 200
        assert 'name="tout"' not in response.content.decode()
