"""Forms of the minutes: the text and its outcomes, the workflow, comments, actions."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fabriques.workinggroups.models import Member

from ..models import (
    ActionStatus,
    AgendaItem,
    MinutesStatus,
    MinutesVisibility,
    Outcome,
    OutcomeKind,
)
from ..services.minutes import COMMENT_DAYS_DEFAULT, COMMENT_DAYS_MAX, COMMENT_DAYS_MIN


def _dsfr(form: forms.BaseForm) -> None:
    """DSFR classes on the controls (fr-select for lists, fr-input for the rest)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput | forms.CheckboxInput):
            continue
        css = "fr-select" if isinstance(widget, forms.Select) else "fr-input"
        widget.attrs.setdefault("class", css)


class DsfrForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dsfr(self)


class MinutesForm(DsfrForm):
    body = forms.CharField(
        label=_("Compte rendu"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Mise en forme Markdown : ## pour un titre, - pour une liste."),
    )
    visibility = forms.ChoiceField(
        label=_("Une fois publié, visible par"), choices=MinutesVisibility.choices
    )


class MemberChoiceField(forms.ModelChoiceField[Member]):
    def label_from_instance(self, obj: Member) -> str:
        if obj.organisation_name:
            return f"{obj.full_name} ({obj.organisation_name})"
        return obj.full_name


class OutcomeForm(DsfrForm):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # A blank first choice, so that an untouched extra form posts nothing and is skipped.
    kind = forms.ChoiceField(label=_("Type"), choices=[("", "—"), *OutcomeKind.choices])
    text = forms.CharField(label=_("Texte"), widget=forms.Textarea(attrs={"rows": 2}))
    agenda_item = forms.ModelChoiceField(
        label=_("Point de l’ordre du jour"), queryset=AgendaItem.objects.none(), required=False
    )
    owner_member = MemberChoiceField(
        label=_("Responsable (membre du groupe)"), queryset=Member.objects.none(), required=False
    )
    owner_label = forms.CharField(
        label=_("Ou responsable hors du groupe"),
        max_length=200,
        required=False,
        help_text=_("Une personne ou une structure."),
    )
    due_on = forms.DateField(
        label=_("Échéance"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    action_status = forms.ChoiceField(
        label=_("Avancement"),
        choices=[("", "—"), *ActionStatus.choices],
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        agenda: QuerySet[AgendaItem] | None = None,
        owners: QuerySet[Member] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if agenda is not None:
            self.fields["agenda_item"].queryset = agenda  # type: ignore[attr-defined]
        if owners is not None:
            self.fields["owner_member"].queryset = owners  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        if kind == OutcomeKind.ACTION:
            if not cleaned.get("owner_member") and not (cleaned.get("owner_label") or "").strip():
                self.add_error(
                    "owner_member",
                    _(
                        "Une action a un responsable : choisissez un membre du groupe ou "
                        "indiquez une personne ou une structure."
                    ),
                )
            if not cleaned.get("due_on"):
                self.add_error("due_on", _("Une action a une échéance : indiquez une date."))
        elif kind and (
            cleaned.get("owner_member")
            or (cleaned.get("owner_label") or "").strip()
            or cleaned.get("due_on")
            or cleaned.get("action_status")
        ):
            raise forms.ValidationError(
                _(
                    "Le responsable, l’échéance et l’avancement ne concernent que les "
                    "actions : videz-les ou choisissez le type « Action »."
                )
            )
        return cleaned

    @staticmethod
    def initial_for(outcome: Outcome) -> dict[str, Any]:
        return {
            "pk": outcome.pk,
            "kind": outcome.kind,
            "text": outcome.text,
            "agenda_item": outcome.agenda_item_id,
            "owner_member": outcome.owner_member_id,
            "owner_label": outcome.owner_label,
            "due_on": outcome.due_on,
            "action_status": outcome.action_status or "",
        }


class BaseOutcomeFormSet(forms.BaseFormSet[OutcomeForm]):
    def __init__(
        self,
        *args: Any,
        agenda: QuerySet[AgendaItem] | None = None,
        owners: QuerySet[Member] | None = None,
        **kwargs: Any,
    ) -> None:
        self.agenda = agenda
        self.owners = owners
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "agenda": self.agenda, "owners": self.owners}

    def outcomes(self) -> list[dict[str, Any]]:
        """The outcomes to keep, in order: the filled forms not marked for deletion (an
        untouched blank form has no cleaned data)."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


# formset_factory builds a subclass of BaseOutcomeFormSet; its stubs only say BaseFormSet.
OutcomeFormSet = cast(
    "type[BaseOutcomeFormSet]",
    forms.formset_factory(OutcomeForm, formset=BaseOutcomeFormSet, extra=3, can_delete=True),
)


class TransitionForm(DsfrForm):
    to = forms.ChoiceField(choices=MinutesStatus.choices)
    comment_days = forms.IntegerField(
        label=_("Durée des commentaires (jours)"),
        min_value=COMMENT_DAYS_MIN,
        max_value=COMMENT_DAYS_MAX,
        initial=COMMENT_DAYS_DEFAULT,
        required=False,
    )
    early = forms.BooleanField(label=_("Valider avant la fin des commentaires"), required=False)


class CommentForm(DsfrForm):
    text = forms.CharField(label=_("Votre commentaire"), widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.ModelChoiceField(
        label=_("Sur la suite"),
        queryset=Outcome.objects.none(),
        required=False,
        empty_label=_("Le compte rendu dans son ensemble"),
    )

    def __init__(self, *args: Any, outcomes: QuerySet[Outcome] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if outcomes is not None:
            self.fields["outcome"].queryset = outcomes  # type: ignore[attr-defined]


class ActionStatusForm(DsfrForm):
    action_status = forms.ChoiceField(label=_("Avancement"), choices=ActionStatus.choices)


class ActionFilterForm(DsfrForm):
    statut = forms.ChoiceField(
        label=_("Avancement"),
        choices=[("", _("À faire et en cours")), *ActionStatus.choices],
        required=False,
    )
