"""Writing a roadmap and its action sheets: every write of the workspace's editing pages.

The roadmap's framing and each sheet are saved under optimistic concurrency: the form carries
the `lock_version` it was read at, and the save is one conditional UPDATE on that version that
also bumps it. When another person saved in between, nothing is written and `EditConflict`
carries the database's current values so that the page can show both versions side by side.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.core.services import audit_event_create
from fabriques.core.uploads import check_office_container, check_pdf, refuse_markup_polyglot
from fabriques.core.versioning import bump_data_version
from fabriques.search.services import refresh_later
from fabriques.studies.access import visible_studies_q
from fabriques.studies.models import RetainedResult, Study
from fabriques.territories.models import Participation
from fabriques.workinggroups.models import Member
from fabriques.workshops.models import Outcome, OutcomeKind

from ..models import (
    ActionSheet,
    Axis,
    BudgetLine,
    ContractLink,
    FundingLine,
    Indicator,
    IndicatorValue,
    Roadmap,
    RoadmapAttachment,
    RoadmapComment,
    RoadmapPartner,
    SheetNote,
    SheetPartner,
    SheetStatusChange,
    Step,
)

ROADMAP_FIELDS = (
    "title",
    "horizon",
    "period_start",
    "period_end",
    "diagnostic",
    "issues",
    "vision",
    "easy_summary",
    "steering_body",
    "meeting_rhythm",
    "elected_referent",
    "project_lead",
)
SHEET_FIELDS = (
    "axis",
    "number",
    "title",
    "description",
    "objectives",
    "expected_effects",
    "targets",
    "commune",
    "qpv",
    "pilot_organisation",
    "pilot_person",
    "elected_referent",
    "project_owner",
    "project_owner_siret",
    "priority",
    "maturity",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
)
ATTACHMENT_FORMATS = ("pdf", "docx", "odt", "xlsx", "ods", "pptx", "odp")
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


class EditConflict(Exception):
    """Someone saved the object after the person opened the form.

    `current` holds the database's values of the edited fields (model values, foreign keys as
    instances), `lock_version` the version to resubmit with to save over them."""

    def __init__(self, *, current: dict[str, Any], lock_version: int) -> None:
        super().__init__("edit conflict")
        self.current = current
        self.lock_version = lock_version


def _published_changed(roadmap: Roadmap, *, sheets: Iterable[int] = ()) -> None:
    """A published roadmap changed: bump the public data and re-index it (and its sheets)."""
    if not roadmap.is_published:
        return
    bump_data_version()
    refresh_later("roadmap", [roadmap.pk])
    sheet_pks = list(sheets)
    if sheet_pks:
        refresh_later("sheet", sheet_pks)


def _conditional_save(
    instance: Roadmap | ActionSheet,
    *,
    fields: Iterable[str],
    data: Mapping[str, Any],
    expected_version: int,
) -> list[str]:
    """Apply `data` to `instance`, check it, then write it only if the row is still at
    `expected_version`; return the names of the fields that changed."""
    model = type(instance)
    fresh = model.objects.select_for_update().get(pk=instance.pk)
    if fresh.lock_version != expected_version:
        raise EditConflict(
            current={name: getattr(fresh, name) for name in fields},
            lock_version=fresh.lock_version,
        )
    changed = []
    for name in fields:
        if name in data and getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed.append(name)
    instance.full_clean()
    if changed:
        instance.lock_version = expected_version + 1
        # save() (not a bare UPDATE) so that simple-history records who changed what.
        instance.save(update_fields=[*changed, "lock_version", "updated_at"])
    return changed


# The roadmap -----------------------------------------------------------------------------------


@transaction.atomic
def roadmap_create(*, participation: Participation, actor: User, title: str = "") -> Roadmap:
    if Roadmap.objects.filter(participation=participation).exists():
        raise ValidationError(_("Ce territoire a déjà sa feuille de route."))
    roadmap = Roadmap(
        participation=participation,
        fabrique_id=participation.fabrique_id,
        title=title.strip()
        or _("Feuille de route — %(territory)s") % {"territory": participation.label},
    )
    roadmap.full_clean()
    roadmap._history_user = actor  # type: ignore[attr-defined]
    roadmap.save()
    audit_event_create(action="roadmap.created", obj=roadmap, actor=actor, summary=roadmap.title)
    return roadmap


@transaction.atomic
def roadmap_update(
    *, roadmap: Roadmap, actor: User, data: Mapping[str, Any], expected_version: int
) -> list[str]:
    """Save the framing and governance; `EditConflict` when someone saved in between."""
    roadmap._history_user = actor  # type: ignore[attr-defined]
    changed = _conditional_save(
        roadmap, fields=ROADMAP_FIELDS, data=data, expected_version=expected_version
    )
    if changed:
        audit_event_create(
            action="roadmap.updated",
            obj=roadmap,
            actor=actor,
            summary=roadmap.title,
            data={"fields": changed},
        )
        _published_changed(roadmap)
    return changed


@transaction.atomic
def roadmap_comment_create(*, roadmap: Roadmap, actor: User, text: str) -> RoadmapComment:
    if not text.strip():
        raise ValidationError({"text": _("Écrivez votre commentaire.")})
    comment = RoadmapComment(roadmap=roadmap, text=text.strip(), author=actor)
    comment.full_clean()
    comment.save()
    audit_event_create(action="roadmap.commented", obj=roadmap, actor=actor, summary=text[:80])
    return comment


@transaction.atomic
def sheet_comment_create(*, sheet: ActionSheet, actor: User, text: str) -> SheetNote:
    """A reviewer's comment on one sheet (ANCT, a partner, or anyone who sees the roadmap)."""
    if not text.strip():
        raise ValidationError({"text": _("Écrivez votre commentaire.")})
    comment = SheetNote(sheet=sheet, is_comment=True, text=text.strip(), author=actor)
    comment.full_clean()
    comment.save()
    audit_event_create(action="sheet.commented", obj=sheet, actor=actor, summary=text[:80])
    return comment


@transaction.atomic
def roadmap_attachment_create(
    *, roadmap: Roadmap, actor: User, title: str, upload: Any
) -> RoadmapAttachment:
    """A PDF or office document, checked like the workshops' and deliverables' files."""
    name = getattr(upload, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_FORMATS:
        raise ValidationError(
            {
                "file": _(
                    "Ce type de fichier n’est pas accepté : déposez un PDF ou un document "
                    "bureautique (DOCX, ODT, XLSX, ODS, PPTX, ODP)."
                )
            }
        )
    try:
        refuse_markup_polyglot(upload)
        if extension == "pdf":
            check_pdf(upload, allow_embedded_files=False, max_bytes=ATTACHMENT_MAX_BYTES)
        else:
            check_office_container(upload, extension, max_bytes=ATTACHMENT_MAX_BYTES)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    upload.seek(0)
    attachment = RoadmapAttachment(
        roadmap=roadmap,
        title=title.strip() or name,
        file=upload,
        original_name=name[:255],
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.full_clean()
    attachment.save()
    audit_event_create(
        action="roadmap.attachment_added", obj=roadmap, actor=actor, summary=attachment.title
    )
    _published_changed(roadmap)
    return attachment


@transaction.atomic
def roadmap_attachment_delete(*, attachment: RoadmapAttachment, actor: User) -> None:
    roadmap = attachment.roadmap
    title = attachment.title
    attachment.file.delete(save=False)
    attachment.delete()
    audit_event_create(action="roadmap.attachment_removed", obj=roadmap, actor=actor, summary=title)
    _published_changed(roadmap)


# Axes, partners, contracts ----------------------------------------------------------------------


def _clean_save(instance: models.Model) -> None:
    instance.full_clean()
    instance.save()


@transaction.atomic
def axis_create(*, roadmap: Roadmap, actor: User, title: str, description: str = "") -> Axis:
    last = roadmap.axes.aggregate(last=Max("position"))["last"] or 0
    axis = Axis(roadmap=roadmap, position=last + 1, title=title.strip(), description=description)
    _clean_save(axis)
    audit_event_create(action="axis.created", obj=axis, actor=actor, summary=axis.title)
    _published_changed(roadmap)
    return axis


@transaction.atomic
def axis_update(
    *,
    axis: Axis,
    actor: User,
    title: str,
    description: str = "",
    answers: Iterable[RetainedResult] | None = None,
) -> Axis:
    """Save the axis's title and description and, when given, the foresight results it
    answers (retained results of the territory's or the Fabrique's collective studies)."""
    axis.title, axis.description = title.strip(), description
    axis.full_clean()
    data: dict[str, Any] = {}
    if answers is not None:
        chosen = _check_answers(axis.roadmap, answers, actor) + _unseen(axis.answers, actor)
        before = set(axis.answers.values_list("pk", flat=True))
        axis.answers.set(chosen)
        data = _answers_change(before, chosen)
    axis.save(update_fields=["title", "description"])
    audit_event_create(
        action="axis.updated", obj=axis, actor=actor, summary=axis.title, data=data or None
    )
    _published_changed(axis.roadmap)
    return axis


@transaction.atomic
def axis_move(*, axis: Axis, actor: User, up: bool) -> None:
    """Swap the axis with its neighbour (up or down); renumber 1..n on the way."""
    axes = list(Axis.objects.select_for_update().filter(roadmap_id=axis.roadmap_id))
    index = next(i for i, other in enumerate(axes) if other.pk == axis.pk)
    target = index - 1 if up else index + 1
    if 0 <= target < len(axes):
        axes[index], axes[target] = axes[target], axes[index]
    for position, other in enumerate(axes, start=1):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position"])
    audit_event_create(
        action="axis.moved", obj=axis, actor=actor, summary=axis.title, data={"up": up}
    )
    _published_changed(axis.roadmap)


@transaction.atomic
def axis_delete(*, axis: Axis, actor: User) -> None:
    if axis.sheets.exists():
        raise ValidationError(
            _(
                "L’axe « %(title)s » a des fiches action : déplacez-les ou supprimez-les avant "
                "de supprimer l’axe."
            )
            % {"title": axis.title}
        )
    roadmap = axis.roadmap
    audit_event_create(action="axis.deleted", obj=axis, actor=actor, summary=axis.title)
    axis.delete()
    _published_changed(roadmap)


@transaction.atomic
def roadmap_partner_create(
    *, roadmap: Roadmap, actor: User, name: str, role: str = ""
) -> RoadmapPartner:
    last = roadmap.partners.aggregate(last=Max("position"))["last"] or 0
    partner = RoadmapPartner(roadmap=roadmap, position=last + 1, name=name.strip(), role=role)
    _clean_save(partner)
    audit_event_create(
        action="roadmap.partner_added", obj=roadmap, actor=actor, summary=partner.name
    )
    _published_changed(roadmap)
    return partner


@transaction.atomic
def roadmap_partner_update(
    *, partner: RoadmapPartner, actor: User, name: str, role: str = ""
) -> RoadmapPartner:
    partner.name, partner.role = name.strip(), role
    partner.full_clean()
    partner.save(update_fields=["name", "role"])
    audit_event_create(
        action="roadmap.partner_changed", obj=partner.roadmap, actor=actor, summary=partner.name
    )
    _published_changed(partner.roadmap)
    return partner


@transaction.atomic
def roadmap_partner_move(*, partner: RoadmapPartner, actor: User, up: bool) -> None:
    """Swap the partner with its neighbour; renumber 1..n on the way."""
    partners = list(
        RoadmapPartner.objects.select_for_update().filter(roadmap_id=partner.roadmap_id)
    )
    index = next(i for i, other in enumerate(partners) if other.pk == partner.pk)
    target = index - 1 if up else index + 1
    if 0 <= target < len(partners):
        partners[index], partners[target] = partners[target], partners[index]
    for position, other in enumerate(partners, start=1):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position"])
    audit_event_create(
        action="roadmap.partner_changed",
        obj=partner.roadmap,
        actor=actor,
        summary=partner.name,
        data={"moved_up": up},
    )
    _published_changed(partner.roadmap)


@transaction.atomic
def roadmap_partner_delete(*, partner: RoadmapPartner, actor: User) -> None:
    roadmap = partner.roadmap
    audit_event_create(
        action="roadmap.partner_removed", obj=roadmap, actor=actor, summary=partner.name
    )
    partner.delete()
    _published_changed(roadmap)


@transaction.atomic
def contract_link_create(*, roadmap: Roadmap, actor: User, data: Mapping[str, Any]) -> ContractLink:
    link = ContractLink(
        roadmap=roadmap,
        kind=data.get("kind", ""),
        label=data.get("label", ""),
        reference=data.get("reference", ""),
        signed_on=data.get("signed_on"),
    )
    _clean_save(link)
    audit_event_create(action="roadmap.contract_added", obj=roadmap, actor=actor, summary=str(link))
    _published_changed(roadmap)
    return link


@transaction.atomic
def contract_link_update(
    *, link: ContractLink, actor: User, data: Mapping[str, Any]
) -> ContractLink:
    fields = ["kind", "label", "reference", "signed_on"]
    for name in fields:
        setattr(link, name, data.get(name, getattr(link, name)))
    link.full_clean()
    link.save(update_fields=fields)
    audit_event_create(
        action="roadmap.contract_changed", obj=link.roadmap, actor=actor, summary=str(link)
    )
    _published_changed(link.roadmap)
    return link


@transaction.atomic
def contract_link_delete(*, link: ContractLink, actor: User) -> None:
    roadmap = link.roadmap
    audit_event_create(
        action="roadmap.contract_removed", obj=roadmap, actor=actor, summary=str(link)
    )
    link.delete()
    _published_changed(roadmap)


# Sheets -----------------------------------------------------------------------------------------


def next_sheet_number(roadmap: Roadmap) -> int:
    return (roadmap.sheets.aggregate(last=Max("number"))["last"] or 0) + 1


def _check_axis(roadmap: Roadmap, axis: Axis | None) -> None:
    if axis is None or axis.roadmap_id != roadmap.pk:
        raise ValidationError({"axis": _("Choisissez un axe de cette feuille de route.")})


def _check_number(roadmap: Roadmap, number: int, *, exclude: int | None = None) -> None:
    taken = roadmap.sheets.filter(number=number)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError(
            {
                "number": _("Le numéro %(number)s est déjà pris dans cette feuille de route.")
                % {"number": number}
            }
        )


@transaction.atomic
def sheet_create(*, roadmap: Roadmap, actor: User, data: Mapping[str, Any]) -> ActionSheet:
    _check_axis(roadmap, data.get("axis"))
    number = data.get("number") or next_sheet_number(roadmap)
    _check_number(roadmap, number)
    sheet = ActionSheet(roadmap=roadmap)
    for name in SHEET_FIELDS:
        if name in data and data[name] is not None:
            setattr(sheet, name, data[name])
    sheet.number = number
    if data.get("status"):
        sheet.status = data["status"]
    sheet.full_clean()
    sheet._history_user = actor  # type: ignore[attr-defined]
    sheet.save()
    audit_event_create(action="sheet.created", obj=sheet, actor=actor, summary=str(sheet))
    _published_changed(roadmap, sheets=[sheet.pk])
    return sheet


@transaction.atomic
def sheet_update(
    *, sheet: ActionSheet, actor: User, data: Mapping[str, Any], expected_version: int
) -> list[str]:
    """Save the sheet's own fields; `EditConflict` when someone saved in between."""
    if "axis" in data:
        _check_axis(sheet.roadmap, data["axis"])
    if "number" in data and data["number"] is not None:
        _check_number(sheet.roadmap, data["number"], exclude=sheet.pk)
    sheet._history_user = actor  # type: ignore[attr-defined]
    changed = _conditional_save(
        sheet, fields=SHEET_FIELDS, data=data, expected_version=expected_version
    )
    if changed:
        audit_event_create(
            action="sheet.updated",
            obj=sheet,
            actor=actor,
            summary=str(sheet),
            data={"fields": changed},
        )
        _published_changed(sheet.roadmap, sheets=[sheet.pk])
    return changed


@transaction.atomic
def sheet_delete(*, sheet: ActionSheet, actor: User) -> None:
    roadmap = sheet.roadmap
    pk = sheet.pk
    audit_event_create(action="sheet.deleted", obj=sheet, actor=actor, summary=str(sheet))
    sheet._history_user = actor  # type: ignore[attr-defined]
    sheet.delete()
    _published_changed(roadmap, sheets=[pk])


@transaction.atomic
def sheet_status_change(
    *,
    sheet: ActionSheet,
    actor: User,
    status: str,
    changed_on: datetime.date | None = None,
    comment: str = "",
) -> SheetStatusChange:
    change = SheetStatusChange(
        sheet=sheet,
        status=status,
        changed_on=changed_on or timezone.localdate(),
        comment=comment.strip(),
        changed_by=actor,
    )
    change.full_clean()
    if status == sheet.status:
        raise ValidationError({"status": _("La fiche est déjà dans cet état.")})
    change.save()
    previous = sheet.status
    sheet.status = status
    sheet._history_user = actor  # type: ignore[attr-defined]
    # The status is outside the edit form (its own dated form): it leaves lock_version alone,
    # so changing it never puts an open edit form in conflict.
    sheet.save(update_fields=["status", "updated_at"])
    audit_event_create(
        action="sheet.status_changed",
        obj=sheet,
        actor=actor,
        summary=str(sheet),
        data={"from": previous, "to": status},
    )
    _published_changed(sheet.roadmap, sheets=[sheet.pk])
    return change


def invitable_members(sheet: ActionSheet) -> models.QuerySet[Member]:
    """The current members of the territory's working group who have an account."""
    return Member.objects.filter(
        working_group__participation_id=sheet.roadmap.participation_id,
        user__isnull=False,
        left_on__isnull=True,
    ).select_related("user")


@transaction.atomic
def sheet_editor_add(*, sheet: ActionSheet, actor: User, member: Member) -> None:
    if member.user_id is None or not invitable_members(sheet).filter(pk=member.pk).exists():
        raise ValidationError(
            {
                "member": _(
                    "Seuls les membres du groupe de travail du territoire qui ont un compte "
                    "peuvent être invités."
                )
            }
        )
    sheet.editors.add(member.user_id)
    audit_event_create(
        action="sheet.editor_added",
        obj=sheet,
        actor=actor,
        summary=member.full_name,
        data={"user": member.user_id},
    )


@transaction.atomic
def sheet_editor_remove(*, sheet: ActionSheet, actor: User, user: User) -> None:
    sheet.editors.remove(user)
    audit_event_create(
        action="sheet.editor_removed",
        obj=sheet,
        actor=actor,
        summary=user.get_full_name() or user.email,
        data={"user": user.pk},
    )


@transaction.atomic
def sheet_related_set(*, sheet: ActionSheet, actor: User, related: Iterable[ActionSheet]) -> None:
    chosen = [other for other in related if other.pk != sheet.pk]
    if any(other.roadmap_id != sheet.roadmap_id for other in chosen):
        raise ValidationError(_("Une fiche liée appartient à la même feuille de route."))
    before = ", ".join(str(n) for n in sorted(sheet.related.values_list("number", flat=True)))
    sheet.related.set(chosen)
    after = ", ".join(str(n) for n in sorted(other.number for other in chosen))
    audit_event_create(
        action="sheet.part_changed",
        obj=sheet,
        actor=actor,
        summary=str(sheet),
        data={
            "part": "related",
            "label": _("Fiches liées"),
            "pks": [other.pk for other in chosen],
            "fields": [[_("Numéros"), before, after]] if before != after else [],
        },
    )
    _published_changed(sheet.roadmap, sheets=[sheet.pk, *[o.pk for o in chosen]])


def outcome_choices(sheet: ActionSheet) -> models.QuerySet[Outcome]:
    """Decisions and actions of the minutes of the territory's or the whole Fabrique's
    workshops."""
    roadmap = sheet.roadmap
    return (
        Outcome.objects.filter(kind__in=[OutcomeKind.DECISION, OutcomeKind.ACTION])
        .filter(minutes__workshop__fabrique_id=roadmap.fabrique_id)
        .filter(
            models.Q(minutes__workshop__participation_id=roadmap.participation_id)
            | models.Q(minutes__workshop__participation__isnull=True)
        )
        .select_related("minutes__workshop")
        .order_by("-minutes__workshop__starts_at", "position", "pk")
    )


@transaction.atomic
def sheet_outcomes_set(*, sheet: ActionSheet, actor: User, outcomes: Iterable[Outcome]) -> None:
    chosen = list(outcomes)
    allowed = set(
        outcome_choices(sheet).filter(pk__in=[o.pk for o in chosen]).values_list("pk", flat=True)
    )
    if any(o.pk not in allowed for o in chosen):
        raise ValidationError(
            _(
                "Choisissez des décisions ou actions des rencontres de ce territoire ou de la Fabrique."
            )
        )
    before = set(sheet.outcomes.values_list("pk", flat=True))
    sheet.outcomes.set(chosen)
    added = [o for o in chosen if o.pk not in before]
    audit_event_create(
        action="sheet.part_changed",
        obj=sheet,
        actor=actor,
        summary=str(sheet),
        data={
            "part": "outcomes",
            "label": _("Décisions et actions de rencontres à l’origine"),
            "pks": sorted(allowed),
            "fields": [[_("Ajoutée"), "", o.text[:200]] for o in added]
            + ([[_("Retirées"), str(len(before - allowed)), ""]] if before - allowed else []),
        },
    )
    _published_changed(sheet.roadmap, sheets=[sheet.pk])


def answer_choices(roadmap: Roadmap) -> models.QuerySet[RetainedResult]:
    """The foresight results an axis or a sheet of the roadmap may cite: those retained in
    the studies of its territory and in the Fabrique's collective studies."""
    return (
        RetainedResult.objects.filter(study__fabrique_id=roadmap.fabrique_id)
        .filter(
            models.Q(study__participation_id=roadmap.participation_id)
            | models.Q(study__participation__isnull=True)
        )
        .select_related("study")
        .order_by("kind", "study__title", "position", "pk")
    )


def visible_answers(user: Any) -> models.QuerySet[RetainedResult]:
    """The retained results of the studies this person sees: a territory's referents do not
    see the Fabrique's collective studies, nor what is retained in them."""
    return RetainedResult.objects.filter(
        study__in=Study.objects.filter(visible_studies_q(user)).values("pk")
    )


def answer_choices_for(roadmap: Roadmap, user: Any) -> models.QuerySet[RetainedResult]:
    """The results this person may cite in the roadmap (the form's choices)."""
    return answer_choices(roadmap).filter(pk__in=visible_answers(user).values("pk"))


def _check_answers(
    roadmap: Roadmap, answers: Iterable[RetainedResult], actor: User
) -> list[RetainedResult]:
    chosen = list(answers)
    allowed = set(
        answer_choices_for(roadmap, actor)
        .filter(pk__in=[r.pk for r in chosen])
        .values_list("pk", flat=True)
    )
    if any(r.pk not in allowed for r in chosen):
        raise ValidationError(
            {
                "answers": _(
                    "Choisissez des résultats retenus des études de ce territoire ou des "
                    "études collectives de la Fabrique."
                )
            }
        )
    return chosen


def _unseen(cited: Any, actor: User) -> list[RetainedResult]:
    """The results already cited that the person does not see (and so could not choose):
    their save keeps them."""
    return list(cited.exclude(pk__in=visible_answers(actor).values("pk")))


def _answers_change(before: set[int], chosen: list[RetainedResult]) -> dict[str, Any]:
    """The audit data of a change of the cited results: the new list, what was added and
    how many went."""
    after = {r.pk for r in chosen}
    if after == before:
        return {}
    added = [r for r in chosen if r.pk not in before]
    return {
        "part": "answers",
        "label": _("Résultats de la prospective auxquels elle répond"),
        "pks": sorted(after),
        "fields": [[_("Ajouté"), "", r.label[:200]] for r in added]
        + ([[_("Retirés"), str(len(before - after)), ""]] if before - after else []),
    }


@transaction.atomic
def sheet_answers_set(
    *, sheet: ActionSheet, actor: User, answers: Iterable[RetainedResult]
) -> None:
    """The foresight results (key variables, issues, scenarios, statements) the sheet answers."""
    chosen = _check_answers(sheet.roadmap, answers, actor) + _unseen(sheet.answers, actor)
    before = set(sheet.answers.values_list("pk", flat=True))
    sheet.answers.set(chosen)
    data = _answers_change(before, chosen)
    if not data:
        return
    audit_event_create(
        action="sheet.part_changed", obj=sheet, actor=actor, summary=str(sheet), data=data
    )
    _published_changed(sheet.roadmap, sheets=[sheet.pk])


# A sheet's parts: one create and one delete service for each list ------------------------------

PART_MODELS: dict[str, type[models.Model]] = {
    "step": Step,
    "partner": SheetPartner,
    "budget": BudgetLine,
    "funding": FundingLine,
    "indicator": Indicator,
    "note": SheetNote,
}


def _part_value(row: models.Model, model_field: Any) -> str:
    """A part's field as the history shows it (French choices, dd/mm/yyyy dates)."""
    value = getattr(row, model_field.attname)
    if value in (None, ""):
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if model_field.is_relation:
        return str(getattr(row, model_field.name))
    return str(value)


# The fields of a part that its history does not show: keys, authorship, order numbers.
PART_FIELDS_IGNORED = {"id", "sheet", "author", "position", "created_at", "updated_at"}


def _part_fields(row: models.Model, names: Iterable[str] | None = None) -> list[str]:
    return [
        f.name
        for f in row._meta.concrete_fields
        if f.name not in PART_FIELDS_IGNORED and (names is None or f.name in names)
    ]


def _part_changes(
    before: models.Model | None, after: models.Model | None, names: list[str]
) -> list[list[str]]:
    """[label, old, new] for each of `names` that differs: what the sheet's history shows of
    a part added (before None), changed or removed (after None)."""
    row = after if after is not None else before
    assert row is not None
    changes = []
    for name in names:
        model_field: Any = row._meta.get_field(name)
        old = _part_value(before, model_field) if before is not None else ""
        new = _part_value(after, model_field) if after is not None else ""
        if old != new:
            label = str(model_field.verbose_name)
            changes.append([label[:1].upper() + label[1:], old, new])
    return changes


def _part_label(row: models.Model) -> str:
    label = str(row._meta.verbose_name)
    return label[:1].upper() + label[1:]


@transaction.atomic
def sheet_part_create(
    *, sheet: ActionSheet, actor: User, part: str, data: Mapping[str, Any]
) -> models.Model:
    """Add a step, partner, budget line, funding line, indicator or note to the sheet."""
    model = PART_MODELS[part]
    values = dict(data)
    if part == "note":
        values.setdefault("author", actor)
    if part in ("step", "partner", "indicator"):
        last = model._default_manager.filter(sheet=sheet).aggregate(last=Max("position"))["last"]
        values.setdefault("position", (last or 0) + 1)
    row = model(sheet=sheet, **values)
    _clean_save(row)
    audit_event_create(
        action="sheet.part_changed",
        obj=sheet,
        actor=actor,
        summary=str(row),
        data={
            "part": part,
            "label": _part_label(row),
            "added": row.pk,
            "fields": _part_changes(None, row, _part_fields(row)),
        },
    )
    _published_changed(sheet.roadmap, sheets=[sheet.pk])
    return row


@transaction.atomic
def sheet_part_update(
    *, sheet: ActionSheet, actor: User, row: models.Model, data: Mapping[str, Any]
) -> models.Model:
    before = copy.copy(row)
    for name, value in data.items():
        setattr(row, name, value)
    row.full_clean()
    row.save(update_fields=list(data))
    audit_event_create(
        action="sheet.part_changed",
        obj=sheet,
        actor=actor,
        summary=str(row),
        data={
            "part": row._meta.model_name,
            "label": _part_label(row),
            "changed": row.pk,
            "fields": _part_changes(before, row, _part_fields(row, data)),
        },
    )
    _published_changed(sheet.roadmap, sheets=[sheet.pk])
    return row


@transaction.atomic
def sheet_part_delete(*, sheet: ActionSheet, actor: User, row: models.Model) -> None:
    audit_event_create(
        action="sheet.part_changed",
        obj=sheet,
        actor=actor,
        summary=str(row),
        data={
            "part": row._meta.model_name,
            "label": _part_label(row),
            "removed": row.pk,
            "fields": _part_changes(row, None, _part_fields(row)),
        },
    )
    row.delete()
    _published_changed(sheet.roadmap, sheets=[sheet.pk])


@transaction.atomic
def indicator_value_create(
    *, indicator: Indicator, actor: User, data: Mapping[str, Any]
) -> IndicatorValue:
    if not data.get("measured_on"):
        raise ValidationError({"measured_on": _("Indiquez la date de la mesure.")})
    value = IndicatorValue(indicator=indicator, **dict(data))
    _clean_save(value)
    sheet = indicator.sheet
    audit_event_create(
        action="sheet.part_changed",
        obj=sheet,
        actor=actor,
        summary=str(value),
        data={"part": "indicator_value", "added": value.pk},
    )
    _published_changed(sheet.roadmap, sheets=[sheet.pk])
    return value
