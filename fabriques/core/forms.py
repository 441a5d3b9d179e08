"""Form helpers shared by the apps' views."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .text import strip_controls


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form: each field's errors on that field, the rest on top.

    Services raise `ValidationError`s keyed by model field; a key the form has no field for
    (or no key at all) becomes a non-field error, so no message is ever lost.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class SearchField(forms.CharField):
    """A search box: control characters are stripped from the term it applies and from the
    value it shows again in the bound form."""

    def to_python(self, value: Any) -> str | None:
        return super().to_python(strip_controls(value) if isinstance(value, str) else value)

    def bound_data(self, data: Any, initial: Any) -> Any:
        return strip_controls(data) if isinstance(data, str) else data


# Spaces people and spreadsheets put between thousands: the normal one, the no-break space
# (U+00A0, what a French spreadsheet copies) and the narrow no-break space (U+202F, what
# browsers and Django's French format print), and the thin space.
_AMOUNT_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_AMOUNT_SHAPE = re.compile(r"^-?\d+(?:[.,]\d+)?$")


class AmountField(forms.DecimalField):
    """An amount in euros typed the French way, and shown again the same way.

    Accepts « 50 000 », « 48 000,00 », « 48000.00 », « 48 000 € » (spaces of any kind between
    thousands); refuses « 48,000.00 », where a comma and a point make the amount ambiguous,
    with a message that says how to write it.
    """

    default_error_messages = {
        "invalid": _("Indiquez un montant en euros, par exemple 48 000 ou 48 000,50."),
        "ambiguous": _(
            "« %(value)s » mêle virgule et point : écrivez le montant à la française, les "
            "milliers séparés par des espaces et les centimes après une virgule, par exemple "
            "48 000,50."
        ),
        "min_value": _("Le montant ne peut pas être négatif."),
        "max_digits": _("Le montant est trop grand."),
        "max_whole_digits": _("Le montant est trop grand."),
        "max_decimal_places": _("Le montant a au plus deux décimales (les centimes)."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"class": "fr-input", "inputmode": "decimal"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = self._normalize(value)
        return super().to_python(value)

    def _normalize(self, text: str) -> str:
        compact = _AMOUNT_SPACES.sub("", strip_controls(text))
        for currency in ("€", "EUR", "eur"):
            compact = compact.removeprefix(currency).removesuffix(currency)
        if not compact:
            return ""
        if "," in compact and "." in compact:
            raise ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params={"value": text.strip()}
            )
        if not _AMOUNT_SHAPE.match(compact):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return compact.replace(",", ".")

    def prepare_value(self, value: Any) -> Any:
        """A stored amount shown as typed in French: « 48 000,00 » (no-break spaces)."""
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return format_amount(Decimal(value))
        return value


def format_amount(amount: Decimal) -> str:
    """« 48 000,00 »: thousands separated by no-break spaces, a comma before the cents."""
    text = f"{amount:,.2f}"  # 48,000.00
    return text.replace(",", "\u00a0").replace(".", ",")


class _TextLimit(validators.MaxLengthValidator):
    """The length limit of a long text, with how many characters to remove."""

    message = _(
        "Ce texte compte %(show_value)d caractères pour %(limit_value)d au plus : "
        "retirez-en %(excess)d. Rien n’a été coupé."
    )

    def __call__(self, value: Any) -> None:
        length, limit = self.clean(value), self.limit_value
        if length > limit:
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "limit_value": limit,
                    "show_value": length,
                    "excess": length - limit,
                    "value": value,
                },
            )


class LongTextField(forms.CharField):
    """A text area whose limit is checked, never enforced by cutting what is pasted.

    A `maxlength` attribute makes the browser drop the end of a pasted text without a word;
    this field leaves it out, says how far over the limit a text is, and gives char-counter.js
    (workspace) the limit and the words of its live « n / max caractères » counter. Line ends
    count as one character, as the counter counts them.
    """

    def __init__(self, *, max_length: int, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"class": "fr-input", "rows": 6}))
        super().__init__(max_length=max_length, **kwargs)
        self.validators = [
            _TextLimit(v.limit_value) if isinstance(v, validators.MaxLengthValidator) else v
            for v in self.validators
        ]

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return text.replace("\r\n", "\n") if text else text

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        attrs.update(
            {
                "data-maxlength": str(self.max_length),
                # {n}, {max}: the number of characters typed, the limit.
                "data-counter-text": _("{n} / {max} caractères"),
                "data-counter-near": _("Plus que {left} caractères sur {max}."),
                "data-counter-over": _(
                    "{n} / {max} caractères : {excess} de trop, à retirer avant d’envoyer."
                ),
            }
        )
        return attrs
