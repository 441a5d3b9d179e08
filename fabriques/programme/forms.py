"""Forms of the programme workspace: they parse and validate; services write."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from fabriques.accounts.models import MembershipRole
from fabriques.core.forms import AmountField

from .models import (
    AnctProgramme,
    Milestone,
    MilestoneKind,
    Organisation,
    OrganisationKind,
    ProgrammeYear,
    Role,
    Theme,
)


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs={"class": "fr-input", **(attrs or {})}, format="%Y-%m")


class MonthField(forms.DateField):
    """A month typed as AAAA-MM (the browser's month picker) or MM/AAAA; the first day of it."""

    widget = MonthInput
    default_error_messages = {
        "invalid": _("Indiquez un mois au format AAAA-MM, par exemple 2026-03."),
    }

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("input_formats", ["%Y-%m", "%m/%Y", "%Y-%m-%d"])
        kwargs.setdefault("help_text", _("Format : AAAA-MM, par exemple 2026-03."))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else day


def _text(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "fr-input", **attrs})


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "fr-select"})


def _number(**attrs: Any) -> forms.NumberInput:
    return forms.NumberInput(attrs={"class": "fr-input", **attrs})


def _count(
    label: Any, *, help_text: Any, max_value: int, negative: Any, too_big: Any
) -> forms.IntegerField:
    """An optional whole number from 0 to max_value."""
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=0,
        max_value=max_value,
        error_messages={
            "invalid": _("Indiquez un nombre entier."),
            "min_value": negative,
            "max_value": too_big,
        },
        widget=_number(),
    )


class ProgrammeYearForm(forms.Form):
    year = forms.IntegerField(
        label=_("Année"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        error_messages={
            "required": _("Indiquez l’année."),
            "invalid": _("Indiquez une année en chiffres, par exemple 2026."),
            "min_value": _("L’année doit être comprise entre 2000 et 2100."),
            "max_value": _("L’année doit être comprise entre 2000 et 2100."),
        },
        widget=_number(),
    )
    target_fabriques = _count(
        _("Nombre de Fabriques visé"),
        help_text=_("Environ trois par an."),
        max_value=50,
        negative=_("Le nombre visé ne peut pas être négatif."),
        too_big=_("Le nombre visé ne peut pas dépasser %(limit_value)s."),
    )
    declared_territories = _count(
        _("Territoires accompagnés (chiffre déclaré par l’ANCT)"),
        help_text=_("Facultatif : le chiffre publié par l’ANCT pour cette année."),
        max_value=1000,
        negative=_("Le nombre de territoires ne peut pas être négatif."),
        too_big=_("Le nombre de territoires ne peut pas dépasser %(limit_value)s."),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if editing:  # the year is the page's address: it is not edited
            del self.fields["year"]


class FabriqueForm(forms.Form):
    """The design of a Fabrique, used to create one and to edit it."""

    title = forms.CharField(
        label=_("Titre"),
        max_length=250,
        error_messages={
            "required": _("Indiquez le titre de la Fabrique."),
            "max_length": _("Le titre est limité à %(limit_value)d caractères."),
        },
        widget=_text(),
    )
    programme_year = forms.ModelChoiceField(
        label=_("Année du programme"),
        queryset=ProgrammeYear.objects.order_by("-year"),
        empty_label=_("Choisir une année"),
        error_messages={
            "required": _("Choisissez l’année du programme."),
            "invalid_choice": _("Cette année n’existe pas : choisissez-en une dans la liste."),
        },
        widget=_select(),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes"),
        queryset=Theme.objects.order_by("name"),
        required=False,
        error_messages={"invalid_choice": _("Ce thème n’existe pas.")},
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("Résumé"),
        help_text=_("Une ou deux phrases, 500 caractères au plus."),
        max_length=500,
        required=False,
        error_messages={"max_length": _("Le résumé est limité à %(limit_value)d caractères.")},
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": 3}),
    )
    objective = forms.CharField(
        label=_("Objectif"),
        help_text=_("Mise en forme en Markdown : **gras**, *italique*, listes avec « - »."),
        required=False,
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": 8}),
    )
    anct_programmes = forms.ModelMultipleChoiceField(
        label=_("Programmes de l’ANCT liés"),
        queryset=AnctProgramme.objects.order_by("name"),
        required=False,
        error_messages={"invalid_choice": _("Ce programme n’existe pas.")},
        widget=forms.CheckboxSelectMultiple,
    )
    start_month = MonthField(label=_("Mois de début"), required=False)
    end_month = MonthField(label=_("Mois de fin"), required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_month"), data.get("end_month")
        if start and end and end <= start:
            self.add_error("end_month", _("Le mois de fin doit suivre le mois de début."))
        return data


class OrganisationRoleForm(forms.Form):
    """Give an organisation a role: one picked from the list, or a new one."""

    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=Role.choices,
        error_messages={
            "required": _("Choisissez le rôle."),
            "invalid_choice": _("Ce rôle n’existe pas."),
        },
        widget=_select(),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation existante"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("Choisir une organisation"),
        error_messages={"invalid_choice": _("Cette organisation n’existe pas.")},
        widget=_select(),
    )
    new_name = forms.CharField(
        label=_("Ou nom d’une nouvelle organisation"),
        max_length=250,
        required=False,
        error_messages={"max_length": _("Le nom est limité à %(limit_value)d caractères.")},
        widget=_text(),
    )
    new_acronym = forms.CharField(
        label=_("Sigle de la nouvelle organisation"),
        max_length=40,
        required=False,
        error_messages={"max_length": _("Le sigle est limité à %(limit_value)d caractères.")},
        widget=_text(),
    )
    new_kind = forms.ChoiceField(
        label=_("Type de la nouvelle organisation"),
        choices=[("", _("Choisir un type")), *OrganisationKind.choices],
        required=False,
        error_messages={"invalid_choice": _("Ce type d’organisation n’existe pas.")},
        widget=_select(),
    )
    amount = AmountField(
        label=_("Montant du cofinancement (€)"),
        help_text=_("Seulement pour un cofinanceur. Par exemple 50 000 ou 50 000,50."),
        required=False,
    )
    contact_name = forms.CharField(
        label=_("Personne contact (facultatif)"),
        help_text=_(
            "Ce nom sera publié sur la page publique de la Fabrique, à côté de l’organisation. "
            "N’indiquez qu’une personne qui a accepté d’y être nommée."
        ),
        max_length=200,
        required=False,
        widget=_text(),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        organisation, name = data.get("organisation"), data.get("new_name", "").strip()
        if organisation and name:
            self.add_error(
                "new_name",
                _("Choisissez une organisation existante ou nommez-en une nouvelle, pas les deux."),
            )
        elif not organisation and not name and "organisation" not in self.errors:
            self.add_error(
                "organisation",
                _("Choisissez une organisation, ou indiquez le nom d’une nouvelle."),
            )
        if name and not data.get("new_kind") and "new_kind" not in self.errors:
            self.add_error("new_kind", _("Choisissez le type de la nouvelle organisation."))
        if data.get("amount") is not None and data.get("role") != Role.COFUNDER:
            self.add_error("amount", _("Seul un cofinanceur a un montant."))
        return data


class TeamInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse électronique"),
        error_messages={
            "required": _("Indiquez l’adresse électronique de la personne."),
            "invalid": _("Indiquez une adresse électronique valide, par exemple nom@exemple.fr."),
        },
        widget=forms.EmailInput(attrs={"class": "fr-input", "autocomplete": "off"}),
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False, widget=_text())
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False, widget=_text())
    role = forms.ChoiceField(
        label=_("Rôle"),
        error_messages={
            "required": _("Choisissez le rôle."),
            "invalid_choice": _("Vous ne pouvez pas donner ce rôle."),
        },
        widget=_select(),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        help_text=_(
            "Pour un membre d’une organisation partenaire ou un consultant du prestataire. "
            "Le rôle vaut pour cette Fabrique seulement, tant que l’organisation y a ce rôle."
        ),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Choisir une organisation"),
        error_messages={
            "invalid_choice": _("Cette organisation n’a pas de rôle dans la Fabrique.")
        },
        widget=_select(),
    )

    def __init__(self, *args: Any, roles: list[str], organisations: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(r, MembershipRole(r).label) for r in roles]
        organisation_field = self.fields["organisation"]
        assert isinstance(organisation_field, forms.ModelChoiceField)
        organisation_field.queryset = organisations

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        role = data.get("role")
        if role == MembershipRole.ANCT_PILOT:
            data["organisation"] = None
        elif role and not data.get("organisation") and "organisation" not in self.errors:
            self.add_error("organisation", _("Choisissez l’organisation de la personne."))
        return data


class MilestoneForm(forms.ModelForm[Milestone]):
    class Meta:
        model = Milestone
        fields = ["date", "kind", "title", "description"]
        widgets = {
            "date": forms.DateInput(attrs={"class": "fr-input", "type": "date"}, format="%Y-%m-%d"),
            "kind": forms.Select(attrs={"class": "fr-select"}),
            "title": forms.TextInput(attrs={"class": "fr-input"}),
            "description": forms.Textarea(attrs={"class": "fr-input", "rows": 2}),
        }
        error_messages = {
            "date": {
                "required": _("Indiquez la date du jalon."),
                "invalid": _("Indiquez une date au format AAAA-MM-JJ."),
            },
            "kind": {"required": _("Choisissez le type du jalon.")},
            "title": {"required": _("Indiquez l’intitulé du jalon.")},
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", _("Choisir un type")), *MilestoneKind.choices]


class BaseMilestoneFormSet(forms.BaseModelFormSet[Milestone, MilestoneForm]):
    def clean(self) -> None:
        super().clean()
        # Django turns an existing row whose id is not in the queryset (another Fabrique's
        # milestone, or one deleted meanwhile) into a new one: refuse it instead.
        for form in self.initial_forms:
            if form.instance.pk is None:
                raise forms.ValidationError(
                    _(
                        "Un jalon de ce formulaire n’existe plus dans ce calendrier ; rechargez la page."
                    )
                )


MilestoneFormSet = forms.modelformset_factory(
    Milestone,
    form=MilestoneForm,
    formset=BaseMilestoneFormSet,
    extra=1,
    can_delete=True,
    max_num=60,
    validate_max=True,
)


class MilestoneGenerateForm(forms.Form):
    start = MonthField(
        label=_("Mois de lancement"),
        required=False,
        help_text=_("Par défaut, le mois de début de la Fabrique. Format : AAAA-MM."),
    )
