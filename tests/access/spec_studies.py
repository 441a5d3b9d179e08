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


def _cell_form(world: Any) -> dict[str, Any]:
    study = world.study_a
    study.refresh_from_db()
    current = str(study.inputs["matrix"][0][1])
    return {
        "matrix": "matrix",
        "row": "0",
        "column": "1",
        "expected": current,
        "value": "1" if current != "1" else "2",
    }


# mactor: the MACTOR pages of territory A's actors' strategies study.
def _mactor_list_form(world: Any) -> dict[str, Any]:
    study = world.mactor_study_a
    names = {f"name-{i}": name for i, name in enumerate(study.inputs["actors"])}
    return {"lock_version": str(study.lock_version), **names, "new": "Entreprises"}


def _mactor_objectives_form(world: Any) -> dict[str, Any]:
    study = world.mactor_study_a
    names = {f"name-{i}": name for i, name in enumerate(study.inputs["objectives"])}
    return {"lock_version": str(study.lock_version), **names, "new": "Mobilités"}


def _mactor_grid_form(matrix: str, cell: str, value: str) -> Any:
    def form(world: Any) -> dict[str, Any]:
        study = world.mactor_study_a
        cells = {
            f"c-{i}-{j}": str(v)
            for i, row in enumerate(study.inputs[matrix])
            for j, v in enumerate(row)
            if matrix != "mid" or i != j
        }
        return {"lock_version": str(study.lock_version), **cells, cell: value}

    return form


def _mactor_options_form(world: Any) -> dict[str, Any]:
    return {
        "lock_version": str(world.mactor_study_a.lock_version),
        "balance_reading": "diagonal_excluded",
        "graph_threshold": "2,5",
    }


MACTOR_PAYLOADS = {
    "studies:mactor_actors": _mactor_list_form,
    "studies:mactor_objectives": _mactor_objectives_form,
    "studies:mactor_mid": _mactor_grid_form("mid", "c-2-0", "4"),
    "studies:mactor_positions": _mactor_grid_form("positions", "c-1-1", "-3"),
    "studies:mactor_options": _mactor_options_form,
}


# cib: the forms of the cross-impact balances screens.
def _cib_descriptors_form(world: Any) -> dict[str, Any]:
    study = world.cib_study_a
    data: dict[str, Any] = {"lock_version": str(study.lock_version)}
    for i, descriptor in enumerate(study.inputs["descriptors"]):
        data[f"d-{i}-name"] = descriptor["name"]
        for k, variant in enumerate(descriptor["variants"]):
            data[f"v-{i}-{k}-name"] = variant
    return data | {"new-name": "Mobilités", "new-variants": "Voiture\nTrain"}


def _cib_matrix_form(world: Any) -> dict[str, Any]:
    study = world.cib_study_a
    cells = {
        f"c-{i}-{j}": str(value)
        for i, row in enumerate(study.inputs["matrix"])
        for j, value in enumerate(row)
    }
    return {"lock_version": str(study.lock_version), **cells, "c-0-1": "-2"}


def _cib_import_form(world: Any) -> dict[str, Any]:
    from foresight import cib, scenariowizard

    study = world.cib_study_a
    model = scenariowizard.model_from_input(
        cib.parse(
            {"descriptors": study.inputs["descriptors"][::-1], "matrix": study.inputs["matrix"]}
        )
    )
    content = scenariowizard.write_scw(model).encode()
    return {
        "lock_version": str(study.lock_version),
        "file": SimpleUploadedFile("modele.scw", content, content_type="text/plain"),
    }


# smicmp: valid forms of the SMIC and Multipol screens.
def _smic_hypotheses_form(world: Any) -> dict[str, Any]:
    study = world.smic_study_a
    return {
        "lock_version": str(study.lock_version),
        "name-0": "Gare rouverte",
        "p-0": "0,7",
        "name-1": "Tiers-lieu ouvert",
        "p-1": "0,5",
        "objective": "linear",
        "interval_mode": "all",
    }


def _smic_grid_form(world: Any) -> dict[str, Any]:
    return {"lock_version": str(world.smic_study_a.lock_version), "c-0-1": "0,8"}


def _multipol_lists_form(world: Any) -> dict[str, Any]:
    study = world.multipol_study_a
    return {
        "lock_version": str(study.lock_version),
        "action-0": "Navette",
        "action-1": "Covoiturage",
        "criterion-0": "Coût",
        "criterion-1": "Impact",
        "criterion-new": "Délai",
    }


def _multipol_scores_form(world: Any) -> dict[str, Any]:
    return {"lock_version": str(world.multipol_study_a.lock_version), "c-0-0": "12"}


def _multipol_policies_form(world: Any) -> dict[str, Any]:
    return {
        "lock_version": str(world.multipol_study_a.lock_version),
        "name-0": "Sobriété",
        "w-0-0": "3",
        "w-0-1": "1",
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
    "studies:cell": [
        Case(_study(), get=POST_FIRST, writers=WRITE_STUDIES_A, payload=_cell_form, valid="ok")
    ],
    "studies:presentation": [
        Case(_study(matrix="matrix"), get=SEE_STUDY_A, members=MEMBER_READS, label="matrice")
    ],
    "studies:public": [
        Case(_study("published_study"), get=PUBLIC, label="publiée"),
        Case(_study(), get=PUBLIC_HIDDEN, label="brouillon"),
    ],
    # mactor: actors, objectives, MID, MAO and options of territory A's MACTOR study.
    **{
        name: [
            Case(
                _study("mactor_study_a"),
                get=WRITE_STUDY_A,
                members=MEMBER_REFUSED,
                writers=WRITE_STUDIES_A,
                payload=payload,
            )
        ]
        for name, payload in MACTOR_PAYLOADS.items()
    },
    # cib: the cross-impact balances screens (descriptors, impact grid, ScenarioWizard
    # import, run, the queued run's waiting page, the scenarios and keeping one).
    "studies:cib_descriptors": [
        Case(
            _study("cib_study_a"),
            get=WRITE_STUDY_A,
            members=MEMBER_REFUSED,
            writers=WRITE_STUDIES_A,
            payload=lambda w: _cib_descriptors_form(w),
        )
    ],
    "studies:cib_matrix": [
        Case(
            _study("cib_study_a"),
            get=WRITE_STUDY_A,
            members=MEMBER_REFUSED,
            writers=WRITE_STUDIES_A,
            payload=lambda w: _cib_matrix_form(w),
        )
    ],
    "studies:cib_import": [
        Case(
            _study("cib_study_a"),
            get=WRITE_STUDY_A,
            members=MEMBER_REFUSED,
            writers=WRITE_STUDIES_A,
            payload=lambda w: _cib_import_form(w),
        )
    ],
    "studies:cib_run": [
        Case(_study("cib_study_a"), get=POST_FIRST, writers=WRITE_STUDIES_A, payload=lambda w: {})
    ],
    "studies:cib_pending": [
        Case(
            lambda w: {"pk": w.cib_study_a.pk, "queued": w.cib_queued_a.pk},
            get=SEE_STUDY_A,
            members=MEMBER_READS,
        )
    ],
    "studies:cib_scenarios": [
        Case(
            lambda w: {"pk": w.cib_study_a.pk, "run": w.cib_run_a.pk},
            get=SEE_STUDY_A,
            members=MEMBER_READS,
        )
    ],
    "studies:cib_scenario_create": [
        Case(
            lambda w: {"pk": w.cib_study_a.pk, "run": w.cib_run_a.pk, "index": 1},
            get=WRITE_STUDY_A,
            members=MEMBER_REFUSED,
            writers=WRITE_STUDIES_A,
            payload=lambda w: {"name": "Scénario de la matrice", "narrative": "Un récit."},
        )
    ],  # smicmp: the SMIC and Multipol screens of territory A's studies (writers only).
    "studies:smic_hypotheses": [
        Case(
            _study("smic_study_a"),
            get=WRITE_STUDY_A,
            members=MEMBER_REFUSED,
            writers=WRITE_STUDIES_A,
            payload=_smic_hypotheses_form,
        )
    ],
    "studies:smic_p_if": [
        Case(
            _study("smic_study_a"),
            get=WRITE_STUDY_A,
            members=MEMBER_REFUSED,
            writers=WRITE_STUDIES_A,
            payload=_smic_grid_form,
        )
    ],
    "studies:smic_p_if_not": [
        Case(
            _study("smic_study_a"),
            get=WRITE_STUDY_A,
            members=MEMBER_REFUSED,
            writers=WRITE_STUDIES_A,
            payload=_smic_grid_form,
        )
    ],
    "studies:smic_scenario": [
        Case(
            lambda w: {"pk": w.smic_study_a.pk, "run": w.smic_run_a.pk},
            get=WRITE_STUDY_A,
            members=MEMBER_REFUSED,
            writers=WRITE_STUDIES_A,
            payload=lambda w: {"scenario": "11", "name": "Gare et tiers-lieu", "narrative": ""},
        )
    ],
    "studies:multipol_lists": [
        Case(
            _study("multipol_study_a"),
            get=WRITE_STUDY_A,
            members=MEMBER_REFUSED,
            writers=WRITE_STUDIES_A,
            payload=_multipol_lists_form,
        )
    ],
    "studies:multipol_scores": [
        Case(
            _study("multipol_study_a"),
            get=WRITE_STUDY_A,
            members=MEMBER_REFUSED,
            writers=WRITE_STUDIES_A,
            payload=_multipol_scores_form,
        )
    ],
    "studies:multipol_policies": [
        Case(
            _study("multipol_study_a"),
            get=WRITE_STUDY_A,
            members=MEMBER_REFUSED,
            writers=WRITE_STUDIES_A,
            payload=_multipol_policies_form,
        )
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


# morpho: the morphological analysis's screens (components, exclusions, live screen, scenarios).
def _morpho_components_form(world: Any) -> dict[str, Any]:
    study = world.morpho_study_a
    data: dict[str, Any] = {"lock_version": str(study.lock_version)}
    for i, comp in enumerate(study.inputs["components"]):
        data[f"comp-{i}-name"] = comp["name"]
        data |= {f"comp-{i}-h-{j}": h for j, h in enumerate(comp["hypotheses"])}
    return data | {"new-name": "Alimentation", "new-hypotheses": "Locale\nMondialisée"}


def _morpho_exclusions_form(world: Any) -> dict[str, Any]:
    return {"lock_version": str(world.morpho_study_a.lock_version), "a": "0-2", "b": "2-0"}


def _morpho_scenario_form(world: Any) -> dict[str, Any]:
    return {
        "lock_version": str(world.morpho_study_a.lock_version),
        "c-0": "2",
        "c-1": "2",
        "c-2": "1",
        "name": "Scénario de la matrice",
        "narrative": "",
    }


def _morpho_scenario(world: Any) -> dict[str, Any]:
    return {"pk": world.morpho_study_a.pk, "scenario": world.morpho_scenario_a.pk}


STUDY_CASES |= {
    "studies:morpho_components": [
        Case(
            _study("morpho_study_a"),
            get=WRITE_STUDY_A,
            members=MEMBER_REFUSED,
            writers=WRITE_STUDIES_A,
            payload=_morpho_components_form,
        )
    ],
    "studies:morpho_exclusions": [
        Case(
            _study("morpho_study_a"),
            get=WRITE_STUDY_A,
            members=MEMBER_REFUSED,
            writers=WRITE_STUDIES_A,
            payload=_morpho_exclusions_form,
        )
    ],
    # Exploring is reading: the study's readers explore too; saving a scenario is writing.
    "studies:morpho_live": [
        Case(_study("morpho_study_a"), get=SEE_STUDY_A, members=MEMBER_READS),
    ],
    "studies:morpho_scenario_save": [
        Case(
            _study("morpho_study_a"),
            get=POST_FIRST,
            writers=WRITE_STUDIES_A,
            payload=_morpho_scenario_form,
        )
    ],
    "studies:morpho_scenario_delete": [
        Case(_morpho_scenario, get=POST_FIRST, writers=WRITE_STUDIES_A, payload=lambda w: {})
    ],
}


# votes (issue 14, votes on phones): the statements and questions editors, opening a vote,
# the projected grid and closing it are the study's writers'; joining and voting are public
# but reach an open vote only, by its code (a closed vote's address is gone: 410). Anyone may
# post the code form and join an open vote (a new voter's token).
def _vote_study(name: str) -> Any:
    return lambda world: {"pk": getattr(world, name).pk}


def _open_vote(world: Any) -> dict[str, Any]:
    return {"pk": world.vote_study_a.pk, "vote": world.open_vote_a.pk}


def _statements_form(world: Any) -> dict[str, Any]:
    study = world.regnier_study_a
    text = "\n".join([*study.inputs["statements"], "Une affirmation ajoutée par la matrice"])
    return {"lock_version": str(study.lock_version), "statements": text, "sort": "consensus"}


def _questions_form(world: Any) -> dict[str, Any]:
    study = world.delphi_study_a
    return {
        "lock_version": str(study.lock_version),
        "questions": "Part des trajets à vélo en 2040 ; % ; 0 ; 100",
        "rule": "iqr_at_most",
        "value": "5",
        "tolerance": "",
    }


def _open_regnier_form(world: Any) -> dict[str, Any]:
    return {"items": ["0", "1"], "token_mode": "anonymous", "closes_at": ""}


def _open_delphi_form(world: Any) -> dict[str, Any]:
    return {"token_mode": "anonymous", "closes_at": "2099-01-01T18:00"}


STUDY_CASES.update(
    {
        "studies:statements": [
            Case(
                _vote_study("regnier_study_a"),
                get=WRITE_STUDY_A,
                members=MEMBER_REFUSED,
                writers=WRITE_STUDIES_A,
                payload=_statements_form,
            )
        ],
        "studies:questions": [
            Case(
                _vote_study("delphi_study_a"),
                get=WRITE_STUDY_A,
                members=MEMBER_REFUSED,
                writers=WRITE_STUDIES_A,
                payload=_questions_form,
            )
        ],
        "studies:votes": [
            Case(
                _vote_study("regnier_study_a"),
                get=WRITE_STUDY_A,
                members=MEMBER_REFUSED,
                writers=WRITE_STUDIES_A,
                payload=_open_regnier_form,
                label="Régnier",
            ),
            Case(
                _vote_study("delphi_study_a"),
                get=WRITE_STUDY_A,
                members=MEMBER_REFUSED,
                writers=WRITE_STUDIES_A,
                payload=_open_delphi_form,
                label="Delphi",
            ),
        ],
        "studies:vote_detail": [Case(_open_vote, get=WRITE_STUDY_A, members=MEMBER_REFUSED)],
        "studies:vote_live": [Case(_open_vote, get=WRITE_STUDY_A, members=MEMBER_REFUSED)],
        "studies:vote_close": [
            Case(_open_vote, get=POST_FIRST, writers=WRITE_STUDIES_A, payload=lambda w: {})
        ],
        "studies:vote_join": [Case(get=PUBLIC, writers=EVERYONE)],
        "studies:vote_page": [
            Case(
                lambda world: {"code": world.open_vote_a.code},
                get=PUBLIC,
                writers=EVERYONE,
                payload=lambda w: {"action": "join", "name": "Votant"},
                label="ouvert",
            ),
            Case(
                lambda world: {"code": world.closed_vote_a.code},
                get=outcomes(s410=EVERYONE),
                label="clos",
            ),
        ],
    }
)
