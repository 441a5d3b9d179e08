"""The persona « visitor whose sign-in link expired or was revoked » reaches nothing private.

They hold a link that once worked: they open it, press its button, and then try every route
of the matrix. They must get exactly what an anonymous visitor gets, everywhere.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from .routes import all_routes
from .spec import CASES
from .test_matrix import classify
from .world import build_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("which", ["expired_sign_in_link_token", "revoked_sign_in_link_token"])
def test_a_visitor_with_a_dead_link_gets_what_an_anonymous_visitor_gets(which):
    world = build_world()
    visitor = Client()
    link = reverse("accounts:sign_in_link", kwargs={"token": getattr(world, which)})
    assert visitor.get(link).status_code == 410
    assert visitor.post(link).status_code == 410
    assert "_auth_user_id" not in visitor.session

    failures = []
    for route in all_routes():
        for case in CASES.get(route.name, []):
            url = reverse(route.name, kwargs=case.kwargs(world)) + case.query
            got = classify(visitor.get(url))
            if got != case.get["anonymous"]:
                failures.append(f"GET {url}: {got} ≠ {case.get['anonymous']}")
    assert not failures, "\n".join(failures)
    assert "_auth_user_id" not in visitor.session
