"""Query budgets: each endpoint reads a fixed number of queries, whatever the data size."""

import pytest
from django.urls import reverse

from fabriques.programme.tests.dataset import make_fabriques

pytestmark = pytest.mark.django_db

# Endpoint, query string and its budget, with each query named.
BUDGETS = [
    # count, page of Fabriques (with their year), themes, programmes, roles (with their
    # organisation), participations (with entity, département and région)
    ("api:fabrique-list", {}, {}, 6),
    # the same, plus the lookup that validates the year and the one for the département
    ("api:fabrique-list", {}, {"year": "2020", "departement": "16"}, 8),
    # validation of the theme, then the same six
    ("api:fabrique-list", {}, {"theme": "theme-001", "q": "fabrique"}, 7),
    # count, page of grouped territories, communes, EPCI, QPV, their participations
    ("api:territory-list", {}, {}, 6),
    # count, page (with the count of public Fabriques)
    ("api:organisation-list", {}, {}, 2),
    ("api:theme-list", {}, {}, 2),
    ("api:programme-list", {}, {}, 2),
    # the data version, then the seven grouped queries of the shared statistics snapshot
    # (tests run with a dummy cache; in production a cached snapshot costs the first query only)
    ("api:statistics", {}, {}, 8),
    # the Fabrique, then themes, programmes, roles, participations, resources
    ("api:fabrique-detail", {"slug": "fabrique-001"}, {}, 6),
    # the organisation (with its count), its roles in public Fabriques
    ("api:organisation-detail", {"slug": "organisation-partner-001"}, {}, 2),
    # the commune, then (again, with département and région) the commune, its participations
    ("api:territory-detail", {"identifier": "commune-16001"}, {}, 3),
]


@pytest.mark.parametrize(("view", "kwargs", "params", "budget"), BUDGETS)
def test_query_count_does_not_grow_with_data(
    client, django_assert_num_queries, view, kwargs, params, budget
):
    url = reverse(view, kwargs=kwargs)
    query = {"page_size": "200", **params} if view.endswith("-list") else params
    make_fabriques(2)
    with django_assert_num_queries(budget):
        small = client.get(url, query)
    assert small.status_code == 200, small.content
    make_fabriques(28, start=2)
    with django_assert_num_queries(budget):
        large = client.get(url, query)
    assert large.status_code == 200
    if view.endswith("-list") and not params:
        assert large.json()["count"] > small.json()["count"]
