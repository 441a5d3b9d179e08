"""Forms of invitations and of a member's answer."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from fabriques.workinggroups.models import Member, StakeholderFamily


class InviteTarget:
    ALL = "all"
    FAMILIES = "families"
    MEMBERS = "members"


class InviteForm(forms.Form):
    """Whom to invite among `candidates` (selectors.invitation_candidates)."""

    target = forms.ChoiceField(
        label=_("Qui inviter ?"),
        choices=[
            (InviteTarget.ALL, _("Tout le groupe")),
            (InviteTarget.FAMILIES, _("Des familles d’acteurs")),
            (InviteTarget.MEMBERS, _("Des personnes choisies")),
        ],
        widget=forms.RadioSelect,
        initial=InviteTarget.ALL,
    )
    families = forms.MultipleChoiceField(
        label=_("Familles d’acteurs"),
        choices=StakeholderFamily.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    members = forms.TypedMultipleChoiceField(
        label=_("Personnes"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, candidates: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        cast(forms.ChoiceField, self.fields["members"]).choices = [
            (member.pk, member.full_name) for member in candidates
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        target = data.get("target")
        if target == InviteTarget.FAMILIES and not data.get("families"):
            self.add_error("families", _("Choisissez au moins une famille d’acteurs."))
        if target == InviteTarget.MEMBERS and not data.get("members"):
            self.add_error("members", _("Choisissez au moins une personne."))
        return data

    def chosen(self) -> list[Member]:
        """The candidates the form designates (those already listed included: the service
        leaves them alone and counts them)."""
        target = self.cleaned_data["target"]
        if target == InviteTarget.FAMILIES:
            families = set(self.cleaned_data["families"])
            return [member for member in self.candidates if member.family in families]
        if target == InviteTarget.MEMBERS:
            chosen = set(self.cleaned_data["members"])
            return [member for member in self.candidates if member.pk in chosen]
        return list(self.candidates)


class AnswerForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("register", "register"), ("cancel", "cancel"), ("decline", "decline")]
    )


class PublicNameForm(forms.Form):
    """The person's choice, for one of their working groups."""

    member = forms.IntegerField(widget=forms.HiddenInput)
    public_name_opt_in = forms.BooleanField(
        required=False,
        label=_("Mon nom et mon organisation peuvent figurer dans les comptes rendus publics"),
        help_text=_(
            "Sans votre accord, un compte rendu public ne cite que votre famille d’acteurs "
            "(par exemple « Associations »), jamais votre nom."
        ),
    )
