"""The public site: read-only pages over the programme and territory selectors.

Each view parses its input, calls a selector and renders. Nothing here writes.
"""

from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fabriques.calls import selectors as calls
from fabriques.core import failsafe
from fabriques.core.versioning import cached_by_version
from fabriques.programme import selectors as programme
from fabriques.programme import territory_selectors as territories
from fabriques.recommendations.selectors.public import fabrique_recommendations
from fabriques.roadmaps.selectors.public import fabrique_roadmaps, participation_roadmaps
from fabriques.workshops.selectors.figures import public_figures_display
from fabriques.workshops.selectors.minutes import fabrique_public_minutes

from .forms import CatalogueFilterForm, OrganisationFilterForm, TerritoryFilterForm
from .search import search_match

CATALOGUE_PAGE_SIZE = 20
TERRITORY_PAGE_SIZE = 50
ORGANISATION_PAGE_SIZE = 50


@require_safe
def home(request):
    return render(request, "public/home.html", {"overview": programme.home_overview()})


@require_safe
def catalogue(request):
    form = CatalogueFilterForm(request.GET, options=programme.catalogue_options())
    filters = form.filters()
    fabriques = programme.fabrique_catalogue(filters)
    page = Paginator(fabriques, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    words = programme.search_words(filters.q)
    if words:
        for fabrique in page.object_list:
            fabrique.search_match = search_match(fabrique, words)  # type: ignore[attr-defined]
    return render(request, "public/catalogue.html", {"form": form, "page_obj": page})


@require_safe
def fabrique_detail(request, slug: str):
    detail = programme.fabrique_detail(slug=slug)
    if detail is None:
        # Before its cohort is fixed, a Fabrique's only public page is its call for
        # volunteers: its address leads there while the call is open or being decided.
        if calls.public_call(slug=slug) is not None:
            return redirect("calls:call_detail", slug=slug)
        raise Http404(_("Cette Fabrique n’existe pas ou n’est pas publiée."))
    context = {
        "detail": detail,
        "fabrique": detail.fabrique,
        "public_minutes": fabrique_public_minutes(fabrique=detail.fabrique),
        # The working groups' mobilisation, once the Fabrique's work is published.
        "mobilisation": public_figures_display(detail.fabrique),
        # Its published roadmaps and recommendations (the library).
        "library": cached_by_version(
            f"fabrique-library:{detail.fabrique.pk}",
            lambda: {
                "roadmaps": fabrique_roadmaps(fabrique_id=detail.fabrique.pk),
                "recommendations": fabrique_recommendations(fabrique_id=detail.fabrique.pk),
            },
        ),
    }
    return render(request, "public/fabrique_detail.html", context)


@require_safe
def resource_file(request, slug: str, pk: int):
    """A file a public Fabrique publishes among its resources, read from the uploads' storage
    (local disk or object storage): the public never gets a storage URL, which on object
    storage is signed and expires, and the uploads folder is never served as such."""
    resource = (
        programme.public_resources().filter(pk=pk, fabrique__slug=slug).exclude(file="").first()
    )
    if resource is None:
        raise Http404(_("Cette ressource n’existe pas ou n’est pas publiée."))
    try:
        stream = resource.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Le fichier de cette ressource est introuvable.")) from None
    response = FileResponse(
        stream, as_attachment=True, filename=PurePosixPath(resource.file.name or "").name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def territory_list(request):
    form = TerritoryFilterForm(request.GET)
    page = territories.accompanied_territories_page(
        **form.applied(), page_number=request.GET.get("page"), per_page=TERRITORY_PAGE_SIZE
    )
    return render(request, "public/territory_list.html", {"form": form, "page_obj": page})


@require_safe
def territory_commune(request, code: str):
    page = territories.commune_page(code=code)
    if page is None:
        raise Http404(_("Aucune commune ne porte ce code INSEE."))
    roadmaps = participation_roadmaps([row.participation.pk for row in page.fabriques])
    return render(request, "public/territory_commune.html", {"page": page, "roadmaps": roadmaps})


@require_safe
def territory_epci(request, siren: str):
    page = territories.epci_page(siren=siren)
    if page is None:
        raise Http404(_("Aucune intercommunalité ne porte ce numéro SIREN."))
    roadmaps = participation_roadmaps([row.participation.pk for row in page.fabriques])
    return render(request, "public/territory_epci.html", {"page": page, "roadmaps": roadmaps})


@require_safe
def territory_qpv(request, pk: int):
    page = territories.qpv_page(pk=pk)
    if page is None:
        raise Http404(_("Ce quartier prioritaire est inconnu."))
    roadmaps = participation_roadmaps([row.participation.pk for row in page.fabriques])
    return render(request, "public/territory_qpv.html", {"page": page, "roadmaps": roadmaps})


@require_safe
def organisation_list(request):
    form = OrganisationFilterForm(request.GET)
    organisations = programme.organisation_list(**form.applied())
    page = Paginator(organisations, ORGANISATION_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "public/organisation_list.html", {"form": form, "page_obj": page})


@require_safe
def organisation_detail(request, slug: str):
    detail = programme.organisation_detail(slug=slug)
    if detail is None:
        raise Http404(_("Cette organisation n’a participé à aucune Fabrique publiée."))
    return render(
        request,
        "public/organisation_detail.html",
        {"detail": detail, "organisation": detail.organisation},
    )


# Addresses of a development machine: not a public address to give in a statement.
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


def _contact() -> dict:
    """The deployment's contact address and public address, when it has them."""
    site_url = settings.SITE_URL.rstrip("/")
    host = urlsplit(site_url).hostname or ""
    return {
        "contact_email": getattr(settings, "CONTACT_EMAIL", ""),
        "public_site_url": "" if host in _LOOPBACK_HOSTS else site_url,
    }


@require_safe
def accessibility(request):
    return render(request, "public/accessibility.html", _contact())


@require_safe
def legal(request):
    return render(request, "public/legal.html", _contact())


@require_safe
def privacy(request):
    return render(
        request,
        "public/privacy.html",
        {
            **_contact(),
            # Set by the calls app; a year when it is not there.
            "application_retention_days": getattr(settings, "APPLICATION_RETENTION_DAYS", 365),
            "invitation_ttl_days": getattr(settings, "INVITATION_TTL_DAYS", 14),
            "email_retention_days": getattr(settings, "EMAIL_RETENTION_DAYS", 30),
            "document_retention_days": getattr(settings, "DOCUMENT_RETENTION_DAYS", 30),
            "working_group_retention_days": getattr(settings, "WORKING_GROUP_RETENTION_DAYS", 365),
        },
    )


def page_not_found(request, exception=None):
    """handler404: the DSFR « page non trouvée », with a 404 status."""
    return HttpResponseNotFound(loader.render_to_string("404.html", request=request))


def permission_denied(request, exception=None):
    """handler403: the DSFR « accès refusé », with a 403 status."""
    return HttpResponseForbidden(loader.render_to_string("403.html", request=request))


def server_error(request):
    """handler500: rendered without the request or the database, which may be what failed.

    Also reached by exceptions raised in middleware (session, user), which no
    process_exception sees: a database outage becomes a 503 here.
    """
    unavailable = failsafe.database_unavailable(request)
    if unavailable is not None:
        return unavailable
    return HttpResponseServerError(loader.get_template("500.html").render())
