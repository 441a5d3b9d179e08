"""Limits on the e-mails that anonymous pages send (password reset, sign-up)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from fabriques.core.ratelimit import RateLimit, client_ip, rate_limit_hit
from fabriques.core.services import audit_event_create

logger = logging.getLogger(__name__)

HOUR = 3600


def account_email_allowed(*, request: HttpRequest, address: str, action: str) -> bool:
    """Count a request that would e-mail `address`; False once the address or the client is
    over its hourly limit.

    Then the caller sends nothing and answers exactly as if it had: a different page would
    tell whether the address has an account. Reset and sign-up share the counts, since both
    write to the same inbox.
    """
    client = client_ip(request)
    results = {
        "address": rate_limit_hit(
            rule=RateLimit(
                "account-emails:address", settings.ACCOUNT_EMAILS_PER_ADDRESS_PER_HOUR, HOUR
            ),
            identity=address.strip().lower(),
        ),
        "client": rate_limit_hit(
            rule=RateLimit(
                "account-emails:client", settings.ACCOUNT_EMAILS_PER_CLIENT_PER_HOUR, HOUR
            ),
            identity=client,
        ),
    }
    refused = [kind for kind, result in results.items() if result.exceeded]
    if not refused:
        return True
    logger.warning(
        "No %s e-mail: over the hourly limit per %s (client %s)", action, refused, client
    )
    if any(results[kind].first_refusal for kind in refused):
        # Once per burst; neither the address nor the client address is kept five years.
        audit_event_create(
            action="accounts.emails_limited",
            summary=_("Envois de courriels suspendus pour une heure (%(action)s)")
            % {"action": action},
            data={"action": action, "limits": refused},
        )
    return False
