"""Forms of the editing pages: the roadmap's framing, axes, partners, contracts, attachments,
comments, the sheet and each of its parts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fabriques.studies.models import RetainedResult
from fabriques.territories.models import Commune, Qpv
from fabriques.workinggroups.models import Member
from fabriques.workshops.models import Outcome

from ..models import (
    ActionSheet,
    Axis,
    BudgetLine,
    ContractLink,
    FundingLine,
    Indicator,
    IndicatorValue,
    Roadmap,
    SheetNote,
    SheetPartner,
    SheetStatus,
    Step,
)
from ..services.editing import ROADMAP_FIELDS, SHEET_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _dsfr(form: forms.BaseForm) -> None:
    """DSFR classes on the controls (fr-select for lists, fr-input for the rest)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(
            widget, forms.HiddenInput | forms.CheckboxInput | forms.CheckboxSelectMultiple
        ):
            continue
        css = "fr-select" if isinstance(widget, forms.Select) else "fr-input"
        widget.attrs.setdefault("class", css)
        if isinstance(widget, forms.DateInput):
            widget.attrs["type"] = "date"
            widget.format = "%Y-%m-%d"


class DsfrForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dsfr(self)


class FrenchDecimalField(forms.DecimalField):
    """A number as people type it in French: « 150 000,50 » (spaces, comma) or 150000.50."""

    default_error_messages = {
        "invalid": _("Saisissez un nombre (chiffres, avec une virgule pour les décimales).")
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            for space in (" ", "\u00a0", "\u202f"):
                value = value.replace(space, "")
            value = value.replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        return str(value).replace(".", ",") if value is not None else value


class DsfrModelForm(forms.ModelForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in list(self.fields.items()):
            if isinstance(field, forms.DecimalField) and not isinstance(field, FrenchDecimalField):
                self.fields[name] = FrenchDecimalField(
                    required=field.required,
                    label=field.label,
                    help_text=field.help_text,
                    max_digits=field.max_digits,
                    decimal_places=field.decimal_places,
                )
        _dsfr(self)


class RoadmapForm(DsfrModelForm):
    """The framing and the governance, saved together under the roadmap's lock_version."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Roadmap
        fields = ROADMAP_FIELDS
        widgets = {
            "period_start": DATE_WIDGET,
            "period_end": DATE_WIDGET,
            "diagnostic": forms.Textarea(attrs={"rows": 6}),
            "issues": forms.Textarea(attrs={"rows": 6}),
            "vision": forms.Textarea(attrs={"rows": 6}),
            "easy_summary": forms.Textarea(attrs={"rows": 4}),
        }

    def _post_clean(self) -> None:
        # The service checks the model (after the version check); a ModelForm would otherwise
        # write the posted values onto the instance before the conflict is detected.
        pass


class AnswerChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: RetainedResult) -> str:
        return f"{obj.get_kind_display()} : {obj.label} ({obj.study.title})"


def _answers_field(label: Any) -> AnswerChoiceField:
    return AnswerChoiceField(
        label=label,
        queryset=RetainedResult.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Les résultats retenus des études prospectives du territoire et des études "
            "collectives de la Fabrique."
        ),
    )


class AxisForm(DsfrForm):
    """The axis; with `answers` (the retained results it may cite), also what it answers."""

    title = forms.CharField(label=_("Intitulé de l’axe"), max_length=250)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    answers = _answers_field(_("Résultats de la prospective auxquels l’axe répond"))

    def __init__(
        self, *args: Any, answers: QuerySet[RetainedResult] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if answers is None:
            del self.fields["answers"]
        else:
            self.fields["answers"].queryset = answers  # type: ignore[attr-defined]


class AnswersForm(DsfrForm):
    answers = _answers_field(_("Résultats de la prospective auxquels la fiche répond"))

    def __init__(self, *args: Any, choices: QuerySet[RetainedResult], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answers"].queryset = choices  # type: ignore[attr-defined]


class RoadmapPartnerForm(DsfrForm):
    name = forms.CharField(label=_("Partenaire"), max_length=250)
    role = forms.CharField(label=_("Rôle"), max_length=250, required=False)


class ContractLinkForm(DsfrModelForm):
    class Meta:
        model = ContractLink
        fields = ("kind", "label", "reference", "signed_on")
        widgets = {"signed_on": DATE_WIDGET}

    def _post_clean(self) -> None:
        pass


class AttachmentForm(DsfrForm):
    title = forms.CharField(label=_("Titre"), max_length=250, required=False)
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_(
            "PDF ou document bureautique (DOCX, ODT, XLSX, ODS, PPTX, ODP), 20 Mo au plus."
        ),
    )


class CommentForm(DsfrForm):
    text = forms.CharField(label=_("Votre commentaire"), widget=forms.Textarea(attrs={"rows": 4}))


class SheetForm(DsfrModelForm):
    """Every field of the sheet itself; the status has its own dated form."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ActionSheet
        fields = SHEET_FIELDS
        widgets = {
            "planned_start": DATE_WIDGET,
            "planned_end": DATE_WIDGET,
            "actual_start": DATE_WIDGET,
            "actual_end": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 5}),
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "expected_effects": forms.Textarea(attrs={"rows": 4}),
            "targets": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, roadmap: Roadmap, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = Axis.objects.filter(roadmap=roadmap)  # type: ignore[attr-defined]
        self.fields["number"].required = False
        self.fields["number"].help_text = _("Laissé vide : le prochain numéro libre.")
        # The commune and the QPV: those of the territory only would need the referential's
        # geography; the lists are bounded by the territory's département.
        self.fields["commune"].queryset = self._communes(roadmap)  # type: ignore[attr-defined]
        self.fields["qpv"].queryset = self._qpvs(roadmap)  # type: ignore[attr-defined]

    @staticmethod
    def _communes(roadmap: Roadmap) -> QuerySet[Any]:
        """The communes of the territory (the commune, the EPCI's, the QPV's)."""
        participation = roadmap.participation
        if participation.kind == "commune":
            return Commune.objects.filter(pk__in=[participation.commune_id])
        if participation.kind == "epci":
            return Commune.objects.filter(epcis=participation.epci_id).order_by("name")
        return Commune.objects.filter(qpvs=participation.qpv_id).order_by("name")

    @staticmethod
    def _qpvs(roadmap: Roadmap) -> QuerySet[Any]:
        """The QPV of the territory (the QPV itself, or those of its communes)."""
        participation = roadmap.participation
        if participation.kind == "qpv":
            return Qpv.objects.filter(pk__in=[participation.qpv_id])
        if participation.kind == "commune":
            return Qpv.objects.filter(communes=participation.commune_id).order_by("name")
        return Qpv.objects.filter(communes__epcis=participation.epci_id).distinct().order_by("name")

    def _post_clean(self) -> None:
        pass


class StatusForm(DsfrForm):
    status = forms.ChoiceField(label=_("Nouvel état"), choices=SheetStatus.choices)
    changed_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    comment = forms.CharField(
        label=_("Commentaire (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EditorForm(DsfrForm):
    member = forms.ModelChoiceField(
        label=_("Membre du groupe de travail"), queryset=Member.objects.none()
    )

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class RelatedForm(DsfrForm):
    related = forms.ModelMultipleChoiceField(
        label=_("Fiches liées"),
        queryset=ActionSheet.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, sheet: ActionSheet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["related"].queryset = ActionSheet.objects.filter(  # type: ignore[attr-defined]
            roadmap_id=sheet.roadmap_id
        ).exclude(pk=sheet.pk)


class OutcomeChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Outcome) -> str:
        workshop = obj.minutes.workshop
        return f"{workshop.title} ({workshop.starts_at:%d/%m/%Y}) — {obj.get_kind_display()} : {obj.text[:120]}"


class OutcomesForm(DsfrForm):
    outcomes = OutcomeChoiceField(
        label=_("Décisions et actions des rencontres à l’origine de la fiche"),
        queryset=Outcome.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, choices: QuerySet[Outcome], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcomes"].queryset = choices  # type: ignore[attr-defined]


class _PartForm(DsfrModelForm):
    def _post_clean(self) -> None:
        # The service runs full_clean with the sheet set.
        pass


class StepForm(_PartForm):
    class Meta:
        model = Step
        fields = ("name", "due_on", "done")
        widgets = {"due_on": DATE_WIDGET}


class SheetPartnerForm(_PartForm):
    class Meta:
        model = SheetPartner
        fields = ("name", "role")


class BudgetLineForm(_PartForm):
    class Meta:
        model = BudgetLine
        fields = ("year", "nature", "unit", "planned", "actual")


class FundingLineForm(_PartForm):
    class Meta:
        model = FundingLine
        fields = ("funder", "scheme", "amount_asked", "amount_granted", "status")


class IndicatorForm(_PartForm):
    class Meta:
        model = Indicator
        fields = ("definition", "unit", "periodicity", "target", "target_on", "result", "source")
        widgets = {"target_on": DATE_WIDGET, "result": forms.Textarea(attrs={"rows": 2})}


class IndicatorValueForm(_PartForm):
    class Meta:
        model = IndicatorValue
        fields = ("measured_on", "value", "source")
        widgets = {"measured_on": DATE_WIDGET}
        error_messages = {"measured_on": {"required": _("Indiquez la date de la mesure.")}}


class NoteForm(_PartForm):
    class Meta:
        model = SheetNote
        fields = ("written_on", "text")
        widgets = {"written_on": DATE_WIDGET, "text": forms.Textarea(attrs={"rows": 3})}


PART_FORMS: dict[str, type[_PartForm]] = {
    "step": StepForm,
    "partner": SheetPartnerForm,
    "budget": BudgetLineForm,
    "funding": FundingLineForm,
    "indicator": IndicatorForm,
    "note": NoteForm,
}
