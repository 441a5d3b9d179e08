"""Response headers Django does not set itself: Content-Security-Policy, Permissions-Policy,
and no caching of private pages.

Django's SecurityMiddleware already sends X-Content-Type-Options, Referrer-Policy and
Cross-Origin-Opener-Policy; XFrameOptionsMiddleware sends X-Frame-Options.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# No template has an inline <script>, event handler attribute, javascript: URL or style
# attribute (the e-mail templates have style attributes, but e-mails are not served under this
# policy), so neither a nonce nor 'unsafe-inline' is needed: scripts and styles come from our
# own static files only. The DSFR and DSFR Chart scripts set styles through the CSSOM
# (element.style), which style-src does not restrict. data: images are the DSFR icons and
# pictograms embedded in its stylesheets, and what DSFR Chart builds when exporting a chart.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        # Forms post to this site only. ProConnect's login is a redirect (GET), not a form.
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

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

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path.startswith(PRIVATE_PATH_PREFIXES):
            # Merged with what a view set (never_cache adds no-cache, max-age=0…); a view's
            # « public » is dropped by patch_cache_control since « private » is given.
            patch_cache_control(response, private=True, no_store=True)
        return response
