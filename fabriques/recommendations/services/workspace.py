"""Writes on a Fabrique's recommendations: writing (with optimistic concurrency and evidence),
the lifecycle (draft → open to positions → published, and back), the positions of the
endorsing organisations, comments, and the follow-up after publication (sending, answers,
implementation reviews).

Every refusal is a French ValidationError that changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fabriques.accounts.models import Membership, MembershipRole, User
from fabriques.core.emails import email_queue
from fabriques.core.services import audit_event_create, history_author_set
from fabriques.core.uploads import PDF_MAGIC, check_pdf
from fabriques.core.versioning import bump_data_version
from fabriques.deliverables.services import pilot_emails, provider_emails
from fabriques.programme.models import Fabrique, FabriqueOrganisation, Organisation
from fabriques.roadmaps.models import ActionSheet
from fabriques.search.services import refresh_later
from fabriques.territories.models import Participation
from fabriques.workshops.models import Workshop

from ..access import (
    ENDORSING_ROLES,
    may_give_position,
    may_manage_recommendations,
    may_see_recommendations,
    may_write_recommendations,
)
from ..models import (
    Answer,
    ImplementationReview,
    Position,
    Recommendation,
    RecommendationComment,
    RecommendationStatus,
    ReviewHorizon,
    Stance,
)

# The fields a writer sets; `number` defaults to the next free one.
FIELDS = (
    "number",
    "title",
    "finding",
    "proposal",
    "kind",
    "theme",
    "addressee_kind",
    "addressee",
    "addressee_organisation",
    "target_text",
)
TEXT_FIELDS = ("title", "finding", "proposal", "addressee", "target_text")


class EditConflict(ValidationError):
    """Someone saved the recommendation since this form was opened.

    `current` is the saved recommendation; `differences` lists (label, theirs, yours) for each
    field where the saved version differs from what was submitted.
    """

    def __init__(
        self, message: str, *, current: Recommendation, differences: list[tuple[str, str, str]]
    ) -> None:
        super().__init__(message, code="conflict")
        self.current = current
        self.differences = differences


def recommendation_url(recommendation: Recommendation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "recommendations:detail", args=[recommendation.pk]
    )


def next_number(fabrique: Fabrique) -> int:
    """The next free number in this Fabrique (one more than the highest)."""
    highest = Recommendation.objects.filter(fabrique=fabrique).aggregate(n=Max("number"))["n"]
    return (highest or 0) + 1


def _refuse(message: str, field: str | None = None) -> None:
    if field is None:
        raise ValidationError(message)
    raise ValidationError({field: message})


def _check_evidence(
    fabrique: Fabrique,
    participations: Iterable[Participation],
    workshops: Iterable[Workshop],
    action_sheets: Iterable[ActionSheet],
) -> None:
    """Evidence is what this Fabrique's territories lived: nothing from another Fabrique."""
    errors: dict[str, list[str]] = {}
    for participation in participations:
        if participation.fabrique_id != fabrique.pk:
            errors.setdefault("participations", []).append(
                _("Le territoire « %(name)s » n’est pas accompagné par cette Fabrique.")
                % {"name": participation}
            )
    for workshop in workshops:
        if workshop.fabrique_id != fabrique.pk:
            errors.setdefault("workshops", []).append(
                _("La rencontre « %(name)s » n’appartient pas à cette Fabrique.")
                % {"name": workshop.title}
            )
    for sheet in action_sheets:
        if sheet.roadmap.fabrique_id != fabrique.pk:
            errors.setdefault("action_sheets", []).append(
                _("La fiche action « %(name)s » n’appartient pas à cette Fabrique.")
                % {"name": sheet.title}
            )
    if errors:
        raise ValidationError(errors)


def _apply(recommendation: Recommendation, data: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name in TEXT_FIELDS:
            value = (value or "").strip()
        if name == "number" and value in (None, ""):
            continue
        if getattr(recommendation, name) != value:
            setattr(recommendation, name, value)
            changed.append(name)
    return changed


def _set_evidence(
    recommendation: Recommendation,
    participations: Iterable[Participation] | None,
    workshops: Iterable[Workshop] | None,
    action_sheets: Iterable[ActionSheet] | None,
) -> list[str]:
    changed = []
    for name, values in (
        ("participations", participations),
        ("workshops", workshops),
        ("action_sheets", action_sheets),
    ):
        if values is None:
            continue
        manager = getattr(recommendation, name)
        wanted = {obj.pk for obj in values}
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(list(wanted))
            changed.append(name)
    return changed


def _published_changed(recommendation: Recommendation) -> None:
    bump_data_version()
    refresh_later("recommendation", [recommendation.pk])


@transaction.atomic
def recommendation_create(
    *,
    fabrique: Fabrique,
    actor: User,
    data: Mapping[str, Any],
    participations: Iterable[Participation] = (),
    workshops: Iterable[Workshop] = (),
    action_sheets: Iterable[ActionSheet] = (),
) -> Recommendation:
    """A new draft recommendation; its number defaults to the next free one."""
    if not may_write_recommendations(actor, fabrique):
        _refuse(_("Seuls l’ANCT et le prestataire de la Fabrique rédigent ses préconisations."))
    participations, workshops, action_sheets = (
        list(participations),
        list(workshops),
        list(action_sheets),
    )
    _check_evidence(fabrique, participations, workshops, action_sheets)
    recommendation = Recommendation(fabrique=fabrique)
    _apply(recommendation, data)
    if not data.get("number"):
        recommendation.number = next_number(fabrique)
    recommendation.full_clean()
    history_author_set(recommendation, actor)
    recommendation.save()
    _set_evidence(recommendation, participations, workshops, action_sheets)
    audit_event_create(
        action="recommendation.created",
        obj=recommendation,
        actor=actor,
        summary=_("Préconisation créée : %(title)s") % {"title": recommendation},
        data={"fabrique": fabrique.pk, "number": recommendation.number},
    )
    return recommendation


def _display(recommendation: Recommendation, name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    field = recommendation._meta.get_field(name)
    choices = getattr(field, "choices", None)
    if choices:
        return str(dict(choices).get(value, value))
    return str(value)


@transaction.atomic
def recommendation_update(
    *,
    recommendation: Recommendation,
    actor: User,
    data: Mapping[str, Any],
    lock_version: int,
    participations: Iterable[Participation] | None = None,
    workshops: Iterable[Workshop] | None = None,
    action_sheets: Iterable[ActionSheet] | None = None,
) -> Recommendation:
    """Save an edit made on version `lock_version`; a stale version raises EditConflict.

    Drafts and recommendations open to positions are edited by the writers; a published one
    only by ANCT, and the public data then changes.
    """
    locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    fabrique = recommendation.fabrique
    locked.fabrique = fabrique
    if not may_write_recommendations(actor, fabrique):
        _refuse(_("Seuls l’ANCT et le prestataire de la Fabrique rédigent ses préconisations."))
    if locked.is_published and not may_manage_recommendations(actor, fabrique):
        _refuse(_("Une préconisation publiée ne se modifie que par l’ANCT."))
    if locked.lock_version != lock_version:
        differences = []
        for name in FIELDS:
            if name not in data:
                continue
            theirs = getattr(locked, name)
            yours = data[name]
            if name in TEXT_FIELDS:
                yours = (yours or "").strip()
            if theirs != yours and not (name == "number" and yours in (None, "")):
                label = str(Recommendation._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
                differences.append(
                    (
                        label[:1].upper() + label[1:],
                        _display(locked, name, theirs),
                        _display(locked, name, yours),
                    )
                )
        listed = " ; ".join(f"{label} : « {theirs} »" for label, theirs, _yours in differences)
        message = _(
            "Cette préconisation a été modifiée par quelqu’un d’autre pendant que vous la "
            "modifiiez (elle en est à la version n° %(version)s, vous partiez de la n° "
            "%(yours)s)."
        ) % {"version": locked.lock_version, "yours": lock_version}
        if listed:
            message += " " + _("Ses valeurs qui diffèrent des vôtres : %(list)s.") % {
                "list": listed
            }
        message += " " + _("Reprenez vos modifications sur sa version puis enregistrez.")
        raise EditConflict(message, current=locked, differences=differences)
    participation_list = list(participations) if participations is not None else None
    workshop_list = list(workshops) if workshops is not None else None
    sheet_list = list(action_sheets) if action_sheets is not None else None
    _check_evidence(fabrique, participation_list or [], workshop_list or [], sheet_list or [])
    changed = _apply(locked, data)
    locked.full_clean()
    changed += _set_evidence(locked, participation_list, workshop_list, sheet_list)
    if not changed:
        return locked
    locked.lock_version += 1
    history_author_set(locked, actor)
    locked.save(
        update_fields=[
            *(name for name in changed if name in FIELDS),
            "lock_version",
            "updated_at",
        ]
    )
    if locked.is_published:
        _published_changed(locked)
    audit_event_create(
        action="recommendation.updated",
        obj=locked,
        actor=actor,
        summary=_("Préconisation modifiée : %(title)s") % {"title": locked},
        data={"fabrique": fabrique.pk, "fields": changed, "version": locked.lock_version},
    )
    return locked


@transaction.atomic
def recommendation_delete(*, recommendation: Recommendation, actor: User) -> None:
    """Delete a draft; once opened to positions a recommendation stays on record."""
    if not may_write_recommendations(actor, recommendation.fabrique):
        _refuse(_("Seuls l’ANCT et le prestataire de la Fabrique rédigent ses préconisations."))
    locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if locked.status != RecommendationStatus.DRAFT:
        _refuse(
            _(
                "Seul un brouillon se supprime : cette préconisation a déjà été soumise aux "
                "positions des partenaires."
            )
        )
    audit_event_create(
        action="recommendation.deleted",
        obj=locked,
        actor=actor,
        summary=_("Préconisation supprimée : %(title)s") % {"title": locked},
        data={"fabrique": recommendation.fabrique_id, "number": locked.number},
    )
    locked.delete()


def endorsing_emails(fabrique: Fabrique) -> list[str]:
    """The members of the Fabrique's endorsing organisations: their role scoped to this
    Fabrique or organisation-wide."""
    organisations = FabriqueOrganisation.objects.filter(
        fabrique=fabrique, role__in=ENDORSING_ROLES
    ).values("organisation_id")
    return list(
        Membership.objects.filter(
            role=MembershipRole.PARTNER_MEMBER,
            organisation_id__in=organisations,
            user__is_active=True,
        )
        .filter(Q(fabrique=fabrique) | Q(fabrique__isnull=True))
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )


def _transition(
    recommendation: Recommendation, actor: User, allowed_from: str, to: str, message: str
) -> tuple[Recommendation, str]:
    locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    locked.fabrique = recommendation.fabrique
    if locked.status != allowed_from:
        _refuse(message)
    previous = locked.status
    locked.status = to
    return locked, previous


@transaction.atomic
def recommendation_open(*, recommendation: Recommendation, actor: User) -> Recommendation:
    """Draft → open to the positions of the endorsing organisations, who are told by e-mail."""
    fabrique = recommendation.fabrique
    if not may_write_recommendations(actor, fabrique):
        _refuse(_("Seuls l’ANCT et le prestataire de la Fabrique soumettent une préconisation."))
    locked, previous = _transition(
        recommendation,
        actor,
        RecommendationStatus.DRAFT,
        RecommendationStatus.ENDORSEMENT,
        _("Seul un brouillon peut être soumis aux positions des partenaires."),
    )
    history_author_set(locked, actor)
    locked.save(update_fields=["status", "updated_at"])
    email_queue(
        to=endorsing_emails(fabrique),
        subject=_("Préconisation à examiner : %(title)s") % {"title": locked},
        template="recommendations/emails/opened",
        context={"recommendation": locked, "fabrique": fabrique, "url": recommendation_url(locked)},
    )
    audit_event_create(
        action="recommendation.opened",
        obj=locked,
        actor=actor,
        summary=_("Préconisation soumise aux positions : %(title)s") % {"title": locked},
        data={"fabrique": fabrique.pk, "from": previous, "to": locked.status},
    )
    return locked


@transaction.atomic
def recommendation_return(*, recommendation: Recommendation, actor: User) -> Recommendation:
    """Open to positions → back to draft; the positions already given are kept."""
    if not may_write_recommendations(actor, recommendation.fabrique):
        _refuse(_("Seuls l’ANCT et le prestataire de la Fabrique rédigent ses préconisations."))
    locked, previous = _transition(
        recommendation,
        actor,
        RecommendationStatus.ENDORSEMENT,
        RecommendationStatus.DRAFT,
        _("Seule une préconisation soumise aux positions revient au brouillon."),
    )
    history_author_set(locked, actor)
    locked.save(update_fields=["status", "updated_at"])
    audit_event_create(
        action="recommendation.returned",
        obj=locked,
        actor=actor,
        summary=_("Préconisation revenue au brouillon : %(title)s") % {"title": locked},
        data={"fabrique": recommendation.fabrique_id, "from": previous, "to": locked.status},
    )
    return locked


def missing_positions(recommendation: Recommendation) -> list[Organisation]:
    """The endorsing organisations of the Fabrique that have not given their position."""
    given = Position.objects.filter(recommendation=recommendation).values("organisation_id")
    ids = FabriqueOrganisation.objects.filter(
        fabrique_id=recommendation.fabrique_id, role__in=ENDORSING_ROLES
    ).values("organisation_id")
    return list(
        Organisation.objects.filter(pk__in=ids).exclude(pk__in=given).order_by("name").distinct()
    )


@transaction.atomic
def recommendation_publish(*, recommendation: Recommendation, actor: User) -> Recommendation:
    """Open to positions → published, with the positions given (missing ones are allowed)."""
    if not may_manage_recommendations(actor, recommendation.fabrique):
        _refuse(_("Seule l’ANCT publie les préconisations de la Fabrique."))
    locked, previous = _transition(
        recommendation,
        actor,
        RecommendationStatus.ENDORSEMENT,
        RecommendationStatus.PUBLISHED,
        _("Une préconisation se publie une fois soumise aux positions des partenaires.")
        if recommendation.status == RecommendationStatus.DRAFT
        else _("Cette préconisation est déjà publiée."),
    )
    if not locked.addressee.strip():
        _refuse(_("Indiquez le destinataire de la préconisation avant de la publier."), "addressee")
    locked.published_at = timezone.now()
    locked.full_clean()
    history_author_set(locked, actor)
    locked.save(update_fields=["status", "published_at", "updated_at"])
    _published_changed(locked)
    audit_event_create(
        action="recommendation.published",
        obj=locked,
        actor=actor,
        summary=_("Préconisation publiée : %(title)s") % {"title": locked},
        data={
            "fabrique": recommendation.fabrique_id,
            "from": previous,
            "missing_positions": [o.pk for o in missing_positions(locked)],
        },
    )
    return locked


@transaction.atomic
def recommendation_unpublish(*, recommendation: Recommendation, actor: User) -> Recommendation:
    """Published → back to the positions; it leaves the public library."""
    if not may_manage_recommendations(actor, recommendation.fabrique):
        _refuse(_("Seule l’ANCT retire une préconisation de la publication."))
    locked, previous = _transition(
        recommendation,
        actor,
        RecommendationStatus.PUBLISHED,
        RecommendationStatus.ENDORSEMENT,
        _("Cette préconisation n’est pas publiée."),
    )
    locked.published_at = None
    history_author_set(locked, actor)
    locked.save(update_fields=["status", "published_at", "updated_at"])
    _published_changed(locked)
    audit_event_create(
        action="recommendation.unpublished",
        obj=locked,
        actor=actor,
        summary=_("Préconisation retirée de la publication : %(title)s") % {"title": locked},
        data={"fabrique": recommendation.fabrique_id, "from": previous},
    )
    return locked


@transaction.atomic
def position_give(
    *,
    recommendation: Recommendation,
    organisation: Organisation,
    actor: User,
    stance: str,
    comment: str,
    signatory: str,
    given_on: datetime.date | None,
) -> Position:
    """An organisation's position, given again to replace it (the history keeps the former)."""
    if not may_give_position(actor, recommendation, organisation):
        if recommendation.status != RecommendationStatus.ENDORSEMENT:
            _refuse(_("Cette préconisation n’est pas ouverte aux positions des partenaires."))
        _refuse(
            _("Vous ne pouvez pas donner de position au nom de « %(name)s » dans cette Fabrique.")
            % {"name": organisation.name}
        )
    if stance not in Stance.values:
        _refuse(
            _("Choisissez une position : soutien, soutien avec réserves ou désaccord."), "stance"
        )
    comment = (comment or "").strip()
    signatory = (signatory or "").strip()
    if given_on is None:
        _refuse(_("Indiquez la date de la position."), "given_on")
    position = (
        Position.objects.select_for_update()
        .filter(recommendation=recommendation, organisation=organisation)
        .first()
    )
    replaced = position is not None
    if position is None:
        position = Position(recommendation=recommendation, organisation=organisation)
    previous = position.stance if replaced else None
    position.stance = stance
    position.comment = comment
    position.signatory = signatory
    position.given_on = given_on  # type: ignore[assignment]
    position.recorded_by = actor
    position.full_clean()
    history_author_set(position, actor)
    position.save()
    audit_event_create(
        action="position.given",
        obj=recommendation,
        actor=actor,
        summary=_("Position de %(organisation)s : %(stance)s")
        % {"organisation": organisation.name, "stance": position.get_stance_display()},
        data={
            "organisation": organisation.pk,
            "stance": stance,
            "replaced": replaced,
            "previous": previous,
        },
    )
    # The writers (the Fabrique's ANCT pilots and its provider's consultants) are told, the
    # giver apart: a dissent must not wait for someone to open the page.
    fabrique = recommendation.fabrique
    writers = set(pilot_emails(fabrique=fabrique)) | set(provider_emails(fabrique=fabrique))
    email_queue(
        to=[e for e in writers if e.strip().lower() != actor.email.strip().lower()],
        subject=_("Position de %(organisation)s sur la préconisation n° %(number)s")
        % {"organisation": organisation.name, "number": recommendation.number},
        template="recommendations/emails/position_given",
        context={
            "recommendation": recommendation,
            "fabrique": fabrique,
            "organisation": organisation.name,
            "stance": position.get_stance_display(),
            "previous": Stance(previous).label if previous else "",
            "comment": comment,
            "url": recommendation_url(recommendation),
        },
    )
    return position


@transaction.atomic
def comment_add(*, recommendation: Recommendation, actor: User, text: str) -> RecommendationComment:
    """A comment by anyone who sees the Fabrique's recommendations."""
    if not may_see_recommendations(actor, recommendation.fabrique):
        _refuse(_("Vous ne pouvez pas commenter cette préconisation."))
    text = (text or "").strip()
    if not text:
        _refuse(_("Écrivez votre commentaire."), "text")
    comment = RecommendationComment(recommendation=recommendation, author=actor, text=text)
    comment.full_clean()
    comment.save()
    audit_event_create(
        action="recommendation.commented",
        obj=recommendation,
        actor=actor,
        summary=_("Commentaire sur la préconisation : %(title)s") % {"title": recommendation},
        data={"comment": comment.pk},
    )
    return comment


def _require_published_manager(recommendation: Recommendation, actor: User) -> None:
    if not may_manage_recommendations(actor, recommendation.fabrique):
        _refuse(_("Seule l’ANCT suit les préconisations publiées."))
    if not recommendation.is_published:
        _refuse(_("Publiez d’abord la préconisation : son suivi commence à sa publication."))


@transaction.atomic
def sending_record(
    *,
    recommendation: Recommendation,
    actor: User,
    correspondent: str,
    sent_on: datetime.date | None,
) -> Recommendation:
    """The recommendation was sent to a named correspondent at the addressee, on that date."""
    _require_published_manager(recommendation, actor)
    correspondent = (correspondent or "").strip()
    errors = {}
    if not correspondent:
        errors["correspondent"] = _("Indiquez le correspondant à qui elle a été envoyée.")
    if sent_on is None:
        errors["sent_on"] = _("Indiquez la date d’envoi.")
    elif sent_on > timezone.localdate():
        errors["sent_on"] = _("La date d’envoi ne peut pas être dans le futur.")
    if errors:
        raise ValidationError(errors)
    locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    locked.fabrique = recommendation.fabrique
    locked.correspondent = correspondent
    locked.sent_on = sent_on
    locked.full_clean()
    history_author_set(locked, actor)
    locked.save(update_fields=["correspondent", "sent_on", "updated_at"])
    _published_changed(locked)
    audit_event_create(
        action="recommendation.sent",
        obj=locked,
        actor=actor,
        summary=_("Préconisation envoyée le %(date)s") % {"date": date_format(sent_on, "j F Y")},  # type: ignore[arg-type]
        data={"sent_on": sent_on.isoformat()},  # type: ignore[union-attr]
    )
    return locked


def _check_answer_file(file: IO[bytes] | UploadedFile) -> None:
    limit = settings.DELIVERABLE_MAX_UPLOAD_BYTES
    size = getattr(file, "size", 0) or 0
    if not str(getattr(file, "name", "")).lower().endswith(".pdf"):
        raise ValidationError({"file": _("Le courrier se dépose en PDF (.pdf).")}, code="not_pdf")
    if size == 0:
        raise ValidationError({"file": _("Le fichier est vide.")}, code="empty")
    file.seek(0)
    header = file.read(len(PDF_MAGIC))
    file.seek(0)
    if header != PDF_MAGIC:
        raise ValidationError(
            {
                "file": _(
                    "Ce fichier n’est pas un PDF valide (son contenu ne correspond pas au "
                    "format PDF) ; enregistrez le courrier en PDF puis déposez-le à nouveau."
                )
            },
            code="not_pdf",
        )
    try:
        check_pdf(
            file,  # type: ignore[arg-type]
            allow_embedded_files=settings.UPLOAD_PDF_ALLOW_EMBEDDED_FILES,
            max_bytes=limit,
        )
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    file.seek(0)


@transaction.atomic
def answer_add(
    *,
    recommendation: Recommendation,
    actor: User,
    answered_on: datetime.date | None,
    text: str,
    file: UploadedFile | None = None,
) -> Answer:
    """The addressee's answer, with its letter as a PDF when there is one."""
    _require_published_manager(recommendation, actor)
    text = (text or "").strip()
    errors = {}
    if answered_on is None:
        errors["answered_on"] = _("Indiquez la date de la réponse.")
    elif answered_on > timezone.localdate():
        errors["answered_on"] = _("La date de la réponse ne peut pas être dans le futur.")
    if not text:
        errors["text"] = _("Recopiez ou résumez la réponse.")
    if errors:
        raise ValidationError(errors)
    answer = Answer(recommendation=recommendation, answered_on=answered_on, text=text)  # type: ignore[misc]
    answer.recorded_by = actor
    if file is not None:
        _check_answer_file(file)
        answer.original_name = str(file.name)[:255]
        answer.file.save(str(file.name), file, save=False)  # type: ignore[arg-type]
    answer.full_clean()
    answer.save()
    _published_changed(recommendation)
    audit_event_create(
        action="recommendation.answered",
        obj=recommendation,
        actor=actor,
        summary=_("Réponse du destinataire enregistrée : %(title)s") % {"title": recommendation},
        data={"answer": answer.pk, "answered_on": answer.answered_on.isoformat()},
    )
    return answer


@dataclass(frozen=True)
class ReviewData:
    horizon: int
    reviewed_on: datetime.date | None
    degree: str
    measure: str = ""
    comment: str = ""


@transaction.atomic
def review_record(
    *, recommendation: Recommendation, actor: User, review: ReviewData
) -> ImplementationReview:
    """The degree of implementation at one horizon (at the answer, one year, three years);
    recording it again for the same horizon corrects it."""
    _require_published_manager(recommendation, actor)
    errors = {}
    if review.horizon not in ReviewHorizon.values:
        errors["horizon"] = _("Choisissez l’échéance : à la réponse, à un an ou à trois ans.")
    if review.reviewed_on is None:
        errors["reviewed_on"] = _("Indiquez la date du constat.")
    elif review.reviewed_on > timezone.localdate():
        errors["reviewed_on"] = _("La date du constat ne peut pas être dans le futur.")
    if errors:
        raise ValidationError(errors)
    record = (
        ImplementationReview.objects.select_for_update()
        .filter(recommendation=recommendation, horizon=review.horizon)
        .first()
    )
    corrected = record is not None
    if record is None:
        record = ImplementationReview(recommendation=recommendation, horizon=review.horizon)
    record.reviewed_on = review.reviewed_on  # type: ignore[assignment]
    record.degree = review.degree
    record.measure = (review.measure or "").strip()
    record.comment = (review.comment or "").strip()
    record.recorded_by = actor
    record.full_clean()
    record.save()
    _published_changed(recommendation)
    audit_event_create(
        action="recommendation.reviewed",
        obj=recommendation,
        actor=actor,
        summary=_("Mise en œuvre constatée (%(horizon)s) : %(degree)s")
        % {"horizon": record.get_horizon_display(), "degree": record.get_degree_display()},
        data={"horizon": review.horizon, "degree": review.degree, "corrected": corrected},
    )
    return record
