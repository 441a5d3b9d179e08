"""Calendar pages of the workshops (see urls.py): the personal secret address (create, renew,
delete) and the iCalendar feeds it opens, without signing in."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from fabriques.accounts.types import AuthenticatedHttpRequest

from ..access import get_fabrique_for_workshops
from ..ical import workshops_calendar
from ..models import Workshop
from ..selectors import calendar as selectors
from ..services import calendar as services

CALENDAR_TYPE = "text/calendar; charset=utf-8"
NOT_FOUND = _("Cette adresse d’agenda n’existe pas ou n’est plus valable.")


def _feed_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("workshops:feed", args=[token])


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The address is shown once, in the response to its creation; it is not kept."""
    address = ""
    fabrique_addresses: list[tuple[str, str]] = []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            _feed, token = services.calendar_feed_create(user=request.user)
            address = _feed_url(token)
            fabrique_addresses = [
                (
                    fabrique.title,
                    settings.SITE_URL.rstrip("/")
                    + reverse("workshops:fabrique_feed", args=[token, fabrique.slug]),
                )
                for fabrique in selectors.feed_fabriques(user=request.user)
            ]
            messages.success(
                request,
                _(
                    "Votre adresse d’agenda est prête : copiez-la maintenant, elle ne sera plus affichée."
                ),
            )
        elif action == "delete" and services.calendar_feed_delete(user=request.user):
            messages.success(
                request, _("Votre adresse d’agenda est supprimée : elle ne fonctionne plus.")
            )
    return render(
        request,
        "workshops/calendar/settings.html",
        {
            "workspace_nav": "agenda",
            "feed": selectors.feed_of(user=request.user),
            "address": address,
            "fabrique_addresses": fabrique_addresses,
        },
    )


def _ics(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    # The address is a secret: no shared cache keeps a copy, nothing is indexed.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


def _url_for(workshop: Workshop) -> str:
    return reverse("workshops:workshop_detail", args=[workshop.pk])


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    calendar_feed = selectors.feed_by_token(token)
    if calendar_feed is None:
        raise Http404(NOT_FOUND)
    user = calendar_feed.user
    services.calendar_feed_touch(feed=calendar_feed)
    workshops = selectors.personal_feed_workshops(user=user)
    return _ics(
        workshops_calendar(workshops, name=_("Mes rencontres — Fabriques"), url_for=_url_for),
        "rencontres",
    )


@require_safe
def fabrique_feed(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    calendar_feed = selectors.feed_by_token(token)
    if calendar_feed is None:
        raise Http404(NOT_FOUND)
    user = calendar_feed.user
    fabrique = get_fabrique_for_workshops(user, slug)
    services.calendar_feed_touch(feed=calendar_feed)
    workshops = selectors.fabrique_feed_workshops(user=user, fabrique=fabrique)
    return _ics(
        workshops_calendar(
            workshops,
            name=_("Rencontres — %(fabrique)s") % {"fabrique": fabrique.title},
            url_for=_url_for,
        ),
        f"rencontres-{fabrique.slug}",
    )


urlpatterns: list[URLPattern] = [
    path("mon-espace/agenda/", calendar_settings, name="calendar_settings"),
    path("agenda/<str:token>.ics", feed, name="feed"),
    path("agenda/<str:token>/fabriques/<slug:slug>.ics", fabrique_feed, name="fabrique_feed"),
]
