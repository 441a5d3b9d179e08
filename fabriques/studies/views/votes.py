"""Votes on phones: the facilitator's pages (Régnier statements, Delphi questions, opening a
vote, the projected grid with its join code and QR code, closing) and the voters' public pages
(entering a code, joining with a token, voting on a 390-pixel-wide screen).

The voters' pages need no account. They reach an open vote only, by its code, and show its
statements or questions and nothing else of the study; a voter is recognised by the token in a
cookie scoped to the vote's address (only its hash is stored). Requests without a token are
counted per client address, so that codes cannot be tried by the thousand.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fabriques.accounts.types import AuthenticatedHttpRequest
from fabriques.core.ratelimit import RateLimit, client_ip, rate_limit_hit

from .. import access, selectors, services
from ..models import Method, Study, TokenMode, VoteSession
from ._common import conflict_redirect, posted_lock_version, study_context

# Requests without a voter's token (the code form, a vote's address reached afresh, joining),
# per client address. Generous: a room's phones often share one address behind its Wi-Fi.
JOIN_RATE_LIMIT = RateLimit("studies:vote-join", limit=600, seconds=600)
TOKEN_COOKIE_DAYS = 30
SORT_LABELS = {
    "consensus": _("du consensus au dissensus (recommandé)"),
    "mean": _("par moyenne décroissante"),
    "favourable": _("par part de votes verts"),
    "mean_answered": _("par moyenne des seuls votants (ancien ordre)"),
}
RULE_LABELS = {
    "relative_iqr_at_most": _("écart interquartile au plus égal à une part de la médiane"),
    "iqr_at_most": _("écart interquartile au plus égal au seuil"),
    "share_within": _("part des réponses proches de la médiane au moins égale au seuil"),
}


def _vote_study(request: HttpRequest, pk: int, method: str | None = None) -> Study:
    study = access.get_study_for_user(request.user, pk, write=True)
    if study.method not in services.votes.VOTE_METHODS or (method and study.method != method):
        raise Http404(_("Cette page ne concerne pas cette méthode."))
    return study


def _incomplete() -> list[str]:
    return [_("Le formulaire est incomplet\u00a0: rechargez la page.")]


# The inputs: statements and questions ------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def statements(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = _vote_study(request, pk, Method.REGNIER)
    text = "\n".join(services.regnier_statements(study))
    sort = study.inputs.get("sort", "consensus")
    errors: list[str] = []
    if request.method == "POST":
        text, sort = request.POST.get("statements", ""), request.POST.get("sort", "")
        version = posted_lock_version(request)
        if version is None:
            errors = _incomplete()
        else:
            try:
                services.regnier_statements_save(
                    study=study, actor=request.user, text=text, sort=sort, expected_version=version
                )
            except services.EditConflict:
                return conflict_redirect(request, study)
            except services.InputErrors as error:
                errors = error.messages
            else:
                messages.success(request, _("Les affirmations sont enregistrées."))
                return redirect("studies:statements", pk=study.pk)
    return render(
        request,
        "studies/votes/statements.html",
        study_context(
            study,
            text=text,
            sort=sort,
            sorts=SORT_LABELS.items(),
            errors=errors,
            lock_version=study.lock_version,
        ),
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def questions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = _vote_study(request, pk, Method.DELPHI)
    consensus = study.inputs.get("consensus", services.votes.DEFAULT_CONSENSUS)
    form = {
        "questions": services.questions_text(study),
        "rule": consensus.get("rule", ""),
        "value": f"{consensus.get('value', '')}".replace(".", ","),
        "tolerance": f"{consensus.get('tolerance', '')}".replace(".", ","),
    }
    errors: list[str] = []
    if request.method == "POST":
        form = {key: request.POST.get(key, "") for key in form}
        version = posted_lock_version(request)
        if version is None:
            errors = _incomplete()
        else:
            try:
                services.delphi_questions_save(
                    study=study,
                    actor=request.user,
                    text=form["questions"],
                    consensus=form,
                    expected_version=version,
                )
            except services.EditConflict:
                return conflict_redirect(request, study)
            except services.InputErrors as error:
                errors = error.messages
            else:
                messages.success(request, _("Les questions sont enregistrées."))
                return redirect("studies:questions", pk=study.pk)
    return render(
        request,
        "studies/votes/questions.html",
        study_context(
            study,
            form=form,
            rules=RULE_LABELS.items(),
            errors=errors,
            lock_version=study.lock_version,
        ),
        status=400 if errors else 200,
    )


# The facilitator's votes ------------------------------------------------------------------------


def _closes_at(text: str) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _("La date de clôture n’est pas lisible (jj/mm/aaaa hh:mm).")
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def votes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    study = _vote_study(request, pk)
    names = selectors.item_names(study)
    errors: list[str] = []
    chosen = set(range(len(names)))
    mode = TokenMode.ANONYMOUS.value
    closes = ""
    if request.method == "POST":
        mode = request.POST.get("token_mode", "")
        closes = request.POST.get("closes_at", "")
        if study.method == Method.REGNIER:
            chosen = {int(v) for v in request.POST.getlist("items") if v.isdigit()}
        try:
            session = services.vote_open(
                study=study,
                actor=request.user,
                items=sorted(chosen),
                token_mode=mode,
                closes_at=_closes_at(closes),
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                _("Le vote est ouvert\u00a0: code %(code)s.") % {"code": session.code},
            )
            return redirect("studies:vote_detail", pk=study.pk, vote=session.pk)
    return render(
        request,
        "studies/votes/list.html",
        study_context(
            study,
            items=[(i, name, i in chosen) for i, name in enumerate(names)],
            mode=mode,
            modes=TokenMode.choices,
            closes=closes,
            open_vote=selectors.open_vote(study),
            page_obj=selectors.study_votes_page(study=study, page=request.GET.get("page", 1)),
            errors=errors,
        ),
        status=400 if errors else 200,
    )


def _join_url(request: HttpRequest, session: VoteSession) -> str:
    return request.build_absolute_uri(reverse("studies:vote_page", args=[session.code]))


def qr_code_svg(url: str, *, title: str) -> SafeString:
    """The QR code of the join address as inline SVG, drawn here (no external service)."""
    svg = segno.make(url, error="m").svg_inline(
        scale=8, dark="#161616", light="#ffffff", title=title, svgclass="votes-qr"
    )
    return mark_safe(svg)  # generated by segno from our own URL, no user markup


def _live_context(session: VoteSession) -> dict[str, Any]:
    return {
        "session": session,
        "live": selectors.vote_live(session, with_names=True),
        "accepting": services.accepts_ballots(session),
    }


@require_safe
@login_required
def vote_detail(request: HttpRequest, pk: int, vote: int) -> HttpResponse:
    session = access.get_vote_for_user(request.user, pk, vote)
    url = _join_url(request, session)
    return render(
        request,
        "studies/votes/detail.html",
        study_context(
            session.study,
            join_url=url,
            join_short=reverse("studies:vote_join"),
            qr=qr_code_svg(
                url,
                title=_("QR code du vote %(code)s, qui ouvre %(url)s")
                % {"code": session.code, "url": url},
            ),
            **_live_context(session),
        ),
    )


@require_safe
@login_required
def vote_live(request: HttpRequest, pk: int, vote: int) -> HttpResponse:
    """The projected grid alone, polled by the facilitator's page every few seconds."""
    session = access.get_vote_for_user(request.user, pk, vote)
    return render(request, "studies/votes/_live.html", _live_context(session))


@require_POST
@login_required
def vote_close(request: AuthenticatedHttpRequest, pk: int, vote: int) -> HttpResponse:
    session = access.get_vote_for_user(request.user, pk, vote)
    try:
        run = services.vote_close(session=session, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("studies:vote_detail", pk=pk, vote=vote)
    if run is None:
        messages.warning(request, _("Le vote est clos sans aucune réponse\u00a0: pas de calcul."))
        return redirect("studies:vote_detail", pk=pk, vote=vote)
    messages.success(request, _("Le vote est clos et son calcul enregistré."))
    return redirect("studies:run_detail", pk=pk, run=run.pk)


# The voters' public pages ---------------------------------------------------------------------


def _throttled(request: HttpRequest) -> HttpResponse | None:
    if rate_limit_hit(rule=JOIN_RATE_LIMIT, identity=client_ip(request)).exceeded:
        response = render(request, "studies/votes/throttled.html", status=429)
        response["Retry-After"] = "600"
        return response
    return None


@require_http_methods(["GET", "HEAD", "POST"])
def vote_join(request: HttpRequest) -> HttpResponse:
    """« Participer à un vote »: the code shown on the projector."""
    code = ""
    errors: list[str] = []
    if request.method == "POST":
        refused = _throttled(request)
        if refused:
            return refused
        code = services.normalize_code(request.POST.get("code", ""))
        if len(code) == services.CODE_LENGTH:
            return redirect("studies:vote_page", code=code)
        errors = [
            _("Le code compte %(n)s caractères, lettres et chiffres\u00a0: vérifiez-le.")
            % {"n": services.CODE_LENGTH}
        ]
    return render(
        request,
        "studies/votes/join.html",
        {"code": code, "errors": errors, "code_length": services.CODE_LENGTH},
        status=400 if errors else 200,
    )


def _cookie_name(session: VoteSession) -> str:
    return f"vote_{session.code}"


def _gone(request: HttpRequest) -> HttpResponse:
    return render(request, "studies/votes/closed.html", status=410)


@require_http_methods(["GET", "HEAD", "POST"])
def vote_page(request: HttpRequest, code: str) -> HttpResponse:
    """A vote reached by its code: the join form for a newcomer, the ballot for a voter."""
    canonical = services.normalize_code(code)
    if canonical != code and request.method != "POST" and canonical:
        return redirect("studies:vote_page", code=canonical)
    token = request.COOKIES.get(f"vote_{code}", "")
    if not token:
        refused = _throttled(request)
        if refused:
            return refused
    try:
        session = access.get_vote_by_code(services.normalize_code(code))
    except Http404:
        return render(
            request,
            "studies/votes/join.html",
            {
                "code": code,
                "errors": [_("Ce code ne correspond à aucun vote ouvert\u00a0: vérifiez-le.")],
                "code_length": services.CODE_LENGTH,
            },
            status=404,
        )
    if not services.accepts_ballots(session):
        return _gone(request)
    voter = selectors.voter_for_token(session, token)
    errors: list[str] = []
    name = ""
    if request.method == "POST" and request.POST.get("action") == "join" and voter is None:
        if token:  # a stale cookie: count this attempt as a newcomer's
            refused = _throttled(request)
            if refused:
                return refused
        name = request.POST.get("name", "")
        try:
            voter, token = services.voter_join(
                session=session, name=name, user=getattr(request, "user", None)
            )
        except services.InputErrors as error:
            errors = error.messages
        else:
            response = redirect("studies:vote_page", code=session.code)
            response.set_cookie(
                _cookie_name(session),
                token,
                max_age=TOKEN_COOKIE_DAYS * 86400,
                path=reverse("studies:vote_page", args=[session.code]),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            return response
    elif request.method == "POST" and request.POST.get("action") == "join":
        return redirect("studies:vote_page", code=session.code)  # already joined
    elif request.method == "POST" and voter is not None:
        try:
            if session.study.method == Method.REGNIER:
                services.regnier_ballots_cast(
                    voter=voter,
                    colours={item: request.POST.get(f"s-{item}", "") for item in session.items},
                )
            else:
                services.delphi_answers_cast(
                    voter=voter,
                    answers={
                        item: (
                            request.POST.get(f"q-{item}", ""),
                            request.POST.get(f"j-{item}", ""),
                        )
                        for item in session.items
                    },
                )
        except services.InputErrors as error:
            if not services.accepts_ballots(session.__class__.objects.get(pk=session.pk)):
                return _gone(request)
            errors = error.messages
        else:
            return redirect(reverse("studies:vote_page", args=[session.code]) + "?enregistre=1")
    elif request.method == "POST":
        errors = [_("Rejoignez d’abord le vote.")]
    context: dict[str, Any] = {
        "session": session,
        "voter": voter,
        "errors": errors,
        "name": name,
        "saved": request.GET.get("enregistre") == "1" and not errors,
        "named": session.token_mode == TokenMode.NAMED,
        "regnier": session.study.method == Method.REGNIER,
    }
    if voter is not None:
        answers = selectors.voter_answers(voter)
        previous = (
            selectors.delphi_previous_round(session)
            if session.study.method == Method.DELPHI
            else {}
        )
        context["items"] = [
            {
                "position": item,
                "label": label,
                "answer": answers.get(item),
                "answer_label": selectors.colour_label(answers[item].value)
                if item in answers and answers[item].value
                else "",
                "posted": request.POST.get(f"s-{item}") or request.POST.get(f"q-{item}", ""),
                "posted_justification": request.POST.get(f"j-{item}", ""),
                "previous": previous.get(label["name"]),
            }
            for item, label in zip(session.items, session.item_labels, strict=True)
        ]
        context["colours"] = selectors.colours()
        context["remaining"] = sum(1 for item in context["items"] if item["answer"] is None)
    return render(request, "studies/votes/ballot.html", context, status=400 if errors else 200)


S = "espace/etudes/<int:pk>/"
urlpatterns: list[URLPattern] = [
    path(S + "affirmations/", statements, name="statements"),
    path(S + "questions/", questions, name="questions"),
    path(S + "votes/", votes, name="votes"),
    path(S + "votes/<int:vote>/", vote_detail, name="vote_detail"),
    path(S + "votes/<int:vote>/grille/", vote_live, name="vote_live"),
    path(S + "votes/<int:vote>/clore/", vote_close, name="vote_close"),
    path("vote/", vote_join, name="vote_join"),
    path("vote/<str:code>/", vote_page, name="vote_page"),
]
