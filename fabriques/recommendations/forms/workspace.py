"""Forms of the recommendations' workspace pages: writing with evidence, positions, comments,
sending, answers and reviews. They parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fabriques.programme.models import Fabrique, Organisation, Theme
from fabriques.roadmaps.models import ActionSheet
from fabriques.territories.models import Participation
from fabriques.workshops.models import Workshop

from ..models import (
    AddresseeKind,
    Implementation,
    RecommendationKind,
    ReviewHorizon,
    Stance,
)


def _dsfr(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput | forms.CheckboxInput | forms.RadioSelect):
            continue
        css = "fr-select" if isinstance(widget, forms.Select) else "fr-input"
        widget.attrs.setdefault("class", css)


class DsfrForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dsfr(self)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class RecommendationForm(DsfrForm):
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.IntegerField(
        label=_("Numéro (facultatif)"),
        min_value=1,
        max_value=32767,
        required=False,
        help_text=_("Laissé vide, le prochain numéro libre de la Fabrique."),
    )
    title = forms.CharField(label=_("Intitulé"), max_length=250)
    finding = forms.CharField(label=_("Constat"), widget=forms.Textarea(attrs={"rows": 5}))
    proposal = forms.CharField(label=_("Proposition"), widget=forms.Textarea(attrs={"rows": 5}))
    kind = forms.ChoiceField(label=_("Type"), choices=RecommendationKind.choices)
    theme = forms.ModelChoiceField(
        label=_("Thème (facultatif)"), queryset=Theme.objects.none(), required=False
    )
    addressee_kind = forms.ChoiceField(
        label=_("Type de destinataire"), choices=AddresseeKind.choices
    )
    addressee = forms.CharField(
        label=_("Destinataire"),
        max_length=250,
        help_text=_("Le ministère ou la direction, l’opérateur, le programme visé."),
    )
    addressee_organisation = forms.ModelChoiceField(
        label=_("Organisation destinataire (facultatif)"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    target_text = forms.CharField(
        label=_("Texte visé (facultatif)"),
        max_length=250,
        required=False,
        help_text=_(
            "Code et article (« Code de l’urbanisme, art. L. 151-7 ») ou référence ELI ou NOR."
        ),
    )
    participations = forms.ModelMultipleChoiceField(
        label=_("Territoires à l’origine (facultatif)"),
        queryset=Participation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    workshops = forms.ModelMultipleChoiceField(
        label=_("Rencontres à l’origine (facultatif)"),
        queryset=Workshop.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    action_sheets = forms.ModelMultipleChoiceField(
        label=_("Fiches action à l’origine (facultatif)"),
        queryset=ActionSheet.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, fabrique: Fabrique, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["addressee_organisation"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
        # Only the Fabrique's own evidence is offered; the service refuses the rest anyway.
        self.fields["participations"].queryset = Participation.objects.filter(  # type: ignore[attr-defined]
            fabrique=fabrique
        ).order_by("position", "pk")
        self.fields["workshops"].queryset = Workshop.objects.filter(  # type: ignore[attr-defined]
            fabrique=fabrique
        ).order_by("starts_at")
        self.fields["action_sheets"].queryset = (  # type: ignore[attr-defined]
            ActionSheet.objects.filter(roadmap__fabrique=fabrique)
            .select_related("roadmap")
            .order_by("roadmap_id", "number")
        )
        self.fields["action_sheets"].label_from_instance = (  # type: ignore[attr-defined]
            lambda sheet: f"{sheet.roadmap.title} — {sheet.number}. {sheet.title}"
        )


class PositionForm(DsfrForm):
    organisation = forms.ModelChoiceField(
        label=_("Au nom de"), queryset=Organisation.objects.none(), empty_label=None
    )
    stance = forms.ChoiceField(label=_("Position"), choices=Stance.choices)
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour un soutien avec réserves ou un désaccord."),
    )
    signatory = forms.CharField(
        label=_("Signataire"),
        max_length=200,
        help_text=_("Nom et fonction. Ex. : Marie Dupont, présidente."),
    )
    given_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organisations]
        ).order_by("name")


class CommentForm(DsfrForm):
    text = forms.CharField(label=_("Votre commentaire"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the answer form on the same page also has a `text` field.
        kwargs.setdefault("auto_id", "id_comment_%s")
        super().__init__(*args, **kwargs)


class SendingForm(DsfrForm):
    correspondent = forms.CharField(
        label=_("Correspondant"),
        max_length=250,
        help_text=_("La personne à qui elle a été envoyée, et sa fonction."),
    )
    sent_on = forms.DateField(label=_("Envoyée le"), widget=DateInput())


class AnswerForm(DsfrForm):
    answered_on = forms.DateField(label=_("Date de la réponse"), widget=DateInput())
    text = forms.CharField(label=_("Réponse"), widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(
        label=_("Courrier (PDF, facultatif)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,.pdf", "class": "fr-upload"}
        ),
    )


class ReviewForm(DsfrForm):
    horizon = forms.TypedChoiceField(label=_("Échéance"), choices=ReviewHorizon.choices, coerce=int)
    reviewed_on = forms.DateField(label=_("Date du constat"), widget=DateInput())
    degree = forms.ChoiceField(label=_("Degré de mise en œuvre"), choices=Implementation.choices)
    measure = forms.CharField(
        label=_("Mesure (facultatif)"),
        max_length=500,
        required=False,
        help_text=_("La loi, le décret, la circulaire ou la mesure de programme qui l’a reprise."),
    )
    comment = forms.CharField(
        label=_("Commentaire (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
