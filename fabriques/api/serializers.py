"""Read-only representations. Field help texts become the OpenAPI descriptions (French);
serializer classes carry comments, not docstrings, which drf-spectacular would publish."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from fabriques.programme.models import PUBLIC_STATUSES, OrganisationKind, Role
from fabriques.territories.models import ParticipationKind
from fabriques.territories.selectors import territory_identifier


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "nullable": True})
class MonthField(serializers.Field):
    """A first-of-month date shown as "YYYY-MM"."""

    def to_representation(self, value):
        return f"{value:%Y-%m}"


PUBLIC_STATUS_CHOICES = [(s.value, s.label) for s in PUBLIC_STATUSES]


class EnumField(serializers.ChoiceField):
    """A choice shown by its code, documented as the named enum ``enum_name`` (see
    openapi.EnumFieldExtension: explicit names, where drf-spectacular would otherwise name
    the two "kind" enums after a hash)."""

    choice_set: list[tuple[str, Any]]
    enum_name: str

    def __init__(self, **kwargs):
        super().__init__(choices=self.choice_set, **kwargs)


class ParticipationKindField(EnumField):
    choice_set = ParticipationKind.choices
    enum_name = "ParticipationKindEnum"


class OrganisationKindField(EnumField):
    choice_set = OrganisationKind.choices
    enum_name = "OrganisationKindEnum"


class StatusField(EnumField):
    choice_set = PUBLIC_STATUS_CHOICES
    enum_name = "FabriqueStatusEnum"


class NamesField(serializers.ListField):
    """Names of the related objects of a prefetched many-to-many relation."""

    def __init__(self, relation: str, **kwargs):
        self.relation = relation
        kwargs.update(source="*", read_only=True, child=serializers.CharField())
        super().__init__(**kwargs)

    def to_representation(self, instance):
        return [related.name for related in getattr(instance, self.relation).all()]


class RoleNamesField(serializers.ListField):
    """Names of the organisations playing one role in a Fabrique (roles are prefetched)."""

    def __init__(self, role: str, **kwargs):
        self.role = role
        kwargs.update(source="*", read_only=True, child=serializers.CharField())
        super().__init__(**kwargs)

    def to_representation(self, fabrique):
        return [r.organisation.name for r in fabrique.roles.all() if r.role == self.role]


def _absolute(request, viewname: str, **kwargs) -> str:
    return reverse(viewname, kwargs=kwargs, request=request)


class ParticipationSerializer(serializers.Serializer):
    # "label" shadows Field.label for the type checker only (DRF moves declared fields).
    label = serializers.CharField(  # type: ignore[assignment]
        help_text=_("Nom du territoire tel que publié par l'ANCT.")
    )
    kind = ParticipationKindField(help_text=_("Type de territoire : commune, epci ou qpv."))
    code = serializers.CharField(
        allow_null=True,
        help_text=_(
            "Code officiel : INSEE pour une commune, SIREN pour un EPCI, code du quartier "
            "pour un QPV ; null lorsqu'il n'est pas connu."
        ),
    )
    departement = serializers.CharField(
        source="departement.code", help_text=_("Code INSEE du département.")
    )
    region = serializers.CharField(
        source="departement.region.code", help_text=_("Code INSEE de la région.")
    )
    territory = serializers.SerializerMethodField(
        help_text=_("Identifiant du territoire accompagné (voir /api/v1/territories/).")
    )

    def to_representation(self, participation):
        data = super().to_representation(participation)
        data["code"] = data["code"] or None
        return data

    def get_territory(self, participation) -> str:
        return territory_identifier(participation.kind, participation.entity)


class FabriqueSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text=_("Identifiant stable de la Fabrique."))
    url = serializers.SerializerMethodField(help_text=_("Adresse de la Fabrique dans l'API."))
    title = serializers.CharField(help_text=_("Titre."))
    year = serializers.IntegerField(
        source="programme_year.year", help_text=_("Année d'initiation.")
    )
    status = StatusField(help_text=_("Statut de la Fabrique."))
    start_month = MonthField(help_text=_("Mois de début (AAAA-MM), ou null s'il n'est pas publié."))
    end_month = MonthField(help_text=_("Mois de fin (AAAA-MM), ou null s'il n'est pas publié."))
    themes = NamesField("themes", help_text=_("Noms des thèmes."))
    associations = RoleNamesField(
        Role.ELECTED_ASSOCIATION, help_text=_("Noms des associations d'élus partenaires.")
    )
    partners = RoleNamesField(Role.PARTNER, help_text=_("Noms des partenaires."))
    cofunders = RoleNamesField(Role.COFUNDER, help_text=_("Noms des cofinanceurs."))
    providers = RoleNamesField(Role.PROVIDER, help_text=_("Noms des prestataires."))
    anct_programmes = NamesField(
        "anct_programmes", help_text=_("Noms des programmes de l'ANCT liés.")
    )
    participations = ParticipationSerializer(
        many=True, help_text=_("Territoires accompagnés, dans l'ordre publié.")
    )

    def get_url(self, fabrique) -> str:
        return _absolute(self.context.get("request"), "api:fabrique-detail", slug=fabrique.slug)


class ResourceSerializer(serializers.Serializer):
    title = serializers.CharField(help_text=_("Titre de la ressource."))
    url = serializers.SerializerMethodField(help_text=_("Lien vers la ressource."))

    def get_url(self, resource) -> str:
        if resource.url:
            return resource.url
        request = self.context.get("request")
        url = reverse("public:resource_file", args=[resource.fabrique.slug, resource.pk])
        return request.build_absolute_uri(url) if request else url


class FabriqueDetailSerializer(FabriqueSerializer):
    summary = serializers.CharField(help_text=_("Résumé en une phrase, ou chaîne vide."))
    objective = serializers.CharField(
        help_text=_("Objectif publié, au format Markdown, ou chaîne vide.")
    )
    cofinancing = serializers.CharField(
        help_text=_("Mention du cofinancement telle que publiée, ou chaîne vide.")
    )
    resources = ResourceSerializer(many=True, help_text=_("Ressources publiées."))


class FabriqueReferenceSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text=_("Identifiant de la Fabrique."))
    url = serializers.SerializerMethodField(help_text=_("Adresse de la Fabrique dans l'API."))
    title = serializers.CharField(help_text=_("Titre."))
    year = serializers.IntegerField(
        source="programme_year.year", help_text=_("Année d'initiation.")
    )

    def get_url(self, fabrique) -> str:
        return _absolute(self.context.get("request"), "api:fabrique-detail", slug=fabrique.slug)


class OrganisationSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text=_("Identifiant stable de l'organisation."))
    url = serializers.SerializerMethodField(help_text=_("Adresse de l'organisation dans l'API."))
    name = serializers.CharField(help_text=_("Nom."))
    acronym = serializers.CharField(help_text=_("Sigle, ou chaîne vide."))
    kind = OrganisationKindField(help_text=_("Type d'organisation."))
    siren = serializers.CharField(allow_null=True, help_text=_("SIREN, ou null s'il est inconnu."))
    website = serializers.URLField(allow_null=True, help_text=_("Site internet, ou null."))
    fabriques_count = serializers.IntegerField(
        help_text=_("Nombre de Fabriques publiques auxquelles elle a pris part.")
    )

    def to_representation(self, organisation):
        data = super().to_representation(organisation)
        data["siren"] = data["siren"] or None
        data["website"] = data["website"] or None
        return data

    def get_url(self, organisation) -> str:
        return _absolute(
            self.context.get("request"), "api:organisation-detail", slug=organisation.slug
        )


class OrganisationFabriquesSerializer(serializers.Serializer):
    # An organisation's public Fabriques, one list per role (roles are prefetched).

    elected_association = FabriqueReferenceSerializer(
        many=True, help_text=_("Fabriques dont elle est l'association d'élus partenaire.")
    )
    partner = FabriqueReferenceSerializer(
        many=True, help_text=_("Fabriques dont elle est partenaire.")
    )
    cofunder = FabriqueReferenceSerializer(
        many=True, help_text=_("Fabriques dont elle est cofinanceur.")
    )
    provider = FabriqueReferenceSerializer(
        many=True, help_text=_("Fabriques dont elle est prestataire.")
    )

    def to_representation(self, organisation):
        by_role: dict[str, list] = {role: [] for role in Role.values}
        for role in organisation.roles.all():
            by_role[role.role].append(role.fabrique)
        return {
            role: FabriqueReferenceSerializer(fabriques, many=True, context=self.context).data
            for role, fabriques in by_role.items()
        }


class OrganisationDetailSerializer(OrganisationSerializer):
    fabriques = OrganisationFabriquesSerializer(
        source="*", help_text=_("Fabriques publiques de l'organisation, par rôle.")
    )


class TerritoryParticipationSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="fabrique.slug", help_text=_("Identifiant de la Fabrique."))
    url = serializers.SerializerMethodField(help_text=_("Adresse de la Fabrique dans l'API."))
    title = serializers.CharField(source="fabrique.title", help_text=_("Titre de la Fabrique."))
    year = serializers.IntegerField(
        source="fabrique.programme_year.year", help_text=_("Année d'initiation.")
    )
    label = serializers.CharField(  # type: ignore[assignment]
        help_text=_("Nom du territoire tel que publié pour cette Fabrique.")
    )

    def get_url(self, participation) -> str:
        return _absolute(
            self.context.get("request"), "api:fabrique-detail", slug=participation.fabrique.slug
        )


class TerritorySerializer(serializers.Serializer):
    id = serializers.CharField(
        source="identifier",
        help_text=_(
            "Identifiant stable : « commune-<code INSEE> », « epci-<SIREN> », "
            "« qpv-<code du quartier> », ou « qpv-<département>-<nom> » si le code du "
            "quartier n'est pas connu."
        ),
    )
    url = serializers.SerializerMethodField(help_text=_("Adresse du territoire dans l'API."))
    kind = ParticipationKindField(help_text=_("Type de territoire : commune, epci ou qpv."))
    code = serializers.CharField(
        allow_null=True,
        help_text=_("Code INSEE, SIREN ou code du quartier ; null lorsqu'il n'est pas connu."),
    )
    name = serializers.CharField(help_text=_("Nom officiel dans le référentiel."))
    departement = serializers.CharField(
        source="departement.code", help_text=_("Code INSEE du département.")
    )
    region = serializers.CharField(
        source="departement.region.code", help_text=_("Code INSEE de la région.")
    )
    fabriques = TerritoryParticipationSerializer(
        many=True,
        source="participations",
        help_text=_("Fabriques publiques auxquelles il a pris part, la plus récente d'abord."),
    )

    def get_url(self, territory) -> str:
        return _absolute(
            self.context.get("request"), "api:territory-detail", identifier=territory.identifier
        )


class TerritoryDetailSerializer(TerritorySerializer):
    population = serializers.SerializerMethodField(
        help_text=_("Population municipale (communes et EPCI), ou null.")
    )
    epci_nature = serializers.SerializerMethodField(
        help_text=_("Nature juridique d'un EPCI (CC, CA, CU, METRO, EPT), sinon null.")
    )

    def get_population(self, territory) -> int | None:
        return getattr(territory.entity, "population", None)

    def get_epci_nature(self, territory) -> str | None:
        return getattr(territory.entity, "nature", None)


class ThemeSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text=_("Identifiant, utilisable dans le filtre « theme »."))
    name = serializers.CharField(help_text=_("Nom."))
    description = serializers.CharField(help_text=_("Description, ou chaîne vide."))
    fabriques_count = serializers.IntegerField(help_text=_("Nombre de Fabriques publiques."))


class ProgrammeSerializer(ThemeSerializer):
    slug = serializers.SlugField(
        help_text=_("Identifiant, utilisable dans le filtre « programme »."),
    )


class YearStatisticsSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text=_("Année d'initiation."))
    declared_territories = serializers.IntegerField(
        allow_null=True,
        help_text=_("Territoires accompagnés déclarés par l'ANCT, ou null si non déclaré."),
    )
    counted_territories = serializers.IntegerField(
        help_text=_("Territoires accompagnés recensés sur la plateforme (participations).")
    )
    fabriques = serializers.IntegerField(help_text=_("Nombre de Fabriques publiques."))


class ProgrammeTotalsSerializer(serializers.Serializer):
    fabriques = serializers.IntegerField(help_text=_("Nombre de Fabriques publiques."))
    counted_territories = serializers.IntegerField(
        help_text=_("Territoires accompagnés recensés sur la plateforme, toutes années.")
    )
    declared_territories = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "Somme des territoires déclarés par l'ANCT, ou null (non publié) dès qu'une année "
            "n'a pas de chiffre déclaré : une somme partielle n'est jamais publiée."
        ),
    )
    undeclared_years = serializers.ListField(
        child=serializers.IntegerField(),
        help_text=_("Années sans chiffre déclaré par l'ANCT, dans l'ordre chronologique."),
    )


class StatisticsSerializer(serializers.Serializer):
    years = YearStatisticsSerializer(
        many=True, help_text=_("Une entrée par année, la plus récente d'abord.")
    )
    totals = ProgrammeTotalsSerializer(
        help_text=_("Totaux sur toutes les années, comme sur le site (page Statistiques).")
    )
