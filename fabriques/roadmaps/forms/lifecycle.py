"""Forms of the roadmap's lifecycle moves, one per move (the names of services.lifecycle)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"class": "fr-input", "type": "date"}, format="%Y-%m-%d")


class DsfrForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxInput | forms.FileInput):
                field.widget.attrs.setdefault("class", "fr-input")
            elif isinstance(field.widget, forms.FileInput):
                field.widget.attrs.setdefault("class", "fr-upload")

    prefix_name = ""


class SubmitForm(DsfrForm):
    prefix_name = "submit"
    note = forms.CharField(
        label=_("Message au pilote (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewForm(DsfrForm):
    prefix_name = "review"
    comment = forms.CharField(
        label=_("Votre relecture"),
        help_text=_("Elle est transmise aux référents du territoire et au prestataire."),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Écrivez votre relecture : le commentaire est requis.")},
    )


class ReturnForm(ReviewForm):
    prefix_name = "return"


class ValidateForm(DsfrForm):
    prefix_name = "validate"
    committee_date = forms.DateField(
        label=_("Date du comité de pilotage local"),
        widget=_date(),
        error_messages={
            "required": _("Indiquez la date du comité de pilotage local."),
            "invalid": _("Saisissez une date valide, par exemple 15/03/2027."),
        },
    )


class AdoptForm(DsfrForm):
    prefix_name = "adopt"
    deliberation_body = forms.CharField(
        label=_("Assemblée"),
        help_text=_("Par exemple : conseil municipal de Lodève."),
        max_length=250,
        error_messages={"required": _("Indiquez l’assemblée qui a délibéré.")},
    )
    deliberation_date = forms.DateField(
        label=_("Date de la délibération"),
        widget=_date(),
        error_messages={
            "required": _("Indiquez la date de la délibération."),
            "invalid": _("Saisissez une date valide, par exemple 15/03/2027."),
        },
    )
    deliberation_number = forms.CharField(
        label=_("Numéro de la délibération (facultatif)"), max_length=100, required=False
    )
    deliberation_file = forms.FileField(
        label=_("Délibération (PDF)"),
        help_text=_("Un fichier PDF, 10 Mo au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
        error_messages={"required": _("Déposez la délibération au format PDF.")},
    )


class PublishForm(DsfrForm):
    prefix_name = "publish"


class UnpublishForm(DsfrForm):
    prefix_name = "unpublish"
    reason = forms.CharField(
        label=_("Motif de la dépublication"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez pourquoi la feuille de route est dépubliée.")},
    )


FORMS: dict[str, type[DsfrForm]] = {
    "submit": SubmitForm,
    "review": ReviewForm,
    "return": ReturnForm,
    "validate": ValidateForm,
    "adopt": AdoptForm,
    "publish": PublishForm,
    "unpublish": UnpublishForm,
}
