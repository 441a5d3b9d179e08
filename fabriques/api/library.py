"""Read-only endpoints of the library: published roadmaps (with axes and sheets), action
sheets and recommendations (with positions and reviews). Published content only; no person's
name but the signatories of positions, published with them; no comments.
"""

from __future__ import annotations

import django_filters
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from fabriques.programme.models import Fabrique, ProgrammeYear
from fabriques.recommendations.models import (
    Implementation,
    ImplementationReview,
    Position,
    Recommendation,
    RecommendationStatus,
)
from fabriques.roadmaps.models import (
    ActionSheet,
    Axis,
    BudgetLine,
    FundingLine,
    RoadmapStatus,
    SheetStatus,
)
from fabriques.roadmaps.selectors.public import published_roadmaps, sheet_totals
from fabriques.roadmaps.selectors.statistics import roadmap_progress

from .filters import unknown
from .openapi import documented
from .views import BAD_REQUEST, NOT_FOUND, ListView, PublicAPIView, tag

# --- Serializers (comments, not docstrings: drf-spectacular would publish them) ---------------


class SheetSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Identifiant de la fiche action."))
    number = serializers.IntegerField(help_text=_("Numéro dans la feuille de route."))
    title = serializers.CharField(help_text=_("Intitulé."))
    status = serializers.CharField(help_text=_("État d’avancement actuel (code)."))


class AxisSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text=_("Ordre de l’axe."))
    title = serializers.CharField(help_text=_("Intitulé de l’axe."))
    sheets = SheetSummarySerializer(many=True, source="api_sheets")


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(help_text=_("Fiches réalisées."))
    in_progress = serializers.IntegerField(help_text=_("Fiches en cours ou en retard."))
    dropped = serializers.IntegerField(help_text=_("Fiches abandonnées."))
    other = serializers.IntegerField(help_text=_("Autres fiches."))
    follow_up_horizon = serializers.IntegerField(
        allow_null=True, help_text=_("Échéance du dernier suivi remis (1 ou 3 ans), ou null.")
    )
    follow_up_on = serializers.DateField(
        allow_null=True, help_text=_("Date du dernier suivi remis, ou null.")
    )


class RoadmapSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Identifiant de la feuille de route."))
    title = serializers.CharField(help_text=_("Titre."))
    fabrique = serializers.CharField(source="fabrique.slug", help_text=_("Fabrique (slug)."))
    year = serializers.IntegerField(
        source="fabrique.programme_year.year", help_text=_("Année d’initiation de la Fabrique.")
    )
    territory = serializers.CharField(
        source="participation.label", help_text=_("Libellé publié du territoire.")
    )
    horizon = serializers.IntegerField(allow_null=True, help_text=_("Horizon (année)."))
    easy_summary = serializers.CharField(help_text=_("Résumé facile à lire."))
    published_at = serializers.DateTimeField(help_text=_("Date de publication."))
    progress = ProgressSerializer(source="api_progress", help_text=_("Ce qu’elle est devenue."))
    axes = AxisSerializer(many=True, source="api_axes")


class ActionSheetSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Identifiant de la fiche action."))
    roadmap = serializers.IntegerField(source="roadmap_id", help_text=_("Feuille de route."))
    fabrique = serializers.CharField(source="roadmap.fabrique.slug", help_text=_("Fabrique."))
    year = serializers.IntegerField(
        source="roadmap.fabrique.programme_year.year", help_text=_("Année d’initiation.")
    )
    number = serializers.IntegerField(help_text=_("Numéro."))
    title = serializers.CharField(help_text=_("Intitulé."))
    axis = serializers.CharField(source="axis.title", help_text=_("Axe."))
    status = serializers.CharField(help_text=_("État d’avancement (code)."))
    priority = serializers.CharField(help_text=_("Priorité (code)."))
    maturity = serializers.CharField(help_text=_("Maturité (code)."))
    pilot_organisation = serializers.CharField(help_text=_("Structure pilote."))
    planned_start = serializers.DateField(allow_null=True, help_text=_("Début prévu."))
    planned_end = serializers.DateField(allow_null=True, help_text=_("Fin prévue."))
    actual_start = serializers.DateField(allow_null=True, help_text=_("Début effectif."))
    actual_end = serializers.DateField(allow_null=True, help_text=_("Fin effective."))
    budget_planned_eur = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        source="api_totals.planned",
        help_text=_("Budget prévu (€ HT)."),
    )
    funding_asked_eur = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        source="api_totals.asked",
        help_text=_("Financements demandés (€)."),
    )
    funding_granted_eur = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        source="api_totals.granted",
        help_text=_("Financements accordés (€)."),
    )


class PositionSerializer(serializers.Serializer):
    organisation = serializers.CharField(source="organisation.name", help_text=_("Organisation."))
    stance = serializers.CharField(help_text=_("support, reservations ou dissent."))
    comment = serializers.CharField(help_text=_("Commentaire."))
    signatory = serializers.CharField(help_text=_("Signataire."))
    given_on = serializers.DateField(help_text=_("Date."))


class ReviewSerializer(serializers.Serializer):
    horizon = serializers.IntegerField(help_text=_("Échéance : 0 (réponse), 1 ou 3 ans."))
    reviewed_on = serializers.DateField(help_text=_("Date du constat."))
    degree = serializers.CharField(help_text=_("Degré de mise en œuvre (code)."))
    measure = serializers.CharField(help_text=_("Mesure qui l’a reprise."))


class RecommendationSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Identifiant de la préconisation."))
    fabrique = serializers.CharField(source="fabrique.slug", help_text=_("Fabrique."))
    year = serializers.IntegerField(
        source="fabrique.programme_year.year", help_text=_("Année d’initiation.")
    )
    number = serializers.IntegerField(help_text=_("Numéro."))
    title = serializers.CharField(help_text=_("Intitulé."))
    finding = serializers.CharField(help_text=_("Constat."))
    proposal = serializers.CharField(help_text=_("Proposition."))
    kind = serializers.CharField(help_text=_("Type (code)."))
    addressee_kind = serializers.CharField(help_text=_("Type de destinataire (code)."))
    addressee = serializers.CharField(help_text=_("Destinataire."))
    target_text = serializers.CharField(help_text=_("Texte visé."))
    published_at = serializers.DateTimeField(help_text=_("Date de publication."))
    sent_on = serializers.DateField(allow_null=True, help_text=_("Date d’envoi."))
    latest_degree = serializers.CharField(
        allow_null=True, help_text=_("Degré du dernier constat, ou null : non encore évaluée.")
    )
    positions = PositionSerializer(many=True, source="api_positions")
    reviews = ReviewSerializer(many=True, source="api_reviews")


# --- Filters -----------------------------------------------------------------------------


def _fabrique_filter(field_name: str):
    return documented(
        django_filters.ModelChoiceFilter(
            field_name=field_name,
            to_field_name="slug",
            queryset=Fabrique.objects.all(),
            help_text=_("Identifiant d’une Fabrique (voir /api/v1/fabriques/)."),
            error_messages=unknown(_("Aucune Fabrique n’a l’identifiant « %(value)s ».")),
        ),
        {"type": "string"},
    )


def _year_filter(field_name: str):
    return documented(
        django_filters.ModelChoiceFilter(
            field_name=field_name,
            to_field_name="year",
            queryset=ProgrammeYear.objects.all(),
            help_text=_("Année d’initiation de la Fabrique, par exemple 2022."),
            error_messages=unknown(_("Aucune année de programme ne correspond à « %(value)s ».")),
        ),
        {"type": "integer", "example": 2022},
    )


class RoadmapFilter(django_filters.FilterSet):
    fabrique = _fabrique_filter("fabrique")
    year = _year_filter("fabrique__programme_year")


class SheetFilter(django_filters.FilterSet):
    fabrique = _fabrique_filter("roadmap__fabrique")
    year = _year_filter("roadmap__fabrique__programme_year")
    status = django_filters.ChoiceFilter(
        choices=SheetStatus.choices, help_text=_("État d’avancement (code).")
    )


class RecommendationFilter(django_filters.FilterSet):
    fabrique = _fabrique_filter("fabrique")
    year = _year_filter("fabrique__programme_year")
    degree = django_filters.ChoiceFilter(
        field_name="latest_degree",
        choices=Implementation.choices,
        help_text=_("Degré de mise en œuvre du dernier constat (code)."),
    )


# --- Querysets ---------------------------------------------------------------------------


def roadmap_queryset():
    sheets = ActionSheet.objects.only("pk", "number", "title", "status", "axis_id").order_by(
        "number", "pk"
    )
    return published_roadmaps().prefetch_related(
        Prefetch(
            "axes",
            queryset=Axis.objects.order_by("position", "pk").prefetch_related(
                Prefetch("sheets", queryset=sheets, to_attr="api_sheets")
            ),
            to_attr="api_axes",
        )
    )


def attach_progress(roadmaps) -> None:
    progress = roadmap_progress([r.pk for r in roadmaps])
    for roadmap in roadmaps:
        roadmap.api_progress = progress[roadmap.pk]


def sheet_queryset():
    return (
        ActionSheet.objects.filter(roadmap__status=RoadmapStatus.PUBLISHED)
        .select_related("roadmap__fabrique__programme_year", "axis")
        .prefetch_related(
            Prefetch(
                "budget_lines",
                queryset=BudgetLine.objects.order_by("year", "pk"),
                to_attr="public_budget",
            ),
            Prefetch(
                "funding_lines",
                queryset=FundingLine.objects.order_by("pk"),
                to_attr="public_funding",
            ),
        )
        .order_by("-roadmap__fabrique__programme_year__year", "roadmap_id", "number", "pk")
    )


def recommendation_queryset():
    latest = ImplementationReview.objects.filter(recommendation=OuterRef("pk")).order_by(
        "-horizon", "-reviewed_on", "-pk"
    )
    return (
        Recommendation.objects.filter(status=RecommendationStatus.PUBLISHED)
        .select_related("fabrique__programme_year")
        .annotate(latest_degree=Subquery(latest.values("degree")[:1]))
        .prefetch_related(
            Prefetch(
                "positions",
                queryset=Position.objects.select_related("organisation").order_by(
                    "organisation__name", "pk"
                ),
                to_attr="api_positions",
            ),
            Prefetch(
                "reviews",
                queryset=ImplementationReview.objects.order_by("horizon", "reviewed_on", "pk"),
                to_attr="api_reviews",
            ),
        )
        .order_by("-fabrique__programme_year__year", "fabrique__title", "number", "pk")
    )


# --- Views -------------------------------------------------------------------------------


class PkDetailView(PublicAPIView):
    lookup_field = "pk"

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        self.prepare([obj])
        return self.respond(obj)

    def prepare(self, objects) -> None:
        pass

    def respond(self, obj) -> Response:
        return Response(self.get_serializer(obj).data)


class PreparedListView(ListView):
    def prepare(self, objects) -> None:
        pass

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = list(self.paginate_queryset(queryset) or [])
        self.prepare(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def _attach_totals(sheets) -> None:
    for sheet in sheets:
        sheet.api_totals = sheet_totals(sheet)


ROADMAPS = tag(_("Bibliothèque"))
ID = OpenApiParameter(
    "id",
    int,
    OpenApiParameter.PATH,
    description=_("Identifiant, tel que donné par la liste."),
)


@extend_schema(
    tags=ROADMAPS,
    summary=_("Feuilles de route publiées"),
    description=_(
        "Les feuilles de route publiées, avec leurs axes, le résumé de leurs fiches action et "
        "ce qu’elles sont devenues (dernier suivi remis, sinon états actuels)."
    ),
    responses={200: RoadmapSerializer(many=True), 400: BAD_REQUEST},
)
class RoadmapList(PreparedListView):
    serializer_class = RoadmapSerializer
    filterset_class = RoadmapFilter

    def get_queryset(self):
        return roadmap_queryset()

    def prepare(self, objects) -> None:
        attach_progress(objects)


@extend_schema(
    tags=ROADMAPS,
    summary=_("Une feuille de route publiée"),
    parameters=[ID],
    responses={200: RoadmapSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
)
class RoadmapDetail(PkDetailView):
    serializer_class = RoadmapSerializer

    def get_queryset(self):
        return roadmap_queryset()

    def prepare(self, objects) -> None:
        attach_progress(objects)


@extend_schema(
    tags=ROADMAPS,
    summary=_("Fiches action des feuilles de route publiées"),
    responses={200: ActionSheetSerializer(many=True), 400: BAD_REQUEST},
)
class ActionSheetList(PreparedListView):
    serializer_class = ActionSheetSerializer
    filterset_class = SheetFilter

    def get_queryset(self):
        return sheet_queryset()

    def prepare(self, objects) -> None:
        _attach_totals(objects)


@extend_schema(
    tags=ROADMAPS,
    summary=_("Une fiche action publiée"),
    parameters=[ID],
    responses={200: ActionSheetSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
)
class ActionSheetDetail(PkDetailView):
    serializer_class = ActionSheetSerializer

    def get_queryset(self):
        return sheet_queryset()

    def prepare(self, objects) -> None:
        _attach_totals(objects)


@extend_schema(
    tags=ROADMAPS,
    summary=_("Préconisations publiées"),
    description=_(
        "Les préconisations publiées, avec les positions des partenaires (désaccords compris) "
        "et les constats de mise en œuvre."
    ),
    responses={200: RecommendationSerializer(many=True), 400: BAD_REQUEST},
)
class RecommendationList(PreparedListView):
    serializer_class = RecommendationSerializer
    filterset_class = RecommendationFilter

    def get_queryset(self):
        return recommendation_queryset()


@extend_schema(
    tags=ROADMAPS,
    summary=_("Une préconisation publiée"),
    parameters=[ID],
    responses={200: RecommendationSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
)
class RecommendationDetail(PkDetailView):
    serializer_class = RecommendationSerializer

    def get_queryset(self):
        return recommendation_queryset()
