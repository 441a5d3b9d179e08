"""The foresight studies the access matrix tries (spec_studies.py).

Territory A's structural analysis (a draft with its variables, matrix and a run), the
collective study of Fabrique A (a draft), a published study of Fabrique A with a run, and
territory B's draft study. Built through the services, as a consultant would.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from fabriques.programme.tests.personas import Personas
from fabriques.studies.models import RetainedKind, Study, StudyStatus
from fabriques.studies.services import retained_add, study_run
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
    for study in (study_a, collective_a, published, study_b):
        study.refresh_from_db()
    return {
        "retained_a": retained_a,
        "collective_run_a": collective_run_a,
        "study_a": study_a,
        "study_run_a": run_a,
        "collective_study_a": collective_a,
        "published_study": published,
        "study_b": study_b,
    }
