"""The form of the status page: it parses the move; the cycle's service checks and writes it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fabriques.programme.models import STATUS_ORDER


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(
        choices=[(s, s) for s in STATUS_ORDER],
        error_messages={
            "required": _("Choisissez le nouveau statut."),
            "invalid_choice": _("Ce statut n’existe pas."),
        },
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Raison"),
        required=False,
        max_length=1000,
        error_messages={"max_length": _("La raison est limitée à %(limit_value)d caractères.")},
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": 2}),
    )
    # Ticked to go ahead with a move whose consequences the page lists (closing a call early).
    confirmed = forms.BooleanField(required=False)
