"""What the studio's pages share: the study's page context, the lock version posted, the
answer to an edit conflict."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import selectors
from ..models import Study
from ..services.grids import GRID_SPECS

CONFLICT = _(
    "Quelqu’un a modifié cette étude pendant que vous la modifiiez\u00a0: vos modifications "
    "n’ont pas été enregistrées, pour ne pas écraser les siennes. Voici l’étude à jour\u00a0; "
    "reportez-y vos changements."
)


def study_context(study: Study, **extra: Any) -> dict[str, Any]:
    return {
        "workspace_nav": "fabriques",
        "fabrique": study.fabrique,
        "study": study,
        "list_url": reverse("studies:fabrique_list", args=[study.fabrique.slug]),
        "study_url": reverse("studies:detail", args=[study.pk]),
        **extra,
    }


def posted_lock_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("lock_version", ""))
    except ValueError:
        return None


def conflict_redirect(request: HttpRequest, study: Study) -> HttpResponse:
    messages.error(request, CONFLICT)
    return redirect(request.path)


def grid_conflict(
    request: HttpRequest, study: Study, matrix: str, posted: Mapping[tuple[int, int], str]
) -> HttpResponse:
    """Someone saved the grid while this person filled it: nothing was saved. Show, side by
    side, each cell where their entry differs from the grid as it is now (and who filled it),
    to keep one or the other cell by cell; the other cells are sent back as they are now."""
    study.refresh_from_db()
    differences = selectors.grid_differences(study, matrix, posted)
    spec = GRID_SPECS[(study.method, matrix)]
    values = spec.read(study)
    differing = {d.name for d in differences}
    unchanged = [
        (f"c-{i}-{j}", spec.show(value))
        for i, row in enumerate(values)
        for j, value in enumerate(row)
        if f"c-{i}-{j}" not in differing and not (spec.diagonal and i == j)
    ]
    return render(
        request,
        "studies/grid_conflict.html",
        study_context(
            study,
            differences=differences,
            unchanged=unchanged,
            lock_version=study.lock_version,
            action=request.path,
        ),
        status=409,
    )
