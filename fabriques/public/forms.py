"""GET forms of the public site: they validate filters, they never write."""

from typing import cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from fabriques.core.text import strip_controls
from fabriques.programme.models import OrganisationKind
from fabriques.programme.selectors import CatalogueFilters, CatalogueOptions
from fabriques.territories.models import ParticipationKind


class FilterForm(forms.Form):
    """A filter form bound to request.GET: invalid fields are reported and ignored.

    Control characters are stripped from every value first: no filter value means anything
    with them, and the search term and the error messages show the values again.
    """

    def __init__(self, data: QueryDict | None = None, *args, **kwargs):
        if data is not None:
            data = data.copy()
            for name, values in list(data.lists()):
                data.setlist(name, [strip_controls(value) for value in values])
        super().__init__(data, *args, **kwargs)

    def applied(self) -> dict:
        """Valid, non-empty values (fields with an error are left out)."""
        self.is_valid()
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if name not in self.errors and value not in (None, "")
        }

    @property
    def has_filters(self) -> bool:
        return any(self.data.get(name) for name in self.fields)

    @property
    def active_count(self) -> int:
        """Filters applied (the search included): the count the collapsed button shows."""
        return len(self.applied())


SEARCH_ERRORS = {
    "max_length": _(
        "La recherche est limitée à %(limit_value)d caractères "
        "(elle en compte %(show_value)d) ; elle n’a pas été appliquée."
    ),
}


class Select(forms.Select):
    """A select whose options render inline (see the template)."""

    template_name = "public/widgets/select.html"


def _select(label, *, error, choices=()) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=choices,
        error_messages={"invalid_choice": error},
        widget=Select(attrs={"class": "fr-select"}),
    )


class CatalogueFilterForm(FilterForm):
    q = forms.CharField(
        label=_("Rechercher"),
        help_text=_(
            "Un ou plusieurs mots du titre, de l’objectif, d’un thème, d’une organisation "
            "ou d’un territoire ; accents et majuscules sont facultatifs."
        ),
        required=False,
        max_length=200,
        error_messages=SEARCH_ERRORS,
        widget=forms.TextInput(attrs={"class": "fr-input", "type": "search"}),
    )
    year = _select(
        _("Année d’initiation"),
        error=_("L’année « %(value)s » n’est pas une année du programme ; ce filtre a été ignoré."),
    )
    theme = _select(
        _("Thème"), error=_("Le thème « %(value)s » est inconnu ; ce filtre a été ignoré.")
    )
    association = _select(
        _("Association d’élus partenaire"),
        error=_("L’association « %(value)s » est inconnue ; ce filtre a été ignoré."),
    )
    programme = _select(
        _("Programme de l’ANCT"),
        error=_("Le programme « %(value)s » est inconnu ; ce filtre a été ignoré."),
    )
    region = _select(
        _("Région"),
        error=_("La région de code « %(value)s » est inconnue ; ce filtre a été ignoré."),
    )
    departement = _select(
        _("Département"),
        error=_("Le département de code « %(value)s » est inconnu ; ce filtre a été ignoré."),
    )
    kind = _select(
        _("Type de territoire"),
        error=_("Le type de territoire « %(value)s » est inconnu ; ce filtre a été ignoré."),
    )

    def __init__(self, data, *, options: CatalogueOptions):
        super().__init__(data)
        by_region: dict[str, list[tuple[str, str]]] = {}
        for departement in options.departements:
            by_region.setdefault(departement.region.name, []).append(
                (departement.code, f"{departement.name} ({departement.code})")
            )
        choices: dict[str, list] = {
            "year": [("", _("Toutes les années"))]
            + [(str(year), str(year)) for year in options.years],
            "theme": [("", _("Tous les thèmes"))]
            + [(theme.slug, theme.name) for theme in options.themes],
            "association": [("", _("Toutes les associations"))]
            + [(o.slug, str(o)) for o in options.associations],
            "programme": [("", _("Tous les programmes"))]
            + [(p.slug, p.name) for p in options.programmes],
            "region": [("", _("Toutes les régions"))] + [(r.code, r.name) for r in options.regions],
            "departement": [("", _("Tous les départements")), *by_region.items()],
            "kind": [("", _("Tous les types")), *ParticipationKind.choices],
        }
        for name, field_choices in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = field_choices

    def filters(self) -> CatalogueFilters:
        values = self.applied()
        if "year" in values:
            values["year"] = int(values["year"])
        return CatalogueFilters(**values)


class TerritoryFilterForm(FilterForm):
    kind = _select(
        _("Type de territoire"),
        choices=[("", _("Tous les types")), *ParticipationKind.choices],
        error=_("Le type de territoire « %(value)s » est inconnu ; ce filtre a été ignoré."),
    )


class OrganisationFilterForm(FilterForm):
    q = forms.CharField(
        label=_("Rechercher une organisation"),
        help_text=_("Nom ou sigle ; accents et majuscules sont facultatifs."),
        required=False,
        max_length=200,
        error_messages=SEARCH_ERRORS,
        widget=forms.TextInput(attrs={"class": "fr-input", "type": "search"}),
    )
    kind = _select(
        _("Type d’organisation"),
        choices=[("", _("Tous les types")), *OrganisationKind.choices],
        error=_("Le type d’organisation « %(value)s » est inconnu ; ce filtre a été ignoré."),
    )
