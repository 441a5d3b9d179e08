"""Helpers shared by the editing views (editing.py, editing_sheets.py): URLs, the page
context, access for writing, and the conflict page."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from .. import access
from ..models import (
    ActionSheet,
    Roadmap,
)
from ..selectors import editing as selectors
from ..services import editing as services

PART_LABELS = {
    "step": gettext_lazy("Étapes"),
    "partner": gettext_lazy("Partenaires"),
    "budget": gettext_lazy("Budget"),
    "funding": gettext_lazy("Plan de financement"),
    "indicator": gettext_lazy("Indicateurs"),
    "note": gettext_lazy("Notes"),
}
PART_SLUGS = {
    "etapes": "step",
    "partenaires": "partner",
    "budget": "budget",
    "financements": "funding",
    "indicateurs": "indicator",
    "notes": "note",
}
SLUG_OF_PART = {part: slug for slug, part in PART_SLUGS.items()}
CONFLICT_TITLE = gettext_lazy("Quelqu’un a modifié cette fiche pendant que vous la modifiiez")


def _roadmap_url(roadmap: Roadmap | int) -> str:
    pk = roadmap if isinstance(roadmap, int) else roadmap.pk
    return reverse("roadmaps:detail", args=[pk])


def _sheet_url(sheet: ActionSheet | int) -> str:
    pk = sheet if isinstance(sheet, int) else sheet.pk
    return reverse("roadmaps:sheet_detail", args=[pk])


def _context(roadmap: Roadmap, **extra: Any) -> dict[str, Any]:
    fabrique = roadmap.fabrique
    return {
        "workspace_nav": "fabriques",
        "fabrique": fabrique,
        "roadmap": roadmap,
        "list_url": reverse("roadmaps:fabrique_list", args=[fabrique.slug]),
        "roadmap_url": _roadmap_url(roadmap),
        **extra,
    }


def _write_roadmap(request: HttpRequest, pk: int) -> Roadmap:
    return access.get_roadmap_for_user(request.user, pk, write=True)


def _write_sheet(request: HttpRequest, pk: int) -> ActionSheet:
    return access.get_sheet_for_user(request.user, pk, write=True)


def _conflict_page(
    request: HttpRequest,
    *,
    template_context: dict[str, Any],
    form: Any,
    conflict: services.EditConflict,
    model: type[models.Model],
    action: str,
    reload_url: str,
) -> HttpResponse:
    data = request.POST.copy()
    data["lock_version"] = str(conflict.lock_version)
    resubmit = type(form)(data, **getattr(form, "_extra_kwargs", {}))
    rows = selectors.conflict_rows(
        form_fields=form.fields, theirs=conflict.current, mine=form.cleaned_data, model=model
    )
    return render(
        request,
        "roadmaps/editing/conflict.html",
        {
            **template_context,
            "conflict_title": CONFLICT_TITLE,
            "rows": rows,
            "resubmit": resubmit,
            "action": action,
            "reload_url": reload_url,
        },
        status=409,
    )
