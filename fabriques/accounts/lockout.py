"""Login lockouts with a threshold for each kind of repeated failure (django-axes' handler).

axes counts failures for each entry of AXES_LOCKOUT_PARAMETERS (one address from one client,
one address from anywhere, one client on any address) but compares them all with the single
AXES_FAILURE_LIMIT. This handler gives each kind its own limit (config/settings.py explains
them) and keeps a successful login from erasing other people's failures.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def _limit_for(parameter: str | list[str]) -> int:
    kind = frozenset([parameter] if isinstance(parameter, str) else parameter)
    if kind == {"username"}:
        return int(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS)
    if kind == {"ip_address"}:
        return int(settings.LOGIN_FAILURE_LIMIT_PER_CLIENT)
    return int(settings.AXES_FAILURE_LIMIT)


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes has no type hints
    def failures_and_limits(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> list[tuple[int, int]]:
        """(failures within the cool-off, limit) for each kind of lockout."""
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.get_user_attempts(request, credentials)
        return [
            (attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0, _limit_for(p))
            for p, attempts in zip(parameters, attempts_list, strict=True)
        ]

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """The failures, scaled so that axes' test `failures >= AXES_FAILURE_LIMIT` holds as
        soon as any kind reaches its own limit (and not before)."""
        base = get_failure_limit(request, credentials)
        return max(
            (
                failures * base // limit
                for failures, limit in self.failures_and_limits(request, credentials)
            ),
            default=0,
        )

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """After a successful login, forget that address's failures from that client only.

        axes deletes every attempt matching any lockout parameter: a sprayer logging into
        their own account would wipe the failures of the whole client address.
        """
        deleted, _per_model = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
        ).delete()
        return int(deleted)


def lockout_limit(request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    """The limit that locked this login, for the lockout page."""
    handler = LockoutHandler()
    reached = [
        limit
        for failures, limit in handler.failures_and_limits(request, credentials)
        if failures >= limit
    ]
    return min(reached, default=int(settings.AXES_FAILURE_LIMIT))
