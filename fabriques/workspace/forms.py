"""Forms of the workspace pages that are not owned by a domain app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fabriques.core.forms import SearchField

from .selectors import AuditFilters


class AuditFilterForm(forms.Form):
    """Filters of the audit log, bound to GET: an unknown value is reported and ignored."""

    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "L’action «\u00a0%(value)s\u00a0» n’existe pas ; ce filtre a été ignoré."
            )
        },
        widget=forms.Select(attrs={"class": "fr-select"}),
    )
    object_type = forms.ChoiceField(
        label=_("Type d’objet"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "Le type «\u00a0%(value)s\u00a0» n’existe pas ; ce filtre a été ignoré."
            )
        },
        widget=forms.Select(attrs={"class": "fr-select"}),
    )
    actor = SearchField(
        label=_("Auteur"),
        help_text=_("Une partie de son nom ou de son adresse électronique."),
        required=False,
        max_length=100,
        error_messages={
            "max_length": _(
                "L’auteur est limité à %(limit_value)d caractères ; ce filtre a été ignoré."
            )
        },
        widget=forms.TextInput(attrs={"class": "fr-input", "type": "search"}),
    )

    def __init__(
        self,
        *args: Any,
        actions: list[tuple[str, str]],
        object_types: list[tuple[str, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        object_type = self.fields["object_type"]
        assert isinstance(action, forms.ChoiceField) and isinstance(object_type, forms.ChoiceField)
        action.choices = [("", _("Toutes")), *actions]
        object_type.choices = [("", _("Tous")), *object_types]

    def filters(self) -> AuditFilters:
        """The valid, non-empty filters (a field with an error is left out)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return AuditFilters(
            **{
                name: data[name].strip()
                for name in ("action", "object_type", "actor")
                if name in data and name not in self.errors
            }
        )

    @property
    def has_filters(self) -> bool:
        return any(self.data.get(name) for name in self.fields)
