"""Whole-response cache of the public site for anonymous visitors, and conditional requests.

A public page changes only when the programme's data does (core.versioning's data version,
bumped by every write that a public page shows) or when the clock passes a moment the pages
read (a call opens or closes, a meeting starts, the day changes). Its answer is therefore
kept whole, under a key made of the language and the URL, with the data version it was built
from, until the next of those moments: a write makes every kept page stale at once, on every
application server sharing the cache, and so does the clock passing a moment.

What is never kept or shared:
- anything for a request that carries a session cookie (a signed-in person, a sign-in in
  progress) or a flash message cookie;
- an answer that sets a cookie (a form's CSRF token, a vote token, a message), that is not a
  200, that is streamed or large, whose view said `private`/`no-store`/`no-cache`, or that is
  not HTML, JSON or CSV;
- anything under the private prefixes (workspace, account, admin), and any method but GET
  and HEAD.

A kept answer carries a strong `ETag` (a hash of its body) and `Last-Modified` (when it was
built), so a browser or a proxy asking again with `If-None-Match`/`If-Modified-Since` gets a
304 without a body; it is compressed once, when kept, and sent gzipped to the clients that
accept it (its own ETag, `Vary: Accept-Encoding`); and `Cache-Control: public, max-age=60,
stale-while-revalidate=60`, which lets a reverse proxy or a CDN reuse it for a minute. A hit
costs one round trip to the cache, which reads together the data version (as
core.versioning.shared_data_version keeps it) and the page (which says from which version it
was built and until when it holds), and no query: it does not even open a database
connection. The coming moments are read only when a page is built.
The middleware sits before the session, CSRF and authentication middleware, which a hit
does not need.
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.text import compress_string

from fabriques.calls.selectors import call_calendar
from fabriques.core.security import PRIVATE_PATH_PREFIXES
from fabriques.core.versioning import CACHE_TIMEOUT, shared_data_version_and
from fabriques.workshops.models import Workshop

PUBLIC_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=60"
# Larger answers (an open-data file) are not kept whole in the cache.
MAX_BODY_BYTES = 1_000_000
CACHED_TYPES = ("text/html", "application/json", "text/csv")
# Paths answered by something else than a page: static files (whitenoise), uploads, the
# health probe (which must reach the database, not the cache).
SKIPPED_PREFIXES = (*PRIVATE_PATH_PREFIXES, "/static/", "/media/", "/healthz")
NOT_SHARED = ("private", "no-store", "no-cache")
# Headers a hit answers with as they were built; the others (Date, security headers, the
# content length) are set again by the outer middleware and the server.
KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Content-Disposition",
    "Vary",
    "X-Frame-Options",
    "Link",
)


@dataclass(frozen=True)
class Kept:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    etag: str  # quoted
    last_modified: float  # seconds since the epoch
    # The body compressed once when kept (None when that does not make it shorter), with its
    # own validator: the two representations are different bytes.
    gzipped: bytes | None = None
    gzip_etag: str = ""
    # The first moment the page may read differently without a write (see kept_until).
    valid_until: float = float("inf")
    # The data version it was built from (read before it was built): it holds for that one.
    version: int = -1


def _moments(version: int) -> list[float]:
    """The coming moments a public page reads the clock for, as timestamps, sorted: calls'
    openings and closings, meetings' starts. Computed once per data version (a write may
    add or move one); the past ones do no harm."""
    key = f"page-moments:v{version}"
    found: list[float] | None = cache.get(key)
    if found is None:
        now = timezone.now()
        moments = {
            moment.timestamp()
            for dates in call_calendar().calls
            for moment in (dates.opens_at, dates.closes_at)
            if moment is not None and moment > now
        }
        moments.update(
            starts.timestamp()
            for starts in Workshop.objects.filter(starts_at__gt=now).values_list(
                "starts_at", flat=True
            )
        )
        found = sorted(moments)
        cache.set(key, found, CACHE_TIMEOUT)
    return found


def page_key(request: HttpRequest) -> str:
    """The key of the request's page: language, URL."""
    url = hashlib.sha256(request.get_full_path().encode("utf-8")).hexdigest()
    return f"page:{settings.LANGUAGE_CODE}:{url}"


def kept_until(version: int, now: datetime.datetime) -> float:
    """Until when a page built at `now` from this data version holds: the next moment it
    reads the clock for (a call's opening or closing, a meeting's start), else the next
    local midnight."""
    moments = _moments(version)
    upcoming = bisect.bisect_right(moments, now.timestamp())
    tomorrow = timezone.localtime(now).date() + datetime.timedelta(days=1)
    midnight = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time())).timestamp()
    return min(moments[upcoming], midnight) if upcoming < len(moments) else midnight


def may_use_cache(request: HttpRequest) -> bool:
    return (
        settings.PUBLIC_PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and not request.path.startswith(SKIPPED_PREFIXES)
    )


def may_keep(response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Set-Cookie"):
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in NOT_SHARED):
        return False
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    return content_type in CACHED_TYPES and len(response.content) <= MAX_BODY_BYTES


def _kept(response: HttpResponse, now: float, valid_until: float, version: int) -> Kept:
    body = bytes(response.content)
    digest = hashlib.sha256(body).hexdigest()[:32]
    # Compressed without GZipMiddleware's random padding: a kept page holds no secret (no
    # CSRF token, nothing personal) for a BREACH attack to guess.
    gzipped = compress_string(body)
    shorter = len(gzipped) < len(body)
    return Kept(
        status=response.status_code,
        headers=[(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)],
        body=body,
        etag=quote_etag(digest),
        last_modified=float(int(now)),
        gzipped=gzipped if shorter else None,
        gzip_etag=quote_etag(f"{digest}-gzip") if shorter else "",
        valid_until=valid_until,
        version=version,
    )


def _not_modified(request: HttpRequest, kept: Kept) -> bool:
    """RFC 9110's order: If-None-Match decides when present, else If-Modified-Since."""
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or kept.etag in tags or (bool(kept.gzip_etag) and kept.gzip_etag in tags)
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and kept.last_modified <= since


def _answer(request: HttpRequest, kept: Kept) -> HttpResponse:
    gzipped = kept.gzipped is not None and bool(
        re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    )
    response: HttpResponse
    if _not_modified(request, kept):
        response = HttpResponseNotModified()
    else:
        body = kept.gzipped if gzipped and kept.gzipped is not None else kept.body
        response = HttpResponse(body, status=kept.status)
        for name, value in kept.headers:
            response[name] = value
        response["Content-Length"] = str(len(body))
        if gzipped:
            response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    response["ETag"] = kept.gzip_etag if gzipped else kept.etag
    response["Last-Modified"] = http_date(kept.last_modified)
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
    return response


def _personal(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """An answer for one person (a session, a cookie set) is marked `private` when its view
    said nothing, so that no shared cache keeps it for someone else."""
    personal = settings.SESSION_COOKIE_NAME in request.COOKIES or bool(response.cookies)
    if personal and not response.has_header("Cache-Control"):
        patch_cache_control(response, private=True)
    return response


class PublicPageCacheMiddleware:
    """Answers an anonymous visitor's public page from the cache, keeping the ones it builds
    (see the module's docstring for the rules)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not may_use_cache(request):
            return _personal(request, self.get_response(request))
        # The data version is read before the page is built: a page can only be kept as of a
        # version older than the data it shows, never the reverse.
        key = page_key(request)
        version, found = shared_data_version_and(key)
        kept: Any = found.get(key)
        now = timezone.now()
        if (
            isinstance(kept, Kept)
            and kept.version == version
            and now.timestamp() < kept.valid_until
        ):
            return _answer(request, kept)
        # Read before the page is built: if a moment passes meanwhile, the page expires at once.
        valid_until = kept_until(version, now)
        response = self.get_response(request)
        if not may_keep(response):
            return _personal(request, response)
        kept = _kept(response, now.timestamp(), valid_until, version)
        cache.set(key, kept, CACHE_TIMEOUT)
        return _answer(request, kept)
