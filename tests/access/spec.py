"""What each persona may do on each route: the single table the access matrix test checks.

Outcomes of a GET: "ok" (200), "login" (redirected to a login page), "403", "404", "405",
"redirect" (another redirect). `writers` are the personas whose POST may change data; every
other persona's POST must be refused (403, 404, 405 or login) and leave the data unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fabriques.programme.tests.personas import ROLE_NAMES

EVERYONE = frozenset(ROLE_NAMES)
SIGNED_IN = EVERYONE - {"anonymous"}
# The personas who hold a role on Fabrique A, and those whose roles are on Fabrique B only.
MANAGERS_A = frozenset({"admin", "pilot_a"})
READERS_A = frozenset({"partner_a", "provider_a", "elected_a", "technical_a"})
ADMIN = frozenset({"admin"})
OUTSIDERS_A = frozenset(
    {"pilot_b", "partner_b", "provider_b", "elected_b", "applicant", "outsider"}
)


@dataclass(frozen=True)
class Case:
    kwargs: Callable[[Any], dict[str, Any]] = lambda world: {}
    get: dict[str, str] = field(default_factory=dict)
    writers: frozenset[str] = frozenset()
    label: str = ""
    query: str = ""


def outcomes(**groups: frozenset[str] | str) -> dict[str, str]:
    """Build {persona: outcome} from keyword groups, e.g. outcomes(ok=MANAGERS_A, 404=...)."""
    table: dict[str, str] = {}
    for outcome, personas in groups.items():
        outcome = outcome.removeprefix("s")  # s404 → 404 (keywords cannot start with a digit)
        for persona in [personas] if isinstance(personas, str) else personas:
            assert persona not in table, f"{persona} listed twice"
            table[persona] = outcome
    missing = EVERYONE - table.keys()
    assert not missing, f"no outcome for {sorted(missing)}"
    return table


PUBLIC = outcomes(ok=EVERYONE)
PUBLIC_HIDDEN = outcomes(s404=EVERYONE)
SIGNED_IN_ONLY = outcomes(ok=SIGNED_IN, login="anonymous")
MANAGE_A = outcomes(ok=MANAGERS_A, s403=READERS_A, s404=OUTSIDERS_A, login="anonymous")
SEE_A = outcomes(ok=MANAGERS_A | READERS_A, s404=OUTSIDERS_A, login="anonymous")
POST_ONLY = outcomes(s405=SIGNED_IN, login="anonymous")
# Pages that belong to a role rather than to an object: 403 for anyone without the role.
ADMIN_ONLY = outcomes(ok="admin", s403=SIGNED_IN - {"admin"}, login="anonymous")


SIGNED_IN_REDIRECT = outcomes(redirect=SIGNED_IN, login="anonymous")
APPLICATION = outcomes(
    ok=MANAGERS_A | {"applicant"}, s404=SIGNED_IN - MANAGERS_A - {"applicant"}, login="anonymous"
)


TERRITORY_A = frozenset({"elected_a", "technical_a"})
SUBMITTED_DELIVERABLE = outcomes(
    ok=MANAGERS_A | TERRITORY_A | {"provider_a"},
    s404=OUTSIDERS_A | {"partner_a"},
    login="anonymous",
)


def _submitted(world: Any) -> dict[str, Any]:
    return {"pk": world.deliverable.pk}


def _application(world: Any) -> dict[str, Any]:
    return {"pk": world.application.pk}


def _a(world: Any) -> dict[str, Any]:
    return {"slug": world.fabrique_a.slug}


def _draft(world: Any) -> dict[str, Any]:
    return {"slug": world.fabrique_draft.slug}


CASES: dict[str, list[Case]] = {
    # Public site: read-only for everyone; drafts never shown.
    "public:home": [Case(get=PUBLIC)],
    "public:catalogue": [Case(get=PUBLIC)],
    "public:fabrique_detail": [
        Case(_a, get=PUBLIC, label="Fabrique en cours"),
        Case(_draft, get=PUBLIC_HIDDEN, label="Fabrique en conception"),
    ],
    "public:territory_list": [Case(get=PUBLIC)],
    "public:territory_commune": [
        Case(lambda w: {"code": w.participation_a.commune.code}, get=PUBLIC),
        # A territory page exists for every commune of the referential, but it never lists
        # a Fabrique that is not public: checked in fabriques/public/tests.
    ],
    "public:territory_epci": [Case(lambda w: {"siren": w.epci.siren}, get=PUBLIC)],
    "public:territory_qpv": [Case(lambda w: {"pk": w.qpv.pk}, get=PUBLIC)],
    "public:organisation_list": [Case(get=PUBLIC)],
    "public:organisation_detail": [Case(lambda w: {"slug": w.partner_org_a.slug}, get=PUBLIC)],
    "public:statistics": [Case(get=PUBLIC)],
    "public:accessibility": [Case(get=PUBLIC)],
    "public:legal": [Case(get=PUBLIC)],
    "opendata:index": [Case(get=PUBLIC)],
    "opendata:download": [Case(lambda w: {"dataset": "fabriques", "ext": "csv"}, get=PUBLIC)],
    # Public API: read-only for everyone; drafts never shown.
    "api:root": [Case(get=PUBLIC)],
    "api:fabrique-list": [Case(get=PUBLIC)],
    "api:fabrique-detail": [
        Case(_a, get=PUBLIC, label="Fabrique en cours"),
        Case(_draft, get=PUBLIC_HIDDEN, label="Fabrique en conception"),
    ],
    "api:territory-list": [Case(get=PUBLIC)],
    "api:territory-detail": [
        Case(lambda w: {"identifier": f"commune-{w.participation_a.commune.code}"}, get=PUBLIC),
        Case(
            lambda w: {"identifier": f"commune-{w.draft_participation.commune.code}"},
            get=PUBLIC_HIDDEN,
            label="territoire d’une Fabrique en conception",
        ),
    ],
    "api:organisation-list": [Case(get=PUBLIC)],
    "api:organisation-detail": [Case(lambda w: {"slug": w.partner_org_a.slug}, get=PUBLIC)],
    "api:theme-list": [Case(get=PUBLIC)],
    "api:programme-list": [Case(get=PUBLIC)],
    "api:statistics": [Case(get=PUBLIC)],
    "api:schema": [Case(get=PUBLIC)],
    "api:docs": [Case(get=PUBLIC)],
    # Accounts.
    "accounts:login": [Case(get=PUBLIC, writers=EVERYONE)],
    "accounts:logout": [
        Case(get=outcomes(s405=EVERYONE), writers=EVERYONE, label="POST uniquement")
    ],
    "accounts:profile": [Case(get=SIGNED_IN_ONLY, writers=SIGNED_IN)],
    "accounts:oidc_authenticate": [Case(get=PUBLIC_HIDDEN, label="ProConnect non configuré")],
    "accounts:oidc_callback": [Case(get=PUBLIC_HIDDEN, label="ProConnect non configuré")],
    "accounts:invitation_accept": [
        Case(lambda w: {"token": "lien-inconnu"}, get=PUBLIC_HIDDEN, label="lien inconnu"),
        # Whoever holds a valid link may use it (it is the secret).
        Case(
            lambda w: {"token": w.invitation_token},
            get=PUBLIC,
            writers=EVERYONE,
            label="lien valide",
        ),
    ],
    "accounts:signup": [Case(get=PUBLIC, writers=EVERYONE)],
    "accounts:signup_done": [Case(get=PUBLIC)],
    "accounts:password_reset": [Case(get=PUBLIC, writers=EVERYONE)],
    "accounts:password_reset_done": [Case(get=PUBLIC)],
    "accounts:password_reset_confirm": [
        Case(
            lambda w: {"uidb64": "MQ", "token": "jeton-invalide"},
            get=PUBLIC,
            writers=EVERYONE,
            label="lien invalide",
        )
    ],
    "accounts:password_reset_complete": [Case(get=PUBLIC)],
    "accounts:totp_setup": [Case(get=SIGNED_IN_ONLY, writers=SIGNED_IN)],
    # Without an authenticator app there is no code to ask: back to the workspace.
    "accounts:totp_verify": [
        Case(get=SIGNED_IN_REDIRECT, writers=SIGNED_IN, label="sans application configurée")
    ],
    # An export is a POST (it records an audit event); the download is the person's own data.
    "accounts:data_export": [Case(get=POST_ONLY, writers=SIGNED_IN, label="POST uniquement")],
    "accounts:erasure": [Case(get=SIGNED_IN_ONLY, writers=SIGNED_IN)],
    "accounts:erasure_done": [Case(get=PUBLIC)],
    "public:privacy": [Case(get=PUBLIC)],
    # Workspace.
    "workspace:home": [Case(get=SIGNED_IN_ONLY)],
    "workspace:audit": [Case(get=ADMIN_ONLY)],
    # Programme: years (administrators), Fabriques (managers write, people with a role read).
    "programme:year_list": [Case(get=ADMIN_ONLY)],
    "programme:year_create": [Case(get=ADMIN_ONLY, writers=ADMIN)],
    "programme:year_edit": [
        Case(lambda w: {"year": w.fabrique_a.programme_year.year}, get=ADMIN_ONLY, writers=ADMIN)
    ],
    "programme:fabrique_list": [Case(get=SIGNED_IN_ONLY)],
    "programme:fabrique_create": [Case(get=ADMIN_ONLY, writers=ADMIN)],
    "programme:fabrique_detail": [
        Case(_a, get=SEE_A),
        Case(
            _draft,
            get=outcomes(ok="admin", s404=SIGNED_IN - {"admin"}, login="anonymous"),
            label="Fabrique en conception",
        ),
    ],
    "programme:fabrique_history": [Case(_a, get=MANAGE_A)],
    "programme:fabrique_edit": [Case(_a, get=MANAGE_A, writers=MANAGERS_A)],
    "programme:fabrique_organisations": [Case(_a, get=MANAGE_A, writers=MANAGERS_A)],
    "programme:fabrique_organisation_remove": [
        Case(
            lambda w: {"slug": w.fabrique_a.slug, "pk": w.partner_role_a.pk},
            get=POST_ONLY,
            writers=MANAGERS_A,
        )
    ],
    "programme:fabrique_team": [Case(_a, get=MANAGE_A, writers=MANAGERS_A)],
    "programme:fabrique_team_revoke": [
        Case(
            lambda w: {"slug": w.fabrique_a.slug, "pk": w.provider_membership_a.pk},
            get=POST_ONLY,
            writers=MANAGERS_A,
        )
    ],
    "programme:fabrique_milestones": [Case(_a, get=MANAGE_A, writers=MANAGERS_A)],
    "programme:fabrique_milestones_generate": [Case(_a, get=POST_ONLY, writers=MANAGERS_A)],
    # Calls: public pages; applications are personal data, seen by their applicant and the
    # Fabrique's managers only; everyone else gets the same 404 as a stranger.
    "calls:call_list": [Case(get=PUBLIC)],
    "calls:territory_search": [Case(get=PUBLIC, query="?q=commune")],
    "calls:call_detail": [
        Case(_a, get=PUBLIC, label="appel clos"),
        Case(_draft, get=PUBLIC_HIDDEN, label="Fabrique en conception sans appel"),
    ],
    # Anyone signed in may apply; the closed call sends them back with a message.
    "calls:application_start": [
        Case(_a, get=SIGNED_IN_REDIRECT, writers=SIGNED_IN, label="appel clos")
    ],
    "calls:my_applications": [Case(get=SIGNED_IN_ONLY)],
    "calls:application_detail": [Case(_application, get=APPLICATION)],
    "calls:application_file": [Case(_application, get=APPLICATION)],
    "calls:application_edit": [
        Case(
            lambda w: {"pk": w.draft_application.pk},
            get=outcomes(redirect="applicant", s404=SIGNED_IN - {"applicant"}, login="anonymous"),
            label="brouillon, appel clos",
        )
    ],
    "calls:application_review": [
        Case(
            _application,
            get=outcomes(
                ok=MANAGERS_A,
                s403="applicant",
                s404=SIGNED_IN - MANAGERS_A - {"applicant"},
                login="anonymous",
            ),
            writers=MANAGERS_A,
        )
    ],
    "calls:call_edit": [Case(_a, get=MANAGE_A, writers=MANAGERS_A)],
    "calls:application_review_list": [Case(_a, get=MANAGE_A)],
    "calls:notify_outcomes": [Case(_a, get=POST_ONLY, writers=MANAGERS_A)],
    # Deliverables: the provider submits, the Fabrique's managers review; referents see their
    # territory's; partners see accepted ones only.
    "deliverables:dashboard": [
        Case(
            get=outcomes(
                ok=MANAGERS_A | {"pilot_b", "provider_a", "provider_b"},
                s403=SIGNED_IN - MANAGERS_A - {"pilot_b", "provider_a", "provider_b"},
                login="anonymous",
            )
        )
    ],
    "deliverables:fabrique_list": [Case(_a, get=SEE_A)],
    "deliverables:deliverable_create": [Case(_a, get=MANAGE_A, writers=MANAGERS_A)],
    "deliverables:deliverables_generate": [Case(_a, get=MANAGE_A, writers=MANAGERS_A)],
    "deliverables:contract_edit": [Case(_a, get=MANAGE_A, writers=MANAGERS_A)],
    "deliverables:deliverable_detail": [
        Case(_submitted, get=SUBMITTED_DELIVERABLE, label="déposé, pour le territoire A"),
        Case(lambda w: {"pk": w.accepted_deliverable.pk}, get=SEE_A, label="accepté"),
    ],
    "deliverables:deliverable_edit": [
        Case(
            _submitted,
            get=outcomes(
                ok=MANAGERS_A,
                s403=TERRITORY_A | {"provider_a"},
                s404=OUTSIDERS_A | {"partner_a"},
                login="anonymous",
            ),
            writers=MANAGERS_A,
        )
    ],
    "deliverables:deliverable_delete": [Case(_submitted, get=POST_ONLY, writers=MANAGERS_A)],
    "deliverables:deliverable_submit": [
        Case(_submitted, get=POST_ONLY, writers=frozenset({"provider_a"}))
    ],
    "deliverables:version_review": [
        Case(lambda w: {"pk": w.version.pk}, get=POST_ONLY, writers=MANAGERS_A)
    ],
    "deliverables:version_file": [
        Case(lambda w: {"pk": w.version.pk}, get=SUBMITTED_DELIVERABLE, label="version déposée")
    ],
    # Cycle: the status page of a Fabrique, for its managers.
    "cycle:fabrique_transition": [Case(_a, get=MANAGE_A, writers=MANAGERS_A)],
}
