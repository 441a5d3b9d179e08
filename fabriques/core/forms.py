"""Form helpers shared by the apps' views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

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
