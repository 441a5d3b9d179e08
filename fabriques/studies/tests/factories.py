"""Studies for the tests, built through the services."""

from __future__ import annotations

from typing import Any

from fabriques.studies import services
from fabriques.studies.models import Method, Study

VARIABLES = ["Emploi local", "Offre de soins", "Transports", "Habitat"]
MATRIX: list[list[int | str]] = [[0, 2, 1, 0], [1, 0, 3, "P"], [0, 2, 0, 1], [3, 0, 0, 0]]


def micmac_study(
    *,
    fabrique: Any,
    actor: Any,
    participation: Any = None,
    variables: list[str] | None = None,
    matrix: list[list[int | str]] | None = None,
    title: str = "Analyse structurelle",
    purpose: str = "",
) -> Study:
    """A MICMAC study with its variables and matrix entered through the services."""
    study = services.study_create(
        fabrique=fabrique,
        actor=actor,
        method=Method.MICMAC,
        title=title,
        purpose=purpose,
        participation=participation,
    )
    names = VARIABLES if variables is None else variables
    cells = MATRIX if matrix is None else matrix
    services.micmac_variables_save(
        study=study, actor=actor, kept=[], added=names, expected_version=study.lock_version
    )
    services.micmac_matrix_save(
        study=study,
        actor=actor,
        cells={(i, j): str(v) for i, row in enumerate(cells) for j, v in enumerate(row)},
        expected_version=study.lock_version,
    )
    return study


# The worked example of foresight/README.md ("cib"): (a2, b2) total 4 and (a1, b1) total 3
# are the consistent scenarios.
CIB_DESCRIPTORS: list[dict[str, Any]] = [
    {"name": "Économie locale", "variants": ["Croissance", "Déclin"]},
    {"name": "Population", "variants": ["Hausse", "Baisse"]},
]
CIB_MATRIX = [[0, 0, 2, -2], [0, 0, -1, 1], [1, -1, 0, 0], [-3, 3, 0, 0]]


def cib_study(
    *,
    fabrique: Any,
    actor: Any,
    participation: Any = None,
    title: str = "Balance d’impacts croisés",
) -> Study:
    """A CIB study with its descriptors and impact grid entered through the services."""
    study = services.study_create(
        fabrique=fabrique,
        actor=actor,
        method=Method.CIB,
        title=title,
        participation=participation,
    )
    services.cib_descriptors_save(
        study=study,
        actor=actor,
        descriptors=[
            services.DescriptorEdit(None, d["name"], tuple((None, v) for v in d["variants"]))
            for d in CIB_DESCRIPTORS
        ],
        expected_version=study.lock_version,
    )
    services.cib_matrix_save(
        study=study,
        actor=actor,
        cells={(i, j): str(v) for i, row in enumerate(CIB_MATRIX) for j, v in enumerate(row)},
        expected_version=study.lock_version,
    )
    return study
