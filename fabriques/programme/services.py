"""Writes for the programme: Fabriques, organisations and their roles."""

from django.utils.translation import gettext as _

from fabriques.core.text import normalize

from .models import COHORT_STATUSES, MAX_TERRITORIES, MIN_TERRITORIES, Fabrique, Organisation


def fabrique_search_text(*, fabrique: Fabrique) -> str:
    """The accent-free text the catalogue searches: title, texts, themes, organisations, places."""
    parts: list[str] = [fabrique.title, fabrique.summary, fabrique.objective]
    parts += [t.name for t in fabrique.themes.all()]
    parts += [p.name for p in fabrique.anct_programmes.all()]
    for role in fabrique.roles.select_related("organisation"):
        parts += [role.organisation.name, role.organisation.acronym]
    for p in fabrique.participations.select_related("commune", "epci", "qpv", "departement"):
        parts += [p.label, p.departement.name]
        parts += [e.name for e in (p.commune, p.epci, p.qpv) if e is not None]
    return normalize(" ".join(filter(None, parts)))


def fabrique_refresh_search_text(*, fabrique: Fabrique) -> bool:
    """Recompute the search text; returns whether it changed."""
    text = fabrique_search_text(fabrique=fabrique)
    if text == fabrique.search_text:
        return False
    fabrique.search_text = text
    # Bypass history: the search text is derived data, not an edit.
    Fabrique.objects.filter(pk=fabrique.pk).update(search_text=text)
    return True


def organisation_search_text(*, organisation: Organisation) -> str:
    return normalize(f"{organisation.name} {organisation.acronym}")


def fabrique_cohort_errors(*, status: str, territory_count: int) -> list[str]:
    """A running (or later) Fabrique gathers four to eight territories."""
    if status in COHORT_STATUSES and not MIN_TERRITORIES <= territory_count <= MAX_TERRITORIES:
        return [
            _(
                "Une Fabrique en cours ou terminée réunit de %(min)d à %(max)d territoires ; "
                "celle-ci en compte %(count)d."
            )
            % {"min": MIN_TERRITORIES, "max": MAX_TERRITORIES, "count": territory_count}
        ]
    return []
