"""The follow-up form: one line per sheet, plus a few lines of new indicator values."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import FollowUpEntry, Indicator, SheetStatus
from .editing import FrenchDecimalField

VALUE_LINES = 3

AMOUNT_ERRORS = {
    "invalid": _("Saisissez un montant en chiffres, par exemple 12500 ou 12500,50."),
    "min_value": _("Le montant ne peut pas être négatif."),
    "max_digits": _("Ce montant est trop grand."),
    "max_decimal_places": _("Deux chiffres après la virgule au plus."),
}
DATE_ERRORS = {"invalid": _("Saisissez une date valide, par exemple 15/03/2027.")}


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"class": "fr-input", "type": "date"}, format="%Y-%m-%d")


def _amount(label: Any) -> forms.DecimalField:
    """An amount typed as on the sheets' forms: « 12 500,50 » as well as 12500.50."""
    field = FrenchDecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages=AMOUNT_ERRORS,
    )
    field.widget.attrs["class"] = "fr-input"
    return field


class EntryForm(forms.Form):
    """What became of one sheet."""

    status = forms.ChoiceField(
        label=_("État d’avancement"),
        choices=SheetStatus.choices,
        widget=forms.Select(attrs={"class": "fr-select"}),
    )
    actual_start = forms.DateField(
        label=_("Début effectif"), required=False, widget=_date(), error_messages=DATE_ERRORS
    )
    actual_end = forms.DateField(
        label=_("Fin effective"), required=False, widget=_date(), error_messages=DATE_ERRORS
    )
    spent = _amount(_("Dépensé (€ HT)"))
    granted = _amount(_("Subventions obtenues (€)"))
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": 2}),
    )

    def __init__(self, *args: Any, entry: FollowUpEntry, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"e{entry.pk}")
        kwargs.setdefault(
            "initial",
            {
                "status": entry.status,
                "actual_start": entry.actual_start,
                "actual_end": entry.actual_end,
                "spent": entry.spent,
                "granted": entry.granted,
                "comment": entry.comment,
            },
        )
        super().__init__(*args, **kwargs)
        self.entry = entry

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("actual_start"), data.get("actual_end")
        if start and end and end < start:
            self.add_error("actual_end", _("La fin effective précède le début effectif."))
        return data


class IndicatorValueForm(forms.Form):
    """A new measured value of one of the roadmap's indicators (a blank line is ignored)."""

    indicator = forms.TypedChoiceField(
        label=_("Indicateur"),
        coerce=int,
        required=False,
        widget=forms.Select(attrs={"class": "fr-select"}),
    )
    measured_on = forms.DateField(
        label=_("Date de la mesure"), required=False, widget=_date(), error_messages=DATE_ERRORS
    )
    value = FrenchDecimalField(
        label=_("Valeur"),
        required=False,
        max_digits=16,
        decimal_places=4,
        error_messages={"invalid": _("Saisissez une valeur en chiffres, par exemple 12 ou 3,5.")},
    )

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].widget.attrs["class"] = "fr-input"
        self.fields["indicator"].choices = [  # type: ignore[attr-defined]
            ("", _("Choisir un indicateur")),
            *((i.pk, f"{i.sheet.number}. {i.definition} ({i.unit})") for i in indicators),
        ]

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(
            data.get(name) not in (None, "") for name in ("indicator", "measured_on", "value")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank:
            return data
        if data.get("indicator") in (None, ""):
            self.add_error("indicator", _("Choisissez l’indicateur mesuré."))
        if data.get("measured_on") is None and "measured_on" not in self.errors:
            self.add_error("measured_on", _("Indiquez la date de la mesure."))
        if data.get("value") is None and "value" not in self.errors:
            self.add_error("value", _("Indiquez la valeur mesurée."))
        return data
