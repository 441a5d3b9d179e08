"""Query-string filters. An unknown value (year, slug, code) is a 400, never an empty list."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from fabriques.core.forms import SearchField
from fabriques.programme.models import (
    AnctProgramme,
    Fabrique,
    FabriqueOrganisation,
    Organisation,
    OrganisationKind,
    ProgrammeYear,
    Role,
    Theme,
)
from fabriques.programme.selectors import word_starts
from fabriques.territories.models import Departement, Participation, ParticipationKind, Region

from .openapi import choices_help, documented

MAX_QUERY_LENGTH = 200


def unknown(message):
    return {"invalid_choice": message}


class SearchFilter(django_filters.CharFilter):
    """Full-text filter; control characters are stripped from the term (see SearchField)."""

    field_class = SearchField


def search_words(queryset, value: str, field: str = "search_text"):
    """Every word must start a word of the accent-free search text ("sante" finds "santé",
    not "composante"), as in the catalogue."""
    return queryset.filter(word_starts(field, value))


class FabriqueFilter(django_filters.FilterSet):
    year = documented(
        django_filters.ModelChoiceFilter(
            field_name="programme_year",
            to_field_name="year",
            queryset=ProgrammeYear.objects.all(),
            help_text=_("Année d'initiation, par exemple 2020."),
            error_messages=unknown(_("Aucune année de programme ne correspond à « %(value)s ».")),
        ),
        {"type": "integer", "example": 2020},
    )
    theme = documented(
        django_filters.ModelChoiceFilter(
            field_name="themes",
            to_field_name="slug",
            queryset=Theme.objects.all(),
            help_text=_("Identifiant d'un thème (voir /api/v1/themes/)."),
            error_messages=unknown(_("Aucun thème n'a l'identifiant « %(value)s ».")),
        ),
        {"type": "string"},
    )
    programme = documented(
        django_filters.ModelChoiceFilter(
            field_name="anct_programmes",
            to_field_name="slug",
            queryset=AnctProgramme.objects.all(),
            help_text=_("Identifiant d'un programme de l'ANCT (voir /api/v1/programmes/)."),
            error_messages=unknown(_("Aucun programme de l'ANCT n'a l'identifiant « %(value)s ».")),
        ),
        {"type": "string"},
    )
    association = documented(
        django_filters.ModelChoiceFilter(
            method="filter_association",
            to_field_name="slug",
            queryset=Organisation.objects.all(),
            help_text=_(
                "Identifiant d'une organisation (voir /api/v1/organisations/) : les Fabriques "
                "dont elle est l'association d'élus partenaire."
            ),
            error_messages=unknown(_("Aucune organisation n'a l'identifiant « %(value)s ».")),
        ),
        {"type": "string"},
    )
    departement = documented(
        django_filters.ModelChoiceFilter(
            method="filter_departement",
            to_field_name="code",
            queryset=Departement.objects.all(),
            help_text=_(
                "Code INSEE d'un département (« 16 », « 2A », « 974 ») : les Fabriques qui y "
                "accompagnent au moins un territoire."
            ),
            error_messages=unknown(_("Aucun département n'a le code « %(value)s ».")),
        ),
        {"type": "string"},
    )
    region = documented(
        django_filters.ModelChoiceFilter(
            method="filter_region",
            to_field_name="code",
            queryset=Region.objects.all(),
            help_text=_(
                "Code INSEE d'une région (« 75 ») : les Fabriques qui y accompagnent au moins un "
                "territoire."
            ),
            error_messages=unknown(_("Aucune région n'a le code « %(value)s ».")),
        ),
        {"type": "string"},
    )
    q = SearchFilter(
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        help_text=_(
            "Recherche plein texte, sans tenir compte des accents ni des majuscules : chaque "
            "mot doit figurer dans le titre, l'objectif ou les noms associés."
        ),
    )

    class Meta:
        model = Fabrique
        fields: list[str] = []

    def filter_association(self, queryset, name, organisation):
        return queryset.filter(
            Exists(
                FabriqueOrganisation.objects.filter(
                    fabrique=OuterRef("pk"),
                    organisation=organisation,
                    role=Role.ELECTED_ASSOCIATION,
                )
            )
        )

    def filter_departement(self, queryset, name, departement):
        return queryset.filter(
            Exists(Participation.objects.filter(fabrique=OuterRef("pk"), departement=departement))
        )

    def filter_region(self, queryset, name, region):
        return queryset.filter(
            Exists(
                Participation.objects.filter(fabrique=OuterRef("pk"), departement__region=region)
            )
        )

    def filter_q(self, queryset, name, value):
        return search_words(queryset, value)


class TerritoryFilter(django_filters.FilterSet):
    kind = documented(
        django_filters.ChoiceFilter(
            choices=ParticipationKind.choices,
            help_text=_("Type de territoire : commune, epci ou qpv."),
            error_messages=unknown(_("Type de territoire inconnu : « %(value)s ».")),
        ),
        {"type": "string", "enum": ParticipationKind.values},
    )
    departement = documented(
        django_filters.ModelChoiceFilter(
            field_name="departement",
            to_field_name="code",
            queryset=Departement.objects.all(),
            help_text=_("Code INSEE du département du territoire."),
            error_messages=unknown(_("Aucun département n'a le code « %(value)s ».")),
        ),
        {"type": "string"},
    )
    region = documented(
        django_filters.ModelChoiceFilter(
            field_name="departement__region",
            to_field_name="code",
            queryset=Region.objects.all(),
            help_text=_("Code INSEE de la région du territoire."),
            error_messages=unknown(_("Aucune région n'a le code « %(value)s ».")),
        ),
        {"type": "string"},
    )

    class Meta:
        model = Participation
        fields: list[str] = []


class OrganisationFilter(django_filters.FilterSet):
    kind = documented(
        django_filters.ChoiceFilter(
            choices=OrganisationKind.choices,
            help_text=choices_help(_("Type d'organisation"), OrganisationKind.choices),
            error_messages=unknown(_("Type d'organisation inconnu : « %(value)s ».")),
        ),
        {"type": "string", "enum": OrganisationKind.values},
    )
    q = SearchFilter(
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Recherche dans le nom et le sigle, sans tenir compte des accents."),
    )

    class Meta:
        model = Organisation
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return search_words(queryset, value)
