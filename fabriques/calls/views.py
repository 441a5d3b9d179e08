"""Pages of calls for volunteers: public call pages, the application form, ANCT's review.

Views parse input, call one access function, then one service or selector, and render.
"""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fabriques.accounts.roles import grants_for
from fabriques.accounts.types import AuthenticatedHttpRequest
from fabriques.core.forms import add_service_errors
from fabriques.core.ratelimit import RateLimit, client_ip, rate_limit_hit
from fabriques.core.text import strip_controls
from fabriques.programme.models import MAX_TERRITORIES, FabriqueStatus
from fabriques.territories.models import ParticipationKind
from fabriques.territories.selectors import TERRITORY_SEARCH_MIN_LENGTH, territory_search

from . import selectors, services
from .access import (
    get_application_for_user,
    get_call_for_user,
    is_applicant,
    may_edit_application,
    may_review_application,
    require_edit,
    require_received_applications,
)
from .forms import (
    ApplicationForm,
    CallForm,
    CriterionFormSet,
    DecisionForm,
    ReceivedFilterForm,
    ReviewFilterForm,
    ScoreForm,
    criterion_initial,
)
from .models import Application, Call, CallState

REVIEW_PAGE_SIZE = 25
# Territory search: requests per client address and minute before a 429.
SEARCH_RATE_LIMIT = RateLimit("calls:territory-search", limit=120, seconds=60)


# --------------------------------------------------------------------------------------------
# Public pages


@require_safe
def call_list(request: HttpRequest) -> HttpResponse:
    """Open calls, then the published ones that have not opened yet with their dates."""
    now = timezone.now()
    calls = selectors.open_calls(now=now)
    return render(
        request,
        "calls/call_list.html",
        {
            "calls": [c for c in calls if c.state(now) == CallState.OPEN],
            "upcoming": sorted(
                (c for c in calls if c.state(now) == CallState.NOT_OPEN),
                key=lambda c: (c.opens_at or c.closes_at, c.fabrique.title),
            ),
        },
    )


def _public_call_or_404(slug: str) -> Call:
    call = selectors.public_call(slug=slug)
    if call is None:
        raise Http404(_("Cette Fabrique n’a pas d’appel à volontaires publié."))
    return call


@require_safe
def call_detail(request: HttpRequest, slug: str) -> HttpResponse:
    call = _public_call_or_404(slug)
    draft = (
        selectors.draft_of(call=call, user=request.user) if request.user.is_authenticated else None
    )
    return render(
        request,
        "calls/call_detail.html",
        {
            "call": call,
            "fabrique": call.fabrique,
            "criteria": list(call.criteria.all()),
            "state": call.state(timezone.now()),
            "draft": draft,
        },
    )


def _throttled(request: HttpRequest) -> bool:
    """A one-minute window per client, counted in the database so that every server shares it."""
    return rate_limit_hit(rule=SEARCH_RATE_LIMIT, identity=client_ip(request)).exceeded


@require_safe
def territory_search_view(request: HttpRequest) -> HttpResponse:
    """Referential territories matching ?q= (name or code) as JSON, for the autocomplete."""
    if _throttled(request):
        return JsonResponse(
            {"detail": _("Trop de recherches en peu de temps ; réessayez dans une minute.")},
            status=429,
            headers={"Retry-After": "60"},
        )
    # Echoed back in the answer: without control characters.
    query = strip_controls(request.GET.get("q", ""))[:100]
    kinds: tuple[str, ...] | None = tuple(
        k for k in request.GET.get("kinds", "").split(",") if k in ParticipationKind.values
    )
    results = territory_search(q=query, kinds=kinds or None)
    response = JsonResponse(
        {
            "query": query,
            "min_length": TERRITORY_SEARCH_MIN_LENGTH,
            "results": [
                {
                    "ref": m.ref,
                    "kind": m.kind,
                    "kind_label": m.kind_label,
                    "name": m.name,
                    "code": m.code,
                    "label": m.label,
                    "departement": f"{m.departement_name} ({m.departement_code})",
                }
                for m in results
            ],
        }
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --------------------------------------------------------------------------------------------
# Applicants


def _application_form(
    request: AuthenticatedHttpRequest, *, call: Call, application: Application | None
) -> HttpResponse:
    has_file = bool(application is not None and application.deliberation)
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        form = ApplicationForm(
            request.POST, request.FILES, has_deliberation=has_file, submitting=submit
        )
        if form.is_valid():
            try:
                save = (
                    services.application_save_and_submit
                    if submit
                    else services.application_save_draft
                )
                application = save(
                    call=call,
                    applicant=request.user,
                    data=form.to_input(),
                    application=application,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if submit:
                    messages.success(
                        request,
                        _(
                            "Votre candidature est déposée. Un accusé de réception est envoyé "
                            "par courriel à vous-même, à l’élu(e) et au référent technique."
                        ),
                    )
                    return redirect("calls:application_detail", pk=application.pk)
                messages.success(
                    request,
                    _(
                        "Brouillon enregistré. Il reste modifiable jusqu’à la clôture de "
                        "l’appel ; pensez à le déposer."
                    ),
                )
                return redirect("calls:application_edit", pk=application.pk)
    else:
        initial = ApplicationForm.initial_for(application) if application is not None else None
        form = ApplicationForm(initial=initial, has_deliberation=has_file)
    return render(
        request,
        "calls/application_form.html",
        {
            "form": form,
            "call": call,
            "fabrique": call.fabrique,
            "application": application,
            "workspace_nav": "applications",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def application_start(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    call = _public_call_or_404(slug)
    draft = selectors.draft_of(call=call, user=request.user)
    if draft is not None and request.method != "POST":
        return redirect("calls:application_edit", pk=draft.pk)
    if call.state(timezone.now()) != CallState.OPEN:
        messages.error(request, _("Cet appel à volontaires n’est pas ouvert aux candidatures."))
        return redirect("calls:call_detail", slug=slug)
    return _application_form(request, call=call, application=draft)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def application_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_application_for_user(request.user, pk)
    if not may_edit_application(request.user, application):
        if request.method != "POST" and is_applicant(request.user, application):
            messages.info(
                request, _("Cette candidature n’est plus modifiable ; en voici le contenu.")
            )
            return redirect("calls:application_detail", pk=application.pk)
        require_edit(request.user, application)
    return _application_form(request, call=application.call, application=application)


@login_required
@require_safe
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for_user(request.user, pk)
    reviewer = may_review_application(request.user, application)
    return render(
        request,
        "calls/application_detail.html",
        {
            "application": application,
            "call": application.call,
            "fabrique": application.call.fabrique,
            "may_edit": may_edit_application(request.user, application),
            "may_review": reviewer,
            "sheet": selectors.application_score_sheet(application=application)
            if reviewer
            else None,
            "workspace_nav": "fabriques" if reviewer else "applications",
        },
    )


@login_required
@require_safe
def application_file(request: HttpRequest, pk: int) -> FileResponse:
    application = get_application_for_user(request.user, pk)
    if not application.deliberation:
        raise Http404(_("Aucune délibération n’a été déposée avec cette candidature."))
    name = slugify(application.territory.name if application.territory else "") or "territoire"
    try:
        stream = application.deliberation.open("rb")
    except FileNotFoundError:
        raise Http404(_("Le fichier de la délibération est introuvable.")) from None
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=f"deliberation-{name}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def my_applications(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "calls/my_applications.html",
        {
            "applications": selectors.applications_of(user=request.user),
            "workspace_nav": "applications",
        },
    )


# --------------------------------------------------------------------------------------------
# ANCT back-office


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def call_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    call = get_call_for_user(request.user, slug, write=request.method == "POST")
    fabrique = call.fabrique
    criteria = list(call.criteria.order_by("position", "id")) if call.pk else []
    if request.method == "POST":
        form = CallForm(request.POST)
        formset = CriterionFormSet(request.POST, prefix="criteres")
        if form.is_valid() and formset.is_valid():
            try:
                services.call_save(
                    fabrique=fabrique,
                    actor=request.user,
                    criteria=formset.to_inputs(),  # type: ignore[attr-defined]
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("L’appel à volontaires est enregistré."))
                return redirect("calls:call_edit", slug=fabrique.slug)
    else:
        initial = (
            {
                "opens_at": call.opens_at and timezone.localtime(call.opens_at),
                "closes_at": call.closes_at and timezone.localtime(call.closes_at),
                "decision_expected_on": call.decision_expected_on,
                "introduction": call.introduction,
                "expected_commitment": call.expected_commitment,
            }
            if call.pk
            else None
        )
        form = CallForm(initial=initial)
        formset = CriterionFormSet(initial=criterion_initial(criteria), prefix="criteres")
    return render(
        request,
        "calls/call_edit.html",
        {
            "form": form,
            "formset": formset,
            "call": call,
            "fabrique": fabrique,
            "problems": selectors.call_open_problems(fabrique=fabrique),
            "workspace_nav": "fabriques",
        },
    )


@login_required
@require_safe
def application_review_list(request: HttpRequest, slug: str) -> HttpResponse:
    call = get_call_for_user(request.user, slug)
    filters = ReviewFilterForm(request.GET)
    applied = filters.applied()
    table = None
    if call.pk is not None:
        table = selectors.application_review_table(
            call=call,
            **applied,
            page_number=request.GET.get("page"),
            per_page=REVIEW_PAGE_SIZE,
        )
    return render(
        request,
        "calls/review_list.html",
        {
            "call": call,
            "fabrique": call.fabrique,
            "table": table,
            "filters": filters,
            "filters_query": _review_query(applied),
            "max_territories": MAX_TERRITORIES,
            "may_notify": call.fabrique.status
            not in (FabriqueStatus.IDEA, FabriqueStatus.DESIGNED, FabriqueStatus.CALL_OPEN),
            "workspace_nav": "fabriques",
        },
    )


REVIEW_ACTIONS = {
    "shortlist": (
        services.application_shortlist,
        gettext_lazy("La candidature est présélectionnée."),
    ),
    "select": (
        services.application_select,
        gettext_lazy(
            "La candidature est retenue : le territoire rejoint la Fabrique et ses deux "
            "référents sont invités."
        ),
    ),
    "reject": (
        services.application_reject,
        gettext_lazy(
            "La candidature n’est pas retenue. Le candidat sera informé avec les autres résultats."
        ),
    ),
}


def _review_query(applied: dict[str, str]) -> str:
    """The review list's filters as a query string (« ?status=…&order=… »), empty if none."""
    kept = {
        name: value
        for name, value in applied.items()
        if value and not (name == "order" and value == "depot")
    }
    return f"?{urlencode(kept)}" if kept else ""


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def application_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_application_for_user(request.user, pk, review=True)
    # The list's filter and order travel with the page, for « Précédente / Suivante ».
    applied = ReviewFilterForm(request.GET).applied()
    query = _review_query(applied)
    here = reverse("calls:application_review", args=[application.pk]) + query
    sheet = selectors.application_score_sheet(application=application)
    score_form = ScoreForm(sheet=sheet, initial={"pilot_comment": application.pilot_comment})
    decision_form = DecisionForm(initial={"note": application.decision_note})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "score":
            score_form = ScoreForm(request.POST, sheet=sheet)
            if score_form.is_valid():
                try:
                    services.application_score(
                        application=application,
                        scores=score_form.to_inputs(),
                        pilot_comment=score_form.cleaned_data["pilot_comment"],
                        actor=request.user,
                    )
                except ValidationError as exc:
                    add_service_errors(score_form, exc)
                else:
                    messages.success(request, _("L’évaluation est enregistrée."))
                    return redirect(here)
            status = 400
        elif action in REVIEW_ACTIONS:
            decision_form = DecisionForm(request.POST)
            service, success = REVIEW_ACTIONS[action]
            if decision_form.is_valid():
                if action == "select" and request.POST.get("confirm") != "1":
                    # Retaining e-mails the referents at once: say who, and ask again.
                    return render(
                        request,
                        "calls/application_select_confirm.html",
                        {
                            "application": application,
                            "call": application.call,
                            "fabrique": application.call.fabrique,
                            "note": decision_form.cleaned_data["note"],
                            "back_url": here,
                            "workspace_nav": "received",
                        },
                    )
                try:
                    service(
                        application=application,
                        actor=request.user,
                        note=decision_form.cleaned_data["note"],
                    )
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                else:
                    messages.success(request, success)
                return redirect(here)
            status = 400
        else:
            messages.error(request, _("Action inconnue : rien n’a été modifié."))
            return redirect(here)
    neighbours = selectors.review_neighbours(application=application, **applied)

    def neighbour_url(pk: int | None) -> str:
        return reverse("calls:application_review", args=[pk]) + query if pk else ""

    return render(
        request,
        "calls/application_review.html",
        {
            "application": application,
            "call": application.call,
            "fabrique": application.call.fabrique,
            "sheet": sheet,
            "score_form": score_form,
            "decision_form": decision_form,
            "max_territories": MAX_TERRITORIES,
            "neighbours": neighbours,
            "previous_url": neighbour_url(neighbours.previous),
            "next_url": neighbour_url(neighbours.next),
            "list_url": reverse(
                "calls:application_review_list", args=[application.call.fabrique.slug]
            )
            + query,
            "workspace_nav": "received",
        },
        status=status,
    )


@login_required
@require_safe
def received_applications(request: HttpRequest) -> HttpResponse:
    """Every deposited application the person may review, across Fabriques (ANCT)."""
    require_received_applications(request.user)
    grants = grants_for(request.user)
    filters = ReceivedFilterForm(request.GET, fabriques=selectors.received_fabriques(grants=grants))
    applied = filters.applied()
    table = selectors.received_applications(
        grants=grants,
        **applied,
        page_number=request.GET.get("page"),
        per_page=REVIEW_PAGE_SIZE,
    )
    return render(
        request,
        "calls/received_applications.html",
        {
            "filters": filters,
            "table": table,
            # The review page's « Précédente / Suivante » keep the status filter.
            "review_query": _review_query({"status": applied["status"]}),
            "workspace_nav": "received",
        },
    )


class _Echo:
    """A file-like object whose write() returns the line: csv.writer then yields it."""

    def write(self, value: str) -> str:
        return value


# A cell a spreadsheet would run as a formula: written as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


@login_required
@require_POST
def application_export(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The call's applications and their scores as CSV for the selection committee.

    For French spreadsheets (Excel, LibreOffice) opened by a double click: UTF-8 with a byte
    order mark and semicolons, decimal commas. The open data keeps RFC 4180 for programs.
    A POST: the export is recorded in the audit log.
    """
    call = get_call_for_user(request.user, slug, write=True)
    if call.pk is None:
        raise Http404(_("Cette Fabrique n’a pas d’appel à volontaires."))
    table = services.call_applications_export(call=call, actor=request.user)
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    lines = [writer.writerow(table.header)] + [
        writer.writerow([_cell(value) for value in row]) for row in table.rows
    ]
    response = HttpResponse("\ufeff" + "".join(lines), content_type="text/csv; charset=utf-8")
    filename = f"candidatures-{call.fabrique.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def notify_outcomes(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    call = get_call_for_user(request.user, slug, write=True)
    if call.pk is None:
        raise Http404(_("Cette Fabrique n’a pas d’appel à volontaires."))
    try:
        report = services.call_notify_outcomes(call=call, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "Résultats envoyés : %(selected)d territoire(s) retenu(s) et %(rejected)d "
                "candidature(s) non retenue(s) informés par courriel."
            )
            % {"selected": report.selected, "rejected": report.rejected},
        )
    return redirect("calls:application_review_list", slug=call.fabrique.slug)
