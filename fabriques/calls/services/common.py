"""Helpers shared by the services of calls: clock, files, e-mails."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fabriques.core.emails import email_queue

from ..models import Application


def now_or_current(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def delete_file_on_commit(name: str) -> None:
    if not name:
        return
    storage = Application._meta.get_field("deliberation").storage  # type: ignore[attr-defined]
    transaction.on_commit(lambda: storage.delete(name))


def recipients(application: Application) -> list[str]:
    applicant_email = application.applicant.email if application.applicant else ""
    return [applicant_email, application.elected_email, application.technical_email]


def email_application(
    application: Application,
    *,
    subject: str,
    template: str,
    extra: dict | None = None,
    to: list[str] | None = None,
) -> None:
    """Queue an e-mail about an application, to its applicant and referents unless `to`."""
    site = settings.SITE_URL.rstrip("/")
    fabrique = application.call.fabrique
    email_queue(
        to=recipients(application) if to is None else to,
        subject=subject,
        template=template,
        context={
            "application": application,
            "call": application.call,
            "fabrique": fabrique,
            "territory": application.territory_label,
            "application_url": site + reverse("calls:application_detail", args=[application.pk]),
            "call_url": site + reverse("calls:call_detail", args=[fabrique.slug]),
            "calls_url": site + reverse("calls:call_list"),
            "retention_days": settings.APPLICATION_RETENTION_DAYS,
            **(extra or {}),
        },
    )
