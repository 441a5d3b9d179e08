"""Request limits counted in the database, and the client address they count by."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import RequestFactory

from fabriques.core.management.commands.run_daily import DAILY
from fabriques.core.models import RateLimitCounter
from fabriques.core.ratelimit import (
    RateLimit,
    client_ip,
    rate_limit_counters_purge,
    rate_limit_hit,
)

HOURLY = RateLimit("test", limit=3, seconds=3600)
# A window's start, in UTC, as the limiter aligns them.
T0 = datetime.datetime(2025, 3, 10, 9, 0, tzinfo=datetime.UTC)


def at(minutes: float) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=minutes)


@pytest.mark.django_db
class TestRateLimitHit:
    def test_the_request_after_the_limit_is_refused_and_others_are_counted_apart(self):
        results = [rate_limit_hit(rule=HOURLY, identity="a@x.fr", now=at(i)) for i in range(4)]

        assert [r.exceeded for r in results] == [False, False, False, True]
        assert [r.first_refusal for r in results] == [False, False, False, True]
        assert not rate_limit_hit(rule=HOURLY, identity="b@x.fr", now=at(5)).exceeded
        other_rule = RateLimit("other", limit=3, seconds=3600)
        assert not rate_limit_hit(rule=other_rule, identity="a@x.fr", now=at(5)).exceeded

    def test_refused_requests_count_and_only_the_first_is_the_first_refusal(self):
        results = [rate_limit_hit(rule=HOURLY, identity="a@x.fr", now=at(i)) for i in range(6)]

        assert [r.first_refusal for r in results] == [False, False, False, True, False, False]
        assert RateLimitCounter.objects.get().count == 6

    def test_a_new_window_does_not_forgive_a_burst_at_the_end_of_the_last(self):
        for minute in (57, 58, 59):
            assert not rate_limit_hit(rule=HOURLY, identity="a", now=at(minute)).exceeded

        # 60 minutes: the previous window still counts in full.
        assert rate_limit_hit(rule=HOURLY, identity="a", now=at(60)).exceeded
        # Two hours later, both windows are over.
        assert not rate_limit_hit(rule=HOURLY, identity="a", now=at(180)).exceeded

    def test_the_previous_window_weighs_as_much_as_it_overlaps(self):
        for minute in (0, 1, 2):
            rate_limit_hit(rule=HOURLY, identity="a", now=at(minute))

        # Half-way through the next window: 3 × 0.5 + 1, then + 2, then + 3.
        counts = [rate_limit_hit(rule=HOURLY, identity="a", now=at(90)).count for _ in range(3)]

        assert counts == [2.5, 3.5, 4.5]

    def test_the_count_is_in_the_database_not_in_a_cache(self, locmem):
        for minute in range(3):
            rate_limit_hit(rule=HOURLY, identity="a@x.fr", now=at(minute))
        # What another process or server sees: no cache of ours, the same database.
        cache.clear()

        assert rate_limit_hit(rule=HOURLY, identity="a@x.fr", now=at(3)).exceeded

    def test_keys_do_not_hold_the_identity_in_clear(self):
        rate_limit_hit(rule=HOURLY, identity="alice@commune.fr", now=at(0))

        key = RateLimitCounter.objects.get().key
        assert len(key) == 64 and "alice" not in key


@pytest.mark.django_db
def test_purge_deletes_counters_no_window_reads_any_more():
    rate_limit_hit(rule=HOURLY, identity="old", now=at(0))
    rate_limit_hit(rule=HOURLY, identity="recent", now=at(70))

    # The first counter is read until the end of the window after its own (two hours).
    assert rate_limit_counters_purge(now=at(119)) == 0
    assert rate_limit_counters_purge(now=at(121)) == 1
    assert RateLimitCounter.objects.count() == 1


@pytest.mark.django_db
def test_the_daily_jobs_purge_the_counters():
    assert "purge_rate_limits" in DAILY
    rate_limit_hit(rule=HOURLY, identity="old", now=at(0))

    call_command("purge_rate_limits", stdout=io.StringIO())

    assert not RateLimitCounter.objects.exists()


class TestClientIp:
    def request(self, remote: str = "203.0.113.9", forwarded: str | None = None):
        request = RequestFactory().get("/", REMOTE_ADDR=remote)
        if forwarded is not None:
            request.META["HTTP_X_FORWARDED_FOR"] = forwarded
        return request

    def test_remote_addr_by_default_whatever_the_client_sends(self, settings):
        settings.TRUSTED_PROXY_HEADER = ""

        assert client_ip(self.request(forwarded="198.51.100.1")) == "203.0.113.9"

    def test_behind_one_proxy_the_address_it_saw(self, settings):
        settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
        settings.TRUSTED_PROXY_COUNT = 1

        # The client forged the first entry; nginx appended the address it saw.
        request = self.request("127.0.0.1", forwarded="10.0.0.1, 198.51.100.1")
        assert client_ip(request) == "198.51.100.1"

    def test_behind_two_proxies_the_entry_the_outer_one_wrote(self, settings):
        settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
        settings.TRUSTED_PROXY_COUNT = 2

        request = self.request("10.0.0.2", forwarded="6.6.6.6, 198.51.100.1, 10.0.0.3")
        assert client_ip(request) == "198.51.100.1"

    def test_a_header_shorter_than_the_proxy_chain_is_not_trusted(self, settings):
        settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
        settings.TRUSTED_PROXY_COUNT = 2

        assert client_ip(self.request(forwarded="198.51.100.1")) == "203.0.113.9"
        assert client_ip(self.request(forwarded="pas-une-ip, x")) == "203.0.113.9"
        assert client_ip(self.request()) == "203.0.113.9"

    def test_an_ipv6_client_is_its_slash_64(self, settings):
        settings.TRUSTED_PROXY_HEADER = ""

        assert client_ip(self.request("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::"
        assert client_ip(self.request("2001:db8:1:2:bbbb::9")) == "2001:db8:1:2::"
        assert client_ip(self.request("::ffff:198.51.100.1")) == "198.51.100.1"
