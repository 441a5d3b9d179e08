"""E-mails: rendered in the request, sent by the task worker once the transaction commits."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django_tasks import task


@task()
def send_email(*, to: list[str], subject: str, text: str, html: str) -> int:
    """Send one e-mail with a plain-text body and an HTML alternative."""
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    message.attach_alternative(html, "text/html")
    return message.send()


def email_queue(
    *, to: Iterable[str], subject: str, template: str, context: Mapping[str, Any] | None = None
) -> None:
    """Render `<template>.txt` and `<template>.html` now; enqueue the sending after commit.

    Rendering in the caller's request keeps task arguments plain strings (the database
    backend stores them as JSON) and surfaces template errors inside the service's
    transaction, so a broken template rolls the write back instead of losing the e-mail.
    """
    # One copy per person, however the address was capitalised where it was typed.
    recipients = sorted({address.strip().lower() for address in to if address and address.strip()})
    if not recipients:
        return
    full_context = {
        "site_url": settings.SITE_URL.rstrip("/"),
        "subject": subject,
        **(context or {}),
    }
    text = render_to_string(f"{template}.txt", full_context)
    html = render_to_string(f"{template}.html", full_context)
    transaction.on_commit(
        lambda: send_email.enqueue(to=recipients, subject=subject, text=text, html=html)
    )
