"""A Fabrique's recommendations and its results booklet as documents (PDF, DOCX, ODT).

`recommendations_document` gives each numbered recommendation with its finding, proposal,
addressee and every organisation's position, dissents included, then what became of it
(answer, implementation reviews). `results_booklet` gives the Fabrique's territories, each
territory's roadmap in short (axes, sheet titles and statuses) and its recommendations.
The public versions pass `published_only=True`: only published roadmaps and
recommendations, ever.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fabriques.documents.blocks import (
    BulletList,
    Document,
    Heading,
    KeyValue,
    PageBreak,
    Paragraph,
    Table,
)
from fabriques.programme.models import Fabrique
from fabriques.roadmaps.models import ActionSheet, Roadmap, RoadmapStatus
from fabriques.territories.models import Participation

from .models import Position, Recommendation, RecommendationStatus


def _date(value: Any) -> str:
    return date_format(value, "j F Y") if value else ""


def fabrique_recommendations(
    fabrique: Fabrique, *, published_only: bool
) -> QuerySet[Recommendation]:
    """The recommendations with their positions, answers and reviews: 5 queries in all
    (recommendations with theme, positions with organisations, answers, reviews, sheets)."""
    queryset = (
        Recommendation.objects.filter(fabrique=fabrique)
        .select_related("theme")
        .prefetch_related(
            Prefetch(
                "positions",
                queryset=Position.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            ),
            "answers",
            "reviews",
        )
        .order_by("number")
    )
    if published_only:
        queryset = queryset.filter(status=RecommendationStatus.PUBLISHED)
    return queryset


def recommendation_blocks(recommendation: Recommendation, *, level: int = 1) -> list[Any]:
    blocks: list[Any] = [
        Heading(
            level,
            _("Préconisation %(n)s : %(title)s")
            % {"n": recommendation.number, "title": recommendation.title},
        ),
        KeyValue(
            [
                (term, value)
                for term, value in (
                    (_("Type"), recommendation.get_kind_display()),
                    (_("Thème"), recommendation.theme.name if recommendation.theme else ""),
                    (
                        _("Destinataire"),
                        f"{recommendation.addressee} ({recommendation.get_addressee_kind_display()})",
                    ),
                    (_("Texte visé"), recommendation.target_text),
                    (_("État"), recommendation.get_status_display()),
                    (_("Correspondant"), recommendation.correspondent),
                    (_("Envoyée le"), _date(recommendation.sent_on)),
                )
                if value
            ]
        ),
        Heading(level + 1, _("Constat")),
        Paragraph(recommendation.finding),
        Heading(level + 1, _("Proposition")),
        Paragraph(recommendation.proposal),
    ]
    positions = list(recommendation.positions.all())
    if positions:
        blocks.append(
            Table(
                _("Positions sur la préconisation %(n)s") % {"n": recommendation.number},
                [_("Organisation"), _("Position"), _("Commentaire"), _("Signataire"), _("Date")],
                [
                    [
                        p.organisation.name,
                        p.get_stance_display(),
                        p.comment,
                        p.signatory,
                        _date(p.given_on),
                    ]
                    for p in positions
                ],
            )
        )
    else:
        blocks.append(Paragraph(_("Aucune position n’a été exprimée."), emphasis=True))
    answers = list(recommendation.answers.all())
    for answer in answers:
        blocks += [
            Heading(level + 1, _("Réponse du %(d)s") % {"d": _date(answer.answered_on)}),
            Paragraph(answer.text),
        ]
    reviews = list(recommendation.reviews.all())
    if reviews:
        blocks.append(
            Table(
                _("Mise en œuvre de la préconisation %(n)s") % {"n": recommendation.number},
                [
                    _("Échéance"),
                    _("Date"),
                    _("Degré de mise en œuvre"),
                    _("Mesure"),
                    _("Commentaire"),
                ],
                [
                    [
                        r.get_horizon_display(),
                        _date(r.reviewed_on),
                        r.get_degree_display(),
                        r.measure,
                        r.comment,
                    ]
                    for r in reviews
                ],
            )
        )
    return blocks


def recommendations_document(fabrique: Fabrique, *, published_only: bool = False) -> Document:
    document = Document(
        title=_("Préconisations de la %(fabrique)s") % {"fabrique": fabrique.title},
        subject=_(
            "Les pistes d’action d’envergure nationale de la Fabrique, avec les positions de ses partenaires"
        ),
    )
    recommendations = list(fabrique_recommendations(fabrique, published_only=published_only))
    if not recommendations:
        document.add(Paragraph(_("Aucune préconisation pour le moment."), emphasis=True))
    for index, recommendation in enumerate(recommendations):
        if index:
            document.add(PageBreak())
        document.add(*recommendation_blocks(recommendation))
    return document


def results_booklet(
    fabrique: Fabrique, *, published_only: bool = False, roadmaps_q: Q | None = None
) -> Document:
    """The Fabrique's results: territories, roadmaps in short, recommendations.

    `roadmaps_q` narrows the roadmaps to those the reader sees (roadmaps.access
    .visible_roadmaps_q) in the workspace. Queries: participations, roadmaps, axes, sheets,
    then the recommendations' five.
    """
    participations = list(
        Participation.objects.filter(fabrique=fabrique).order_by("position", "pk")
    )
    roadmaps = Roadmap.objects.filter(fabrique=fabrique)
    if published_only:
        roadmaps = roadmaps.filter(status=RoadmapStatus.PUBLISHED)
    if roadmaps_q is not None:
        roadmaps = roadmaps.filter(roadmaps_q).distinct()
    by_participation = {
        roadmap.participation_id: roadmap
        for roadmap in roadmaps.prefetch_related(
            "axes",
            Prefetch("sheets", queryset=ActionSheet.objects.order_by("number", "pk")),
        )
    }
    document = Document(
        title=_("Résultats de la %(fabrique)s") % {"fabrique": fabrique.title},
        subject=_(
            "Les territoires accompagnés, leurs feuilles de route et les préconisations de la Fabrique"
        ),
    )
    document.add(
        Heading(1, _("Les territoires accompagnés")),
        BulletList([p.label for p in participations])
        if participations
        else Paragraph(_("Aucun territoire."), emphasis=True),
    )
    for participation in participations:
        roadmap = by_participation.get(participation.pk)
        if roadmap is None:
            continue
        document.add(
            PageBreak(),
            Heading(1, participation.label),
            Heading(2, roadmap.title),
            Paragraph(roadmap.easy_summary) if roadmap.easy_summary.strip() else None,
        )
        sheets = list(roadmap.sheets.all())
        for axis in roadmap.axes.all():
            rows = [
                [str(sheet.number), sheet.title, sheet.get_status_display()]
                for sheet in sheets
                if sheet.axis_id == axis.pk
            ]
            document.add(
                Heading(3, _("Axe %(n)s : %(title)s") % {"n": axis.position, "title": axis.title})
            )
            if rows:
                document.add(
                    Table(
                        _("Fiches action de l’axe %(n)s") % {"n": axis.position},
                        [_("N°"), _("Fiche action"), _("État d’avancement")],
                        rows,
                    )
                )
    recommendations = list(fabrique_recommendations(fabrique, published_only=published_only))
    document.add(PageBreak(), Heading(1, _("Les préconisations de la Fabrique")))
    if not recommendations:
        document.add(Paragraph(_("Aucune préconisation pour le moment."), emphasis=True))
    for recommendation in recommendations:
        document.add(*recommendation_blocks(recommendation, level=2))
    return document
