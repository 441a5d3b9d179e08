"""Response headers Django does not set itself: Content-Security-Policy, Permissions-Policy,
and no caching of private pages.

Django's SecurityMiddleware already sends X-Content-Type-Options, Referrer-Policy and
Cross-Origin-Opener-Policy; XFrameOptionsMiddleware sends X-Frame-Options.
"""

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


# No template has an inline <script>, event handler attribute, javascript: URL or style
# attribute (the e-mail templates have style attributes, but e-mails are not served under this
# policy), so neither a nonce nor 'unsafe-inline' is needed: scripts and styles come from our
# own static files only. The DSFR and DSFR Chart scripts set styles through the CSSOM
# (element.style), which style-src does not restrict. data: images are the DSFR icons and
# pictograms embedded in its stylesheets, and what DSFR Chart builds when exporting a chart.
def content_security_policy(form_targets: Iterable[str] = ()) -> str:
    """The policy; `form_targets` are the other origins a form submission may end on."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            # Forms post to this site only. Browsers also apply form-action to the redirects
            # that follow a submission: logging out (a POST) ends on ProConnect's end-session
            # page when ProConnect is configured, so its origin is allowed then.
            " ".join(["form-action 'self'", *form_targets]),
            "frame-ancestors 'none'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# The site uses none of these browser features; an injected script could not ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)

# Pages and files only signed-in people see: the workspace (with its downloads of
# deliberations and deliverable versions), the account pages and the Django admin.
PRIVATE_PATH_PREFIXES = ("/espace/", "/compte/", "/admin/")


class SecurityHeadersMiddleware:
    """Adds the CSP and Permissions-Policy to every answer, and forbids any cache (the
    browser's included) to keep a private page or download."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        logout_origin = (
            _origin(settings.OIDC_OP_LOGOUT_ENDPOINT) if settings.PROCONNECT_ENABLED else ""
        )
        self.policy = content_security_policy([logout_origin] if logout_origin else [])

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path.startswith(PRIVATE_PATH_PREFIXES):
            # Merged with what a view set (never_cache adds no-cache, max-age=0…); a view's
            # « public » is dropped by patch_cache_control since « private » is given.
            patch_cache_control(response, private=True, no_store=True)
        return response
