"""E-mails: rendered in the request, sent by the task worker once the transaction commits.

The rendered message is stored as an OutgoingEmail and the task only carries its id: task
arguments are kept in clear in the task table (and shown wherever task results are), while
the bodies hold invitation and password-reset links. Once sent, the bodies are blanked.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any, TypedDict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from .models import OutgoingEmail


class Attachment(TypedDict):
    """A text file sent with a message (an iCalendar invitation, say)."""

    name: str
    mimetype: str  # "text/<subtype>": stored and sent as text
    content: str


@task()
def send_email(*, email_id: int) -> int:
    """Send one stored e-mail, then blank its bodies; a failed send keeps them for a retry."""
    with transaction.atomic():
        # Locked, so that a retry racing the first attempt finds it sent and does nothing.
        outgoing = (
            OutgoingEmail.objects.select_for_update()
            .filter(pk=email_id, sent_at__isnull=True)
            .first()
        )
        if outgoing is None:
            return 0  # already sent, or erased at the person's request
        message = EmailMultiAlternatives(
            subject=outgoing.subject,
            body=outgoing.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=list(outgoing.to),
        )
        message.attach_alternative(outgoing.html, "text/html")
        for attachment in outgoing.attachments:
            message.attach(attachment["name"], attachment["content"], attachment["mimetype"])
        sent = message.send()
        outgoing.text = outgoing.html = ""
        outgoing.attachments = []
        outgoing.sent_at = timezone.now()
        outgoing.save(update_fields=["text", "html", "attachments", "sent_at"])
    return sent


def email_queue(
    *,
    to: Iterable[str],
    subject: str,
    template: str,
    context: Mapping[str, Any] | None = None,
    attachments: Sequence[Attachment] = (),
) -> None:
    """Render `<template>.txt` and `<template>.html` now; enqueue the sending after commit.

    `attachments` are text files (their content stored with the bodies, blanked alike).

    Rendering and storing in the caller's transaction surfaces template errors there, so a
    broken template rolls the write back instead of losing the e-mail, and a rolled-back
    write leaves no message behind.
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
    outgoing = OutgoingEmail.objects.create(
        to=recipients,
        subject=str(subject),
        text=render_to_string(f"{template}.txt", full_context),
        html=render_to_string(f"{template}.html", full_context),
        attachments=[dict(attachment) for attachment in attachments],
    )
    email_id = outgoing.pk
    transaction.on_commit(lambda: send_email.enqueue(email_id=email_id))


def outgoing_emails_retry(*, now: Any = None) -> int:
    """Enqueue again the messages not sent after an hour (a failed send, a lost task)."""
    now = now or timezone.now()
    pending = OutgoingEmail.objects.filter(
        sent_at__isnull=True,
        created_at__lt=now - timedelta(hours=1),
        created_at__gte=now - timedelta(days=settings.EMAIL_RETENTION_DAYS),
    ).values_list("pk", flat=True)
    count = 0
    for email_id in pending:
        send_email.enqueue(email_id=email_id)
        count += 1
    return count


def outgoing_emails_purge(*, days: int, now: Any = None) -> int:
    """Delete the messages older than `days` days, sent or not (their links have expired)."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _per_model = OutgoingEmail.objects.filter(created_at__lt=cutoff).delete()
    return deleted
