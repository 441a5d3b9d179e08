"""What the studio's pages share: the study's page context, the lock version posted, the
answer to an edit conflict."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import Study

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
