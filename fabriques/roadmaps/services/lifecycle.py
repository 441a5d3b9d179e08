"""The roadmap's lifecycle: draft → submitted → reviewed → validated → adopted → published.

Every move is one line of `TRANSITIONS`: where it starts, where it leads, who may make it
(a predicate of roadmaps.access), what the roadmap must hold for it (a guard listing French
reasons); each move's service records its audit event (roadmap.<past participle>). Two moves
go back: the pilot returns a submitted or reviewed roadmap to its writers (« à reprendre »,
with a comment), and ANCT unpublishes it.

The provider's deliverable « feuille de route » of the territory (deliverables, kind ROADMAP)
is the roadmap itself: submitting the roadmap hands in a version of that deliverable (its
file is the roadmap's JSON snapshot at submission, its note links to the roadmap), and the
pilot's review of the roadmap is the deliverable's review (accepted = reviewed, changes
requested = returned to draft). Without such a deliverable the roadmap's moves work alone.

Adopting and publishing freeze a `RoadmapVersion` with the whole roadmap's snapshot.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fabriques.accounts.models import MembershipRole, User
from fabriques.accounts.types import Person
from fabriques.calls.validators import validate_deliberation
from fabriques.core.emails import email_queue
from fabriques.core.services import audit_event_create, person_or_none
from fabriques.core.versioning import bump_data_version
from fabriques.deliverables.models import (
    Deliverable,
    DeliverableKind,
    DeliverableStatus,
    DeliverableVersion,
    ReviewDecision,
)
from fabriques.deliverables.services import deliverable_review, pilot_emails, provider_emails
from fabriques.search.services import refresh_later

from .. import access
from ..models import ActionSheet, Roadmap, RoadmapComment, RoadmapStatus, RoadmapVersion
from ..selectors.lifecycle import ActionOption, roadmap_snapshot

S = RoadmapStatus
REFERENT_ROLES = (MembershipRole.ELECTED_REFERENT, MembershipRole.TECHNICAL_REFERENT)


def submit_problems(*, roadmap: Roadmap) -> list[str]:
    problems = []
    if not roadmap.axes.exists():
        problems.append(_("Ajoutez au moins un axe avant de soumettre la feuille de route."))
    if not roadmap.sheets.exists():
        problems.append(
            _("Ajoutez au moins une fiche action avant de soumettre la feuille de route.")
        )
    return problems


def publish_problems(*, roadmap: Roadmap) -> list[str]:
    problems = []
    if roadmap.status != S.ADOPTED:
        problems.append(
            _("Seule une feuille de route adoptée par l’assemblée délibérante peut être publiée.")
        )
    if not (roadmap.deliberation_date and roadmap.deliberation_file):
        problems.append(_("La délibération (date et PDF) doit être enregistrée avant publication."))
    return problems


def no_problems(*, roadmap: Roadmap) -> list[str]:
    return []


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    may: Callable[[Person, Roadmap], bool]
    guard: Callable[..., list[str]]
    label: Any  # lazy French label of the button


# The single table of the roadmap's moves, by name (the name is the URL's and the form's).
TRANSITIONS: Final[Mapping[str, Transition]] = {
    "submit": Transition(
        (S.DRAFT,),
        S.SUBMITTED,
        access.may_write_roadmap,
        submit_problems,
        gettext_lazy("Soumettre pour relecture"),
    ),
    "review": Transition(
        (S.SUBMITTED,),
        S.REVIEWED,
        access.may_review_roadmap,
        no_problems,
        gettext_lazy("Valider la relecture"),
    ),
    "return": Transition(
        (S.SUBMITTED, S.REVIEWED),
        S.DRAFT,
        access.may_review_roadmap,
        no_problems,
        gettext_lazy("Renvoyer à reprendre"),
    ),
    "validate": Transition(
        (S.REVIEWED,),
        S.VALIDATED,
        access.may_write_roadmap,
        no_problems,
        gettext_lazy("Enregistrer la validation du comité de pilotage local"),
    ),
    "adopt": Transition(
        (S.VALIDATED,),
        S.ADOPTED,
        access.may_write_roadmap,
        no_problems,
        gettext_lazy("Enregistrer la délibération d’adoption"),
    ),
    "publish": Transition(
        (S.ADOPTED,),
        S.PUBLISHED,
        access.may_publish_roadmap,
        publish_problems,
        gettext_lazy("Publier"),
    ),
    "unpublish": Transition(
        (S.PUBLISHED,),
        S.ADOPTED,
        access.may_publish_roadmap,
        no_problems,
        gettext_lazy("Dépublier"),
    ),
}


def available_actions(*, roadmap: Roadmap, user: Person) -> list[ActionOption]:
    """The moves from the current state this person may make, each with its guard's reasons."""
    options = []
    for name, transition in TRANSITIONS.items():
        if roadmap.status not in transition.sources or not transition.may(user, roadmap):
            continue
        reasons = transition.guard(roadmap=roadmap)
        options.append(ActionOption(name, str(transition.label), not reasons, reasons))
    return options


# Recipients -----------------------------------------------------------------------------------


def _emails(users: Iterable[User]) -> list[str]:
    return sorted({u.email for u in users if u.email})


def referent_emails(*, roadmap: Roadmap) -> list[str]:
    """The territory's elected and technical referents."""
    return _emails(
        User.objects.filter(
            is_active=True,
            memberships__role__in=REFERENT_ROLES,
            memberships__participation_id=roadmap.participation_id,
        )
    )


def roadmap_url(roadmap: Roadmap, name: str = "roadmaps:lifecycle") -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[roadmap.pk])


# The linked deliverable -----------------------------------------------------------------------


def roadmap_deliverable(roadmap: Roadmap) -> Deliverable | None:
    """The provider's deliverable « feuille de route » for this territory, if the contract has one."""
    return (
        Deliverable.objects.select_for_update(of=("self",))
        .filter(participation_id=roadmap.participation_id, kind=DeliverableKind.ROADMAP)
        .order_by("pk")
        .first()
    )


def _deliverable_submit(
    *, roadmap: Roadmap, snapshot: dict[str, Any], actor: User | None
) -> DeliverableVersion | None:
    deliverable = roadmap_deliverable(roadmap)
    if deliverable is None or deliverable.status == DeliverableStatus.ACCEPTED:
        return None
    number = (deliverable.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    content = json.dumps(snapshot, ensure_ascii=False, indent=1).encode()
    version = DeliverableVersion(
        deliverable=deliverable,
        number=number,
        original_name=f"feuille-de-route-{roadmap.pk}-v{number}.json",
        size=len(content),
        note=_(
            "La feuille de route elle-même, rédigée sur la plateforme (le fichier en est "
            "l’état au dépôt) : %(url)s"
        )
        % {"url": roadmap_url(roadmap, "roadmaps:detail")},
        submitted_by=person_or_none(actor),
        submitted_at=timezone.now(),
    )
    version.file.save(version.original_name, ContentFile(content), save=False)
    try:
        version.full_clean()
        version.save()
    except Exception:
        version.file.delete(save=False)
        raise
    previous = deliverable.status
    deliverable.status = DeliverableStatus.SUBMITTED
    deliverable.save(update_fields=["status", "updated_at"])
    audit_event_create(
        action="deliverable.submitted",
        obj=deliverable,
        actor=actor,
        summary=_("Version %(number)d déposée pour « %(deliverable)s » (la feuille de route)")
        % {"number": number, "deliverable": deliverable},
        data={
            "version": version.pk,
            "number": number,
            "from": previous,
            "to": deliverable.status,
            "roadmap": roadmap.pk,
        },
    )
    return version


def _deliverable_review(
    *, roadmap: Roadmap, decision: str, comment: str, actor: User | None
) -> bool:
    """Record the pilot's review on the deliverable's latest version; False when none waits."""
    deliverable = roadmap_deliverable(roadmap)
    if deliverable is None or deliverable.status != DeliverableStatus.SUBMITTED:
        return False
    version = deliverable.versions.order_by("-number").first()
    if version is None:
        return False
    deliverable_review(version=version, decision=decision, comment=comment, actor=actor)
    return True


# The moves ------------------------------------------------------------------------------------


def _locked(roadmap: Roadmap) -> Roadmap:
    return (
        Roadmap.objects.select_for_update(of=("self",))
        .select_related("participation", "fabrique")
        .get(pk=roadmap.pk)
    )


def _check(name: str, roadmap: Roadmap, actor: Person) -> Transition:
    transition = TRANSITIONS[name]
    if not transition.may(actor, roadmap):
        raise PermissionDenied(_("Vous ne pouvez pas faire avancer cette feuille de route ainsi."))
    if roadmap.status not in transition.sources:
        raise ValidationError(
            _("Cette action n’est pas possible : la feuille de route est à l’état « %(status)s ».")
            % {"status": roadmap.get_status_display()}
        )
    problems = transition.guard(roadmap=roadmap)
    if problems:
        raise ValidationError(problems)
    return transition


def _move(
    *, roadmap: Roadmap, transition: Transition, fields: Iterable[str] = ()
) -> dict[str, str]:
    """Change the status (and `fields`); return the audit data's from/to."""
    previous = roadmap.status
    roadmap.status = transition.target
    roadmap.full_clean(exclude=["deliberation_file"])
    roadmap.save(update_fields=["status", "updated_at", *fields])
    return {"from": previous, "to": roadmap.status}


def _freeze(*, roadmap: Roadmap, actor: User | None) -> RoadmapVersion:
    last = roadmap.versions.aggregate(last=Max("number"))["last"] or 0
    version = RoadmapVersion(
        roadmap=roadmap,
        number=last + 1,
        status=roadmap.status,
        snapshot=roadmap_snapshot(roadmap),
        created_by=person_or_none(actor),
        created_at=timezone.now(),
    )
    version.full_clean()
    version.save()
    return version


def _published_changed(roadmap: Roadmap) -> None:
    bump_data_version()
    refresh_later("roadmap", [roadmap.pk])
    refresh_later(
        "sheet", list(ActionSheet.objects.filter(roadmap=roadmap).values_list("pk", flat=True))
    )


@transaction.atomic
def roadmap_submit(*, roadmap: Roadmap, actor: User, note: str = "") -> Roadmap:
    """The writers (the provider first) hand the roadmap to the pilot for review."""
    roadmap = _locked(roadmap)
    transition = _check("submit", roadmap, actor)
    moved = _move(roadmap=roadmap, transition=transition)
    audit_event_create(
        action="roadmap.submitted",
        obj=roadmap,
        actor=actor,
        summary=_("Feuille de route « %s » soumise pour relecture") % roadmap,
        data={**moved, "note": note.strip()},
    )
    version = _deliverable_submit(roadmap=roadmap, snapshot=roadmap_snapshot(roadmap), actor=actor)
    email_queue(
        to=pilot_emails(fabrique=roadmap.fabrique),
        subject=_("[Fabriques] Feuille de route à relire : %(title)s") % {"title": roadmap},
        template="roadmaps/emails/submitted",
        context={
            "roadmap": roadmap,
            "actor": person_or_none(actor),
            "note": note.strip(),
            "deliverable_version": version,
            "url": roadmap_url(roadmap),
        },
    )
    return roadmap


@transaction.atomic
def roadmap_review(
    *, roadmap: Roadmap, actor: User, comment: str, accept: bool = True
) -> RoadmapComment:
    """The pilot's review: accepted (→ reviewed) or to be taken up again (→ draft).

    The comment is required either way; it is kept as the roadmap's review comment and, when
    the contract has a deliverable « feuille de route », as that deliverable's review."""
    roadmap = _locked(roadmap)
    transition = _check("review" if accept else "return", roadmap, actor)
    comment = comment.strip()
    if not comment:
        raise ValidationError(
            {"comment": _("Écrivez votre relecture : le commentaire est requis.")}
        )
    review = RoadmapComment(
        roadmap=roadmap, text=comment, is_review=True, author=person_or_none(actor)
    )
    review.full_clean()
    review.save()
    previous = roadmap.status
    moved = _move(roadmap=roadmap, transition=transition)
    audit_event_create(
        action="roadmap.reviewed" if accept else "roadmap.returned",
        obj=roadmap,
        actor=actor,
        summary=(
            _("Feuille de route « %s » relue par le pilote")
            if accept
            else _("Feuille de route « %s » renvoyée à reprendre")
        )
        % roadmap,
        data={**moved, "comment": review.pk},
    )
    linked = False
    if previous == S.SUBMITTED:
        linked = _deliverable_review(
            roadmap=roadmap,
            decision=ReviewDecision.ACCEPTED if accept else ReviewDecision.CHANGES_REQUESTED,
            comment=comment,
            actor=actor,
        )
    # The deliverable's review already tells the provider; otherwise this e-mail does.
    recipients = referent_emails(roadmap=roadmap)
    if not linked:
        recipients += provider_emails(fabrique=roadmap.fabrique)
    email_queue(
        to=recipients,
        subject=(
            _("[Fabriques] Feuille de route relue : %(title)s")
            if accept
            else _("[Fabriques] Feuille de route à reprendre : %(title)s")
        )
        % {"title": roadmap},
        template="roadmaps/emails/reviewed",
        context={
            "roadmap": roadmap,
            "accepted": accept,
            "review": review,
            "actor": person_or_none(actor),
            "url": roadmap_url(roadmap),
        },
    )
    return review


@transaction.atomic
def roadmap_validate(
    *, roadmap: Roadmap, actor: User, committee_date: datetime.date | None
) -> Roadmap:
    """Record that the local steering committee validated the roadmap, on that date."""
    roadmap = _locked(roadmap)
    transition = _check("validate", roadmap, actor)
    if committee_date is None:
        raise ValidationError(
            {"committee_date": _("Indiquez la date du comité de pilotage local.")}
        )
    if committee_date > timezone.localdate():
        raise ValidationError(
            {"committee_date": _("La date du comité ne peut pas être dans le futur.")}
        )
    moved = _move(roadmap=roadmap, transition=transition)
    audit_event_create(
        action="roadmap.validated",
        obj=roadmap,
        actor=actor,
        summary=_(
            "Feuille de route « %(title)s » validée par le comité de pilotage local le %(date)s"
        )
        % {"title": roadmap, "date": committee_date.strftime("%d/%m/%Y")},
        data={**moved, "committee_date": committee_date.isoformat()},
    )
    return roadmap


@transaction.atomic
def roadmap_adopt(
    *,
    roadmap: Roadmap,
    actor: User,
    body: str,
    date: datetime.date | None,
    number: str,
    file: Any,
) -> RoadmapVersion:
    """Record the council's deliberation (body, date, number, PDF) and freeze the roadmap."""
    roadmap = _locked(roadmap)
    transition = _check("adopt", roadmap, actor)
    errors: dict[str, list[str]] = {}
    if not body.strip():
        errors["deliberation_body"] = [_("Indiquez l’assemblée qui a délibéré.")]
    if date is None:
        errors["deliberation_date"] = [_("Indiquez la date de la délibération.")]
    elif date > timezone.localdate():
        errors["deliberation_date"] = [
            _("La date de la délibération ne peut pas être dans le futur.")
        ]
    if file is None:
        errors["deliberation_file"] = [_("Déposez la délibération au format PDF.")]
    else:
        try:
            validate_deliberation(file)
        except ValidationError as error:
            errors["deliberation_file"] = error.messages
    if errors:
        raise ValidationError(errors)
    roadmap.deliberation_body = body.strip()
    roadmap.deliberation_date = date
    roadmap.deliberation_number = number.strip()
    old_file = roadmap.deliberation_file.name if roadmap.deliberation_file else ""
    roadmap.deliberation_file.save(file.name, file, save=False)
    new_file = roadmap.deliberation_file.name or ""
    try:
        moved = _move(
            roadmap=roadmap,
            transition=transition,
            fields=[
                "deliberation_body",
                "deliberation_date",
                "deliberation_number",
                "deliberation_file",
            ],
        )
        audit_event_create(
            action="roadmap.adopted",
            obj=roadmap,
            actor=actor,
            summary=_("Délibération d’adoption de « %s » enregistrée") % roadmap,
            data={
                **moved,
                "body": roadmap.deliberation_body,
                "date": date.isoformat(),  # type: ignore[union-attr]
                "number": roadmap.deliberation_number,
            },
        )
        version = _freeze(roadmap=roadmap, actor=actor)
    except Exception:
        roadmap.deliberation_file.storage.delete(new_file)
        raise
    if old_file and old_file != new_file:
        storage = roadmap.deliberation_file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return version


@transaction.atomic
def roadmap_publish(*, roadmap: Roadmap, actor: User) -> RoadmapVersion:
    """ANCT publishes the adopted roadmap: public library, search, open data."""
    roadmap = _locked(roadmap)
    transition = _check("publish", roadmap, actor)
    roadmap.published_at = timezone.now()
    moved = _move(
        roadmap=roadmap,
        transition=transition,
        fields=["published_at"],
    )
    audit_event_create(
        action="roadmap.published",
        obj=roadmap,
        actor=actor,
        summary=_("Feuille de route « %s » publiée") % roadmap,
        data=moved,
    )
    version = _freeze(roadmap=roadmap, actor=actor)
    _published_changed(roadmap)
    email_queue(
        to=referent_emails(roadmap=roadmap),
        subject=_("[Fabriques] Votre feuille de route est publiée : %(title)s")
        % {"title": roadmap},
        template="roadmaps/emails/published",
        context={"roadmap": roadmap, "url": roadmap_url(roadmap, "roadmaps:detail")},
    )
    return version


@transaction.atomic
def roadmap_unpublish(*, roadmap: Roadmap, actor: User, reason: str) -> Roadmap:
    """ANCT withdraws the roadmap from the public library (back to adopted); a reason is kept."""
    roadmap = _locked(roadmap)
    transition = _check("unpublish", roadmap, actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez pourquoi la feuille de route est dépubliée.")})
    moved = _move(roadmap=roadmap, transition=transition)
    audit_event_create(
        action="roadmap.unpublished",
        obj=roadmap,
        actor=actor,
        summary=_("Feuille de route « %s » dépubliée") % roadmap,
        data={**moved, "reason": reason},
    )
    _published_changed(roadmap)
    return roadmap
