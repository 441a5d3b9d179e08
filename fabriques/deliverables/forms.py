"""Forms parse input; the services hold the rules and their errors are shown on the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fabriques.core.forms import AmountField
from fabriques.programme.models import Fabrique, Organisation, Role
from fabriques.territories.models import Participation

from .files import accepted_formats_text, allowed_extensions
from .models import Contract, Deliverable, DeliverableKind, ReviewDecision


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"class": "fr-input", "type": "date"}, format="%Y-%m-%d")


class ContractForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Prestataire"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choisir le prestataire"),
        widget=forms.Select(attrs={"class": "fr-select"}),
        error_messages={"required": _("Choisissez le prestataire titulaire du marché.")},
    )
    reference = forms.CharField(
        label=_("Numéro de marché"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "fr-input", "autocomplete": "off"}),
        error_messages={"required": _("Indiquez le numéro du marché.")},
    )
    signed_on = forms.DateField(
        label=_("Date de signature"),
        required=False,
        widget=_date_input(),
        help_text=_("Format attendu : JJ/MM/AAAA."),
        error_messages={"invalid": _("Indiquez une date valide, par exemple 15/03/2026.")},
    )
    amount = AmountField(
        label=_("Montant (€ TTC)"),
        required=False,
        help_text=_("Par exemple 48 000,00."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": 4}),
    )

    def __init__(self, *args: Any, fabrique: Fabrique, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        providers = Organisation.objects.filter(
            roles__fabrique=fabrique, roles__role=Role.PROVIDER
        ).order_by("name")
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, contract: Contract | None) -> dict[str, Any]:
        if contract is None:
            return {}
        return {
            "provider": contract.provider_id,
            "reference": contract.reference,
            "signed_on": contract.signed_on,
            "amount": contract.amount,
            "notes": contract.notes,
        }


class DeliverableForm(forms.Form):
    title = forms.CharField(
        label=_("Titre"),
        max_length=250,
        widget=forms.TextInput(attrs={"class": "fr-input"}),
        error_messages={"required": _("Indiquez le titre du livrable.")},
    )
    kind = forms.ChoiceField(
        label=_("Type de livrable"),
        choices=DeliverableKind.choices,
        widget=forms.Select(attrs={"class": "fr-select"}),
    )
    participation = forms.ModelChoiceField(
        label=_("Dû pour"),
        queryset=Participation.objects.none(),
        required=False,
        empty_label=_("L’ensemble de la Fabrique"),
        widget=forms.Select(attrs={"class": "fr-select"}),
        help_text=_("Un territoire accompagné, ou l’ensemble de la Fabrique."),
    )
    due_on = forms.DateField(
        label=_("Date d’échéance"),
        widget=_date_input(),
        help_text=_("Format attendu : JJ/MM/AAAA."),
        error_messages={
            "required": _("Indiquez la date à laquelle le livrable est attendu."),
            "invalid": _("Indiquez une date valide, par exemple 15/03/2026."),
        },
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": 4}),
    )

    def __init__(self, *args: Any, fabrique: Fabrique, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participation"].queryset = Participation.objects.filter(  # type: ignore[attr-defined]
            fabrique=fabrique
        ).order_by("position", "label")

    @classmethod
    def initial_for(cls, deliverable: Deliverable) -> dict[str, Any]:
        return {
            "title": deliverable.title,
            "kind": deliverable.kind,
            "participation": deliverable.participation_id,
            "due_on": deliverable.due_on,
            "description": deliverable.description,
        }


class GenerateDefaultsForm(forms.Form):
    due_on = forms.DateField(
        label=_("Date d’échéance des livrables types"),
        widget=_date_input(),
        help_text=_("Format attendu : JJ/MM/AAAA. Elle reste modifiable livrable par livrable."),
        error_messages={
            "required": _("Indiquez la date à laquelle les livrables sont attendus."),
            "invalid": _("Indiquez une date valide, par exemple 15/03/2026."),
        },
    )


class SubmitForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier"),
        widget=forms.FileInput(attrs={"class": "fr-upload"}),
        error_messages={
            "required": _("Choisissez le fichier à déposer."),
            "empty": _("Le fichier est vide."),
        },
    )
    note = forms.CharField(
        label=_("Note pour le pilote"),
        required=False,
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": 3}),
        help_text=_("Facultative : ce qui a changé depuis la version précédente, par exemple."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(
            f".{ext}" for ext in allowed_extensions()
        )
        self.fields["file"].help_text = _("Formats acceptés : %(formats)s.") % {
            "formats": accepted_formats_text()
        }


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=ReviewDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez d’accepter ou de demander des modifications.")},
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": 4}),
        help_text=_("Obligatoire pour demander des modifications ; transmis au prestataire."),
    )
