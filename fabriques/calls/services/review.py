"""Writes of ANCT on applications: scores, decisions, announcing the outcomes."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from fabriques.accounts.models import MembershipRole, User
from fabriques.accounts.services import membership_grant, user_get_or_create, user_invite
from fabriques.core.services import audit_event_create, person_or_none
from fabriques.programme.models import MAX_TERRITORIES, Fabrique, FabriqueStatus
from fabriques.programme.services import participation_create

from ..models import (
    UNDECIDED_STATUSES,
    Application,
    ApplicationScore,
    ApplicationStatus,
    Call,
)
from ..selectors import ExportTable, application_export_table
from .common import email_application, now_or_current

# --------------------------------------------------------------------------------------------
# Review: scores and decisions


@dataclass(frozen=True)
class ScoreInput:
    criterion_id: int
    score: int | None  # None removes the score
    comment: str = ""


def _lock(application: Application) -> Application:
    """The application row locked for a decision, with its call and Fabrique."""
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call__fabrique", "commune", "epci", "qpv", "applicant")
        .get(pk=application.pk)
    )
    return locked


@transaction.atomic
def application_score(
    *,
    application: Application,
    scores: Sequence[ScoreInput],
    actor: User,
    pilot_comment: str | None = None,
    now: datetime.datetime | None = None,
) -> Application:
    """Record ANCT's scores on the call's criteria (the last scorer wins; history keeps all)."""
    now = now_or_current(now)
    application = _lock(application)
    if application.status == ApplicationStatus.DRAFT:
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("Un brouillon ne peut pas être noté : il n’est pas déposé.")]}
        )
    criteria = {c.pk: c for c in application.call.criteria.all()}
    errors: dict[str, str] = {}
    for row in scores:
        criterion = criteria.get(row.criterion_id)
        if criterion is None:
            errors[NON_FIELD_ERRORS] = _("Un des critères n’appartient pas à cet appel.")
        elif row.score is not None and not 0 <= row.score <= criterion.max_score:
            errors[f"score_{criterion.pk}"] = _(
                "La note du critère « %(label)s » est comprise entre 0 et %(max)d."
            ) % {"label": criterion.label, "max": criterion.max_score}
    if errors:
        raise ValidationError(errors)
    existing = {s.criterion_id: s for s in application.scores.all()}
    changes: dict[str, Any] = {}
    for row in scores:
        current = existing.get(row.criterion_id)
        comment = row.comment.strip()
        if row.score is None:
            if current is not None:
                current.delete()
                changes[str(row.criterion_id)] = None
            continue
        if current is not None and (current.score, current.comment) == (row.score, comment):
            continue
        score = current or ApplicationScore(application=application, criterion_id=row.criterion_id)
        score.score, score.comment = row.score, comment
        score.scored_by = person_or_none(actor)
        score.scored_at = now
        score.full_clean()
        score.save()
        changes[str(row.criterion_id)] = row.score
    if pilot_comment is not None and pilot_comment.strip() != application.pilot_comment:
        application.pilot_comment = pilot_comment.strip()
        application.save(update_fields=["pilot_comment", "updated_at"])
        changes["pilot_comment"] = True
    if changes:
        audit_event_create(
            action="application.scored",
            obj=application,
            actor=actor,
            summary=str(application),
            data={"scores": changes},
        )
    return application


def _status_label(fabrique: Fabrique) -> str:
    return str(FabriqueStatus(fabrique.status).label)


@transaction.atomic
def application_shortlist(*, application: Application, actor: User, note: str = "") -> Application:
    application = _lock(application)
    fabrique = application.call.fabrique
    if fabrique.status not in (FabriqueStatus.CALL_OPEN, FabriqueStatus.SELECTION):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "La présélection n’est plus possible : la Fabrique est au statut « %(status)s »."
                    )
                    % {"status": _status_label(fabrique)}
                ]
            }
        )
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "Seule une candidature déposée et sans décision peut être présélectionnée ; "
                        "celle-ci est « %(status)s »."
                    )
                    % {"status": application.get_status_display()}
                ]
            }
        )
    application.status = ApplicationStatus.SHORTLISTED
    if note.strip():
        application.decision_note = note.strip()
    application.full_clean(exclude=["deliberation"])
    application.save(update_fields=["status", "decision_note", "updated_at"])
    audit_event_create(
        action="application.shortlisted", obj=application, actor=actor, summary=str(application)
    )
    return application


def _split_name(full_name: str) -> tuple[str, str]:
    first, _sep, last = full_name.strip().partition(" ")
    return first, last.strip()


def _participation_label(application: Application) -> str:
    territory = application.territory
    host = application.host
    if host is not None:
        return f"{territory.name} ({host.name})"  # type: ignore[union-attr]
    return territory.name  # type: ignore[union-attr]


@transaction.atomic
def application_select(
    *,
    application: Application,
    actor: User,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Application:
    """Retain a territory: it joins the Fabrique and its two referents are invited."""
    now = now_or_current(now)
    # Lock the Fabrique's row, as its status transitions do: two pilots cannot select a ninth
    # territory at the same time, nor can the Fabrique leave the selection phase meanwhile.
    fabrique = Fabrique.objects.select_for_update(of=("self",)).get(call__pk=application.call_id)
    application = _lock(application)
    application.call.fabrique = fabrique
    if fabrique.status != FabriqueStatus.SELECTION:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "Les territoires se retiennent pendant la phase de sélection ; la Fabrique est "
                        "au statut « %(status)s »."
                    )
                    % {"status": _status_label(fabrique)}
                ]
            }
        )
    if application.status == ApplicationStatus.SELECTED:
        raise ValidationError({NON_FIELD_ERRORS: [_("Cette candidature est déjà retenue.")]})
    if application.status == ApplicationStatus.DRAFT or (
        application.status == ApplicationStatus.REJECTED and application.notified_at is not None
    ):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("Cette candidature ne peut pas être retenue : elle est « %(status)s ».")
                    % {"status": application.get_status_display()}
                ]
            }
        )
    cohort = fabrique.participations.count()
    if cohort >= MAX_TERRITORIES:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "La Fabrique réunit déjà %(count)d territoires, le maximum : un autre territoire "
                        "ne peut être retenu qu’après le retrait de l’un d’eux."
                    )
                    % {"count": cohort}
                ]
            }
        )
    missing = [
        name for name in ("elected_email", "technical_email") if not getattr(application, name)
    ]
    if missing:
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("Les adresses de l’élu et du référent technique manquent.")]}
        )
    participation = participation_create(
        fabrique=fabrique,
        kind=application.kind,
        commune=application.commune,
        epci=application.epci,
        qpv=application.qpv,
        label=_participation_label(application),
        actor=actor,
    )
    reason = _("La candidature de %(territory)s à la Fabrique « %(title)s » a été retenue.") % {
        "territory": participation.label,
        "title": fabrique.title,
    }
    for email, name, role, mandate in (
        (
            application.elected_email,
            application.elected_name,
            MembershipRole.ELECTED_REFERENT,
            application.elected_mandate,
        ),
        (
            application.technical_email,
            application.technical_name,
            MembershipRole.TECHNICAL_REFERENT,
            application.technical_role,
        ),
    ):
        if role == MembershipRole.TECHNICAL_REFERENT and email.lower() == (
            application.elected_email.lower()
        ):
            # One person holds both roles: one invitation, whose link stays valid.
            membership_grant(
                user=user_get_or_create(email=email, actor=actor)[0],
                role=role,
                actor=actor,
                participation=participation,
                mandate=mandate,
            )
            continue
        first_name, last_name = _split_name(name)
        user_invite(
            email=email,
            invited_by=actor,
            first_name=first_name,
            last_name=last_name,
            role=role,
            participation=participation,
            mandate=mandate,
            reason=reason,
        )
    application.status = ApplicationStatus.SELECTED
    application.decided_at = now
    application.participation = participation
    if note.strip():
        application.decision_note = note.strip()
    application.full_clean(exclude=["deliberation"])
    application.save(
        update_fields=["status", "decided_at", "participation", "decision_note", "updated_at"]
    )
    audit_event_create(
        action="application.selected",
        obj=application,
        actor=actor,
        summary=str(application),
        data={"participation": participation.pk, "fabrique": fabrique.pk},
    )
    return application


@transaction.atomic
def application_reject(
    *,
    application: Application,
    actor: User,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Application:
    """Decide not to retain an application (the applicant is told with the other outcomes)."""
    now = now_or_current(now)
    application = _lock(application)
    fabrique = application.call.fabrique
    if fabrique.status not in (FabriqueStatus.CALL_OPEN, FabriqueStatus.SELECTION):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "Les décisions ne se prennent plus : la Fabrique est au statut « %(status)s »."
                    )
                    % {"status": _status_label(fabrique)}
                ]
            }
        )
    if application.status not in UNDECIDED_STATUSES:
        message = (
            _("Cette candidature est retenue : le territoire fait partie de la Fabrique.")
            if application.status == ApplicationStatus.SELECTED
            else _("Cette candidature ne peut pas être écartée : elle est « %(status)s ».")
            % {"status": application.get_status_display()}
        )
        raise ValidationError({NON_FIELD_ERRORS: [message]})
    application.status = ApplicationStatus.REJECTED
    application.decided_at = now
    if note.strip():
        application.decision_note = note.strip()
    application.full_clean(exclude=["deliberation"])
    application.save(update_fields=["status", "decided_at", "decision_note", "updated_at"])
    audit_event_create(
        action="application.rejected", obj=application, actor=actor, summary=str(application)
    )
    return application


@dataclass(frozen=True)
class NotifyReport:
    selected: int = 0
    rejected: int = 0

    @property
    def total(self) -> int:
        return self.selected + self.rejected


@transaction.atomic
def call_notify_outcomes(
    *, call: Call, actor: User, now: datetime.datetime | None = None
) -> NotifyReport:
    """Tell every applicant not told yet whether their territory was retained (once each)."""
    now = now_or_current(now)
    call = Call.objects.select_for_update(of=("self",)).select_related("fabrique").get(pk=call.pk)
    fabrique = call.fabrique
    if fabrique.status in (FabriqueStatus.IDEA, FabriqueStatus.DESIGNED, FabriqueStatus.CALL_OPEN):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "Les résultats s’annoncent une fois la sélection commencée ; la Fabrique est "
                        "au statut « %(status)s »."
                    )
                    % {"status": _status_label(fabrique)}
                ]
            }
        )
    undecided = call.applications.filter(status__in=UNDECIDED_STATUSES).count()
    if undecided:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "%(count)d candidature(s) attendent encore une décision : retenez-les ou "
                        "écartez-les avant d’annoncer les résultats."
                    )
                    % {"count": undecided}
                ]
            }
        )
    pending = list(
        call.applications.filter(
            status__in=[ApplicationStatus.SELECTED, ApplicationStatus.REJECTED],
            notified_at__isnull=True,
        )
        .select_related("commune", "epci", "qpv", "applicant", "participation")
        .order_by("pk")
    )
    if not pending:
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("Tous les candidats ont déjà été informés du résultat.")]}
        )
    counts = {ApplicationStatus.SELECTED: 0, ApplicationStatus.REJECTED: 0}
    for application in pending:
        application.call = call
        selected = application.status == ApplicationStatus.SELECTED
        counts[application.status] += 1  # type: ignore[index]
        email_application(
            application,
            subject=(
                _("Fabrique « %(title)s » : votre territoire est retenu")
                if selected
                else _("Fabrique « %(title)s » : réponse à votre candidature")
            )
            % {"title": fabrique.title},
            template="calls/emails/application_selected"
            if selected
            else "calls/emails/application_not_selected",
            extra={"login_url": settings.SITE_URL.rstrip("/") + reverse("accounts:login")},
        )
    call.applications.filter(pk__in=[a.pk for a in pending]).update(notified_at=now)
    report = NotifyReport(
        selected=counts[ApplicationStatus.SELECTED], rejected=counts[ApplicationStatus.REJECTED]
    )
    audit_event_create(
        action="call.outcomes_notified",
        obj=call,
        actor=actor,
        summary=_("Résultats annoncés à %(count)d candidat(s)") % {"count": report.total},
        data={"selected": report.selected, "rejected": report.rejected},
    )
    return report


@transaction.atomic
def call_applications_export(*, call: Call, actor: User, file_format: str = "csv") -> ExportTable:
    """The call's applications and their scores for the selection committee, audited: the
    file leaves the platform with the territories' assessment in it."""
    table = application_export_table(call=call)
    audit_event_create(
        action="applications.exported",
        obj=call,
        actor=actor,
        summary=_("%(count)d candidature(s) exportée(s) avec leurs notes (%(format)s)")
        % {"count": len(table.rows), "format": file_format.upper()},
        data={"rows": len(table.rows), "format": file_format},
    )
    return table
