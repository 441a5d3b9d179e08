"""Error answers that need neither the database nor the session, the 503 of an outage, and
the health check (/healthz) that load balancers and the operator ask.

When PostgreSQL is stopped, frozen or too slow, every request fails on its first query, often
inside a middleware (session, user) before any view runs. Django turns those exceptions into
its 500 handler, which calls `database_unavailable()`: the answer becomes a 503 with
Retry-After, and the log gets one line per kind of failure and minute instead of a traceback
per request.

/healthz answers JSON in both cases: from its own `SELECT 1`, or from the 500 handler when a
middleware's query failed first (a probe that sends a session cookie).
"""

import logging
import sqlite3
import sys
import threading
import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

logger = logging.getLogger("fabriques.database")

# One log line per failure kind in this interval (per process); the next line counts the rest.
LOG_INTERVAL_SECONDS = 60.0

# SQLSTATE classes of a server that is unreachable, shutting down or out of resources:
# 08 connection exception, 53 insufficient resources (too many connections),
# 57P0x operator intervention (administrator or crash shutdown, cannot connect now).
UNREACHABLE_SQLSTATES = ("08", "53", "57P")
STATEMENT_TIMEOUT = "57014"  # query_canceled: statement_timeout reached
LOCK_TIMEOUT = "55P03"  # lock_not_available: lock_timeout reached

# Where config/urls.py serves `healthz`: the 500 handler answers it in its own format.
HEALTH_PATH = "/healthz"

_lock = threading.Lock()
_last_logged: dict[str, float] = {}
_muted: dict[str, int] = {}


def failure_kind(exc: BaseException) -> str | None:
    """The kind of database unavailability `exc` reports, or None if it is a plain error."""
    if isinstance(exc, InterfaceError):
        return "unreachable"  # "connection already closed" and the like
    if not isinstance(exc, OperationalError):
        return None
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate == STATEMENT_TIMEOUT:
        return "statement_timeout"
    if sqlstate == LOCK_TIMEOUT:
        return "lock_timeout"
    if sqlstate:
        return "unreachable" if sqlstate.startswith(UNREACHABLE_SQLSTATES) else None
    if isinstance(cause, sqlite3.Error):
        # A busy embedded database is an outage; "no such table" and the like are bugs.
        return "locked" if "database is locked" in str(cause) else None
    # psycopg gives no SQLSTATE when the client itself failed: refused, timed out, lost.
    return "unreachable"


def error_response(
    request: HttpRequest, status: int, *, code: str, message: str, template: str, **context: Any
) -> HttpResponse:
    """An error answer: the API's JSON error format under /api/, else a page.

    The page is rendered without the request, so no context processor, session or user lookup
    runs: it must render while the database is down.
    """
    if request.path_info.startswith("/api/"):
        # The format of fabriques.api.errors, which sits above core and cannot be imported.
        body = {"errors": [{"field": None, "code": code, "message": message}]}
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    html = loader.get_template(template).render({"message": message, **context})
    return HttpResponse(html, status=status)


def database_unavailable(request: HttpRequest) -> HttpResponse | None:
    """For Django's 500 handler: a 503 if the exception being handled is a database outage."""
    exc = sys.exc_info()[1]
    kind = failure_kind(exc) if exc is not None else None
    if kind is None:
        return None
    _log_once(kind, exc, request)
    if request.path_info == HEALTH_PATH:
        return health_response(database_ok=False)
    response = error_response(
        request,
        503,
        code="service_unavailable",
        message=_("Le service est momentanément indisponible. Réessayez dans quelques instants."),
        template="503.html",
    )
    response["Retry-After"] = str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    # Django logs every answer of its 500 handler with a traceback unless told it is done.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


# CSRF-exempt so that a POST gets its 405 rather than the CSRF failure page.
@csrf_exempt
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 if the default database answers a trivial query, else 503; JSON, no page.

    Touches neither the session nor the user, writes nothing and counts against no rate limit:
    a load balancer may ask it every few seconds.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:  # any django.db error: the probe only says up or down
        _log_once(failure_kind(exc) or "error", exc, request)
        return health_response(database_ok=False)
    return health_response(database_ok=True)


def health_response(*, database_ok: bool) -> HttpResponse:
    if database_ok:
        response = JsonResponse({"status": "ok", "database": "ok"})
    else:
        response = JsonResponse({"status": "error", "database": "unavailable"}, status=503)
        # Django logs every answer of its 500 handler with a traceback unless told it is done.
        response._has_been_logged = True  # type: ignore[attr-defined]
    response["Cache-Control"] = "no-store"
    return response


def _log_once(kind: str, exc: BaseException | None, request: HttpRequest) -> None:
    now = time.monotonic()
    with _lock:
        last = _last_logged.get(kind)
        if last is not None and now - last < LOG_INTERVAL_SECONDS:
            _muted[kind] = _muted.get(kind, 0) + 1
            return
        _last_logged[kind] = now
        muted = _muted.pop(kind, 0)
    detail = " ".join(str(exc).split())[:300]
    logger.warning(
        "Database unavailable (%s), answering 503: %s [%s %s; %d more in the last %d s]",
        kind,
        detail,
        request.method,
        request.path,
        muted,
        LOG_INTERVAL_SECONDS,
    )


def reset_log_state() -> None:
    """Forget what was logged (tests)."""
    with _lock:
        _last_logged.clear()
        _muted.clear()
