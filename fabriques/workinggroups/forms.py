"""Forms parse input; the services hold the rules and their errors are shown on the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AgeBand, Gender, GroupRole, JoinedHow, LawfulBasis, Member, StakeholderFamily
from .validators import validate_organisation_identifier

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"class": "fr-input", "type": "date"}, format="%Y-%m-%d")


def _text(autocomplete: str = "off", **attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "fr-input", "autocomplete": autocomplete, **attrs})


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "fr-select"})


def _blank_first(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("Non renseigné")), *choices]


class YesNoUnknownSelect(forms.NullBooleanSelect):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", _("Non renseigné")), ("true", _("Oui")), ("false", _("Non"))]


class MemberForm(forms.Form):
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        widget=_text("given-name"),
        error_messages={"required": _("Indiquez le prénom.")},
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        widget=_text("family-name"),
        error_messages={"required": _("Indiquez le nom.")},
    )
    email = forms.EmailField(
        label=_("Adresse électronique"),
        help_text=_("Format attendu : nom@domaine.fr"),
        widget=forms.EmailInput(attrs={"class": "fr-input", "autocomplete": "email"}),
        error_messages={
            "required": _("Indiquez l’adresse électronique."),
            "invalid": _("Indiquez une adresse électronique valide, par exemple nom@domaine.fr."),
        },
    )
    phone = forms.CharField(
        label=_("Téléphone (facultatif)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"class": "fr-input", "autocomplete": "tel", "type": "tel"}),
    )
    organisation_name = forms.CharField(
        label=_("Organisation (facultatif)"),
        max_length=300,
        required=False,
        widget=_text("organization"),
    )
    organisation_identifier = forms.CharField(
        label=_("SIRET ou numéro RNA (facultatif)"),
        max_length=30,
        required=False,
        validators=[validate_organisation_identifier],
        help_text=_("SIRET : 14 chiffres ; RNA : W suivi de 9 chiffres."),
        widget=_text(),
    )
    family = forms.ChoiceField(
        label=_("Famille d’acteurs"),
        choices=[("", _("Choisir une famille")), *StakeholderFamily.choices],
        widget=_select(),
        error_messages={
            "required": _("Choisissez la famille d’acteurs."),
            "invalid_choice": _("« %(value)s » n’est pas une famille d’acteurs de la liste."),
        },
    )
    family_detail = forms.CharField(
        label=_("Précision sur la famille (facultatif)"),
        max_length=200,
        required=False,
        help_text=_("Ex. : DDT, conseil citoyen, chambre d’agriculture."),
        widget=_text(),
    )
    role = forms.ChoiceField(
        label=_("Rôle dans le groupe"),
        choices=GroupRole.choices,
        initial=GroupRole.MEMBER,
        widget=_select(),
        error_messages={"invalid_choice": _("« %(value)s » n’est pas un rôle de la liste.")},
    )
    joined_how = forms.ChoiceField(
        label=_("Mode d’entrée"),
        choices=JoinedHow.choices,
        initial=JoinedHow.INVITATION,
        widget=_select(),
        error_messages={
            "invalid_choice": _("« %(value)s » n’est pas un mode d’entrée de la liste.")
        },
    )
    joined_on = forms.DateField(
        label=_("Arrivée le"),
        input_formats=DATE_FORMATS,
        widget=_date_input(),
        error_messages={
            "required": _("Indiquez la date d’arrivée dans le groupe."),
            "invalid": _("Indiquez une date valide, par exemple 15/03/2026."),
        },
    )
    lawful_basis = forms.ChoiceField(
        label=_("Base légale du traitement"),
        choices=LawfulBasis.choices,
        initial=LawfulBasis.PUBLIC_INTEREST,
        widget=_select(),
        error_messages={
            "invalid_choice": _("« %(value)s » n’est pas une base légale de la liste.")
        },
    )
    consent_on = forms.DateField(
        label=_("Consentement recueilli le (facultatif)"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_(
            "Le genre, la tranche d’âge et la résidence en QPV ne se demandent qu’avec ce "
            "consentement."
        ),
        widget=_date_input(),
        error_messages={"invalid": _("Indiquez une date valide, par exemple 15/03/2026.")},
    )
    gender = forms.ChoiceField(
        label=_("Genre (avec consentement)"),
        choices=_blank_first(Gender.choices),
        required=False,
        widget=_select(),
        error_messages={"invalid_choice": _("« %(value)s » n’est pas un genre de la liste.")},
    )
    age_band = forms.ChoiceField(
        label=_("Tranche d’âge (avec consentement)"),
        choices=_blank_first(AgeBand.choices),
        required=False,
        widget=_select(),
        error_messages={
            "invalid_choice": _("« %(value)s » n’est pas une tranche d’âge de la liste.")
        },
    )
    qpv_inhabitant = forms.NullBooleanField(
        label=_("Habite un quartier prioritaire (avec consentement)"),
        required=False,
        widget=YesNoUnknownSelect(attrs={"class": "fr-select"}),
    )
    public_name_opt_in = forms.BooleanField(
        label=_("Accepte que son nom et son organisation figurent dans les comptes rendus publics"),
        required=False,
    )

    @classmethod
    def initial_for(cls, member: Member) -> dict[str, Any]:
        return {name: getattr(member, name) for name in cls.base_fields}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier des membres"),
        help_text=_(
            "Formats acceptés : XLSX (première feuille) ou CSV (séparateur point-virgule ou "
            "virgule), 1 Mo au plus."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "class": "fr-upload",
                "accept": ".xlsx,.csv,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
        error_messages={"required": _("Choisissez le fichier à importer.")},
    )


class LeaveForm(forms.Form):
    left_on = forms.DateField(
        label=_("Départ le"),
        input_formats=DATE_FORMATS,
        widget=_date_input(),
        error_messages={
            "required": _("Indiquez la date de départ."),
            "invalid": _("Indiquez une date valide, par exemple 15/03/2026."),
        },
    )
