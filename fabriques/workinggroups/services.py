"""Writes on working groups and their members: atomic, validated, audited.

Audit events name the member by id only: the audit trail is kept five years, members' data
is not (WORKING_GROUP_RETENTION_DAYS after the Fabrique's publication).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.accounts.services import normalize_email, user_find_by_email
from fabriques.core.services import audit_event_create, history_author_set
from fabriques.programme.models import Fabrique, FabriqueStatus
from fabriques.territories.models import Participation

from .models import (
    OPTIONAL_FACTS,
    PERSONAL_FIELDS,
    UNIQUE_CURRENT_EMAIL,
    GroupRole,
    Member,
    StakeholderFamily,
    WorkingGroup,
)
from .validators import normalize_organisation_identifier

# The fields a person fills in for a member (form, import); the rest is the services'.
MEMBER_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "organisation_name",
    "organisation_identifier",
    "family",
    "family_detail",
    "role",
    "joined_how",
    "joined_on",
    "lawful_basis",
    "consent_on",
    "gender",
    "age_band",
    "qpv_inhabitant",
    "public_name_opt_in",
)


def _duplicate(email: str) -> str:
    return _("Un membre actuel du groupe de travail a déjà l’adresse électronique « %s ».") % email


def working_group_for(*, participation: Participation) -> WorkingGroup:
    """The territory's working group, created the first time something is written to it."""
    group, _created = WorkingGroup.objects.get_or_create(
        participation=participation,
        defaults={"name": _("Groupe de travail local — %s") % participation.label},
    )
    group.participation = participation
    return group


def _clean_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: data[name] for name in MEMBER_FIELDS if name in data}
    for name in ("first_name", "last_name", "phone", "organisation_name", "family_detail"):
        if name in values:
            values[name] = (values[name] or "").strip()
    if "email" in values:
        values["email"] = normalize_email(values["email"] or "")
    if "organisation_identifier" in values:
        values["organisation_identifier"] = normalize_organisation_identifier(
            values["organisation_identifier"]
        )
    for name in ("gender", "age_band"):
        if name in values and not values[name]:
            values[name] = None
    return values


def _check_consent(member: Member) -> None:
    """Optional facts only with the person's consent (the database checks it too)."""
    given = [name for name in OPTIONAL_FACTS if getattr(member, name) is not None]
    if given and member.consent_on is None:
        raise ValidationError(
            {
                "consent_on": _(
                    "Le genre, la tranche d’âge et la résidence en QPV ne se renseignent "
                    "qu’avec le consentement de la personne : indiquez la date du "
                    "consentement ou laissez-les vides."
                )
            }
        )
    if member.consent_on is not None and member.consent_on > timezone.localdate():
        raise ValidationError(
            {"consent_on": _("La date du consentement ne peut pas être dans le futur.")}
        )


def _validate(member: Member) -> None:
    _check_consent(member)
    try:
        member.full_clean()
    except ValidationError as error:
        # The uniqueness of current addresses is a constraint without a field: put it on
        # the e-mail field, where the person can fix it.
        if not hasattr(error, "error_dict") or "__all__" not in error.error_dict:
            raise
        general = error.error_dict.pop("__all__")
        duplicate = [e for e in general if e.code == "duplicate_email"]
        errors: dict[str, list[Any]] = dict(error.error_dict)
        if duplicate:
            errors.setdefault("email", []).append(
                ValidationError(_duplicate(member.email), code="duplicate_email")
            )
        rest = [e for e in general if e.code != "duplicate_email"]
        if rest:
            errors["__all__"] = rest
        raise ValidationError(errors) from error


def _save(member: Member, *, update_fields: list[str] | None = None) -> None:
    try:
        with transaction.atomic():
            member.save(update_fields=update_fields)
    except IntegrityError as error:
        # Two people adding the same address at once: the constraint decides (SQLite names
        # the columns, PostgreSQL the constraint).
        if UNIQUE_CURRENT_EMAIL in str(error) or "UNIQUE" in str(error).upper():
            raise ValidationError({"email": _duplicate(member.email)}) from error
        raise


@transaction.atomic
def member_add(
    *, participation: Participation, actor: User | None, data: Mapping[str, Any]
) -> Member:
    """Add a person to the territory's group; linked to their account if one has the address."""
    member = _member_add_quiet(participation=participation, actor=actor, data=data)
    audit_event_create(
        action="member.added",
        obj=member,
        actor=actor,
        summary=_("Membre ajouté au groupe de travail de %(territory)s")
        % {"territory": participation.label},
        data={"working_group": member.working_group_id, "participation": participation.pk},
    )
    return member


@transaction.atomic
def member_update(*, member: Member, actor: User | None, data: Mapping[str, Any]) -> Member:
    values = _clean_values(data)
    changed = [name for name, value in values.items() if getattr(member, name) != value]
    if not changed:
        return member
    for name in changed:
        setattr(member, name, values[name])
    if "email" in changed:
        member.user = user_find_by_email(member.email) if member.email else None
        changed.append("user")
    _validate(member)
    history_author_set(member, actor)
    _save(member, update_fields=[*changed, "updated_at"])
    audit_event_create(
        action="member.updated",
        obj=member,
        actor=actor,
        summary=_("Membre du groupe de travail modifié"),
        # Which fields changed, never their values (personal data).
        data={"fields": sorted(set(changed))},
    )
    return member


@transaction.atomic
def member_leave(
    *, member: Member, actor: User | None, left_on: datetime.date | None = None
) -> Member:
    """The member leaves the group; the row and its history stay."""
    if member.left_on is not None:
        raise ValidationError(
            _("Ce membre a déjà quitté le groupe le %s.") % member.left_on.strftime("%d/%m/%Y")
        )
    member.left_on = left_on or timezone.localdate()
    if member.left_on < member.joined_on:
        raise ValidationError(
            {"left_on": _("La date de départ ne peut pas précéder la date d’arrivée.")}
        )
    history_author_set(member, actor)
    member.save(update_fields=["left_on", "updated_at"])
    audit_event_create(
        action="member.left",
        obj=member,
        actor=actor,
        summary=_("Départ d’un membre du groupe de travail"),
        data={"left_on": member.left_on.isoformat()},
    )
    return member


@transaction.atomic
def member_rejoin(*, member: Member, actor: User | None) -> Member:
    """A member who had left comes back: current again, unless their address is now taken."""
    if member.left_on is None:
        raise ValidationError(_("Ce membre fait déjà partie du groupe."))
    taken = (
        Member.objects.filter(
            working_group_id=member.working_group_id,
            left_on__isnull=True,
            email__iexact=member.email,
        )
        .exclude(pk=member.pk)
        .exists()
    )
    if member.email and taken:
        raise ValidationError({"email": _duplicate(member.email)})
    member.left_on = None
    history_author_set(member, actor)
    _save(member, update_fields=["left_on", "updated_at"])
    audit_event_create(
        action="member.rejoined",
        obj=member,
        actor=actor,
        summary=_("Retour d’un membre dans le groupe de travail"),
    )
    return member


@transaction.atomic
def member_consent_record(
    *,
    member: Member,
    actor: User | None,
    consent_on: datetime.date | None,
    gender: str | None = None,
    age_band: str | None = None,
    qpv_inhabitant: bool | None = None,
) -> Member:
    """Record (or, with `consent_on` None, withdraw) the consent and the optional facts.

    Withdrawing the consent erases the facts given with it.
    """
    member.consent_on = consent_on
    if consent_on is None:
        member.gender = member.age_band = member.qpv_inhabitant = None
    else:
        member.gender, member.age_band = gender or None, age_band or None
        member.qpv_inhabitant = qpv_inhabitant
    _validate(member)
    history_author_set(member, actor)
    member.save(update_fields=["consent_on", *OPTIONAL_FACTS, "updated_at"])
    audit_event_create(
        action="member.consent_recorded" if consent_on else "member.consent_withdrawn",
        obj=member,
        actor=actor,
        summary=_("Consentement d’un membre enregistré")
        if consent_on
        else _("Consentement d’un membre retiré"),
    )
    return member


@transaction.atomic
def member_public_name_set(*, member: Member, actor: User | None, opt_in: bool) -> Member:
    """The member's own choice to be named (name and organisation) in public minutes."""
    if member.public_name_opt_in == opt_in:
        return member
    member.public_name_opt_in = opt_in
    _validate(member)
    history_author_set(member, actor)
    member.save(update_fields=["public_name_opt_in", "updated_at"])
    audit_event_create(
        action="member.public_name_set",
        obj=member,
        actor=actor,
        summary=_("Choix d’un membre d’être nommé dans les comptes rendus publics")
        if opt_in
        else _("Retrait d’un membre des noms cités dans les comptes rendus publics"),
        data={"public_name_opt_in": opt_in},
    )
    return member


@dataclass(frozen=True)
class ImportRow:
    """One line of an imported file, as it will be created (`line`: its number in the file)."""

    line: int
    values: dict[str, Any]

    @property
    def family_label(self) -> str:
        return str(StakeholderFamily(self.values["family"]).label)

    @property
    def role_label(self) -> str:
        return str(GroupRole(self.values["role"]).label)


@transaction.atomic
def members_import(
    *, participation: Participation, actor: User | None, rows: Iterable[ImportRow]
) -> list[Member]:
    """Create every row or none: the first refusal undoes the whole file."""
    rows = list(rows)
    created: list[Member] = []
    for row in rows:
        try:
            with transaction.atomic():
                created.append(
                    _member_add_quiet(participation=participation, actor=actor, data=row.values)
                )
        except ValidationError as error:
            raise ValidationError(
                _("Ligne %(line)d : %(errors)s")
                % {"line": row.line, "errors": " ".join(_messages(error))}
            ) from error
    group = working_group_for(participation=participation)
    audit_event_create(
        action="members.imported",
        obj=group,
        actor=actor,
        summary=_("%(count)d membre(s) importé(s) dans le groupe de travail de %(territory)s")
        % {"count": len(created), "territory": participation.label},
        data={"count": len(created), "members": [m.pk for m in created]},
    )
    return created


def _member_add_quiet(
    *, participation: Participation, actor: User | None, data: Mapping[str, Any]
) -> Member:
    group = working_group_for(participation=participation)
    member = Member(working_group=group, **_clean_values(data))
    if member.joined_on is None:
        member.joined_on = timezone.localdate()
    member.user = user_find_by_email(member.email) if member.email else None
    _validate(member)
    history_author_set(member, actor)
    _save(member)
    return member


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages in error.message_dict.values() for m in messages]
    return list(error.messages)


def working_group_export_record(
    *, participation: Participation, actor: User | None, count: int
) -> None:
    """Audit the download of a group's member list (personal data leaving the platform)."""
    with transaction.atomic():
        audit_event_create(
            action="members.exported",
            obj=participation,
            actor=actor,
            summary=_("Liste des membres du groupe de travail de %(territory)s exportée")
            % {"territory": participation.label},
            data={"count": count},
        )


def _blank(member: Member) -> None:
    for name in PERSONAL_FIELDS:
        setattr(member, name, "")
    for name in OPTIONAL_FACTS:
        setattr(member, name, None)
    member.user = None
    member.consent_on = None
    member.public_name_opt_in = False


def members_erase_person(*, user: User) -> int:
    """Blank the person's member rows (found by account or address); the shape stays."""
    email = (user.email or "").strip().lower()
    condition = Q(user_id=user.pk)
    if email:
        condition |= Q(email__iexact=email)
    count = 0
    for member in Member.objects.filter(condition):
        _blank(member)
        # An erased member cannot rejoin as someone: they are recorded as having left.
        member.left_on = member.left_on or max(timezone.localdate(), member.joined_on)
        member.save(
            update_fields=[
                *PERSONAL_FIELDS,
                *OPTIONAL_FACTS,
                "user",
                "consent_on",
                "public_name_opt_in",
                "left_on",
                "updated_at",
            ]
        )
        count += 1
    return count


def fabrique_published_on(fabrique: Fabrique) -> datetime.datetime | None:
    """When the Fabrique was first recorded as published (its version history)."""
    row = (
        Fabrique.history.filter(id=fabrique.pk, status=FabriqueStatus.PUBLISHED)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    return row


@transaction.atomic
def members_purge(*, days: int, now: datetime.datetime | None = None) -> int:
    """Delete the members of the Fabriques published more than `days` days ago.

    The rows and their history go; the working group itself (a name, a description) stays.
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    published = Fabrique.objects.filter(
        status__in=[FabriqueStatus.PUBLISHED, FabriqueStatus.FOLLOW_UP],
        participations__working_group__members__isnull=False,
    ).distinct()
    deleted = 0
    for fabrique in published:
        published_on = fabrique_published_on(fabrique)
        if published_on is None or published_on >= cutoff:
            continue
        members = Member.objects.filter(working_group__participation__fabrique=fabrique)
        ids = list(members.values_list("pk", flat=True))
        members.delete()
        # The deletion records one more history row per member: those go too.
        Member.history.filter(id__in=ids).delete()
        deleted += len(ids)
        audit_event_create(
            action="members.purged",
            obj=fabrique,
            summary=_(
                "%(count)d membre(s) des groupes de travail supprimé(s), %(days)d jours après "
                "la publication de la Fabrique"
            )
            % {"count": len(ids), "days": days},
            data={"count": len(ids), "days": days},
        )
    return deleted
