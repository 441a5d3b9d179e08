"""The studio's forms: a study's description, its MICMAC variables, the import file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fabriques.programme.models import Fabrique
from fabriques.territories.models import Participation
from fabriques.workshops.models import Workshop

from .models import Method, Study, StudyStatus
from .tables import MAX_BYTES


def _dsfr(form: forms.BaseForm) -> None:
    """DSFR classes on the controls (fr-select for lists, fr-upload for files, fr-input)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(
            widget, forms.HiddenInput | forms.CheckboxInput | forms.CheckboxSelectMultiple
        ):
            continue
        if isinstance(widget, forms.FileInput):
            css = "fr-upload"
        else:
            css = "fr-select" if isinstance(widget, forms.Select) else "fr-input"
        widget.attrs.setdefault("class", css)


class StudyForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    method = forms.ChoiceField(
        label=_("Méthode"),
        choices=Method.choices,
    )
    title = forms.CharField(label=_("Titre"), max_length=250)
    purpose = forms.CharField(
        label=_("Objet de l’étude"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("La question posée, l’horizon, le périmètre."),
    )
    participation = forms.ModelChoiceField(
        label=_("Territoire"),
        queryset=Participation.objects.none(),
        required=False,
        empty_label=_("Toute la Fabrique (étude collective)"),
    )
    meetings = forms.ModelMultipleChoiceField(
        label=_("Rencontres où l’étude est travaillée"),
        queryset=Workshop.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.ChoiceField(
        label=_("État"), choices=StudyStatus.choices, initial=StudyStatus.DRAFT
    )

    def __init__(self, *args: Any, fabrique: Fabrique, study: Study | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._extra_kwargs = {"fabrique": fabrique, "study": study}
        territory = self.fields["participation"]
        assert isinstance(territory, forms.ModelChoiceField)
        territory.queryset = Participation.objects.filter(fabrique=fabrique).order_by(
            "position", "pk"
        )
        territory.label_from_instance = lambda p: p.label  # type: ignore[method-assign,assignment]
        meetings = self.fields["meetings"]
        assert isinstance(meetings, forms.ModelMultipleChoiceField)
        meetings.queryset = Workshop.objects.filter(fabrique=fabrique).order_by("starts_at", "pk")
        meetings.label_from_instance = lambda w: (  # type: ignore[method-assign,assignment]
            f"{w.title} ({w.starts_at:%d/%m/%Y})"
        )
        if study is None:
            del self.fields["lock_version"]
            del self.fields["status"]
        else:
            # The method is fixed once the study has inputs.
            del self.fields["method"]
            self.fields["lock_version"].required = True
        _dsfr(self)


class ImportForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("Fichier CSV ou XLSX"),
        help_text=_(
            "La matrice carrée\u00a0: les noms des variables en ligne 1 et en colonne A, "
            "les cellules de 0 à 3 ou P (vide = 0). 2\u00a0Mo au plus."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dsfr(self)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 2\u00a0Mo\u00a0: découpez-le."))
        return upload
