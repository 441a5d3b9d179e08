"""What each persona may do on each route: the single table the access matrix test checks.

Outcomes of a GET: "ok" (200), "login" (redirected to a login page), "403", "404", "405",
"redirect" (another redirect). `writers` are the personas whose POST may change data; every
other persona's POST must be refused (403, 404, 405 or login) and leave the data unchanged,
both with an empty body and with `payload`, a valid form for the route (a writer's POST of it
succeeds: checked too).

`COMBINED` are people who hold roles in both Fabriques; what they get is, on every route, the
best of what the personas they combine get, and they write where one of them writes: a role
in Fabrique B neither widens nor narrows what a role in Fabrique A gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fabriques.calls.tests.factories import pdf_upload
from fabriques.programme.tests.personas import ROLE_NAMES

EVERYONE: frozenset[str] = frozenset(ROLE_NAMES)
SIGNED_IN: frozenset[str] = EVERYONE - {"anonymous"}
# The personas who hold a role on Fabrique A, and those whose roles are on Fabrique B only.
MANAGERS_A: frozenset[str] = frozenset({"admin", "pilot_a"})
READERS_A: frozenset[str] = frozenset({"partner_a", "provider_a", "elected_a", "technical_a"})
ADMIN: frozenset[str] = frozenset({"admin"})
OUTSIDERS_A: frozenset[str] = frozenset(
    {"pilot_b", "partner_b", "provider_b", "elected_b", "applicant", "outsider"}
)


@dataclass(frozen=True)
class Case:
    kwargs: Callable[[Any], dict[str, Any]] = lambda world: {}
    get: dict[str, str] = field(default_factory=dict)
    writers: frozenset[str] = frozenset()
    label: str = ""
    query: str = ""
    # A valid form for a write route, built afresh for each POST (uploads are read once).
    payload: Callable[[Any], dict[str, Any]] | None = None
    # What working-group members (spec.MEMBERS) get where it differs from an outsider's: the
    # workshops they are part of. Their writes are listed in `writers` by name.
    members: dict[str, str] = field(default_factory=dict)
    # The writer whose valid POST is tried (by default the first of `writers`): for a route
    # where only some writers' POST changes data (a member's own registration).
    writer: str = ""
    # What the valid POST answers: a redirect for a form, "ok" for a JSON endpoint (a grid's
    # per-cell save answers the saved cell).
    valid: str = "redirect"


# Personas who combine the roles of two personas of the matrix (built in world.py):
#   pilot_a+partner_b     pilot of A, member of Association B for Fabrique B (Association B
#                         also co-funds A: the role held for B must not count there)
#   provider_a+elected_b  consultant of A's provider for A (which also partners B), elected
#                         referent of a territory of B
#   partner_b_wide        member of Association B organisation-wide (an administrator's
#                         grant): counts in A, which Association B co-funds, as in B
#   member_a              a member of territory A's working group with an account (the
#                         magic link's) and no role: whatever an outsider gets, except on the
#                         workshops (Case.members)
#   member_a2             a member of the group of another territory of Fabrique A
#   member_b              a member of territory B's group (Fabrique B)
MEMBERS = ("member_a", "member_a2", "member_b")
COMBINED: dict[str, tuple[str, str]] = {
    "member_a": ("outsider", "outsider"),
    "member_a2": ("outsider", "outsider"),
    "member_b": ("outsider", "outsider"),
    "pilot_a+partner_b": ("pilot_a", "partner_b"),
    "provider_a+elected_b": ("provider_a", "elected_b"),
    "partner_b_wide": ("partner_a", "partner_b"),
}
# The better of two outcomes, for a person who holds both roles.
_RANK = {"login": 0, "404": 1, "410": 1, "403": 2, "405": 3, "redirect": 4, "ok": 5}


def combined_outcome(case: Case, persona: str) -> str:
    if persona in case.members:
        return case.members[persona]
    return max((case.get[p] for p in COMBINED[persona]), key=_RANK.__getitem__)


def combined_writes(case: Case, persona: str) -> bool:
    return persona in case.writers or any(p in case.writers for p in COMBINED[persona])


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


PUBLIC: dict[str, str] = outcomes(ok=EVERYONE)
PUBLIC_HIDDEN: dict[str, str] = outcomes(s404=EVERYONE)
PUBLIC_GONE: dict[str, str] = outcomes(s410=EVERYONE)
SIGNED_IN_ONLY: dict[str, str] = outcomes(ok=SIGNED_IN, login="anonymous")
MANAGE_A: dict[str, str] = outcomes(
    ok=MANAGERS_A, s403=READERS_A, s404=OUTSIDERS_A, login="anonymous"
)
SEE_A: dict[str, str] = outcomes(ok=MANAGERS_A | READERS_A, s404=OUTSIDERS_A, login="anonymous")
POST_ONLY: dict[str, str] = outcomes(s405=SIGNED_IN, login="anonymous")
# Pages that belong to a role rather than to an object: 403 for anyone without the role.
ADMIN_ONLY: dict[str, str] = outcomes(ok="admin", s403=SIGNED_IN - {"admin"}, login="anonymous")


SIGNED_IN_REDIRECT = outcomes(redirect=SIGNED_IN, login="anonymous")
APPLICATION = outcomes(
    ok=MANAGERS_A | {"applicant"}, s404=SIGNED_IN - MANAGERS_A - {"applicant"}, login="anonymous"
)


TERRITORY_A: frozenset[str] = frozenset({"elected_a", "technical_a"})
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


# Valid forms for the write routes (what a writer would post from the page). Routes without
# fields (a button: remove, revoke, delete, notify) have none: their empty POST is the form.
def _year_form(world: Any) -> dict[str, Any]:
    return {"year": 2031, "target_fabriques": "4", "declared_territories": ""}


def _year_edit_form(world: Any) -> dict[str, Any]:
    year = world.fabrique_a.programme_year
    return {"year": year.year, "target_fabriques": "5", "declared_territories": "12"}


def _fabrique_form(world: Any) -> dict[str, Any]:
    return {
        "title": "Fabrique ajoutée par la matrice",
        "programme_year": world.fabrique_a.programme_year.pk,
        "summary": "",
        "objective": "",
        "start_month": "",
        "end_month": "",
    }


def _fabrique_edit_form(world: Any) -> dict[str, Any]:
    return {
        "themes": [world.theme.pk],
        "title": "Fabrique A renommée",
        "programme_year": world.fabrique_a.programme_year.pk,
        "summary": "Résumé",
        "objective": "Objectif",
        "start_month": "2026-02",
        "end_month": "2027-02",
    }


def _organisation_form(world: Any) -> dict[str, Any]:
    # Another Fabrique's provider, given a part in A: the move of the security issue.
    return {
        "role": "partner",
        "organisation": world.provider_org_b.pk,
        "new_name": "",
        "new_acronym": "",
        "new_kind": "",
        "amount": "",
        "contact_name": "",
    }


def _team_form(world: Any) -> dict[str, Any]:
    # Inviting oneself into another Fabrique's organisation that also co-funds A.
    return {
        "email": "matrice@exemple.fr",
        "first_name": "",
        "last_name": "",
        "role": "partner_member",
        "organisation": world.partner_org_b.pk,
    }


def _milestones_form(world: Any) -> dict[str, Any]:
    return {
        "jalons-TOTAL_FORMS": "1",
        "jalons-INITIAL_FORMS": "0",
        "jalons-MIN_NUM_FORMS": "0",
        "jalons-MAX_NUM_FORMS": "60",
        "jalons-0-date": "2026-04-03",
        "jalons-0-kind": "local_workshop",
        "jalons-0-title": "Atelier ajouté par la matrice",
        "jalons-0-description": "",
    }


def _call_form(world: Any) -> dict[str, Any]:
    return {
        "opens_at": "2026-01-05T09:00",
        "closes_at": "2026-01-30T18:00",
        "decision_expected_on": "2026-02-10",
        "introduction": "Appel modifié par la matrice",
        "expected_commitment": "",
        "criteres-TOTAL_FORMS": "0",
        "criteres-INITIAL_FORMS": "0",
        "criteres-MIN_NUM_FORMS": "0",
        "criteres-MAX_NUM_FORMS": "30",
    }


def _deliverable_form(world: Any) -> dict[str, Any]:
    return {
        "title": "Livrable de la matrice",
        "kind": "other",
        "participation": "",
        "due_on": "2026-09-30",
        "description": "",
    }


def _contract_form(world: Any) -> dict[str, Any]:
    return {
        "provider": world.provider_org_a.pk,
        "reference": "2026-MATRICE-001",
        "signed_on": "",
        "amount": "",
        "notes": "",
    }


def _submit_form(world: Any) -> dict[str, Any]:
    return {"file": pdf_upload("version.pdf"), "note": "Version de la matrice"}


def _review_form(world: Any) -> dict[str, Any]:
    return {"decision": "changes_requested", "comment": "À reprendre"}


# A territory's working group: run by its referents, the Fabrique's provider and ANCT; members'
# personal data, so everyone else (partners, other territories, its own members) gets a 404.
RUN_GROUP_A: frozenset[str] = MANAGERS_A | TERRITORY_A | {"provider_a"}
GROUP_A: dict[str, str] = outcomes(ok=RUN_GROUP_A, s404=SIGNED_IN - RUN_GROUP_A, login="anonymous")


def _group_a(world: Any) -> dict[str, Any]:
    return {"slug": world.fabrique_a.slug, "participation": world.participation_a.pk}


def _member_a(world: Any) -> dict[str, Any]:
    return _group_a(world) | {"pk": world.member_a.pk}


def _member_form(world: Any, email: str = "matrice@exemple.fr") -> dict[str, Any]:
    return {
        "first_name": "Membre",
        "last_name": "Matrice",
        "email": email,
        "phone": "",
        "organisation_name": "Association de la matrice",
        "organisation_identifier": "W751234567",
        "family": "association",
        "family_detail": "",
        "role": "expert",
        "joined_how": "invitation",
        "joined_on": "2026-03-01",
        "lawful_basis": "public_interest",
        "consent_on": "",
        "gender": "",
        "age_band": "",
        "qpv_inhabitant": "unknown",
    }


def _import_confirmation(world: Any) -> dict[str, Any]:
    """The confirmation of a previewed file, as the first writer (admin) received it."""
    from django.core import signing

    from fabriques.workinggroups.views import IMPORT_SALT

    rows = [(2, _member_form(world, "importe@exemple.fr"))]
    payload = {"participation": world.participation_a.pk, "user": world.admin.pk, "rows": rows}
    return {"confirm": signing.dumps(payload, salt=IMPORT_SALT, compress=True)}


CASES: dict[str, list[Case]] = {
    # The health check: for load balancers, whoever asks; a POST gets 405.
    "healthz": [Case(get=PUBLIC)],
    # Public site: read-only for everyone; drafts never shown.
    "public:home": [Case(get=PUBLIC)],
    "public:catalogue": [Case(get=PUBLIC)],
    "public:fabrique_detail": [
        Case(_a, get=PUBLIC, label="Fabrique en cours"),
        Case(_draft, get=PUBLIC_HIDDEN, label="Fabrique en conception"),
    ],
    "public:resource_file": [
        Case(
            lambda w: {"slug": w.fabrique_a.slug, "pk": w.resource_a.pk},
            get=PUBLIC,
            label="Fabrique en cours",
        ),
        Case(
            lambda w: {"slug": w.fabrique_draft.slug, "pk": w.resource_draft.pk},
            get=PUBLIC_HIDDEN,
            label="Fabrique en conception",
        ),
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
    # Sign-in links: the link is the secret, so whoever holds a live one may use it; a GET
    # only shows the button. Expired or revoked: 410 for everyone, and a POST signs nobody in
    # (the persona « visitor whose link expired or was revoked »; see also
    # test_sign_in_links.py, which walks every route as that visitor).
    "accounts:sign_in_link": [
        Case(lambda w: {"token": "lien-inconnu"}, get=PUBLIC_HIDDEN, label="lien inconnu"),
        Case(
            lambda w: {"token": w.sign_in_link_token},
            get=PUBLIC,
            writers=EVERYONE,
            label="lien valide",
        ),
        Case(lambda w: {"token": w.expired_sign_in_link_token}, get=PUBLIC_GONE, label="expiré"),
        Case(lambda w: {"token": w.revoked_sign_in_link_token}, get=PUBLIC_GONE, label="révoqué"),
    ],
    "accounts:sign_in_link_request": [Case(get=PUBLIC, writers=EVERYONE)],
    "accounts:sign_in_link_request_done": [Case(get=PUBLIC)],
    "accounts:sign_in_link_revoke": [
        Case(get=POST_ONLY, writers=SIGNED_IN, label="POST uniquement")
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
    "programme:year_create": [Case(get=ADMIN_ONLY, writers=ADMIN, payload=_year_form)],
    "programme:year_edit": [
        Case(
            lambda w: {"year": w.fabrique_a.programme_year.year},
            get=ADMIN_ONLY,
            writers=ADMIN,
            payload=_year_edit_form,
        )
    ],
    "programme:fabrique_list": [Case(get=SIGNED_IN_ONLY)],
    "programme:fabrique_create": [Case(get=ADMIN_ONLY, writers=ADMIN, payload=_fabrique_form)],
    "programme:fabrique_detail": [
        Case(_a, get=SEE_A),
        Case(
            _draft,
            get=outcomes(ok="admin", s404=SIGNED_IN - {"admin"}, login="anonymous"),
            label="Fabrique en conception",
        ),
    ],
    "programme:fabrique_history": [Case(_a, get=MANAGE_A)],
    "programme:fabrique_edit": [
        Case(_a, get=MANAGE_A, writers=MANAGERS_A, payload=_fabrique_edit_form)
    ],
    "programme:fabrique_organisations": [
        Case(_a, get=MANAGE_A, writers=MANAGERS_A, payload=_organisation_form)
    ],
    "programme:fabrique_organisation_remove": [
        Case(
            lambda w: {"slug": w.fabrique_a.slug, "pk": w.partner_role_a.pk},
            get=POST_ONLY,
            writers=MANAGERS_A,
        )
    ],
    "programme:fabrique_team": [Case(_a, get=MANAGE_A, writers=MANAGERS_A, payload=_team_form)],
    "programme:fabrique_team_revoke": [
        Case(
            lambda w: {"slug": w.fabrique_a.slug, "pk": w.provider_membership_a.pk},
            get=POST_ONLY,
            writers=MANAGERS_A,
        ),
        # An organisation-wide role (Association B, which co-funds A): administrators only.
        Case(
            lambda w: {"slug": w.fabrique_a.slug, "pk": w.wide_membership_b.pk},
            get=POST_ONLY,
            writers=ADMIN,
            label="rôle dans toute l’organisation",
        ),
        # Association B's member for Fabrique B is not part of A's team, though it co-funds A.
        Case(
            lambda w: {"slug": w.fabrique_a.slug, "pk": w.partner_membership_b.pk},
            get=POST_ONLY,
            label="rôle tenu pour une autre Fabrique",
        ),
    ],
    "programme:fabrique_milestones": [
        Case(_a, get=MANAGE_A, writers=MANAGERS_A, payload=_milestones_form)
    ],
    "programme:fabrique_milestones_generate": [
        # Fabrique A has no milestone yet: generating is what the button does.
        Case(
            _a,
            get=POST_ONLY,
            writers=MANAGERS_A,
            payload=lambda w: {"start": "2026-02"},
        )
    ],
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
            payload=lambda w: {"action": "score", "pilot_comment": "Évalué par la matrice"},
        )
    ],
    "calls:call_edit": [Case(_a, get=MANAGE_A, writers=MANAGERS_A, payload=_call_form)],
    "calls:application_review_list": [Case(_a, get=MANAGE_A)],
    # The received applications across Fabriques: a page of the ANCT role (each pilot sees
    # their own Fabriques' only, checked in fabriques/calls/tests).
    "calls:received_applications": [
        Case(
            get=outcomes(
                ok=MANAGERS_A | {"pilot_b"},
                s403=SIGNED_IN - MANAGERS_A - {"pilot_b"},
                login="anonymous",
            )
        )
    ],
    # The committee's export: a POST, recorded in the audit log.
    "calls:application_export": [Case(_a, get=POST_ONLY, writers=MANAGERS_A)],
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
    "deliverables:deliverable_create": [
        Case(_a, get=MANAGE_A, writers=MANAGERS_A, payload=_deliverable_form)
    ],
    "deliverables:deliverables_generate": [
        Case(_a, get=MANAGE_A, writers=MANAGERS_A, payload=lambda w: {"due_on": "2026-10-31"})
    ],
    "deliverables:contract_edit": [
        Case(_a, get=MANAGE_A, writers=MANAGERS_A, payload=_contract_form)
    ],
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
            # Versions were handed in: the territory stays.
            payload=lambda w: _deliverable_form(w) | {"participation": w.participation_a.pk},
        )
    ],
    "deliverables:deliverable_delete": [Case(_submitted, get=POST_ONLY, writers=MANAGERS_A)],
    "deliverables:deliverable_submit": [
        Case(_submitted, get=POST_ONLY, writers=frozenset({"provider_a"}), payload=_submit_form)
    ],
    "deliverables:version_review": [
        Case(
            lambda w: {"pk": w.version.pk},
            get=POST_ONLY,
            writers=MANAGERS_A,
            payload=_review_form,
        )
    ],
    "deliverables:version_file": [
        Case(lambda w: {"pk": w.version.pk}, get=SUBMITTED_DELIVERABLE, label="version déposée")
    ],
    "workinggroups:group": [Case(_group_a, get=GROUP_A)],
    "workinggroups:member_add": [
        Case(_group_a, get=GROUP_A, writers=RUN_GROUP_A, payload=_member_form)
    ],
    "workinggroups:member_edit": [
        Case(
            _member_a,
            get=GROUP_A,
            writers=RUN_GROUP_A,
            payload=lambda w: _member_form(w, w.member_a.email),
        )
    ],
    "workinggroups:member_leave": [
        Case(
            _member_a, get=GROUP_A, writers=RUN_GROUP_A, payload=lambda w: {"left_on": "2026-06-01"}
        )
    ],
    "workinggroups:member_rejoin": [
        Case(
            lambda w: _group_a(w) | {"pk": w.left_member_a.pk},
            get=POST_ONLY,
            writers=RUN_GROUP_A,
            payload=lambda w: {},
        )
    ],
    "workinggroups:members_import": [
        Case(_group_a, get=GROUP_A, writers=RUN_GROUP_A, payload=_import_confirmation)
    ],
    "workinggroups:import_template": [Case(_group_a, get=GROUP_A)],
    # A POST: the download of members' data is recorded in the audit trail.
    "workinggroups:members_export": [
        Case(_group_a, get=POST_ONLY, writers=RUN_GROUP_A, label="POST uniquement")
    ],
    # Cycle: the status page of a Fabrique, for its managers.
    "cycle:fabrique_transition": [
        Case(
            _a,
            get=MANAGE_A,
            writers=MANAGERS_A,
            payload=lambda w: {"to_status": "closing", "reason": ""},
        )
    ],
}

# The workshops' routes (fabriques/workshops), in their own module. It imports the names
# above: those are annotated for the type checker, which cannot infer them across the cycle.
from .spec_workshops import WORKSHOP_CASES  # noqa: E402

CASES.update(WORKSHOP_CASES)

# The roadmaps' routes (fabriques/roadmaps), in their own module, like the workshops'.
from .spec_roadmaps import ROADMAP_CASES  # noqa: E402

CASES.update(ROADMAP_CASES)

from .spec_recommendations import RECOMMENDATION_CASES  # noqa: E402

CASES.update(RECOMMENDATION_CASES)

from .spec_studies import STUDY_CASES  # noqa: E402

CASES.update(STUDY_CASES)
CASES["public:search"] = [
    Case(get=PUBLIC),
    Case(get=PUBLIC, query="?q=sante", label="une recherche"),
]
# The public library: published roadmaps, sheets and recommendations; the rest is a 404.
CASES["public:library"] = [Case(get=PUBLIC)]
CASES["public:roadmap"] = [
    Case(lambda w: {"pk": w.published_roadmap.pk}, get=PUBLIC, label="publiée"),
    Case(lambda w: {"pk": w.roadmap_a.pk}, get=PUBLIC_HIDDEN, label="brouillon"),
]
CASES["public:sheet"] = [
    Case(lambda w: {"pk": w.published_sheet.pk}, get=PUBLIC, label="publiée"),
    Case(lambda w: {"pk": w.sheet_a.pk}, get=PUBLIC_HIDDEN, label="brouillon"),
]
CASES["public:recommendation"] = [
    Case(lambda w: {"pk": w.published_recommendation_a.pk}, get=PUBLIC, label="publiée"),
    Case(lambda w: {"pk": w.recommendation_a.pk}, get=PUBLIC_HIDDEN, label="brouillon"),
]
# The API's published roadmaps, sheets and recommendations; a draft is a 404.
CASES["api:roadmap-detail"] = [
    Case(lambda w: {"pk": w.published_roadmap.pk}, get=PUBLIC, label="publiée"),
    Case(lambda w: {"pk": w.roadmap_a.pk}, get=PUBLIC_HIDDEN, label="brouillon"),
]
CASES["api:sheet-detail"] = [
    Case(lambda w: {"pk": w.published_sheet.pk}, get=PUBLIC, label="publiée"),
    Case(lambda w: {"pk": w.sheet_a.pk}, get=PUBLIC_HIDDEN, label="brouillon"),
]
CASES["api:recommendation-detail"] = [
    Case(lambda w: {"pk": w.published_recommendation_a.pk}, get=PUBLIC, label="publiée"),
    Case(lambda w: {"pk": w.recommendation_a.pk}, get=PUBLIC_HIDDEN, label="brouillon"),
]
CASES["api:roadmap-list"] = [Case(get=PUBLIC)]
CASES["api:sheet-list"] = [Case(get=PUBLIC)]
CASES["api:recommendation-list"] = [Case(get=PUBLIC)]
