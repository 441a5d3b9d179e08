"""The shared cast of every access test: each role on Fabrique A, and outsiders on Fabrique B.

Build once per test class (`setUpTestData`) or per module (a `django_db_setup`-scoped fixture)
with `build_personas()`. Each persona is a saved user; `PASSWORD` logs any of them in.

    admin               ANCT administrator (programme-wide)
    pilot_a / pilot_b   ANCT pilot of Fabrique A / of Fabrique B
    partner_a/_b        member of an organisation that partners Fabrique A / B (for it)
    provider_a/_b       consultant of the provider of Fabrique A / B (for it)
    elected_a/_b        elected referent of a territory of Fabrique A / B
    technical_a         technical referent of the same territory of Fabrique A
    applicant           a local-authority agent with an account and no role
    outsider            an account with no role at all
    anonymous           None (not logged in)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from fabriques.accounts.models import MembershipRole, User
from fabriques.accounts.tests.factories import MembershipFactory, UserFactory
from fabriques.programme.models import (
    Fabrique,
    FabriqueStatus,
    Organisation,
    OrganisationKind,
    Role,
)
from fabriques.programme.tests.factories import (
    FabriqueFactory,
    FabriqueOrganisationFactory,
    OrganisationFactory,
    ProgrammeYearFactory,
)
from fabriques.territories.models import Participation
from fabriques.territories.tests.factories import ParticipationFactory

ROLE_NAMES = (
    "admin",
    "pilot_a",
    "pilot_b",
    "partner_a",
    "partner_b",
    "provider_a",
    "provider_b",
    "elected_a",
    "elected_b",
    "technical_a",
    "applicant",
    "outsider",
    "anonymous",
)


@dataclass
class Personas:
    fabrique_a: Fabrique
    fabrique_b: Fabrique
    participation_a: Participation
    participation_b: Participation
    provider_org_a: Organisation
    provider_org_b: Organisation
    partner_org_a: Organisation
    partner_org_b: Organisation
    users: dict[str, User]

    def __getattr__(self, name: str) -> User:
        """Each persona by its name: `cast.pilot_a`, `cast.admin`…"""
        users: dict[str, User] = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)

    def user(self, name: str) -> User | None:
        """The persona called `name`, None for "anonymous"."""
        return None if name == "anonymous" else self.users[name]


def build_personas(*, status: str = FabriqueStatus.RUNNING) -> Personas:
    """Two Fabriques of the same year, each with one person per role."""
    year = ProgrammeYearFactory.create(year=2026, target_fabriques=3)
    fabriques: dict[str, Fabrique] = {}
    participations: dict[str, Participation] = {}
    providers: dict[str, Organisation] = {}
    partners: dict[str, Organisation] = {}
    users: dict[str, User] = {}
    for key in ("a", "b"):
        fabrique = FabriqueFactory.create(
            slug=f"fabrique-{key}",
            title=f"Fabrique {key.upper()}",
            programme_year=year,
            status=status,
            start_month=datetime.date(2026, 2, 1),
            end_month=datetime.date(2027, 2, 1),
        )
        provider = OrganisationFactory.create(
            slug=f"prestataire-{key}",
            name=f"Prestataire {key.upper()}",
            kind=OrganisationKind.PROVIDER,
        )
        partner = OrganisationFactory.create(
            slug=f"partenaire-{key}",
            name=f"Association {key.upper()}",
            kind=OrganisationKind.ELECTED_ASSOCIATION,
        )
        FabriqueOrganisationFactory.create(
            fabrique=fabrique, organisation=provider, role=Role.PROVIDER
        )
        FabriqueOrganisationFactory.create(
            fabrique=fabrique, organisation=partner, role=Role.ELECTED_ASSOCIATION
        )
        participation = ParticipationFactory.create(fabrique=fabrique)
        fabriques[key], participations[key] = fabrique, participation
        providers[key], partners[key] = provider, partner

        users[f"pilot_{key}"] = _member(
            f"pilot_{key}", MembershipRole.ANCT_PILOT, fabrique=fabrique
        )
        # Held for this Fabrique, as the team page gives them (organisation-wide roles, an
        # administrator's decision, are tried in tests/access and test_team_scope).
        users[f"partner_{key}"] = _member(
            f"partner_{key}", MembershipRole.PARTNER_MEMBER, organisation=partner, fabrique=fabrique
        )
        users[f"provider_{key}"] = _member(
            f"provider_{key}",
            MembershipRole.PROVIDER_CONSULTANT,
            organisation=provider,
            fabrique=fabrique,
        )
        users[f"elected_{key}"] = _member(
            f"elected_{key}", MembershipRole.ELECTED_REFERENT, participation=participation
        )
    users["technical_a"] = _member(
        "technical_a", MembershipRole.TECHNICAL_REFERENT, participation=participations["a"]
    )
    users["admin"] = _member("admin", MembershipRole.ANCT_ADMIN)
    users["applicant"] = UserFactory.create(username="applicant@commune.fr")
    users["outsider"] = UserFactory.create(username="outsider@exemple.fr")
    return Personas(
        fabrique_a=fabriques["a"],
        fabrique_b=fabriques["b"],
        participation_a=participations["a"],
        participation_b=participations["b"],
        provider_org_a=providers["a"],
        provider_org_b=providers["b"],
        partner_org_a=partners["a"],
        partner_org_b=partners["b"],
        users=users,
    )


def _member(name: str, role: str, **target: Fabrique | Organisation | Participation | None) -> User:
    user = UserFactory.create(username=f"{name}@exemple.fr")
    MembershipFactory.create(user=user, role=role, **target)
    return user
