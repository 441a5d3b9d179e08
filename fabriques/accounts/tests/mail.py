"""Helpers of the tests that follow a link from an e-mail."""

from __future__ import annotations

import re
from typing import cast
from urllib.parse import urlparse

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.test import Client
from django.utils.functional import Promise

GOOD_PASSWORD = "une-phrase-de-passe-solide-42"


def link_in(text: str | Promise, path_prefix: str) -> str:
    """The first link to `path_prefix` in `text` (a message's body: typed lazy-or-str)."""
    match = re.search(rf"(https?://[^\s\"<]*{re.escape(path_prefix)}[^\s\"<]*)", str(text))
    assert match, f"no link to {path_prefix} in {text!r}"
    return match.group(1)


def html_body(message: EmailMessage) -> str:
    """The HTML alternative of a message sent as EmailMultiAlternatives (mail.outbox holds
    EmailMessage)."""
    html, _mimetype = cast(EmailMultiAlternatives, message).alternatives[0]
    assert isinstance(html, str)
    return html


def path_of(url: str) -> str:
    return urlparse(url).path


def accept(client: Client, path: str, password1: str = GOOD_PASSWORD, password2: str | None = None):
    return client.post(
        path,
        {
            "new_password1": password1,
            "new_password2": password1 if password2 is None else password2,
        },
    )
