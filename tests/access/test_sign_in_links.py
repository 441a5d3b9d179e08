"""The persona « visitor whose sign-in link expired or was revoked » reaches nothing private.

They hold a link that once worked: they open it, press its button, and then try every route
of the matrix. They must get exactly what an anonymous visitor gets, everywhere.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fabriques.accounts.models import SignInLink
from fabriques.accounts.services import sign_in_link_create, sign_in_link_revoke

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


@pytest.mark.parametrize("ends", ["revoked", "expired"])
def test_a_member_session_opened_by_a_link_ends_with_the_link(ends):
    """A workshop member signed in by their link reads their workshop while the link lives;
    once it is revoked (a new one asked, « Mon compte ») or lapses, the session it opened no
    longer opens /mon-espace/…"""
    world = build_world()
    member = world.user("member_a")
    token = sign_in_link_create(user=member).rstrip("/").rsplit("/", 1)[1]
    visitor = Client()
    assert (
        visitor.post(reverse("accounts:sign_in_link", kwargs={"token": token})).status_code == 302
    )
    workshop = reverse("workshops:my_workshop", kwargs={"pk": world.local_a.pk})
    assert classify(visitor.get(workshop)) == "ok"
    assert classify(visitor.get(reverse("workshops:my_space"))) == "ok"

    if ends == "revoked":
        sign_in_link_revoke(user=member, actor=member)
    else:
        SignInLink.objects.filter(user=member).update(
            expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )
    assert classify(visitor.get(workshop)) == "login"
    assert "_auth_user_id" not in visitor.session
    assert classify(visitor.get(reverse("workshops:my_space"))) == "login"
