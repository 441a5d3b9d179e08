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
from fabriques.studies.models import Method, Study, StudyStatus
from fabriques.studies.services import study_run
from fabriques.studies.tests.factories import micmac_study


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
    for study in (study_a, collective_a, published, study_b):
        study.refresh_from_db()
    smic_a, smic_run_a, multipol_a = _smic_multipol_a(cast)
    return {
        "smic_study_a": smic_a,
        "smic_run_a": smic_run_a,
        "multipol_study_a": multipol_a,
        "study_a": study_a,
        "study_run_a": run_a,
        "collective_study_a": collective_a,
        "published_study": published,
        "study_b": study_b,
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
