"""Writes for the programme: Fabriques, their territories, organisations and their roles."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from fabriques.accounts.models import Membership, MembershipRole, User
from fabriques.core.services import audit_event_create, history_author_set
from fabriques.core.text import normalize
from fabriques.territories.models import (
    Commune,
    Epci,
    Participation,
    ParticipationKind,
    Qpv,
    is_one_territory,
)

from .models import (
    COHORT_STATUSES,
    MAX_TERRITORIES,
    MIN_TERRITORIES,
    AnctProgramme,
    Fabrique,
    FabriqueOrganisation,
    FabriqueStatus,
    Milestone,
    Organisation,
    ProgrammeYear,
    Role,
    Theme,
)


def fabrique_search_text(*, fabrique: Fabrique) -> str:
    """The accent-free text the catalogue searches: title, texts, themes, organisations, places."""
    parts: list[str] = [fabrique.title, fabrique.summary, fabrique.objective]
    parts += [t.name for t in fabrique.themes.all()]
    parts += [p.name for p in fabrique.anct_programmes.all()]
    for role in fabrique.roles.select_related("organisation"):
        parts += [role.organisation.name, role.organisation.acronym]
    for p in fabrique.participations.select_related("commune", "epci", "qpv", "departement"):
        parts += [p.label, p.departement.name]
        parts += [e.name for e in (p.commune, p.epci, p.qpv) if e is not None]
    return normalize(" ".join(filter(None, parts)))


def fabrique_refresh_search_text(*, fabrique: Fabrique) -> bool:
    """Recompute the search text; returns whether it changed."""
    text = fabrique_search_text(fabrique=fabrique)
    if text == fabrique.search_text:
        return False
    fabrique.search_text = text
    # Bypass history: the search text is derived data, not an edit.
    Fabrique.objects.filter(pk=fabrique.pk).update(search_text=text)
    return True


def organisation_search_text(*, organisation: Organisation) -> str:
    return normalize(f"{organisation.name} {organisation.acronym}")


def fabrique_cohort_errors(*, status: str, territory_count: int) -> list[str]:
    """A running (or later) Fabrique gathers four to eight territories."""
    if status in COHORT_STATUSES and not MIN_TERRITORIES <= territory_count <= MAX_TERRITORIES:
        return [
            _(
                "Une Fabrique en cours ou terminée réunit de %(min)d à %(max)d territoires ; "
                "celle-ci en compte %(count)d."
            )
            % {"min": MIN_TERRITORIES, "max": MAX_TERRITORIES, "count": territory_count}
        ]
    return []


def _next_position(rows: models.QuerySet[Any]) -> int:
    """The position after the last of `rows` (0 when there is none yet)."""
    last = rows.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


# --- Participations: the territories of a Fabrique's cohort --------------------------------


@transaction.atomic
def participation_create(
    *,
    fabrique: Fabrique,
    kind: str,
    commune: Commune | None = None,
    epci: Epci | None = None,
    qpv: Qpv | None = None,
    label: str,
    actor: User | None = None,
) -> Participation:
    """Add a territory to a Fabrique's cohort, after every other territory already in it.

    The département is copied from the referential entity (for a QPV, the QPV's own), so
    the catalogue filters by département without joining three tables.
    """
    entity = {
        ParticipationKind.COMMUNE: commune,
        ParticipationKind.EPCI: epci,
        ParticipationKind.QPV: qpv,
    }.get(kind)  # type: ignore[call-overload]
    if entity is None:
        raise ValidationError(
            {"kind": _("Choisissez le territoire accompagné dans le référentiel.")}
        )
    if not is_one_territory(kind, commune=commune, epci=epci, qpv=qpv):
        if kind == ParticipationKind.QPV:
            raise ValidationError(
                {
                    "qpv": _(
                        "Indiquez la collectivité qui porte le quartier prioritaire : "
                        "une commune ou un EPCI, pas les deux."
                    )
                }
            )
        raise ValidationError({"kind": _("Un territoire accompagné désigne un seul territoire.")})
    if Participation.objects.filter(
        fabrique=fabrique, kind=kind, **{f"{kind}_id": entity.pk}
    ).exists():
        raise ValidationError(
            {
                kind: _("%(name)s est déjà un territoire accompagné de cette Fabrique.")
                % {"name": entity.name}
            }
        )
    participation = Participation(
        fabrique=fabrique,
        kind=kind,
        commune=commune,
        epci=epci,
        qpv=qpv,
        label=label.strip() or entity.name,
        departement_id=entity.departement_id,
        position=_next_position(Participation.objects.filter(fabrique=fabrique)),
    )
    participation.full_clean()
    participation.save()
    audit_event_create(
        action="participation.created",
        obj=participation,
        actor=actor,
        summary=_("%(label)s rejoint la Fabrique « %(fabrique)s »")
        % {"label": participation.label, "fabrique": fabrique.title},
        data={"fabrique": fabrique.pk, "kind": kind, "entity": entity.pk},
    )
    fabrique_refresh_search_text(fabrique=fabrique)
    return participation


# --- Workspace: programme years, design, organisations, milestones, team ------------------

# Paths that sit next to /espace/fabriques/<slug>/: a Fabrique never takes them as slug.
RESERVED_SLUGS = frozenset({"annees", "ajouter"})


def _unique_slug(model: type[models.Model], text: str, *, fallback: str) -> str:
    """A slug from `text`, suffixed with -2, -3… until no row of `model` uses it."""
    max_length = getattr(model._meta.get_field("slug"), "max_length", None) or 50
    base = slugify(text)[: max_length - 4].strip("-") or fallback
    taken = set(model._default_manager.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= RESERVED_SLUGS
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def fabrique_lock(fabrique: Fabrique) -> Fabrique:
    """The Fabrique's row, locked until the transaction ends (serialises its writes)."""
    return Fabrique.objects.select_for_update().get(pk=fabrique.pk)


def _display(value: Any) -> Any:
    """A JSON-friendly form of a field value for audit data."""
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


@transaction.atomic
def programme_year_create(
    *,
    year: int,
    actor: User,
    target_fabriques: int | None = None,
    declared_territories: int | None = None,
) -> ProgrammeYear:
    if ProgrammeYear.objects.filter(year=year).exists():
        raise ValidationError({"year": _("L’année %(year)d existe déjà.") % {"year": year}})
    programme_year = ProgrammeYear(
        year=year, target_fabriques=target_fabriques, declared_territories=declared_territories
    )
    programme_year.full_clean()
    programme_year.save()
    audit_event_create(
        action="programme_year.created",
        obj=programme_year,
        actor=actor,
        summary=_("Année de programme %(year)d créée") % {"year": year},
        data={"target_fabriques": target_fabriques},
    )
    return programme_year


@transaction.atomic
def programme_year_update(
    *,
    programme_year: ProgrammeYear,
    actor: User,
    target_fabriques: int | None,
    declared_territories: int | None,
) -> ProgrammeYear:
    changes = {
        name: [_display(getattr(programme_year, name)), _display(value)]
        for name, value in (
            ("target_fabriques", target_fabriques),
            ("declared_territories", declared_territories),
        )
        if getattr(programme_year, name) != value
    }
    if not changes:
        return programme_year
    programme_year.target_fabriques = target_fabriques
    programme_year.declared_territories = declared_territories
    programme_year.full_clean()
    programme_year.save(update_fields=list(changes))
    audit_event_create(
        action="programme_year.updated",
        obj=programme_year,
        actor=actor,
        summary=_("Année de programme %(year)d modifiée") % {"year": programme_year.year},
        data={"changes": changes},
    )
    return programme_year


def fabrique_design_problems(*, fabrique: Fabrique) -> list[str]:
    """What a Fabrique needs to count as designed (the guard of « designed » in fabriques/cycle/services.py); 2 queries."""
    problems = []
    if not fabrique.themes.exists():
        problems.append(_("Choisissez au moins un thème."))
    if not fabrique.objective.strip():
        problems.append(_("Rédigez l’objectif de la Fabrique."))
    if fabrique.programme_year_id is None:
        problems.append(_("Rattachez la Fabrique à une année de programme."))
    if not fabrique.roles.filter(role=Role.ELECTED_ASSOCIATION).exists():
        problems.append(_("Associez au moins une association d’élus partenaire."))
    return problems


def fabrique_months_problems(*, fabrique: Fabrique) -> list[str]:
    problems = []
    if fabrique.start_month is None:
        problems.append(_("Indiquez le mois de début de la Fabrique."))
    if fabrique.end_month is None:
        problems.append(_("Indiquez le mois de fin de la Fabrique."))
    return problems


# Fields a manager edits on the design page; themes and programmes are many-to-many.
DESIGN_FIELDS = ("title", "programme_year", "summary", "objective", "start_month", "end_month")
DESIGN_M2M = ("themes", "anct_programmes")


@transaction.atomic
def fabrique_create(
    *,
    title: str,
    programme_year: ProgrammeYear,
    actor: User,
    themes: Iterable[Theme] = (),
    anct_programmes: Iterable[AnctProgramme] = (),
    summary: str = "",
    objective: str = "",
    start_month: datetime.date | None = None,
    end_month: datetime.date | None = None,
) -> Fabrique:
    """A new Fabrique at the idea stage; its slug comes from the title."""
    fabrique = Fabrique(
        slug=_unique_slug(Fabrique, title, fallback="fabrique"),
        title=title.strip(),
        programme_year=programme_year,
        summary=summary,
        objective=objective,
        start_month=start_month,
        end_month=end_month,
        status=FabriqueStatus.IDEA,
    )
    history_author_set(fabrique, actor)
    fabrique.full_clean()
    fabrique.save()
    fabrique.themes.set(list(themes))
    fabrique.anct_programmes.set(list(anct_programmes))
    fabrique_refresh_search_text(fabrique=fabrique)
    audit_event_create(
        action="fabrique.created",
        obj=fabrique,
        actor=actor,
        summary=_("Fabrique «\u00a0%(title)s\u00a0» créée") % {"title": fabrique.title},
        data={"year": programme_year.year},
    )
    return fabrique


@transaction.atomic
def fabrique_update(*, fabrique: Fabrique, actor: User, data: Mapping[str, Any]) -> Fabrique:
    """Change a Fabrique's design; a designed (or later) Fabrique keeps what its status needs.

    `data` holds any of DESIGN_FIELDS and DESIGN_M2M. Raises ValidationError (French
    messages) and changes nothing when the result would break the status' requirements.
    """
    unknown = set(data) - set(DESIGN_FIELDS) - set(DESIGN_M2M)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    fabrique = fabrique_lock(fabrique)
    changes: dict[str, list[Any]] = {}
    for name in DESIGN_FIELDS:
        if name in data and getattr(fabrique, name) != data[name]:
            changes[name] = [_display(getattr(fabrique, name)), _display(data[name])]
            setattr(fabrique, name, data[name])
    for name in DESIGN_M2M:
        if name not in data:
            continue
        before = {obj.pk for obj in getattr(fabrique, name).all()}
        after = {obj.pk for obj in data[name]}
        if before != after:
            changes[name] = [sorted(before), sorted(after)]
            getattr(fabrique, name).set(list(data[name]))
    if not changes:
        return fabrique
    fabrique.full_clean()
    problems = []
    if fabrique.status != FabriqueStatus.IDEA:
        problems += fabrique_design_problems(fabrique=fabrique)
    if fabrique.status in COHORT_STATUSES:
        problems += fabrique_months_problems(fabrique=fabrique)
    if problems:
        status = FabriqueStatus(fabrique.status).label
        header = _("Une Fabrique au statut «\u00a0%(status)s\u00a0» doit rester complète :")
        raise ValidationError([header % {"status": status}, *problems])
    fields = [name for name in DESIGN_FIELDS if name in changes]
    history_author_set(fabrique, actor)
    if fields:
        fabrique.save(update_fields=[*fields, "updated_at"])
    fabrique_refresh_search_text(fabrique=fabrique)
    audit_event_create(
        action="fabrique.updated",
        obj=fabrique,
        actor=actor,
        summary=_("Conception de la Fabrique modifiée : %(fields)s")
        % {
            "fields": ", ".join(
                str(getattr(Fabrique._meta.get_field(n), "verbose_name", n)) for n in changes
            )
        },
        data={"changes": changes},
    )
    return fabrique


@transaction.atomic
def organisation_create(*, name: str, kind: str, actor: User, acronym: str = "") -> Organisation:
    name, acronym = name.strip(), acronym.strip()
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationError(
            {
                "new_name": _(
                    "Une organisation s’appelle déjà «\u00a0%(name)s\u00a0» : "
                    "choisissez-la dans la liste."
                )
                % {"name": name}
            }
        )
    organisation = Organisation(
        slug=_unique_slug(Organisation, acronym or name, fallback="organisation"),
        name=name,
        acronym=acronym,
        kind=kind,
    )
    organisation.search_text = organisation_search_text(organisation=organisation)
    organisation.full_clean()
    organisation.save()
    audit_event_create(
        action="organisation.created",
        obj=organisation,
        actor=actor,
        summary=_("Organisation «\u00a0%(name)s\u00a0» créée") % {"name": organisation},
    )
    return organisation


@transaction.atomic
def fabrique_organisation_add(
    *,
    fabrique: Fabrique,
    organisation: Organisation,
    role: str,
    actor: User,
    amount: Decimal | None = None,
    contact_name: str = "",
) -> FabriqueOrganisation:
    """Give an organisation a role in a Fabrique (one provider at most; amounts for co-funders)."""
    fabrique = fabrique_lock(fabrique)
    label = Role(role).label
    if amount is not None and role != Role.COFUNDER:
        raise ValidationError({"amount": _("Seul un cofinanceur a un montant.")})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": _("Le montant ne peut pas être négatif.")})
    if FabriqueOrganisation.objects.filter(
        fabrique=fabrique, organisation=organisation, role=role
    ).exists():
        raise ValidationError(
            _("%(organisation)s a déjà le rôle «\u00a0%(role)s\u00a0» dans cette Fabrique.")
            % {"organisation": organisation, "role": label}
        )
    if role == Role.PROVIDER:
        current = (
            FabriqueOrganisation.objects.filter(fabrique=fabrique, role=Role.PROVIDER)
            .select_related("organisation")
            .first()
        )
        if current is not None:
            raise ValidationError(
                _(
                    "Cette Fabrique a déjà un prestataire : %(organisation)s. "
                    "Retirez-le avant d’en désigner un autre."
                )
                % {"organisation": current.organisation}
            )
    fabrique_organisation = FabriqueOrganisation(
        fabrique=fabrique,
        organisation=organisation,
        role=role,
        amount=amount,
        contact_name=contact_name.strip(),
        position=_next_position(FabriqueOrganisation.objects.filter(fabrique=fabrique, role=role)),
    )
    fabrique_organisation.full_clean()
    fabrique_organisation.save()
    fabrique_refresh_search_text(fabrique=fabrique)
    audit_event_create(
        action="fabrique.organisation_added",
        obj=fabrique,
        actor=actor,
        summary=_("%(organisation)s ajoutée comme «\u00a0%(role)s\u00a0»")
        % {"organisation": organisation, "role": label},
        data={
            "organisation": organisation.pk,
            "role": role,
            "amount": _display(amount),
        },
    )
    return fabrique_organisation


@transaction.atomic
def fabrique_organisation_remove(
    *, fabrique_organisation: FabriqueOrganisation, actor: User
) -> None:
    """Remove an organisation's role, unless the Fabrique's status needs it."""
    fabrique = fabrique_lock(fabrique_organisation.fabrique)
    role = fabrique_organisation.role
    if role == Role.PROVIDER and fabrique.status in COHORT_STATUSES:
        raise ValidationError(
            _("Le prestataire d’une Fabrique en cours ou terminée ne peut pas être retiré.")
        )
    if (
        role == Role.ELECTED_ASSOCIATION
        and fabrique.status != FabriqueStatus.IDEA
        and not fabrique.roles.filter(role=Role.ELECTED_ASSOCIATION)
        .exclude(pk=fabrique_organisation.pk)
        .exists()
    ):
        raise ValidationError(
            _(
                "Une Fabrique conçue garde au moins une association d’élus partenaire : "
                "ajoutez-en une autre avant de retirer celle-ci."
            )
        )
    organisation = fabrique_organisation.organisation
    audit_event_create(
        action="fabrique.organisation_removed",
        obj=fabrique,
        actor=actor,
        summary=_("%(organisation)s retirée du rôle «\u00a0%(role)s\u00a0»")
        % {"organisation": organisation, "role": Role(role).label},
        data={"organisation": organisation.pk, "role": role},
    )
    history_author_set(fabrique_organisation, actor)
    fabrique_organisation.delete()
    fabrique_refresh_search_text(fabrique=fabrique)
    _team_memberships_end(fabrique=fabrique, organisation=organisation, actor=actor)


def _team_memberships_end(*, fabrique: Fabrique, organisation: Organisation, actor: User) -> None:
    """Revoke the roles held in `organisation` for `fabrique` that its remaining parts no longer
    justify: the consultants once it is no longer the provider, the members once it is no
    longer a partner. The grants check the organisation's current role anyway (access ends at
    once); this removes the rows, each revocation audited. Organisation-wide roles stay."""
    from fabriques.accounts.services import membership_revoke

    remaining = set(
        FabriqueOrganisation.objects.filter(
            fabrique=fabrique, organisation=organisation
        ).values_list("role", flat=True)
    )
    ended = []
    if Role.PROVIDER not in remaining:
        ended.append(MembershipRole.PROVIDER_CONSULTANT)
    if not remaining - {Role.PROVIDER}:
        ended.append(MembershipRole.PARTNER_MEMBER)
    memberships = Membership.objects.filter(
        fabrique=fabrique, organisation=organisation, role__in=ended
    ).select_related("user", "organisation", "fabrique")
    for membership in memberships:
        audit_event_create(
            action="fabrique.team_revoked",
            obj=fabrique,
            actor=actor,
            summary=_(
                "Rôle «\u00a0%(role)s\u00a0» retiré à %(person)s : %(organisation)s a quitté la Fabrique"
            )
            % {
                "role": membership.get_role_display(),
                "person": membership.user.display_name,
                "organisation": organisation,
            },
            data={
                "user": membership.user_id,
                "role": membership.role,
                "organisation": organisation.pk,
                "organisation_wide": False,
            },
        )
        membership_revoke(membership=membership, actor=actor)


@transaction.atomic
def milestones_generate(
    *, fabrique: Fabrique, actor: User, start: datetime.date | None = None
) -> list[Milestone]:
    """The default calendar (milestones.DEFAULT_TEMPLATE) from `start` or the first month.

    Refuses when the Fabrique already has milestones: generating twice never duplicates.
    """
    from .milestones import plan_milestones

    fabrique = fabrique_lock(fabrique)
    if fabrique.milestones.exists():
        raise ValidationError(
            _(
                "Le calendrier de cette Fabrique contient déjà des jalons : modifiez-les, ou "
                "supprimez-les tous avant d’en générer de nouveaux."
            )
        )
    start = start or fabrique.start_month
    if start is None:
        raise ValidationError(
            {"start": _("Indiquez le mois de lancement, ou le mois de début de la Fabrique.")}
        )
    milestones = []
    for planned in plan_milestones(start.replace(day=1)):
        milestone = Milestone(
            fabrique=fabrique,
            kind=planned.kind,
            title=planned.title,
            date=planned.date,
            position=planned.position,
        )
        milestone.full_clean()
        milestone.save()
        milestones.append(milestone)
    audit_event_create(
        action="fabrique.milestones_generated",
        obj=fabrique,
        actor=actor,
        summary=_("Calendrier généré à partir de %(month)s (%(count)d jalons)")
        % {"month": f"{start:%m/%Y}", "count": len(milestones)},
        data={"start": str(start.replace(day=1)), "count": len(milestones)},
    )
    return milestones


@transaction.atomic
def milestones_save(
    *,
    fabrique: Fabrique,
    actor: User,
    milestones: Sequence[Milestone],
    deleted: Sequence[Milestone] = (),
) -> None:
    """Create or update `milestones` and delete `deleted`, all of this Fabrique's calendar."""
    fabrique = fabrique_lock(fabrique)
    created = updated = 0
    for milestone in [*milestones, *deleted]:
        if milestone.pk is not None and milestone.fabrique_id != fabrique.pk:
            raise ValidationError(_("Ce jalon n’appartient pas à cette Fabrique."))
    for milestone in milestones:
        milestone.fabrique = fabrique
        milestone.full_clean()
        if milestone.pk is None:
            created += 1
        else:
            updated += 1
        milestone.save()
    for milestone in deleted:
        milestone.delete()
    if created or updated or deleted:
        audit_event_create(
            action="fabrique.milestones_updated",
            obj=fabrique,
            actor=actor,
            summary=_(
                "Calendrier modifié : %(created)d ajouté(s), %(updated)d modifié(s), %(deleted)d supprimé(s)"
            )
            % {"created": created, "updated": updated, "deleted": len(deleted)},
            data={"created": created, "updated": updated, "deleted": len(deleted)},
        )


class _TeamTarget(TypedDict, total=False):
    fabrique: Fabrique
    organisation: Organisation


def _team_target(
    *, fabrique: Fabrique, role: str, organisation: Organisation | None
) -> _TeamTarget:
    """Where a team role is held: the Fabrique for a pilot; otherwise one of its organisations,
    for this Fabrique only (an organisation-wide role is an administrator's decision, taken in
    the Django admin or with `manage.py invite`)."""

    if role == MembershipRole.ANCT_PILOT:
        return {"fabrique": fabrique}
    if role not in (MembershipRole.PARTNER_MEMBER, MembershipRole.PROVIDER_CONSULTANT):
        raise ValidationError(
            {"role": _("Ce rôle ne se donne pas depuis l’équipe d’une Fabrique.")}
        )
    if organisation is None:
        raise ValidationError({"organisation": _("Choisissez l’organisation de la personne.")})
    roles = FabriqueOrganisation.objects.filter(fabrique=fabrique, organisation=organisation)
    if role == MembershipRole.PROVIDER_CONSULTANT and not roles.filter(role=Role.PROVIDER).exists():
        raise ValidationError(
            {
                "organisation": _("%(organisation)s n’est pas le prestataire de cette Fabrique.")
                % {"organisation": organisation}
            }
        )
    if role == MembershipRole.PARTNER_MEMBER and not roles.exclude(role=Role.PROVIDER).exists():
        raise ValidationError(
            {
                "organisation": _("%(organisation)s n’est pas partenaire de cette Fabrique.")
                % {"organisation": organisation}
            }
        )
    return {"organisation": organisation, "fabrique": fabrique}


@transaction.atomic
def fabrique_team_invite(
    *,
    fabrique: Fabrique,
    actor: User,
    email: str,
    role: str,
    organisation: Organisation | None = None,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Invite someone into a Fabrique's team: a pilot, or a member of one of its organisations.

    An organisation's member or consultant invited here holds the role for this Fabrique only,
    and only while the organisation plays that part in it. Who may give which role is decided
    by access.team_roles_for_user.
    """
    from fabriques.accounts.services import user_invite

    target = _team_target(fabrique=fabrique, role=role, organisation=organisation)
    user = user_invite(
        email=email,
        invited_by=actor,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=role,
        reason=_("Fabrique «\u00a0%(title)s\u00a0»") % {"title": fabrique.title},
        **target,
    )
    audit_event_create(
        action="fabrique.team_invited",
        obj=fabrique,
        actor=actor,
        summary=_("%(person)s invité(e) comme «\u00a0%(role)s\u00a0»")
        % {"person": user.display_name, "role": MembershipRole(role).label},
        data={"user": user.pk, "role": role, "organisation": getattr(organisation, "pk", None)},
    )
    return user


@transaction.atomic
def fabrique_team_revoke(*, fabrique: Fabrique, membership: Membership, actor: User) -> None:
    """Take a role back (access.get_team_membership_for_user decides which).

    A role held for this Fabrique ends here only; an organisation-wide one, which only an
    administrator may take back, ends in every Fabrique of the organisation.
    """
    from fabriques.accounts.services import membership_revoke

    audit_event_create(
        action="fabrique.team_revoked",
        obj=fabrique,
        actor=actor,
        summary=_("Rôle «\u00a0%(role)s\u00a0» retiré à %(person)s")
        % {"role": membership.get_role_display(), "person": membership.user.display_name},
        data={
            "user": membership.user_id,
            "role": membership.role,
            "organisation": membership.organisation_id,
            "organisation_wide": membership.is_organisation_wide,
        },
    )
    membership_revoke(membership=membership, actor=actor)


@transaction.atomic
def fabrique_organisation_add_new(
    *,
    fabrique: Fabrique,
    name: str,
    kind: str,
    role: str,
    actor: User,
    acronym: str = "",
    amount: Decimal | None = None,
    contact_name: str = "",
) -> FabriqueOrganisation:
    """Create an organisation and give it a role; neither happens if either is refused."""
    organisation = organisation_create(name=name, kind=kind, acronym=acronym, actor=actor)
    return fabrique_organisation_add(
        fabrique=fabrique,
        organisation=organisation,
        role=role,
        actor=actor,
        amount=amount,
        contact_name=contact_name,
    )
