"""Read-only public endpoints: parse and check the query, call a selector, serialise."""

from typing import cast

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend, FilterSet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins
from rest_framework.exceptions import ErrorDetail, NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.schemas.inspectors import ViewInspector

from fabriques.programme import selectors as programme_selectors
from fabriques.programme.statistics import public_statistics

from . import selectors, serializers
from .errors import ErrorResponseSerializer
from .filters import FabriqueFilter, OrganisationFilter, TerritoryFilter
from .openapi import ApiAutoSchema
from .pagination import Pagination

BAD_REQUEST = OpenApiResponse(
    ErrorResponseSerializer,
    description=gettext_lazy(
        "Paramètre de requête inconnu, répété ou invalide (valeur inconnue, page hors limites…)."
    ),
)
SLUG = OpenApiParameter(
    "slug",
    str,
    OpenApiParameter.PATH,
    description=gettext_lazy("Identifiant stable, tel que donné par la liste."),
)
TERRITORY_ID = OpenApiParameter(
    "identifier",
    str,
    OpenApiParameter.PATH,
    description=gettext_lazy(
        "Identifiant du territoire, tel que donné par la liste : « commune-16015 », "
        "« epci-200071827 », « qpv-<code> » ou « qpv-<département>-<nom> »."
    ),
)
NOT_FOUND = OpenApiResponse(
    ErrorResponseSerializer, description=gettext_lazy("Aucune ressource publique à cette adresse.")
)


class FilterBackend(DjangoFilterBackend):
    """django-filter, with each error keeping its code (invalid_choice, max_length…)."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ValidationError(
                {
                    name: [
                        ErrorDetail(message, code=error.code or "invalid")
                        for error in errors
                        for message in error.messages
                    ]
                    for name, errors in filterset.form.errors.as_data().items()
                }
            )
        return filterset.qs


class PublicAPIView(generics.GenericAPIView):
    # Base of every endpoint: public, read-only, and strict about the query string. Unknown
    # or repeated parameters are refused, so that a typo is a 400 rather than a silently
    # ignored filter; ``format`` is accepted with its only value, ``json``.
    # (Comments, not docstrings, on views: drf-spectacular would publish a docstring.)

    filter_backends = [FilterBackend]
    schema: ViewInspector | None = ApiAutoSchema()
    filterset_class: type[FilterSet] | None = None
    pagination_class: type[Pagination] | None = None

    def allowed_query_params(self) -> set[str]:
        allowed = {"format"}
        if self.filterset_class is not None:
            allowed |= set(self.filterset_class.base_filters)
        if self.pagination_class is not None:
            allowed |= set(self.pagination_class.query_params)
        return allowed

    def check_query_params(self, request) -> None:
        errors = {}
        allowed = self.allowed_query_params()
        for name in sorted(request.query_params):
            if name not in allowed:
                errors[name] = ErrorDetail(_("Paramètre inconnu."), code="unknown_parameter")
            elif len(request.query_params.getlist(name)) > 1:
                errors[name] = ErrorDetail(
                    _("Ce paramètre ne peut être donné qu'une fois."), code="repeated_parameter"
                )
        if request.query_params.get("format", "json") != "json":
            errors["format"] = ErrorDetail(
                _("Seul le format « json » est disponible."), code="invalid"
            )
        if errors:
            raise ValidationError(errors)

    def initial(self, request, *args, **kwargs):
        # Checked before content negotiation, which would answer 404 for ?format=xml.
        self.check_query_params(request)
        super().initial(request, *args, **kwargs)


class ListView(mixins.ListModelMixin, PublicAPIView):
    pagination_class = Pagination

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class DetailView(mixins.RetrieveModelMixin, PublicAPIView):
    lookup_field = "slug"

    def get(self, request, *args, **kwargs):
        return self.retrieve(request, *args, **kwargs)


def tag(name) -> list[str]:
    # drf-spectacular resolves lazy strings; the cast only quiets the type checker.
    return [cast(str, name)]


@extend_schema(
    tags=tag(gettext_lazy("Fabriques")),
    summary=gettext_lazy("Fabriques"),
    description=gettext_lazy(
        "Les Fabriques publiques, de la plus récente à la plus ancienne puis par titre."
    ),
    responses={200: serializers.FabriqueSerializer(many=True), 400: BAD_REQUEST},
)
class FabriqueList(ListView):
    serializer_class = serializers.FabriqueSerializer
    filterset_class = FabriqueFilter

    def get_queryset(self):
        return programme_selectors.public_fabrique_list()


@extend_schema(
    tags=tag(gettext_lazy("Fabriques")),
    summary=gettext_lazy("Une Fabrique"),
    parameters=[SLUG],
    responses={200: serializers.FabriqueDetailSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
)
class FabriqueDetail(DetailView):
    serializer_class = serializers.FabriqueDetailSerializer

    def get_queryset(self):
        return programme_selectors.public_fabrique_list(resources=True)


@extend_schema(
    tags=tag(gettext_lazy("Organisations")),
    summary=gettext_lazy("Organisations"),
    description=gettext_lazy(
        "Les organisations qui jouent un rôle dans au moins une Fabrique publique, par nom."
    ),
    responses={200: serializers.OrganisationSerializer(many=True), 400: BAD_REQUEST},
)
class OrganisationList(ListView):
    serializer_class = serializers.OrganisationSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self):
        return programme_selectors.public_organisations()


@extend_schema(
    tags=tag(gettext_lazy("Organisations")),
    summary=gettext_lazy("Une organisation et ses Fabriques par rôle"),
    parameters=[SLUG],
    responses={
        200: serializers.OrganisationDetailSerializer,
        400: BAD_REQUEST,
        404: NOT_FOUND,
    },
)
class OrganisationDetail(DetailView):
    serializer_class = serializers.OrganisationDetailSerializer

    def get_queryset(self):
        return selectors.public_organisation_detail()


@extend_schema(
    tags=tag(gettext_lazy("Territoires")),
    summary=gettext_lazy("Territoires accompagnés"),
    description=gettext_lazy(
        "Les communes, EPCI et quartiers prioritaires (QPV) accompagnés par au moins une "
        "Fabrique publique, par nom ; chacun avec les Fabriques auxquelles il a pris part."
    ),
    responses={200: serializers.TerritorySerializer(many=True), 400: BAD_REQUEST},
)
class TerritoryList(ListView):
    serializer_class = serializers.TerritorySerializer
    filterset_class = TerritoryFilter

    def get_queryset(self):
        return selectors.public_territory_participations()

    def list(self, request, *args, **kwargs):
        participations = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(selectors.territory_keys(participations))
        territories = selectors.load_territories(page)
        return self.get_paginated_response(self.get_serializer(territories, many=True).data)


@extend_schema(
    tags=tag(gettext_lazy("Territoires")),
    summary=gettext_lazy("Un territoire accompagné"),
    parameters=[TERRITORY_ID],
    responses={200: serializers.TerritoryDetailSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
)
class TerritoryDetail(DetailView):
    serializer_class = serializers.TerritoryDetailSerializer
    lookup_field = "identifier"

    def get_queryset(self):
        return selectors.public_territory_participations()

    def get_object(self):
        territory = selectors.public_territory(self.kwargs["identifier"])
        if territory is None:
            raise NotFound(_("Aucun territoire accompagné n'a cet identifiant."))
        return territory


@extend_schema(
    tags=tag(gettext_lazy("Nomenclatures")),
    summary=gettext_lazy("Thèmes"),
    description=gettext_lazy("Les thèmes (transitions), avec leur nombre de Fabriques publiques."),
    responses={200: serializers.ThemeSerializer(many=True), 400: BAD_REQUEST},
)
class ThemeList(ListView):
    serializer_class = serializers.ThemeSerializer

    def get_queryset(self):
        return selectors.themes_with_counts()


@extend_schema(
    tags=tag(gettext_lazy("Nomenclatures")),
    summary=gettext_lazy("Programmes de l'ANCT"),
    description=gettext_lazy(
        "Les programmes de l'ANCT auxquels des Fabriques sont liées, avec leur nombre de "
        "Fabriques publiques."
    ),
    responses={200: serializers.ProgrammeSerializer(many=True), 400: BAD_REQUEST},
)
class ProgrammeList(ListView):
    serializer_class = serializers.ProgrammeSerializer

    def get_queryset(self):
        return selectors.programmes_with_counts()


@extend_schema(
    tags=tag(gettext_lazy("Statistiques")),
    summary=gettext_lazy("Statistiques par année"),
    description=gettext_lazy(
        "Pour chaque année d'initiation, la plus récente d'abord : territoires accompagnés "
        "déclarés par l'ANCT et recensés sur la plateforme, nombre de Fabriques publiques ; "
        "puis les totaux. Les deux chiffres de territoires peuvent différer ; aucun n'est "
        "corrigé. Le total déclaré est null (non publié) dès qu'une année n'a pas de chiffre "
        "déclaré ; ces années sont listées."
    ),
    responses={200: serializers.StatisticsSerializer, 400: BAD_REQUEST},
)
class Statistics(PublicAPIView):
    serializer_class = serializers.StatisticsSerializer

    def get(self, request, *args, **kwargs):
        # Cached per data version, like the statistics page; totals by the same rule.
        figures = public_statistics()
        return Response(
            self.get_serializer({"years": figures.years, "totals": figures.totals}).data
        )


class Root(PublicAPIView):
    # Entry points of version 1, for discovery; not part of the OpenAPI document.
    schema = None

    def get(self, request, *args, **kwargs):
        names = {
            "fabriques": "api:fabrique-list",
            "territories": "api:territory-list",
            "organisations": "api:organisation-list",
            "themes": "api:theme-list",
            "programmes": "api:programme-list",
            "statistics": "api:statistics",
            "roadmaps": "api:roadmap-list",
            "action_sheets": "api:sheet-list",
            "recommendations": "api:recommendation-list",
            "schema": "api:schema",
            "docs": "api:docs",
        }
        return Response({name: reverse(view, request=request) for name, view in names.items()})
