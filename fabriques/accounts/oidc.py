"""ProConnect (OpenID Connect) login."""

from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class ProConnectBackend(OIDCAuthenticationBackend):
    pass


def provider_logout_url(request) -> str:
    return "/"
