"""The recommendations' part of the access matrix (merged into spec.CASES).

A Fabrique's recommendations are read and commented by everyone who sees its collective work
(its pilots, provider, partners and referents: SEE_A); they are written by its pilots,
administrators and provider consultants (the referents and partners get a 403). Positions
are given by the endorsing organisations' members, for their own organisation, and by ANCT
on their behalf; publication, sending, answers and implementation reviews are ANCT's. Another
Fabrique's people get the same 404 as strangers.
"""

from __future__ import annotations

import datetime
from typing import Any

from .spec import (
    MANAGERS_A,
    OUTSIDERS_A,
    POST_ONLY,
    PUBLIC,
    PUBLIC_HIDDEN,
    READERS_A,
    SEE_A,
    SIGNED_IN,
    Case,
    outcomes,
)

WRITE_RECOMMENDATIONS_A = MANAGERS_A | {"provider_a"}
WRITE_A = outcomes(
    ok=WRITE_RECOMMENDATIONS_A,
    s403=(MANAGERS_A | READERS_A) - WRITE_RECOMMENDATIONS_A,
    s404=OUTSIDERS_A,
    login="anonymous",
)
SEE_B_ROLES = frozenset({"admin", "pilot_b", "partner_b", "provider_b", "elected_b"})
SEE_B = outcomes(ok=SEE_B_ROLES, s404=SIGNED_IN - SEE_B_ROLES, login="anonymous")
TODAY = datetime.date(2026, 12, 1).isoformat()


def _a(world: Any) -> dict[str, Any]:
    return {"slug": world.fabrique_a.slug}


def _pk(name: str) -> Any:
    return lambda world: {"pk": getattr(world, name).pk}


_draft, _open, _published = (
    _pk("recommendation_a"),
    _pk("open_recommendation_a"),
    _pk("published_recommendation_a"),
)


def _form(world: Any, recommendation: Any = None) -> dict[str, Any]:
    return {
        "lock_version": str(recommendation.lock_version) if recommendation else "",
        "number": "",
        "title": "Ouvrir les données des bailleurs sociaux",
        "finding": "Les territoires ne connaissent pas l’état de leur parc.",
        "proposal": "Publier les données du répertoire du parc locatif social par commune.",
        "kind": "regulatory",
        "theme": "",
        "addressee_kind": "ministry",
        "addressee": "Direction de l’habitat, de l’urbanisme et des paysages",
        "addressee_organisation": "",
        "target_text": "",
    }


RECOMMENDATION_CASES: dict[str, list[Case]] = {
    "recommendations:fabrique_list": [Case(_a, get=SEE_A)],
    "recommendations:create": [
        Case(_a, get=WRITE_A, writers=WRITE_RECOMMENDATIONS_A, payload=_form)
    ],
    "recommendations:detail": [
        Case(_draft, get=SEE_A, label="brouillon"),
        Case(_published, get=SEE_A, label="publiée"),
        Case(_pk("recommendation_b"), get=SEE_B, label="Fabrique B"),
    ],
    "recommendations:edit": [
        Case(
            _draft,
            get=WRITE_A,
            writers=WRITE_RECOMMENDATIONS_A,
            payload=lambda w: _form(w, w.recommendation_a),
            label="brouillon",
        )
    ],
    "recommendations:delete": [
        Case(
            _draft,
            get=POST_ONLY,
            writers=WRITE_RECOMMENDATIONS_A,
            payload=lambda w: {},
            label="brouillon",
        )
    ],
    "recommendations:transition": [
        Case(
            _draft,
            get=POST_ONLY,
            writers=WRITE_RECOMMENDATIONS_A,
            payload=lambda w: {"to": "open"},
            label="soumettre aux positions",
        ),
        Case(
            _open,
            get=POST_ONLY,
            writers=MANAGERS_A,
            payload=lambda w: {"to": "publish"},
            label="publier",
        ),
    ],
    "recommendations:position": [
        Case(
            _open,
            get=POST_ONLY,
            # The association of elected officials partner of A (partner_a's organisation),
            # and ANCT recording a position received by letter.
            writers=MANAGERS_A | {"partner_a"},
            payload=lambda w: {
                "organisation": str(w.partner_org_a.pk),
                "stance": "reservations",
                "comment": "Sous réserve d’une compensation financière.",
                "signatory": "La présidente",
                "given_on": TODAY,
            },
        )
    ],
    "recommendations:comment": [
        Case(
            _draft,
            get=POST_ONLY,
            writers=MANAGERS_A | READERS_A,
            payload=lambda w: {"text": "Commentaire de la matrice"},
        )
    ],
    "recommendations:sending": [
        Case(
            _published,
            get=POST_ONLY,
            writers=MANAGERS_A,
            payload=lambda w: {"correspondent": "Bureau des politiques locales", "sent_on": TODAY},
        )
    ],
    "recommendations:answer": [
        Case(
            _published,
            get=POST_ONLY,
            writers=MANAGERS_A,
            payload=lambda w: {"answered_on": TODAY, "text": "La DGCL étudie la proposition."},
        )
    ],
    "recommendations:review": [
        Case(
            _published,
            get=POST_ONLY,
            writers=MANAGERS_A,
            payload=lambda w: {
                "horizon": "1",
                "reviewed_on": TODAY,
                "degree": "partially",
                "measure": "Circulaire du 3 mars 2027",
                "comment": "",
            },
        )
    ],
    "recommendations:answer_file": [
        Case(
            lambda w: {"pk": w.published_recommendation_a.pk, "answer_pk": w.answer_a.pk},
            get=SEE_A,
        )
    ],
}


# Documents: a roadmap's (for those who see it: its writers, the Fabrique's partners and the
# members invited on one of its sheets), a Fabrique's recommendations and results booklet (for
# those who see its work); their public versions only for what is published.
SEE_ROADMAP_A_ROLES = MANAGERS_A | READERS_A
SEE_ROADMAP_A = outcomes(
    ok=SEE_ROADMAP_A_ROLES, s404=SIGNED_IN - SEE_ROADMAP_A_ROLES, login="anonymous"
)
INVITED_ON_A_SHEET = {"member_a": "ok"}


def _roadmap_doc(name: str, fmt: str, **extra: str) -> Any:
    return lambda w: {"pk": str(getattr(w, name).pk), "fmt": fmt, **extra}


DOCUMENT_CASES: dict[str, list[Case]] = {
    "roadmaps:document": [
        Case(
            _roadmap_doc("roadmap_a", fmt), get=SEE_ROADMAP_A, members=INVITED_ON_A_SHEET, label=fmt
        )
        for fmt in ("pdf", "docx", "odt")
    ],
    "roadmaps:sheets_export": [
        Case(
            _roadmap_doc("roadmap_a", fmt, table="fiches"),
            get=SEE_ROADMAP_A,
            members=INVITED_ON_A_SHEET,
            label=fmt,
        )
        for fmt in ("csv", "xlsx")
    ],
    "roadmaps:table_export": [
        Case(
            _roadmap_doc("roadmap_a", "csv", table=table),
            get=SEE_ROADMAP_A,
            members=INVITED_ON_A_SHEET,
            label=table,
        )
        for table in ("budget", "financements")
    ],
    "recommendations:document": [Case(lambda w: {**_a(w), "fmt": "pdf"}, get=SEE_A)],
    "recommendations:booklet": [Case(lambda w: {**_a(w), "fmt": "odt"}, get=SEE_A)],
    "public:roadmap_document": [
        Case(_roadmap_doc("published_roadmap", "pdf"), get=PUBLIC, label="publiée"),
        Case(_roadmap_doc("roadmap_a", "pdf"), get=PUBLIC_HIDDEN, label="brouillon"),
    ],
    "public:recommendations_document": [
        Case(lambda w: {**_a(w), "fmt": "docx"}, get=PUBLIC, label="Fabrique en cours"),
        Case(
            lambda w: {"slug": w.fabrique_draft.slug, "fmt": "docx"},
            get=PUBLIC_HIDDEN,
            label="Fabrique en conception",
        ),
    ],
    "public:booklet": [
        Case(lambda w: {**_a(w), "fmt": "pdf"}, get=PUBLIC, label="Fabrique en cours"),
        Case(
            lambda w: {"slug": w.fabrique_draft.slug, "fmt": "pdf"},
            get=PUBLIC_HIDDEN,
            label="Fabrique en conception",
        ),
    ],
}
RECOMMENDATION_CASES.update(DOCUMENT_CASES)
