"""workspace pages of the recommendations: a Fabrique's list, writing (create, edit with
conflict resolution, delete), the detail page and each of its actions (lifecycle, positions,
comments, sending, answers, reviews). Each view: access function, one service or selector,
render or redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fabriques.accounts.types import AuthenticatedHttpRequest
from fabriques.core.forms import add_service_errors
from fabriques.programme.access import get_fabrique_for_user
from fabriques.programme.models import Fabrique

from .. import access
from ..forms.workspace import (
    AnswerForm,
    CommentForm,
    PositionForm,
    RecommendationForm,
    ReviewForm,
    SendingForm,
)
from ..models import Answer, Recommendation, RecommendationStatus
from ..selectors import workspace as selectors
from ..services import workspace as services
from ..services.workspace import EditConflict, ReviewData

EVIDENCE = ("participations", "workshops", "action_sheets")


def _detail_url(pk: int) -> str:
    return reverse("recommendations:detail", args=[pk])


@require_safe
@login_required
def fabrique_list(request: HttpRequest, slug: str) -> HttpResponse:
    fabrique = get_fabrique_for_user(request.user, slug)
    return render(
        request,
        "recommendations/list.html",
        {
            "workspace_nav": "fabriques",
            "fabrique": fabrique,
            "rows": selectors.fabrique_recommendations(fabrique),
            "may_write": access.may_write_recommendations(request.user, fabrique),
        },
    )


def _service_data(form: RecommendationForm) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if k not in (*EVIDENCE, "lock_version")}


@login_required
@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    fabrique = get_fabrique_for_user(request.user, slug)
    if not access.may_write_recommendations(request.user, fabrique):
        raise PermissionDenied(
            _("Vous ne pouvez pas rédiger les préconisations de cette Fabrique.")
        )
    form = RecommendationForm(request.POST or None, fabrique=fabrique)
    if request.method == "POST" and form.is_valid():
        try:
            recommendation = services.recommendation_create(
                fabrique=fabrique,
                actor=request.user,
                data=_service_data(form),
                **{name: form.cleaned_data[name] for name in EVIDENCE},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("La préconisation est créée."))
            return redirect(_detail_url(recommendation.pk))
    return _form_page(request, fabrique, form, None)


def _form_page(
    request: HttpRequest,
    fabrique: Fabrique,
    form: RecommendationForm,
    recommendation: Recommendation | None,
    conflict: EditConflict | None = None,
) -> HttpResponse:
    return render(
        request,
        "recommendations/form.html",
        {
            "workspace_nav": "fabriques",
            "fabrique": fabrique,
            "form": form,
            "recommendation": recommendation,
            "conflict": conflict,
        },
        status=409 if conflict else (400 if form.is_bound and form.errors else 200),
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = access.get_recommendation_for_user(request.user, pk, write=True)
    fabrique = recommendation.fabrique
    if recommendation.is_published and not access.may_manage_recommendations(
        request.user, fabrique
    ):
        raise PermissionDenied(_("Une préconisation publiée ne se modifie que par l’ANCT."))
    if request.method != "POST":
        initial = {name: getattr(recommendation, name) for name in services.FIELDS}
        initial["lock_version"] = recommendation.lock_version
        for name in EVIDENCE:
            initial[name] = list(getattr(recommendation, name).values_list("pk", flat=True))
        form = RecommendationForm(initial=initial, fabrique=fabrique)
        return _form_page(request, fabrique, form, recommendation)
    form = RecommendationForm(request.POST, fabrique=fabrique)
    if form.is_valid():
        try:
            services.recommendation_update(
                recommendation=recommendation,
                actor=request.user,
                data=_service_data(form),
                lock_version=form.cleaned_data["lock_version"] or 0,
                **{name: form.cleaned_data[name] for name in EVIDENCE},
            )
        except EditConflict as conflict:
            # The form keeps this person's text; saving it again now replaces the other
            # version, which the page shows field by field beside it.
            data = request.POST.copy()
            data["lock_version"] = str(conflict.current.lock_version)
            form = RecommendationForm(data, fabrique=fabrique)
            form.is_valid()
            form.add_error(None, conflict.messages[0])
            return _form_page(request, fabrique, form, recommendation, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("La préconisation est enregistrée."))
            return redirect(_detail_url(recommendation.pk))
    return _form_page(request, fabrique, form, recommendation)


@login_required
@require_POST
def delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = access.get_recommendation_for_user(request.user, pk, write=True)
    try:
        services.recommendation_delete(recommendation=recommendation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_detail_url(pk))
    messages.success(request, _("La préconisation est supprimée."))
    return redirect("recommendations:fabrique_list", slug=recommendation.fabrique.slug)


TRANSITIONS = {
    "open": (
        services.recommendation_open,
        _("La préconisation est soumise aux positions des partenaires, prévenus par courriel."),
    ),
    "draft": (services.recommendation_return, _("La préconisation revient au brouillon.")),
    "publish": (services.recommendation_publish, _("La préconisation est publiée.")),
    "unpublish": (
        services.recommendation_unpublish,
        _("La préconisation est retirée de la publication."),
    ),
}


@login_required
@require_POST
def transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = access.get_recommendation_for_user(request.user, pk)
    target = request.POST.get("to", "")
    if target not in TRANSITIONS:
        raise Http404
    fabrique = recommendation.fabrique
    may = (
        access.may_manage_recommendations(request.user, fabrique)
        if target in ("publish", "unpublish")
        else access.may_write_recommendations(request.user, fabrique)
    )
    if not may:
        raise PermissionDenied(_("Vous ne pouvez pas changer l’état de cette préconisation."))
    service, done = TRANSITIONS[target]
    try:
        service(recommendation=recommendation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(_detail_url(pk))


def _detail(
    request: HttpRequest, recommendation: Recommendation, status: int = 200, **forms: Any
) -> HttpResponse:
    page = selectors.recommendation_page(recommendation=recommendation, user=request.user)
    context: dict[str, Any] = {
        "workspace_nav": "fabriques",
        "fabrique": recommendation.fabrique,
        "page": page,
        "recommendation": page.recommendation,
        "statuses": RecommendationStatus,
        "comment_form": CommentForm(),
    }
    if page.may_position:
        context["position_form"] = PositionForm(organisations=page.my_organisations)
    if page.may_manage and recommendation.is_published:
        context["sending_form"] = SendingForm(
            initial={
                "correspondent": recommendation.correspondent,
                "sent_on": recommendation.sent_on,
            }
        )
        context["answer_form"] = AnswerForm()
        context["review_form"] = ReviewForm()
    context.update(forms)
    return render(request, "recommendations/detail.html", context, status=status)


@require_safe
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = access.get_recommendation_for_user(request.user, pk)
    return _detail(request, recommendation)


@login_required
@require_POST
def position(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = access.get_recommendation_for_user(request.user, pk)
    organisations = access.endorsing_organisations(request.user, recommendation.fabrique)
    if not organisations:
        raise PermissionDenied(_("Vous ne donnez de position au nom d’aucune organisation ici."))
    form = PositionForm(request.POST, organisations=organisations)
    if form.is_valid():
        try:
            services.position_give(
                recommendation=recommendation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("La position est enregistrée."))
            return redirect(_detail_url(pk) + "#positions")
    return _detail(request, recommendation, status=400, position_form=form)


@login_required
@require_POST
def comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = access.get_recommendation_for_user(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(
                recommendation=recommendation, actor=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Votre commentaire est publié."))
            return redirect(_detail_url(pk) + "#commentaires")
    return _detail(request, recommendation, status=400, comment_form=form)


def _managed(request: HttpRequest, pk: int) -> Recommendation:
    recommendation = access.get_recommendation_for_user(request.user, pk)
    if not access.may_manage_recommendations(request.user, recommendation.fabrique):
        raise PermissionDenied(_("Seule l’ANCT suit les préconisations publiées."))
    return recommendation


@login_required
@require_POST
def sending(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = _managed(request, pk)
    form = SendingForm(request.POST)
    if form.is_valid():
        try:
            services.sending_record(
                recommendation=recommendation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("L’envoi est enregistré."))
            return redirect(_detail_url(pk) + "#suivi")
    return _detail(request, recommendation, status=400, sending_form=form)


@login_required
@require_POST
def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = _managed(request, pk)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.answer_add(
                recommendation=recommendation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("La réponse est enregistrée."))
            return redirect(_detail_url(pk) + "#suivi")
    return _detail(request, recommendation, status=400, answer_form=form)


@login_required
@require_POST
def review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = _managed(request, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_record(
                recommendation=recommendation,
                actor=request.user,
                review=ReviewData(**form.cleaned_data),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le constat de mise en œuvre est enregistré."))
            return redirect(_detail_url(pk) + "#suivi")
    return _detail(request, recommendation, status=400, review_form=form)


@require_safe
@login_required
def answer_file(request: HttpRequest, pk: int, answer_pk: int) -> FileResponse:
    recommendation = access.get_recommendation_for_user(request.user, pk)
    item = Answer.objects.filter(recommendation=recommendation, pk=answer_pk).first()
    if item is None or not item.file:
        raise Http404(access.NOT_FOUND)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404(access.NOT_FOUND) from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=item.original_name or "reponse.pdf",
        content_type="application/pdf",
    )


urlpatterns: list[URLPattern] = [
    path("espace/fabriques/<slug:slug>/preconisations/", fabrique_list, name="fabrique_list"),
    path("espace/fabriques/<slug:slug>/preconisations/nouvelle/", create, name="create"),
    path("espace/preconisations/<int:pk>/", detail, name="detail"),
    path("espace/preconisations/<int:pk>/modifier/", edit, name="edit"),
    path("espace/preconisations/<int:pk>/supprimer/", delete, name="delete"),
    path("espace/preconisations/<int:pk>/etat/", transition, name="transition"),
    path("espace/preconisations/<int:pk>/position/", position, name="position"),
    path("espace/preconisations/<int:pk>/commentaires/", comment, name="comment"),
    path("espace/preconisations/<int:pk>/envoi/", sending, name="sending"),
    path("espace/preconisations/<int:pk>/reponses/", answer, name="answer"),
    path(
        "espace/preconisations/<int:pk>/reponses/<int:answer_pk>/courrier.pdf",
        answer_file,
        name="answer_file",
    ),
    path("espace/preconisations/<int:pk>/suivi/", review, name="review"),
]
