"""The one- and three-year follow-ups of published roadmaps.

A daily job opens a FollowUp on each published roadmap one and three years after its
Fabrique ended (the first day after its last month; the roadmap's publication date when the
Fabrique has no end month), with one entry per sheet prefilled from the sheet's current
values, and e-mails the territory's referents; it reminds them every REMINDER_EVERY_DAYS days,
REMINDER_MAX times at most, until the follow-up is handed in. Handing it in applies statuses
and actual dates to the sheets (with their dated status history).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.core.emails import email_queue
from fabriques.core.services import audit_event_create, person_or_none
from fabriques.core.versioning import bump_data_version
from fabriques.search.services import refresh_later

from ..models import (
    ActionSheet,
    BudgetUnit,
    FollowUp,
    FollowUpEntry,
    FollowUpHorizon,
    Indicator,
    IndicatorValue,
    Roadmap,
    RoadmapStatus,
    SheetStatus,
    SheetStatusChange,
)
from .lifecycle import referent_emails

# The referents have this long to answer (the due date shown in the e-mail and the form).
ANSWER_DAYS = 30
REMINDER_EVERY_DAYS = 14
REMINDER_MAX = 3


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def follow_up_anchor(roadmap: Roadmap) -> datetime.date | None:
    """The day the follow-ups count from: the Fabrique's end, else the publication's date."""
    end_month = roadmap.fabrique.end_month
    if end_month is not None:
        return (end_month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    if roadmap.published_at is not None:
        return timezone.localtime(roadmap.published_at).date()
    return None


def follow_up_url(follow_up: FollowUp) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "roadmaps:follow_up", args=[follow_up.roadmap_id, follow_up.horizon]
    )


# Opening --------------------------------------------------------------------------------------


def horizon_due(roadmap: Roadmap, today: datetime.date) -> int | None:
    """The follow-up that should be open today, if any: the latest horizon reached."""
    anchor = follow_up_anchor(roadmap)
    if anchor is None:
        return None
    due = None
    for horizon in (FollowUpHorizon.ONE_YEAR, FollowUpHorizon.THREE_YEARS):
        if today >= _add_years(anchor, int(horizon)):
            due = int(horizon)
    return due


def follow_ups_open_due(*, today: datetime.date) -> list[FollowUp]:
    """Open the follow-ups due today on published roadmaps; running again opens nothing more."""
    roadmaps = (
        Roadmap.objects.filter(status=RoadmapStatus.PUBLISHED)
        .select_related("fabrique", "participation")
        .prefetch_related("follow_ups")
        .order_by("pk")
    )
    opened = []
    for roadmap in roadmaps:
        horizon = horizon_due(roadmap, today)
        if horizon is None or any(f.horizon == horizon for f in roadmap.follow_ups.all()):
            continue
        follow_up = follow_up_open(roadmap=roadmap, horizon=horizon, today=today)
        if follow_up is not None:
            opened.append(follow_up)
    return opened


def _sheet_sums(roadmap: Roadmap) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    spent = dict(
        ActionSheet.objects.filter(
            roadmap=roadmap,
            budget_lines__unit=BudgetUnit.EUR_HT,
            budget_lines__actual__isnull=False,
        )
        .annotate(total=Sum("budget_lines__actual"))
        .values_list("pk", "total")
    )
    granted = dict(
        ActionSheet.objects.filter(roadmap=roadmap, funding_lines__amount_granted__isnull=False)
        .annotate(total=Sum("funding_lines__amount_granted"))
        .values_list("pk", "total")
    )
    return spent, granted


def follow_up_open(*, roadmap: Roadmap, horizon: int, today: datetime.date) -> FollowUp | None:
    """Open one follow-up, prefilled from the sheets; None when it was opened meanwhile."""
    try:
        with transaction.atomic():
            follow_up = FollowUp(
                roadmap=roadmap,
                horizon=horizon,
                opened_on=today,
                due_on=today + datetime.timedelta(days=ANSWER_DAYS),
            )
            follow_up.full_clean(validate_constraints=False)
            follow_up.save()
            spent, granted = _sheet_sums(roadmap)
            FollowUpEntry.objects.bulk_create(
                FollowUpEntry(
                    follow_up=follow_up,
                    sheet=sheet,
                    status=sheet.status,
                    actual_start=sheet.actual_start,
                    actual_end=sheet.actual_end,
                    spent=spent.get(sheet.pk),
                    granted=granted.get(sheet.pk),
                )
                for sheet in ActionSheet.objects.filter(roadmap=roadmap).order_by("number")
            )
            audit_event_create(
                action="roadmap.follow_up_opened",
                obj=roadmap,
                summary=_("Suivi %(horizon)s de « %(title)s » ouvert")
                % {"horizon": follow_up.get_horizon_display().lower(), "title": roadmap},
                data={
                    "follow_up": follow_up.pk,
                    "horizon": horizon,
                    "due_on": str(follow_up.due_on),
                },
            )
            email_queue(
                to=referent_emails(roadmap=roadmap),
                subject=_(
                    "[Fabriques] Que sont devenues vos actions ? Suivi %(horizon)s — %(title)s"
                )
                % {"horizon": follow_up.get_horizon_display().lower(), "title": roadmap},
                template="roadmaps/emails/follow_up_opened",
                context={
                    "roadmap": roadmap,
                    "follow_up": follow_up,
                    "url": follow_up_url(follow_up),
                    "reminder": False,
                },
            )
    except IntegrityError:  # opened by a concurrent run
        return None
    return follow_up


def follow_ups_remind(*, today: datetime.date) -> list[FollowUp]:
    """Remind the referents of open follow-ups, every REMINDER_EVERY_DAYS days, at most
    REMINDER_MAX times; a handed-in follow-up is never reminded."""
    cutoff = today - datetime.timedelta(days=REMINDER_EVERY_DAYS)
    candidates = (
        FollowUp.objects.filter(
            closed_at__isnull=True, reminders_sent__lt=REMINDER_MAX, opened_on__lte=cutoff
        )
        .select_related("roadmap", "roadmap__fabrique", "roadmap__participation")
        .order_by("pk")
    )
    reminded = []
    for follow_up in candidates:
        if follow_up.last_reminded_on is not None and follow_up.last_reminded_on > cutoff:
            continue
        with transaction.atomic():
            # Counted only if still open and not reminded meanwhile (two runs at once).
            updated = FollowUp.objects.filter(
                pk=follow_up.pk,
                closed_at__isnull=True,
                reminders_sent=follow_up.reminders_sent,
            ).update(reminders_sent=follow_up.reminders_sent + 1, last_reminded_on=today)
            if not updated:
                continue
            follow_up.reminders_sent += 1
            follow_up.last_reminded_on = today
            roadmap = follow_up.roadmap
            audit_event_create(
                action="roadmap.follow_up_reminded",
                obj=roadmap,
                summary=_("Relance %(n)d du suivi de « %(title)s »")
                % {"n": follow_up.reminders_sent, "title": roadmap},
                data={"follow_up": follow_up.pk, "reminder": follow_up.reminders_sent},
            )
            email_queue(
                to=referent_emails(roadmap=roadmap),
                subject=_("[Fabriques] Rappel : le suivi de votre feuille de route — %(title)s")
                % {"title": roadmap},
                template="roadmaps/emails/follow_up_opened",
                context={
                    "roadmap": roadmap,
                    "follow_up": follow_up,
                    "url": follow_up_url(follow_up),
                    "reminder": True,
                },
            )
        reminded.append(follow_up)
    return reminded


# Filling in -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryData:
    entry_id: int
    status: str
    actual_start: datetime.date | None
    actual_end: datetime.date | None
    spent: Decimal | None
    granted: Decimal | None
    comment: str = ""


@dataclass(frozen=True)
class IndicatorValueData:
    indicator_id: int
    measured_on: datetime.date | None
    value: Decimal | None
    source: str = ""


def _entry_errors(data: EntryData) -> list[str]:
    errors = []
    if data.status not in SheetStatus.values:
        errors.append(_("Choisissez un état d’avancement de la liste."))
    for amount in (data.spent, data.granted):
        if amount is not None and amount < 0:
            errors.append(_("Un montant ne peut pas être négatif."))
            break
    if data.actual_start and data.actual_end and data.actual_end < data.actual_start:
        errors.append(_("La fin effective précède le début effectif."))
    return errors


@transaction.atomic
def follow_up_save(
    *,
    follow_up: FollowUp,
    actor: User,
    entries: Sequence[EntryData],
    values: Sequence[IndicatorValueData] = (),
    close: bool = False,
) -> FollowUp:
    """Save the follow-up's answers and new indicator values; `close` hands it in, which
    applies statuses and actual dates to the sheets. Any bad line refuses everything."""
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("roadmap", "roadmap__fabrique")
        .prefetch_related(
            Prefetch("entries", queryset=FollowUpEntry.objects.select_related("sheet"))
        )
        .get(pk=follow_up.pk)
    )
    if follow_up.closed_at is not None:
        raise ValidationError(_("Ce suivi a déjà été remis : il ne peut plus être modifié."))
    roadmap = follow_up.roadmap
    by_id = {entry.pk: entry for entry in follow_up.entries.all()}
    errors: dict[str, list[str]] = {}
    for data in entries:
        entry = by_id.get(data.entry_id)
        if entry is None:
            raise ValidationError(_("Cette fiche ne fait pas partie du suivi."))
        problems = _entry_errors(data)
        if problems:
            errors[f"entry-{entry.pk}"] = [
                _("Fiche %(number)s : %(problem)s") % {"number": entry.sheet.number, "problem": p}
                for p in problems
            ]
    indicators = set(Indicator.objects.filter(sheet__roadmap=roadmap).values_list("pk", flat=True))
    for index, value in enumerate(values):
        if value.indicator_id not in indicators:
            raise ValidationError(_("Cet indicateur n’appartient pas à la feuille de route."))
        if value.measured_on is None:
            errors.setdefault(f"value-{index}", []).append(_("Indiquez la date de la mesure."))
        if value.value is None:
            errors.setdefault(f"value-{index}", []).append(_("Indiquez la valeur mesurée."))
    if errors:
        raise ValidationError(errors)
    for data in entries:
        entry = by_id[data.entry_id]
        entry.status = data.status
        entry.actual_start = data.actual_start
        entry.actual_end = data.actual_end
        entry.spent = data.spent
        entry.granted = data.granted
        entry.comment = data.comment.strip()
        entry.full_clean()
        entry.save()
    created_values = []
    for value in values:
        row = IndicatorValue(
            indicator_id=value.indicator_id,
            measured_on=value.measured_on,  # type: ignore[misc]
            value=value.value,  # type: ignore[misc]
            source=value.source.strip(),
        )
        row.full_clean()
        row.save()
        created_values.append(row.pk)
    audit_event_create(
        action="roadmap.follow_up_saved",
        obj=roadmap,
        actor=actor,
        summary=_("Suivi %(horizon)s de « %(title)s » enregistré")
        % {"horizon": follow_up.get_horizon_display().lower(), "title": roadmap},
        data={
            "follow_up": follow_up.pk,
            "entries": [d.entry_id for d in entries],
            "indicator_values": created_values,
        },
    )
    if close:
        _close(follow_up=follow_up, actor=actor, entries=list(by_id.values()))
    if roadmap.status == RoadmapStatus.PUBLISHED:
        bump_data_version()
        refresh_later("roadmap", [roadmap.pk])
        refresh_later("sheet", [entry.sheet_id for entry in by_id.values()])
    return follow_up


def _close(*, follow_up: FollowUp, actor: User, entries: list[FollowUpEntry]) -> None:
    today = timezone.localdate()
    changed = []
    for entry in entries:
        sheet = ActionSheet.objects.select_for_update().get(pk=entry.sheet_id)
        fields = []
        if sheet.status != entry.status:
            sheet.status = entry.status
            fields.append("status")
            SheetStatusChange.objects.create(
                sheet=sheet,
                status=entry.status,
                changed_on=today,
                comment=_("Suivi %s") % follow_up.get_horizon_display().lower(),
                changed_by=person_or_none(actor),
            )
        for name in ("actual_start", "actual_end"):
            if getattr(entry, name) is not None and getattr(sheet, name) != getattr(entry, name):
                setattr(sheet, name, getattr(entry, name))
                fields.append(name)
        if fields:
            # Bumped so that a writer holding the sheet open sees a conflict, not a silent loss.
            sheet.lock_version += 1
            sheet.full_clean()
            sheet.save(update_fields=[*fields, "lock_version", "updated_at"])
            changed.append(sheet.pk)
    follow_up.closed_at = timezone.now()
    follow_up.save(update_fields=["closed_at", "updated_at"])
    audit_event_create(
        action="roadmap.follow_up_closed",
        obj=follow_up.roadmap,
        actor=actor,
        summary=_("Suivi %(horizon)s de « %(title)s » remis")
        % {"horizon": follow_up.get_horizon_display().lower(), "title": follow_up.roadmap},
        data={"follow_up": follow_up.pk, "sheets_changed": changed},
    )
