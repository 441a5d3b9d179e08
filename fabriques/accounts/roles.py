"""Who may do what: one place that turns a person's memberships into grants.

A person's memberships are read once per request (two queries) into a `Grants` value; every
access decision is then a set lookup. The predicates below are plain typed functions, the
vocabulary that each app's `access.py` composes with `and`/`or`; views never check roles
themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from django.db import models

from .models import ORGANISATION_PROVIDER_ROLE, Membership, MembershipRole
from .types import Person, User

_CACHE_ATTR = "_fabriques_grants"


@dataclass(frozen=True)
class Grants:
    user_id: int | None = None
    is_admin: bool = False
    piloted: frozenset[int] = field(default_factory=frozenset)
    partner_organisations: frozenset[int] = field(default_factory=frozenset)
    provider_organisations: frozenset[int] = field(default_factory=frozenset)
    partner_fabriques: frozenset[int] = field(default_factory=frozenset)
    provider_fabriques: frozenset[int] = field(default_factory=frozenset)
    referent_participations: frozenset[int] = field(default_factory=frozenset)
    referent_fabriques: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_anct(self) -> bool:
        """ANCT staff: an administrator or the pilot of at least one Fabrique."""
        return self.is_admin or bool(self.piloted)

    @property
    def has_workspace(self) -> bool:
        return self.is_anct or bool(
            self.partner_fabriques
            | self.provider_fabriques
            | self.referent_fabriques
            | self.partner_organisations
            | self.provider_organisations
        )

    def manages(self, fabrique_id: int) -> bool:
        """Design, cycle, calls, selection and deliverable review of a Fabrique."""
        return self.is_admin or fabrique_id in self.piloted

    def is_provider_of(self, fabrique_id: int) -> bool:
        return fabrique_id in self.provider_fabriques

    def is_partner_of(self, fabrique_id: int) -> bool:
        return fabrique_id in self.partner_fabriques

    def is_referent_in(self, fabrique_id: int) -> bool:
        return fabrique_id in self.referent_fabriques

    def sees(self, fabrique_id: int) -> bool:
        """The Fabrique's collective work (calendar, accepted deliverables, cohort)."""
        return (
            self.manages(fabrique_id)
            or self.is_provider_of(fabrique_id)
            or self.is_partner_of(fabrique_id)
            or self.is_referent_in(fabrique_id)
        )

    def visible_fabrique_ids(self) -> frozenset[int] | None:
        """Ids of the Fabriques this person sees in their workspace; None means all."""
        if self.is_admin:
            return None
        return (
            self.piloted
            | self.provider_fabriques
            | self.partner_fabriques
            | (self.referent_fabriques)
        )


ANONYMOUS = Grants()


def grants_for(user: Person | None, *, refresh: bool = False) -> Grants:
    """The person's grants, computed once and kept on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached: Grants | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None and not refresh:
        return cached
    grants = _compute(user)
    setattr(user, _CACHE_ATTR, grants)
    return grants


def forget_grants(user: Person | None) -> None:
    """Drop the cached grants after memberships change in the same request."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _compute(user: User) -> Grants:
    is_admin = False
    piloted: set[int] = set()
    partner_orgs: set[int] = set()
    provider_orgs: set[int] = set()
    participations: set[int] = set()
    referent_fabriques: set[int] = set()
    rows = Membership.objects.filter(user=user).values_list(
        "role", "fabrique_id", "organisation_id", "participation_id", "participation__fabrique_id"
    )
    for role, fabrique_id, organisation_id, participation_id, participation_fabrique in rows:
        if role == MembershipRole.ANCT_ADMIN:
            is_admin = True
        elif role == MembershipRole.ANCT_PILOT:
            piloted.add(fabrique_id)
        elif role == MembershipRole.PARTNER_MEMBER:
            partner_orgs.add(organisation_id)
        elif role == MembershipRole.PROVIDER_CONSULTANT:
            provider_orgs.add(organisation_id)
        else:
            participations.add(participation_id)
            referent_fabriques.add(participation_fabrique)
    partner_fabriques: set[int] = set()
    provider_fabriques: set[int] = set()
    if partner_orgs or provider_orgs:
        # The organisations' roles in Fabriques, reached from the memberships through the
        # reverse relation of programme.FabriqueOrganisation (related_name "roles") so that
        # accounts, below programme, does not import it.
        org_roles = Membership.objects.filter(
            user=user,
            role__in=[MembershipRole.PARTNER_MEMBER, MembershipRole.PROVIDER_CONSULTANT],
            organisation__roles__isnull=False,
        ).values_list(
            "role", "fabrique_id", "organisation__roles__fabrique_id", "organisation__roles__role"
        )
        for membership_role, scope_id, fabrique_id, organisation_role in org_roles:
            # A role given from a Fabrique's team page (scope_id set) counts in that Fabrique
            # only; an organisation-wide one (an administrator's grant) in all of them.
            if scope_id is not None and scope_id != fabrique_id:
                continue
            # A provider's people see the Fabriques under its contract; a partner's people
            # see those where the organisation co-designs, partners or co-funds.
            is_provider = organisation_role == ORGANISATION_PROVIDER_ROLE
            if is_provider and membership_role == MembershipRole.PROVIDER_CONSULTANT:
                provider_fabriques.add(fabrique_id)
            elif not is_provider and membership_role == MembershipRole.PARTNER_MEMBER:
                partner_fabriques.add(fabrique_id)
    return Grants(
        user_id=user.pk,
        is_admin=is_admin,
        piloted=frozenset(piloted),
        partner_organisations=frozenset(partner_orgs),
        provider_organisations=frozenset(provider_orgs),
        partner_fabriques=frozenset(partner_fabriques),
        provider_fabriques=frozenset(provider_fabriques),
        referent_participations=frozenset(participations),
        referent_fabriques=frozenset(referent_fabriques),
    )


# A Fabrique, or a model that belongs to one through its fabrique_id (call, participation,
# deliverable). accounts sits below programme, so the Fabrique is recognised by its label.
HasFabrique: TypeAlias = models.Model


def _fabrique_id(obj: HasFabrique) -> int | None:
    if obj._meta.label_lower == "programme.fabrique":
        pk: int = obj.pk  # the Fabrique's AutoField
        return pk
    return getattr(obj, "fabrique_id", None)


# Predicates: the vocabulary of the access functions in each app's access.py.
def is_anct_staff(user: Person) -> bool:
    return grants_for(user).is_anct


def manages_fabrique(user: Person, obj: HasFabrique) -> bool:
    fabrique_id = _fabrique_id(obj)
    return fabrique_id is not None and grants_for(user).manages(fabrique_id)


def provides_fabrique(user: Person, obj: HasFabrique) -> bool:
    fabrique_id = _fabrique_id(obj)
    return fabrique_id is not None and grants_for(user).is_provider_of(fabrique_id)


def sees_fabrique(user: Person, obj: HasFabrique) -> bool:
    fabrique_id = _fabrique_id(obj)
    return fabrique_id is not None and grants_for(user).sees(fabrique_id)
