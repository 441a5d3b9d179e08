"""The one- and three-year follow-ups of a roadmap: the list, and the one-page form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ..access import get_roadmap_for_user, may_write_roadmap
from ..forms.followup import VALUE_LINES, EntryForm, IndicatorValueForm
from ..selectors import followup as selectors
from ..services import followup as services


@require_safe
@login_required
def follow_ups(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk)
    return render(
        request,
        "roadmaps/followup/list.html",
        {
            "workspace_nav": "fabriques",
            "roadmap": roadmap,
            "fabrique": roadmap.fabrique,
            "follow_ups": selectors.roadmap_follow_ups(roadmap),
            "progress": selectors.follow_up_progress(roadmap),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def follow_up(request: HttpRequest, pk: int, horizon: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk)
    page = selectors.follow_up_page(roadmap=roadmap, horizon=horizon)
    if page is None:
        raise Http404(_("Ce suivi n’est pas ouvert."))
    writable = may_write_roadmap(request.user, roadmap) and page.follow_up.closed_at is None
    data = request.POST if request.method == "POST" else None
    if data is not None and not writable:
        if page.follow_up.closed_at is not None and may_write_roadmap(request.user, roadmap):
            messages.error(request, _("Ce suivi a déjà été remis : il ne peut plus être modifié."))
            return redirect("roadmaps:follow_up", pk=roadmap.pk, horizon=horizon)
        raise PermissionDenied(_("Vous ne pouvez pas remplir ce suivi."))
    entry_forms = [EntryForm(data, entry=entry) for entry in page.entries]
    value_forms = [
        IndicatorValueForm(data, indicators=page.indicators, prefix=f"v{n}")
        for n in range(VALUE_LINES if page.indicators else 0)
    ]
    status = 200
    if data is not None:
        if all(f.is_valid() for f in entry_forms) & all(f.is_valid() for f in value_forms):
            try:
                services.follow_up_save(
                    follow_up=page.follow_up,
                    actor=request.user,  # type: ignore[arg-type]
                    entries=[
                        services.EntryData(
                            entry_id=f.entry.pk,
                            status=f.cleaned_data["status"],
                            actual_start=f.cleaned_data["actual_start"],
                            actual_end=f.cleaned_data["actual_end"],
                            spent=f.cleaned_data["spent"],
                            granted=f.cleaned_data["granted"],
                            comment=f.cleaned_data["comment"],
                        )
                        for f in entry_forms
                    ],
                    values=[
                        services.IndicatorValueData(
                            indicator_id=f.cleaned_data["indicator"],
                            measured_on=f.cleaned_data["measured_on"],
                            value=f.cleaned_data["value"],
                        )
                        for f in value_forms
                        if not f.is_blank
                    ],
                    close="close" in request.POST,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("Le suivi est remis ; merci. Les fiches sont mises à jour.")
                    if "close" in request.POST
                    else _(
                        "Le suivi est enregistré ; vous pourrez le compléter avant de le remettre."
                    ),
                )
                return redirect("roadmaps:follow_up", pk=roadmap.pk, horizon=horizon)
        status = 400
    return render(
        request,
        "roadmaps/followup/form.html",
        {
            "workspace_nav": "fabriques",
            "roadmap": roadmap,
            "fabrique": roadmap.fabrique,
            "page": page,
            "writable": writable,
            "entry_forms": entry_forms,
            "value_forms": value_forms,
            "has_errors": status == 400,
        },
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("espace/feuilles-de-route/<int:pk>/suivi/", follow_ups, name="follow_ups"),
    path("espace/feuilles-de-route/<int:pk>/suivi/<int:horizon>/", follow_up, name="follow_up"),
]
