"""The foresight studies the access matrix tries (spec_studies.py).

Territory A's structural analysis (a draft with its variables, matrix and a run), the
collective study of Fabrique A (a draft), a published study of Fabrique A with a run, and
territory B's draft study. Built through the services, as a consultant would.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from fabriques.programme.tests.personas import Personas
from fabriques.studies import services
from fabriques.studies.models import Method, QueuedRun, RetainedKind, Study, StudyStatus
from fabriques.studies.services import cib_run_start, retained_add, scenario_create, study_run
from fabriques.studies.tests.factories import cib_study, micmac_study
from fabriques.studies.tests.factories_mactor import mactor_study
from fabriques.studies.tests.test_morpho import morpho_study


def build_studies(cast: Personas) -> dict[str, Any]:
    study_a = micmac_study(
        fabrique=cast.fabrique_a,
        actor=cast.provider_a,
        participation=cast.participation_a,
        title="Analyse structurelle du territoire A",
    )
    run_a = study_run(study=study_a, actor=cast.provider_a)
    collective_a = micmac_study(
        fabrique=cast.fabrique_a, actor=cast.pilot_a, title="Analyse collective de la Fabrique A"
    )
    published = micmac_study(
        fabrique=cast.fabrique_a, actor=cast.provider_a, title="Analyse publiée"
    )
    study_run(study=published, actor=cast.provider_a)
    Study.objects.filter(pk=published.pk).update(
        status=StudyStatus.PUBLISHED, updated_at=timezone.now()
    )
    study_b = micmac_study(
        fabrique=cast.fabrique_b,
        actor=cast.provider_b,
        participation=cast.participation_b,
        title="Analyse structurelle du territoire B",
    )
    # mactor: territory A's actors' strategies study (a draft with its lists and grids).
    mactor_a = mactor_study(
        fabrique=cast.fabrique_a,
        actor=cast.provider_a,
        participation=cast.participation_a,
        title="Jeu des acteurs du territoire A",
    )
    # cib: territory A's cross-impact balances, a saved run with a kept scenario and a run
    # waiting in the queue.
    cib_a = cib_study(
        fabrique=cast.fabrique_a,
        actor=cast.provider_a,
        participation=cast.participation_a,
        title="Balance d’impacts croisés du territoire A",
    )
    cib_run_a = cib_run_start(study=cib_a, actor=cast.provider_a)
    scenario_create(
        study=cib_a,
        actor=cast.provider_a,
        name="Scénario gardé",
        configuration={"Économie locale": "Déclin", "Population": "Baisse"},
        run=cib_run_a,  # type: ignore[arg-type]
    )
    cib_queued_a = QueuedRun.objects.create(
        study=cib_a, input=cib_a.inputs, estimate=4, requested_by=cast.provider_a
    )
    # morpho: territory A's morphological analysis with a run and a named scenario.
    morpho_a = morpho_study(
        fabrique=cast.fabrique_a,
        actor=cast.provider_a,
        participation=cast.participation_a,
        title="Analyse morphologique du territoire A",
    )
    study_run(study=morpho_a, actor=cast.provider_a)
    scenario_a = services.morpho_scenario_save(
        study=morpho_a,
        actor=cast.provider_a,
        name="Sobriété partagée",
        narrative="Un territoire qui roule à vélo.",
        choices={0: 2, 1: 2, 2: 1},
        expected_version=morpho_a.lock_version,
    )
    smic_a, smic_run_a, multipol_a = _smic_multipol_a(cast)
    # Retained results (retained): territory A's key variable, cited by the roadmap's sheets
    # in spec_roadmaps; the collective study's run offers the same variable to retain.
    retained_a = retained_add(
        study=study_a,
        actor=cast.provider_a,
        kind=RetainedKind.VARIABLE,
        key="Offre de soins",
        run=run_a,
    )
    collective_run_a = study_run(study=collective_a, actor=cast.pilot_a)
    for study in (study_a, collective_a, published, study_b, mactor_a, cib_a, morpho_a):
        study.refresh_from_db()
    return {
        **build_votes(cast),
        "morpho_study_a": morpho_a,
        "retained_a": retained_a,
        "collective_run_a": collective_run_a,
        "smic_study_a": smic_a,
        "smic_run_a": smic_run_a,
        "multipol_study_a": multipol_a,
        "morpho_scenario_a": scenario_a,
        "cib_study_a": cib_a,
        "cib_run_a": cib_run_a,
        "cib_queued_a": cib_queued_a,
        "mactor_study_a": mactor_a,
        "study_a": study_a,
        "study_run_a": run_a,
        "collective_study_a": collective_a,
        "published_study": published,
        "study_b": study_b,
    }


# votes (issue 14, votes on phones): territory A's Régnier study with a closed vote and its
# run, a second one with an open vote (one voter), and territory A's Delphi study.
def build_votes(cast: Personas) -> dict[str, Any]:
    from fabriques.studies.models import TokenMode
    from fabriques.studies.services import (
        regnier_ballots_cast,
        vote_close,
        vote_open,
        voter_join,
    )
    from fabriques.studies.tests.factories import delphi_study, regnier_study

    regnier_a = regnier_study(
        fabrique=cast.fabrique_a,
        actor=cast.provider_a,
        participation=cast.participation_a,
        title="Abaque du territoire A",
    )
    closed = vote_open(
        study=regnier_a, actor=cast.provider_a, items=[0, 1], token_mode=TokenMode.ANONYMOUS
    )
    voter, _token = voter_join(session=closed)
    regnier_ballots_cast(voter=voter, colours={0: "dark_green", 1: "orange"})
    vote_close(session=closed, actor=cast.provider_a)
    live_study = regnier_study(
        fabrique=cast.fabrique_a,
        actor=cast.provider_a,
        participation=cast.participation_a,
        title="Abaque en séance du territoire A",
    )
    open_vote = vote_open(
        study=live_study, actor=cast.provider_a, items=[0, 1, 2], token_mode=TokenMode.NAMED
    )
    voter, _token = voter_join(session=open_vote, name="Votant de la matrice")
    regnier_ballots_cast(voter=voter, colours={0: "light_green"})
    delphi_a = delphi_study(
        fabrique=cast.fabrique_a,
        actor=cast.provider_a,
        participation=cast.participation_a,
        title="Delphi du territoire A",
    )
    for study in (regnier_a, live_study, delphi_a):
        study.refresh_from_db()
    closed.refresh_from_db()
    return {
        "regnier_study_a": regnier_a,
        "closed_vote_a": closed,
        "vote_study_a": live_study,
        "open_vote_a": open_vote,
        "delphi_study_a": delphi_a,
    }


def _smic_multipol_a(cast: Personas) -> tuple[Study, Any, Study]:
    """smicmp: territory A's SMIC study with a run, and its Multipol study."""
    smic = services.study_create(
        fabrique=cast.fabrique_a,
        actor=cast.provider_a,
        method=Method.SMIC,
        title="Probabilités des scénarios du territoire A",
        participation=cast.participation_a,
    )
    services.smic_hypotheses_save(
        study=smic,
        actor=cast.provider_a,
        rows=[(None, "Gare rouverte", "0,6"), (None, "Tiers-lieu ouvert", "0,5")],
        options={},
        expected_version=smic.lock_version,
    )
    smic_run = study_run(study=smic, actor=cast.provider_a)
    multipol = services.study_create(
        fabrique=cast.fabrique_a,
        actor=cast.provider_a,
        method=Method.MULTIPOL,
        title="Évaluation des actions du territoire A",
        participation=cast.participation_a,
    )
    services.multipol_lists_save(
        study=multipol,
        actor=cast.provider_a,
        actions=[(None, "Navette"), (None, "Covoiturage")],
        criteria=[(None, "Coût"), (None, "Impact")],
        expected_version=multipol.lock_version,
    )
    for study in (smic, multipol):
        study.refresh_from_db()
    return smic, smic_run, multipol
