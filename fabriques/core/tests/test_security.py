"""Security headers on every answer; no cache for private pages (the browser tests check that
the pages still work under the policy, see tests/browser/conftest.py)."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from fabriques.core.security import (
    CONTENT_SECURITY_POLICY,
    PERMISSIONS_POLICY,
    SecurityHeadersMiddleware,
)

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def answer(path: str, **headers: str) -> HttpResponse:
    def view(request):
        return HttpResponse("ok", headers=headers)

    return SecurityHeadersMiddleware(view)(RequestFactory().get(path))


def test_logout_may_end_on_proconnect_when_it_is_configured(settings):
    assert answer("/").headers["Content-Security-Policy"] == EXPECTED_CSP
    settings.PROCONNECT_ENABLED = True
    settings.OIDC_OP_LOGOUT_ENDPOINT = "https://auth.exemple.gouv.fr/api/v2/session/end"
    policy = answer("/").headers["Content-Security-Policy"]
    assert "form-action 'self' https://auth.exemple.gouv.fr;" in policy
    assert policy.replace(" https://auth.exemple.gouv.fr", "") == EXPECTED_CSP


def cache_directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def test_policy_allows_no_inline_script_or_style():
    assert CONTENT_SECURITY_POLICY == EXPECTED_CSP
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in PERMISSIONS_POLICY


@pytest.mark.parametrize(
    "path",
    [
        "/espace/",
        "/espace/livrables/versions/1/fichier/",
        "/espace/candidatures/1/deliberation/",
        "/compte/",
        "/compte/mes-donnees/",
        "/admin/",
    ],
)
def test_private_paths_are_never_stored(path):
    assert cache_directives(answer(path)) == {"private", "no-store"}


def test_private_path_overrides_a_public_cache_and_keeps_never_cache():
    response = answer("/espace/", **{"Cache-Control": "public, max-age=3600"})
    assert cache_directives(response) == {"private", "no-store", "max-age=3600"}
    response = answer("/compte/connexion/", **{"Cache-Control": "max-age=0, no-cache"})
    assert cache_directives(response) == {"private", "no-store", "max-age=0", "no-cache"}


@pytest.mark.parametrize("path", ["/", "/fabriques/", "/espaces/", "/api/v1/", "/appels/"])
def test_public_paths_keep_their_cache_headers(path):
    assert "Cache-Control" not in answer(path)
    response = answer(path, **{"Cache-Control": "public, max-age=3600"})
    assert response["Cache-Control"] == "public, max-age=3600"


def test_a_view_may_set_its_own_policy():
    response = answer("/", **{"Content-Security-Policy": "default-src 'none'"})
    assert response["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/statistiques/", "/api/v1/", "/api/docs/", "/api/nope"])
def test_every_answer_carries_the_headers(client, path):
    response = client.get(path)
    assert response.status_code in (200, 404), path
    assert response["Content-Security-Policy"] == EXPECTED_CSP
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_workspace_page_is_never_stored(client, django_user_model):
    user = django_user_model.objects.create_user(username="agent@example.fr", password="x" * 16)
    client.force_login(user)
    response = client.get("/espace/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == EXPECTED_CSP
    assert cache_directives(response) >= {"private", "no-store"}
