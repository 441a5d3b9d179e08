"""Request limits shared by every process and server, and the client address they count by.

The counters live in the database (RateLimitCounter): the default memory cache gives each
gunicorn process its own count, so N processes would let N times the limit through, and Redis
is not part of the embedded set-up.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import RateLimitCounter

# Providers give each customer a whole /64: counting single IPv6 addresses would let one
# client rotate through 2^64 of them.
IPV6_CLIENT_PREFIX = 64


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` requests per `seconds`, counted separately for each identity."""

    name: str
    limit: int
    seconds: int


@dataclass(frozen=True)
class RateLimitResult:
    count: float  # requests in the last `seconds`, this one included (sliding estimate)
    limit: int

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit

    @property
    def first_refusal(self) -> bool:
        """The first refused request of a burst: log or audit it once, not each time."""
        return self.count - 1 <= self.limit < self.count


def _counter_key(rule: RateLimit, identity: str) -> str:
    # Keyed with SECRET_KEY: a plain sha256 of an e-mail address is reversed by hashing guesses.
    return salted_hmac(
        "fabriques.core.ratelimit", f"{rule.name}\n{identity}", algorithm="sha256"
    ).hexdigest()


def rate_limit_hit(
    *, rule: RateLimit, identity: str, now: datetime | None = None
) -> RateLimitResult:
    """Count one request by `identity` under `rule`; the result says if it is over the limit.

    Fixed windows of rule.seconds read as a sliding one: the previous window's count weighs as
    much as it still overlaps the last rule.seconds, so a burst across a boundary is not
    forgiven by the new window. Refused requests count too: hammering keeps the limit closed.
    """
    now = now or timezone.now()
    start_ts = int(now.timestamp()) // rule.seconds * rule.seconds
    start = datetime.fromtimestamp(start_ts, tz=UTC)
    window = timedelta(seconds=rule.seconds)
    counters = RateLimitCounter.objects.filter(key=_counter_key(rule, identity))
    with transaction.atomic():
        # UPDATE … SET count = count + 1 locks the row until commit (PostgreSQL), and SQLite's
        # IMMEDIATE transactions take the write lock first: concurrent requests never lose a hit.
        if not counters.filter(window_start=start).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateLimitCounter.objects.create(
                        key=_counter_key(rule, identity),
                        window_start=start,
                        count=1,
                        expires_at=start + 2 * window,
                    )
            except IntegrityError:  # another request created it meanwhile
                counters.filter(window_start=start).update(count=F("count") + 1)
        counts = dict(
            counters.filter(window_start__in=[start - window, start]).values_list(
                "window_start", "count"
            )
        )
    overlap = 1 - (now.timestamp() - start_ts) / rule.seconds
    estimate = counts.get(start - window, 0) * overlap + counts[start]
    return RateLimitResult(count=estimate, limit=rule.limit)


def rate_limit_counters_purge(*, now: datetime | None = None) -> int:
    """Delete the counters no window reads any more; returns how many."""
    deleted, _per_model = RateLimitCounter.objects.filter(
        expires_at__lt=now or timezone.now()
    ).delete()
    return deleted


def client_ip(request: HttpRequest) -> str:
    """The address requests are counted by: the client's, as the trusted proxies saw it.

    REMOTE_ADDR, unless TRUSTED_PROXY_HEADER (a META key such as "HTTP_X_FORWARDED_FOR") and
    TRUSTED_PROXY_COUNT are set: then the entry that many from the right, the last one
    written by a proxy we trust (entries further left are whatever the client sent). An IPv6
    address stands for its /64. Also axes' AXES_CLIENT_IP_CALLABLE.
    """
    address: str = request.META.get("REMOTE_ADDR", "")
    header: str = settings.TRUSTED_PROXY_HEADER
    count: int = settings.TRUSTED_PROXY_COUNT
    if header and count > 0:
        hops = [hop.strip() for hop in request.META.get(header, "").split(",") if hop.strip()]
        # Fewer entries than proxies: the request did not come through them all, so nothing in
        # the header can be trusted.
        if len(hops) >= count and _parse(hops[-count]) is not None:
            address = hops[-count]
    ip = _parse(address)
    if ip is None:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_CLIENT_PREFIX), strict=False).network_address)
    return str(ip)


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None
