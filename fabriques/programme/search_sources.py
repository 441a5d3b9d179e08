"""Public Fabriques and their territories in the public search (see fabriques.search).

Both follow the public data version: every write to programme and territory data bumps it
(signals.py), and the search re-indexes these two sources when it moved.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fabriques.search import registry
from fabriques.search.registry import EntryData, Facet
from fabriques.territories.models import Participation, ParticipationKind

from .models import PUBLIC_STATUSES, Fabrique

# The objective is Markdown: its marks would show in extracts.
_MARKDOWN = re.compile(r"[*_#>`]+")


def _fabrique_facets(fabrique: Fabrique, regions: Iterable[tuple[str, str]]) -> list[Facet]:
    facets = [
        Facet("year", str(fabrique.programme_year.year), str(fabrique.programme_year.year)),
        Facet("status", f"fabrique.{fabrique.status}", str(fabrique.get_status_display())),
    ]
    facets += [Facet("theme", theme.slug, theme.name) for theme in fabrique.themes.all()]
    facets += [Facet("region", code, name) for code, name in regions]
    return facets


def fabrique_entries(pks: list[int] | None) -> Iterable[EntryData]:
    fabriques = (
        Fabrique.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("programme_year")
        .prefetch_related(
            "themes",
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("departement__region"),
            ),
        )
    )
    if pks is not None:
        fabriques = fabriques.filter(pk__in=pks)
    for fabrique in fabriques:
        participations = list(fabrique.participations.all())
        regions = {p.departement.region.code: p.departement.region.name for p in participations}
        body = "\n".join(
            part
            for part in [
                fabrique.summary,
                _MARKDOWN.sub("", fabrique.objective),
                " · ".join(theme.name for theme in fabrique.themes.all()),
                " · ".join(p.label for p in participations),
            ]
            if part
        )
        yield EntryData(
            object_id=fabrique.pk,
            title=fabrique.title,
            body=body,
            url=reverse("public:fabrique_detail", kwargs={"slug": fabrique.slug}),
            year=fabrique.programme_year.year,
            facets=tuple(_fabrique_facets(fabrique, sorted(regions.items()))),
        )


def _territory_url(participation: Participation) -> str:
    if participation.kind == ParticipationKind.COMMUNE and participation.commune is not None:
        return reverse("public:territory_commune", kwargs={"code": participation.commune.code})
    if participation.kind == ParticipationKind.EPCI and participation.epci is not None:
        return reverse("public:territory_epci", kwargs={"siren": participation.epci.siren})
    if participation.qpv_id is not None:
        return reverse("public:territory_qpv", kwargs={"pk": participation.qpv_id})
    return reverse("public:fabrique_detail", kwargs={"slug": participation.fabrique.slug})


def territory_entries(pks: list[int] | None) -> Iterable[EntryData]:
    """One entry per territory accompanied by a public Fabrique."""
    participations = (
        Participation.objects.filter(fabrique__status__in=PUBLIC_STATUSES)
        .select_related("fabrique__programme_year", "departement__region", "commune", "epci")
        .prefetch_related("fabrique__themes")
    )
    if pks is not None:
        participations = participations.filter(pk__in=pks)
    for participation in participations:
        fabrique = participation.fabrique
        region = participation.departement.region
        body = _("%(kind)s, %(departement)s, accompagné par la Fabrique « %(fabrique)s »") % {
            "kind": participation.get_kind_display(),
            "departement": participation.departement.name,
            "fabrique": fabrique.title,
        }
        year = fabrique.programme_year.year
        facets = [
            Facet("year", str(year), str(year)),
            Facet("region", region.code, region.name),
        ]
        facets += [Facet("theme", theme.slug, theme.name) for theme in fabrique.themes.all()]
        yield EntryData(
            object_id=participation.pk,
            title=participation.label,
            body=str(body),
            url=_territory_url(participation),
            year=year,
            facets=tuple(facets),
        )


def register() -> None:
    registry.register(
        registry.Source(
            kind="fabrique",
            label=_("Fabrique"),
            entries=fabrique_entries,
            follows_data_version=True,
            order=1,
        )
    )
    registry.register(
        registry.Source(
            kind="territory",
            label=_("Territoire"),
            entries=territory_entries,
            follows_data_version=True,
            order=2,
        )
    )
