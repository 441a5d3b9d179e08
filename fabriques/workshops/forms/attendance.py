"""Forms of the attendance pages: they parse; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fabriques.territories.models import Participation
from fabriques.workinggroups.models import Member, StakeholderFamily

from ..models import CODE_LENGTH, Attendance
from ..services.attendance import code_normalize


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Code de la personne"),
        help_text=_("6 caractères, lettres et chiffres ; espaces et tirets ignorés."),
        max_length=40,
        error_messages={"required": _("Saisissez le code de la personne.")},
        widget=forms.TextInput(
            attrs={
                "class": "fr-input",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autocorrect": "off",
                "spellcheck": "false",
                "inputmode": "text",
                "size": str(CODE_LENGTH + 4),
            }
        ),
    )

    def clean_code(self) -> str:
        return code_normalize(self.cleaned_data["code"])


class AttendanceForm(forms.Form):
    """One person's line of the roll call; the value is checked by the service, whose message
    names the choices."""

    registration = forms.IntegerField(widget=forms.HiddenInput)
    attendance = forms.CharField(max_length=20)


class MemberChoiceField(forms.ModelChoiceField[Member]):
    def label_from_instance(self, obj: Member) -> str:
        if obj.organisation_name:
            return f"{obj.full_name} — {obj.organisation_name}"
        return obj.full_name


class WalkInForm(forms.Form):
    member = MemberChoiceField(
        label=_("Membre du groupe"),
        queryset=Member.objects.none(),
        empty_label=_("Choisir une personne"),
        error_messages={
            "required": _("Choisissez la personne venue sans inscription."),
            "invalid_choice": _(
                "Cette personne n’est pas parmi les membres du groupe qui restent à pointer."
            ),
        },
        widget=forms.Select(attrs={"class": "fr-select"}),
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, MemberChoiceField)
        field.queryset = members


def _text(autocomplete: str) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "fr-input", "autocomplete": autocomplete})


class NewcomerForm(forms.Form):
    """A person who is not a member yet: the few facts a facilitator asks at the door."""

    participation = forms.ModelChoiceField(
        label=_("Territoire"),
        queryset=Participation.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "fr-select"}),
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=150, widget=_text("off"))
    last_name = forms.CharField(label=_("Nom"), max_length=150, widget=_text("off"))
    email = forms.EmailField(
        label=_("Adresse électronique"),
        help_text=_("Pour lui envoyer le compte rendu. Format attendu : nom@domaine.fr"),
        error_messages={"invalid": _("Saisissez une adresse électronique valide.")},
        widget=forms.EmailInput(attrs={"class": "fr-input", "autocomplete": "off"}),
    )
    organisation_name = forms.CharField(
        label=_("Organisation"), max_length=300, required=False, widget=_text("off")
    )
    family = forms.ChoiceField(
        label=_("Famille d’acteurs"),
        choices=StakeholderFamily.choices,
        widget=forms.Select(attrs={"class": "fr-select"}),
    )

    def __init__(self, *args: Any, participations: list[Participation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["participation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Participation.objects.filter(pk__in=[p.pk for p in participations])
        if len(participations) == 1:
            field.initial = participations[0].pk
            field.widget = forms.HiddenInput()


ATTENDANCE_BUTTONS = (
    (Attendance.ATTENDED, _("Présent")),
    (Attendance.EXCUSED, _("Excusé")),
    (Attendance.ABSENT, _("Absent")),
)
