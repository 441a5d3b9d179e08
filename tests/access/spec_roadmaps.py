"""The roadmaps' part of the access matrix (merged into spec.CASES): fabriques/roadmaps.

Writing a territory's roadmap (framing, axes, partners, contracts, attachments, sheets and
their parts, invited editors, the moves of its lifecycle that belong to the territory: submit,
validate, adopt) belongs to the people who run its working group (RUN_GROUP_A for territory
A; for another territory of Fabrique A, its pilots, administrators and provider consultants).
The Fabrique's partners read every roadmap of it and comment on it, and get a 403 on the
writing pages. A working-group member invited on a sheet (member_a on sheet A) reads the
roadmap, comments on it and writes that sheet only (403 on the rest). The referents of the
Fabrique's other territories, other Fabriques' people and the members of other groups get the
same 404 as strangers; a roadmap's workspace pages do so even once it is published (its
public page is the library's). The pilot's review and publication belong to ANCT.

Routes that take a POST only answer a GET with 405 before asking anyone to sign in.
"""

from __future__ import annotations

from typing import Any

from fabriques.calls.tests.factories import pdf_upload

from .spec import (
    EVERYONE,
    MANAGERS_A,
    OUTSIDERS_A,
    RUN_GROUP_A,
    SEE_A,
    SIGNED_IN,
    TERRITORY_A,
    Case,
    outcomes,
)

# Territory A's roadmap (draft): who reads it, who writes it.
READ_ROADMAP_A = RUN_GROUP_A | {"partner_a"}
SEE_ROADMAP_A = outcomes(ok=READ_ROADMAP_A, s404=OUTSIDERS_A, login="anonymous")
WRITE_ROADMAP_A = outcomes(ok=RUN_GROUP_A, s403="partner_a", s404=OUTSIDERS_A, login="anonymous")
# member_a, invited on sheet A: reads the roadmap, writes sheet A, nothing else.
MEMBER_READS = {"member_a": "ok"}
MEMBER_REFUSED = {"member_a": "403"}
MEMBER_WRITES = frozenset({"member_a"})
COMMENTERS_A = READ_ROADMAP_A | MEMBER_WRITES
# A roadmap of another territory of Fabrique A (the published one): no referent of its own in
# the matrix; territory A's referents do not see it in the workspace.
RUN_ELSEWHERE_A = frozenset({"admin", "pilot_a", "provider_a"})
SEE_ELSEWHERE_A = outcomes(
    ok=RUN_ELSEWHERE_A | {"partner_a"}, s404=OUTSIDERS_A | TERRITORY_A, login="anonymous"
)
WRITE_ELSEWHERE_A = outcomes(
    ok=RUN_ELSEWHERE_A,
    s403="partner_a",
    s404=OUTSIDERS_A | TERRITORY_A,
    login="anonymous",
)
# Territory B's roadmap: Fabrique B's people only.
READ_ROADMAP_B = frozenset({"admin", "pilot_b", "provider_b", "elected_b", "partner_b"})
SEE_ROADMAP_B = outcomes(ok=READ_ROADMAP_B, s404=SIGNED_IN - READ_ROADMAP_B, login="anonymous")
# A POST-only route: 405 to a GET, before signing in.
POST_FIRST = outcomes(s405=EVERYONE)


def _a(world: Any) -> dict[str, Any]:
    return {"slug": world.fabrique_a.slug}


def _pk(name: str) -> Any:
    return lambda world: {"pk": getattr(world, name).pk}


_roadmap_a, _sheet_a = _pk("roadmap_a"), _pk("sheet_a")


def _roadmap_a_and(key: str, name: str) -> Any:
    return lambda world: {"pk": world.roadmap_a.pk, key: getattr(world, name).pk}


def _sheet_a_and(**names: str) -> Any:
    return lambda world: (
        {"pk": world.sheet_a.pk} | {key: getattr(world, name).pk for key, name in names.items()}
    )


# Valid forms, for the world's roadmap A.
def _roadmap_form(world: Any) -> dict[str, Any]:
    roadmap = world.roadmap_a
    return {
        "lock_version": str(roadmap.lock_version),
        "title": "Feuille de route A revue par la matrice",
        "horizon": "2032",
        "period_start": "2026-09-01",
        "period_end": "2030-12-31",
        "diagnostic": roadmap.diagnostic,
        "issues": "Des commerces fermés.",
        "vision": "",
        "easy_summary": "",
        "steering_body": "Comité de pilotage",
        "meeting_rhythm": "",
        "elected_referent": "",
        "project_lead": "",
    }


def _sheet_form(world: Any, sheet: Any = None, **overrides: Any) -> dict[str, Any]:
    """The sheet form, as the page fills it in for `sheet` (a new sheet when None)."""
    data = {
        "lock_version": str(sheet.lock_version) if sheet else "",
        "axis": str(world.axis_a.pk),
        "number": str(sheet.number) if sheet else "",
        "title": sheet.title if sheet else "Fiche écrite par la matrice",
        "description": "",
        "objectives": "",
        "expected_effects": "",
        "targets": "",
        "commune": "",
        "qpv": "",
        "pilot_organisation": "",
        "pilot_person": "",
        "elected_referent": "",
        "project_owner": "",
        "project_owner_siret": "",
        "priority": "medium",
        "maturity": "idea",
        "planned_start": "2027-01-01",
        "planned_end": "2028-12-31",
        "actual_start": "",
        "actual_end": "",
    }
    return data | overrides


def _contract_form(world: Any, prefix: str = "") -> dict[str, Any]:
    fields = {"kind": "crte", "label": "CRTE du territoire", "reference": "", "signed_on": ""}
    return {f"{prefix}{name}": value for name, value in fields.items()}


def _follow_up_form(world: Any) -> dict[str, Any]:
    prefix = f"e{world.follow_up_entry.pk}-"
    return {
        f"{prefix}status": "in_progress",
        f"{prefix}actual_start": "2027-02-01",
        f"{prefix}actual_end": "",
        f"{prefix}spent": "12500,50",
        f"{prefix}granted": "",
        f"{prefix}comment": "Les travaux ont commencé.",
    }


ROADMAP_CASES: dict[str, list[Case]] = {
    # A Fabrique's roadmaps: whoever sees its collective work (each row then shows only the
    # roadmaps the person sees), and a member invited on one of its sheets.
    "roadmaps:fabrique_list": [
        Case(_a, get=SEE_A, members=MEMBER_READS),
        Case(
            lambda w: {"slug": w.fabrique_b.slug},
            get=SEE_ROADMAP_B,
            label="Fabrique B",
        ),
    ],
    # Creating the roadmap of a territory of A that has none: those who run its group.
    "roadmaps:create": [
        Case(
            lambda w: {"slug": w.fabrique_a.slug, "participation": w.free_participation_a.pk},
            get=POST_FIRST,
            writers=RUN_ELSEWHERE_A,
            payload=lambda w: {},
            label="territoire de A sans feuille de route",
        )
    ],
    # The roadmap page and its forms.
    "roadmaps:detail": [
        Case(_roadmap_a, get=SEE_ROADMAP_A, members=MEMBER_READS, label="brouillon A"),
        Case(_pk("published_roadmap"), get=SEE_ELSEWHERE_A, label="publiée, autre territoire"),
        Case(_pk("roadmap_b"), get=SEE_ROADMAP_B, label="brouillon B"),
    ],
    "roadmaps:edit": [
        Case(
            _roadmap_a,
            get=WRITE_ROADMAP_A,
            members=MEMBER_REFUSED,
            writers=RUN_GROUP_A,
            payload=_roadmap_form,
        ),
        Case(
            _pk("roadmap_b"),
            get=outcomes(
                ok=READ_ROADMAP_B - {"partner_b"},
                s403="partner_b",
                s404=SIGNED_IN - READ_ROADMAP_B,
                login="anonymous",
            ),
            writers=READ_ROADMAP_B - {"partner_b"},
            label="brouillon B",
        ),
    ],
    # Reading means commenting: partners and invited members too.
    "roadmaps:comment": [
        Case(
            _roadmap_a,
            get=POST_FIRST,
            writers=COMMENTERS_A,
            payload=lambda w: {"comment-text": "Commentaire de la matrice."},
        )
    ],
    "roadmaps:axis_create": [
        Case(
            _roadmap_a,
            get=POST_FIRST,
            writers=RUN_GROUP_A,
            payload=lambda w: {"axis-title": "Axe de la matrice", "axis-description": ""},
        )
    ],
    "roadmaps:axis_edit": [
        Case(
            _roadmap_a_and("axis_pk", "axis_a"),
            get=WRITE_ROADMAP_A,
            members=MEMBER_REFUSED,
            writers=RUN_GROUP_A,
            payload=lambda w: {"title": "Axe renommé par la matrice", "description": ""},
        )
    ],
    "roadmaps:axis_move": [
        Case(
            _roadmap_a_and("axis_pk", "empty_axis_a"),
            get=POST_FIRST,
            writers=RUN_GROUP_A,
            payload=lambda w: {"sens": "haut"},
        )
    ],
    "roadmaps:axis_delete": [
        Case(
            _roadmap_a_and("axis_pk", "empty_axis_a"),
            get=POST_FIRST,
            writers=RUN_GROUP_A,
            payload=lambda w: {},
            label="axe sans fiche",
        )
    ],
    "roadmaps:partner_create": [
        Case(
            _roadmap_a,
            get=POST_FIRST,
            writers=RUN_GROUP_A,
            payload=lambda w: {"partner-name": "Région", "partner-role": "cofinanceur"},
        )
    ],
    "roadmaps:partner_edit": [
        Case(
            _roadmap_a_and("partner_pk", "roadmap_partner_a"),
            get=WRITE_ROADMAP_A,
            members=MEMBER_REFUSED,
            writers=RUN_GROUP_A,
            payload=lambda w: {"name": "Conseil départemental", "role": "cofinanceur"},
        )
    ],
    "roadmaps:partner_move": [
        Case(
            _roadmap_a_and("partner_pk", "second_partner_a"),
            get=POST_FIRST,
            writers=RUN_GROUP_A,
            payload=lambda w: {"sens": "haut"},
        )
    ],
    "roadmaps:partner_delete": [
        Case(
            _roadmap_a_and("partner_pk", "roadmap_partner_a"),
            get=POST_FIRST,
            writers=RUN_GROUP_A,
            payload=lambda w: {},
        )
    ],
    "roadmaps:contract_create": [
        Case(
            _roadmap_a,
            get=POST_FIRST,
            writers=RUN_GROUP_A,
            payload=lambda w: _contract_form(w, "contract-"),
        )
    ],
    "roadmaps:contract_edit": [
        Case(
            _roadmap_a_and("contract_pk", "contract_a"),
            get=WRITE_ROADMAP_A,
            members=MEMBER_REFUSED,
            writers=RUN_GROUP_A,
            payload=_contract_form,
        )
    ],
    "roadmaps:contract_delete": [
        Case(
            _roadmap_a_and("contract_pk", "contract_a"),
            get=POST_FIRST,
            writers=RUN_GROUP_A,
            payload=lambda w: {},
        )
    ],
    "roadmaps:attachment_create": [
        Case(
            _roadmap_a,
            get=POST_FIRST,
            writers=RUN_GROUP_A,
            payload=lambda w: {"file-title": "Annexe", "file-file": pdf_upload("annexe.pdf")},
        )
    ],
    "roadmaps:attachment": [
        Case(
            _roadmap_a_and("attachment_pk", "attachment_a"), get=SEE_ROADMAP_A, members=MEMBER_READS
        ),
        # A's attachment asked through B's roadmap: not found, even for those who see both.
        Case(
            lambda w: {"pk": w.roadmap_b.pk, "attachment_pk": w.attachment_a.pk},
            get=outcomes(s404=SIGNED_IN, login="anonymous"),
            label="pièce jointe d’une autre feuille de route",
        ),
    ],
    "roadmaps:attachment_delete": [
        Case(
            _roadmap_a_and("attachment_pk", "attachment_a"),
            get=POST_FIRST,
            writers=RUN_GROUP_A,
            payload=lambda w: {},
        )
    ],
    "roadmaps:table": [Case(_roadmap_a, get=SEE_ROADMAP_A, members=MEMBER_READS)],
    "roadmaps:calendar": [Case(_roadmap_a, get=SEE_ROADMAP_A, members=MEMBER_READS)],
    # Sheets: an invited member writes theirs (its fields, status, parts, links), not the
    # roadmap's structure (creating or deleting sheets, inviting).
    "roadmaps:sheet_create": [
        Case(
            _roadmap_a,
            get=WRITE_ROADMAP_A,
            members=MEMBER_REFUSED,
            writers=RUN_GROUP_A,
            payload=_sheet_form,
        )
    ],
    "roadmaps:sheet_detail": [
        Case(_sheet_a, get=SEE_ROADMAP_A, members=MEMBER_READS, label="fiche A, member_a invité"),
        Case(
            _pk("sheet_a2"),
            get=SEE_ROADMAP_A,
            members=MEMBER_READS,
            label="autre fiche de la feuille de route A",
        ),
        Case(_pk("sheet_b"), get=SEE_ROADMAP_B, label="fiche B"),
    ],
    "roadmaps:sheet_edit": [
        Case(
            _sheet_a,
            get=WRITE_ROADMAP_A,
            members=MEMBER_READS,
            writers=RUN_GROUP_A | MEMBER_WRITES,
            payload=lambda w: _sheet_form(w, w.sheet_a, title="Fiche revue par la matrice"),
            label="fiche A, member_a invité",
        ),
        Case(
            _pk("sheet_a2"),
            get=WRITE_ROADMAP_A,
            members=MEMBER_REFUSED,
            writers=RUN_GROUP_A,
            payload=lambda w: _sheet_form(w, w.sheet_a2, title="Autre fiche revue"),
            label="autre fiche de la feuille de route A",
        ),
    ],
    # Deleting belongs to the roadmap's writers, even for the sheet one was invited on.
    "roadmaps:sheet_delete": [
        Case(
            _sheet_a,
            get=WRITE_ROADMAP_A,
            members=MEMBER_REFUSED,
            writers=RUN_GROUP_A,
            payload=lambda w: {},
        )
    ],
    "roadmaps:sheet_status": [
        Case(
            _sheet_a,
            get=POST_FIRST,
            writers=RUN_GROUP_A | MEMBER_WRITES,
            payload=lambda w: {"status": "in_progress", "changed_on": "2026-05-04", "comment": ""},
        )
    ],
    "roadmaps:sheet_history": [Case(_sheet_a, get=SEE_ROADMAP_A, members=MEMBER_READS)],
    "roadmaps:sheet_comment": [
        Case(
            _sheet_a,
            get=POST_FIRST,
            writers=COMMENTERS_A,
            payload=lambda w: {"comment-text": "Commentaire de la matrice sur la fiche."},
        )
    ],
    "roadmaps:sheet_related": [
        Case(
            _sheet_a,
            get=POST_FIRST,
            writers=RUN_GROUP_A | MEMBER_WRITES,
            payload=lambda w: {"related": [w.sheet_a2.pk]},
        )
    ],
    # The decisions of territory A's meetings the sheet comes from.
    "roadmaps:sheet_outcomes": [
        Case(
            _sheet_a,
            get=POST_FIRST,
            writers=RUN_GROUP_A | MEMBER_WRITES,
            payload=lambda w: {"outcomes": [w.action.pk]},
        )
    ],
    # retained: the foresight results the sheet answers (territory A's key variable).
    "roadmaps:sheet_answers": [
        Case(
            _sheet_a,
            get=POST_FIRST,
            writers=RUN_GROUP_A | MEMBER_WRITES,
            payload=lambda w: {"answers": [w.retained_a.pk]},
        )
    ],
    "roadmaps:sheet_editor_add": [
        Case(
            _pk("sheet_a2"),
            get=POST_FIRST,
            writers=RUN_GROUP_A,
            payload=lambda w: {"member": w.member_a.pk},
            label="member_a invité sur une autre fiche",
        )
    ],
    "roadmaps:sheet_editor_remove": [
        Case(
            lambda w: {"pk": w.sheet_a.pk, "user_pk": w.member_a.user_id},
            get=POST_FIRST,
            writers=RUN_GROUP_A,
            payload=lambda w: {},
        )
    ],
    "roadmaps:value_create": [
        Case(
            _sheet_a_and(indicator_pk="indicator_a"),
            get=POST_FIRST,
            writers=RUN_GROUP_A | MEMBER_WRITES,
            payload=lambda w: {
                "value-measured_on": "2026-09-01",
                "value-value": "3,5",
                "value-source": "",
            },
        )
    ],
    "roadmaps:value_delete": [
        Case(
            _sheet_a_and(value_pk="indicator_value_a"),
            get=POST_FIRST,
            writers=RUN_GROUP_A | MEMBER_WRITES,
            payload=lambda w: {},
        )
    ],
    "roadmaps:part_create": [
        Case(
            lambda w: {"pk": w.sheet_a.pk, "part": "etapes"},
            get=POST_FIRST,
            writers=RUN_GROUP_A | MEMBER_WRITES,
            payload=lambda w: {"step-name": "Étape de la matrice", "step-due_on": "2027-03-01"},
            label="étapes",
        ),
        Case(
            lambda w: {"pk": w.sheet_a.pk, "part": "budget"},
            get=POST_FIRST,
            writers=RUN_GROUP_A | MEMBER_WRITES,
            payload=lambda w: {
                "budget-year": "2027",
                "budget-nature": "investment",
                "budget-unit": "eur_ht",
                "budget-planned": "150 000,50",
                "budget-actual": "",
            },
            label="budget",
        ),
    ],
    "roadmaps:part_edit": [
        Case(
            lambda w: {"pk": w.sheet_a.pk, "part": "etapes", "row_pk": w.step_a.pk},
            get=WRITE_ROADMAP_A,
            members=MEMBER_READS,
            writers=RUN_GROUP_A | MEMBER_WRITES,
            payload=lambda w: {"name": "Étape renommée", "due_on": "", "done": "on"},
        )
    ],
    "roadmaps:part_delete": [
        Case(
            lambda w: {"pk": w.sheet_a.pk, "part": "etapes", "row_pk": w.step_a.pk},
            get=POST_FIRST,
            writers=RUN_GROUP_A | MEMBER_WRITES,
            payload=lambda w: {},
        )
    ],
    # Lifecycle: the panel for whoever reads; each move for whom it belongs to.
    "roadmaps:lifecycle": [
        Case(_roadmap_a, get=SEE_ROADMAP_A, members=MEMBER_READS),
        Case(_pk("submitted_roadmap"), get=SEE_ELSEWHERE_A, label="soumise, autre territoire"),
    ],
    "roadmaps:transition": [
        Case(
            lambda w: {"pk": w.roadmap_a.pk, "action": "submit"},
            get=POST_FIRST,
            writers=RUN_GROUP_A,
            payload=lambda w: {"submit-note": "Relue en comité technique."},
            label="soumettre le brouillon A",
        ),
        Case(
            lambda w: {"pk": w.submitted_roadmap.pk, "action": "review"},
            get=POST_FIRST,
            writers=MANAGERS_A,
            payload=lambda w: {"review-comment": "Relecture de la matrice."},
            label="relire une feuille soumise (pilote)",
        ),
        Case(
            lambda w: {"pk": w.submitted_roadmap.pk, "action": "return"},
            get=POST_FIRST,
            writers=MANAGERS_A,
            payload=lambda w: {"return-comment": "À reprendre."},
            label="renvoyer à reprendre (pilote)",
        ),
        Case(
            lambda w: {"pk": w.published_roadmap.pk, "action": "unpublish"},
            get=POST_FIRST,
            writers=MANAGERS_A,
            payload=lambda w: {"unpublish-reason": "Erreur dans une fiche."},
            label="dépublier (ANCT)",
        ),
    ],
    "roadmaps:versions": [Case(_roadmap_a, get=SEE_ROADMAP_A, members=MEMBER_READS)],
    "roadmaps:version_diff": [
        Case(
            lambda w: {"pk": w.roadmap_a.pk, "number": w.version_a.number},
            get=SEE_ROADMAP_A,
            members=MEMBER_READS,
        ),
        Case(
            lambda w: {"pk": w.roadmap_b.pk, "number": w.version_a.number},
            get=outcomes(s404=SIGNED_IN, login="anonymous"),
            label="numéro sans version sur la feuille de route B",
        ),
    ],
    # Follow-ups of the published roadmap: read like it, written by those who write it.
    "roadmaps:follow_ups": [Case(_pk("published_roadmap"), get=SEE_ELSEWHERE_A)],
    "roadmaps:follow_up": [
        Case(
            lambda w: {"pk": w.published_roadmap.pk, "horizon": 1},
            get=SEE_ELSEWHERE_A,
            writers=RUN_ELSEWHERE_A,
            payload=_follow_up_form,
            label="suivi à un an, ouvert",
        ),
        Case(
            lambda w: {"pk": w.published_roadmap.pk, "horizon": 3},
            get=outcomes(s404=SIGNED_IN, login="anonymous"),
            label="suivi à trois ans, pas encore ouvert",
        ),
    ],
}
