"""The foresight studies' part of the access matrix (merged into spec.CASES): fabriques/studies.

Writing a study (creating it, its variables, matrix and import, running it) belongs to the
Fabrique's provider consultants and ANCT pilots (and the administrators). The Fabrique's
partners read every study of it (403 on the writing pages); a territory's study is also read
by its referents and by the current members of its working group (member_a, 403 on the
writing pages); the Fabrique's collective study is not the territories' referents' (404).
Other Fabriques' people and the members of other groups get the same 404 as strangers. A
published study has a public page; a draft's is a 404 for everyone. The run is a POST only:
405 to a GET, before asking anyone to sign in.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from .spec import EVERYONE, OUTSIDERS_A, PUBLIC, PUBLIC_HIDDEN, SEE_A, SIGNED_IN, Case, outcomes

WRITE_STUDIES_A = frozenset({"admin", "pilot_a", "provider_a"})
READ_ONLY_A = frozenset({"partner_a", "elected_a", "technical_a"})
# Territory A's study.
SEE_STUDY_A = outcomes(ok=WRITE_STUDIES_A | READ_ONLY_A, s404=OUTSIDERS_A, login="anonymous")
WRITE_STUDY_A = outcomes(ok=WRITE_STUDIES_A, s403=READ_ONLY_A, s404=OUTSIDERS_A, login="anonymous")
MEMBER_READS = {"member_a": "ok"}
MEMBER_REFUSED = {"member_a": "403"}
# The collective study of Fabrique A: its team, not the territories' referents.
SEE_COLLECTIVE_A = outcomes(
    ok=WRITE_STUDIES_A | {"partner_a"},
    s404=OUTSIDERS_A | {"elected_a", "technical_a"},
    login="anonymous",
)
# Territory B's study: Fabrique B's people only.
READ_STUDY_B = frozenset({"admin", "pilot_b", "provider_b", "elected_b", "partner_b"})
SEE_STUDY_B = outcomes(ok=READ_STUDY_B, s404=SIGNED_IN - READ_STUDY_B, login="anonymous")
POST_FIRST = outcomes(s405=EVERYONE)


def _a(world: Any) -> dict[str, Any]:
    return {"slug": world.fabrique_a.slug}


def _study(name: str = "study_a", **extra: Any) -> Any:
    return lambda world: {"pk": getattr(world, name).pk, **extra}


def _run_a(world: Any) -> dict[str, Any]:
    return {"pk": world.study_a.pk, "run": world.study_run_a.pk}


def _create_form(world: Any) -> dict[str, Any]:
    return {
        "method": "micmac",
        "title": "Analyse créée par la matrice",
        "purpose": "",
        "participation": str(world.participation_a.pk),
    }


def _edit_form(world: Any) -> dict[str, Any]:
    return {
        "lock_version": str(world.study_a.lock_version),
        "title": "Analyse revue par la matrice",
        "purpose": "Les variables clés du territoire.",
        "participation": str(world.participation_a.pk),
        "status": "draft",
    }


def _variables_form(world: Any) -> dict[str, Any]:
    study = world.study_a
    names = {f"name-{i}": name for i, name in enumerate(study.inputs["variables"])}
    return {"lock_version": str(study.lock_version), **names, "new": "Numérique"}


def _matrix_form(world: Any) -> dict[str, Any]:
    study = world.study_a
    cells = {
        f"c-{i}-{j}": str(value)
        for i, row in enumerate(study.inputs["matrix"])
        for j, value in enumerate(row)
        if i != j
    }
    return {"lock_version": str(study.lock_version), **cells, "c-0-1": "3"}


def _import_form(world: Any) -> dict[str, Any]:
    content = "Variable;Emploi;Santé\nEmploi;0;2\nSanté;P;0\n".encode()
    return {
        "lock_version": str(world.study_a.lock_version),
        "file": SimpleUploadedFile("matrice.csv", content, content_type="text/csv"),
    }


STUDY_CASES: dict[str, list[Case]] = {
    "studies:fabrique_list": [Case(_a, get=SEE_A)],
    "studies:create": [
        Case(
            _a,
            get=outcomes(ok=WRITE_STUDIES_A, s403=READ_ONLY_A, s404=OUTSIDERS_A, login="anonymous"),
            writers=WRITE_STUDIES_A,
            payload=_create_form,
        )
    ],
    "studies:detail": [
        Case(_study(), get=SEE_STUDY_A, members=MEMBER_READS, label="territoire A"),
        Case(_study("collective_study_a"), get=SEE_COLLECTIVE_A, label="collective A"),
        Case(
            _study("study_b"),
            get=SEE_STUDY_B,
            members={"member_b": "ok"},  # a member of territory B's group
            label="territoire B",
        ),
    ],
    "studies:edit": [
        Case(
            _study(),
            get=WRITE_STUDY_A,
            members=MEMBER_REFUSED,
            writers=WRITE_STUDIES_A,
            payload=_edit_form,
        )
    ],
    "studies:variables": [
        Case(
            _study(),
            get=WRITE_STUDY_A,
            members=MEMBER_REFUSED,
            writers=WRITE_STUDIES_A,
            payload=_variables_form,
        )
    ],
    "studies:matrix": [
        Case(
            _study(),
            get=WRITE_STUDY_A,
            members=MEMBER_REFUSED,
            writers=WRITE_STUDIES_A,
            payload=_matrix_form,
        )
    ],
    "studies:import": [
        Case(
            _study(),
            get=WRITE_STUDY_A,
            members=MEMBER_REFUSED,
            writers=WRITE_STUDIES_A,
            payload=_import_form,
        )
    ],
    "studies:export": [
        Case(_study(fmt="csv"), get=SEE_STUDY_A, members=MEMBER_READS, label="CSV"),
        Case(_study(fmt="xlsx"), get=SEE_STUDY_A, members=MEMBER_READS, label="XLSX"),
    ],
    "studies:run": [Case(_study(), get=POST_FIRST, writers=WRITE_STUDIES_A, payload=lambda w: {})],
    "studies:run_detail": [Case(_run_a, get=SEE_STUDY_A, members=MEMBER_READS)],
    "studies:run_json": [Case(_run_a, get=SEE_STUDY_A, members=MEMBER_READS)],
    "studies:public": [
        Case(_study("published_study"), get=PUBLIC, label="publiée"),
        Case(_study(), get=PUBLIC_HIDDEN, label="brouillon"),
    ],
    # retained: results retained for the roadmap, the study's report, a run's CSV.
    "studies:retained_add": [
        Case(
            _study("collective_study_a"),
            get=POST_FIRST,
            writers=WRITE_STUDIES_A,
            payload=lambda w: {
                "kind": "variable",
                "key": "Offre de soins",
                "run": str(w.collective_run_a.pk),
            },
        )
    ],
    "studies:retained_remove": [
        Case(
            lambda w: {"pk": w.study_a.pk, "retained": w.retained_a.pk},
            get=POST_FIRST,
            writers=WRITE_STUDIES_A,
            payload=lambda w: {},
        )
    ],
    "studies:report": [
        Case(_study(fmt="docx"), get=SEE_STUDY_A, members=MEMBER_READS, label="DOCX"),
        Case(_study("collective_study_a", fmt="odt"), get=SEE_COLLECTIVE_A, label="collective"),
    ],
    "studies:public_report": [
        Case(_study("published_study", fmt="docx"), get=PUBLIC, label="publiée"),
        Case(_study(fmt="docx"), get=PUBLIC_HIDDEN, label="brouillon"),
    ],
    "studies:run_csv": [Case(_run_a, get=SEE_STUDY_A, members=MEMBER_READS)],
}
