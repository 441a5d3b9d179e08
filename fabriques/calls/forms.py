"""Forms of calls and applications: they parse and check input; services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fabriques.core.forms import LongTextField
from fabriques.territories.models import ParticipationKind
from fabriques.territories.selectors import TerritoryMatch, territory_label

from .models import APPLICANT_TEXT_FIELDS, ApplicationStatus, CallCriterion
from .selectors import territory_resolve
from .services import ApplicationInput, CriterionInput, ScoreInput
from .services.applications import MISSING_TO_SUBMIT, REQUIRED_TO_SUBMIT
from .validators import validate_deliberation

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _text(label, *, help_text="", max_length=200, **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=max_length,
        widget=forms.TextInput(attrs={"class": "fr-input", **attrs}),
    )


def _textarea(label, *, help_text="", max_length=5000, rows=6) -> forms.CharField:
    return LongTextField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": rows}),
    )


class TerritoryField(forms.CharField):
    """A text field typed as a name or a code, resolved against the referential."""

    def __init__(self, *, kinds: tuple[str, ...] | None = None, **kwargs: Any) -> None:
        self.kinds = kinds
        kwargs.setdefault("max_length", 300)
        super().__init__(**kwargs)


class ApplicationForm(forms.Form):
    """A local authority's application; every field is optional in a draft but the territory."""

    territory = TerritoryField(
        label=_("Territoire candidat"),
        help_text=_(
            "Nom ou code de la commune (code INSEE), de l’intercommunalité (SIREN) ou du "
            "quartier prioritaire (code QPV). Ex. : Saint-Étienne ou 42218."
        ),
        required=False,
        widget=forms.TextInput(attrs={"class": "fr-input", "autocomplete": "off"}),
    )
    territory_ref = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)
    host = TerritoryField(
        kinds=(ParticipationKind.COMMUNE, ParticipationKind.EPCI),
        label=_("Collectivité porteuse (pour un quartier prioritaire seulement)"),
        help_text=_(
            "La commune ou l’intercommunalité qui porte la candidature du quartier ; "
            "à laisser vide pour une commune ou une intercommunalité."
        ),
        required=False,
        widget=forms.TextInput(attrs={"class": "fr-input", "autocomplete": "off"}),
    )
    host_ref = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)
    elected_name = _text(_("Prénom et nom de l’élu(e) qui s’engage"), autocomplete="off")
    elected_mandate = _text(
        _("Mandat de l’élu(e)"), help_text=_("Ex. : maire, présidente de la communauté.")
    )
    elected_email = forms.EmailField(
        label=_("Adresse électronique de l’élu(e)"),
        help_text=_("Format attendu : nom@domaine.fr"),
        required=False,
        max_length=254,
        error_messages={
            "invalid": _("Saisissez une adresse électronique valide, par exemple nom@exemple.fr.")
        },
        widget=forms.EmailInput(attrs={"class": "fr-input", "autocomplete": "off"}),
    )
    technical_name = _text(_("Prénom et nom du référent technique"), autocomplete="off")
    technical_role = _text(
        _("Fonction du référent technique"),
        help_text=_("Ex. : directeur général des services, chargée de mission."),
    )
    technical_email = forms.EmailField(
        label=_("Adresse électronique du référent technique"),
        help_text=_("Format attendu : nom@domaine.fr"),
        required=False,
        max_length=254,
        error_messages={
            "invalid": _("Saisissez une adresse électronique valide, par exemple nom@exemple.fr.")
        },
        widget=forms.EmailInput(attrs={"class": "fr-input", "autocomplete": "off"}),
    )
    technical_phone = _text(
        _("Téléphone du référent technique (facultatif)"),
        help_text=_("Format attendu : 01 22 33 44 55"),
        max_length=30,
        type="tel",
    )
    motivation = _textarea(
        _("Motivation"),
        help_text=_("Pourquoi votre territoire souhaite rejoindre cette Fabrique."),
    )
    working_group_intent = _textarea(
        _("Groupe de travail envisagé"),
        help_text=_(
            "Qui vous comptez réunir localement : services, associations, entreprises, "
            "habitants, partenaires…"
        ),
    )
    deliberation = forms.FileField(
        label=_("Délibération signée (facultatif)"),
        required=False,
        widget=forms.FileInput(attrs={"class": "fr-upload", "accept": ".pdf,application/pdf"}),
    )
    deliberation_remove = forms.BooleanField(
        label=_("Retirer la délibération déposée"), required=False
    )

    def __init__(
        self, *args: Any, has_deliberation: bool = False, submitting: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.has_deliberation = has_deliberation
        # Depositing needs every field but the optional ones: all missing ones are reported
        # at once, with the territory's, rather than the territory's alone.
        self.submitting = submitting
        self.fields["deliberation"].help_text = _("Format PDF uniquement, %(size)s au maximum.") % {
            "size": filesizeformat(settings.APPLICATION_MAX_UPLOAD_BYTES)
        }
        if not has_deliberation:
            del self.fields["deliberation_remove"]
        # Progressive enhancement: territory-autocomplete.js turns these into comboboxes.
        url = reverse("calls:territory_search")
        for name in ("territory", "host"):
            field: TerritoryField = self.fields[name]  # type: ignore[assignment]
            field.widget.attrs.update(
                {
                    "data-autocomplete": url,
                    "data-autocomplete-ref": self[f"{name}_ref"].auto_id,
                    "data-autocomplete-kinds": ",".join(field.kinds or ()),
                    "data-msg-results": _(
                        "{n} territoire(s) trouvé(s) ; parcourez-les avec les flèches."
                    ),
                    "data-msg-none": _("Aucun territoire trouvé."),
                    "data-msg-chosen": _("{label} choisi."),
                }
            )

    def _resolve(self, name: str, *, required: bool) -> TerritoryMatch | None:
        field: TerritoryField = self.fields[name]  # type: ignore[assignment]
        text = self.cleaned_data.get(name, "")
        if not text and not required:
            return None
        return territory_resolve(
            text=text, ref=self.data.get(self.add_prefix(f"{name}_ref"), ""), kinds=field.kinds
        )

    def clean_territory(self) -> TerritoryMatch | None:
        return self._resolve("territory", required=True)

    def clean_host(self) -> TerritoryMatch | None:
        return self._resolve("host", required=False)

    def clean_deliberation(self) -> Any:
        file = self.cleaned_data.get("deliberation")
        if file:
            validate_deliberation(file)
        return file

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        territory = cleaned.get("territory")
        if isinstance(territory, TerritoryMatch) and territory.kind != ParticipationKind.QPV:
            cleaned["host"] = None
        if self.submitting:
            for name in REQUIRED_TO_SUBMIT:
                if name not in self.errors and not str(cleaned.get(name) or "").strip():
                    self.add_error(name, MISSING_TO_SUBMIT)
        return cleaned

    def to_input(self) -> ApplicationInput:
        data = self.cleaned_data
        territory: TerritoryMatch = data["territory"]
        host: TerritoryMatch | None = data.get("host")
        deliberation: Any = data.get("deliberation") or None
        if deliberation is None and data.get("deliberation_remove"):
            deliberation = False
        return ApplicationInput(
            territory=(territory.kind, territory.pk),
            host=(host.kind, host.pk) if host is not None else None,
            elected_name=data["elected_name"],
            elected_mandate=data["elected_mandate"],
            elected_email=data["elected_email"],
            technical_name=data["technical_name"],
            technical_role=data["technical_role"],
            technical_email=data["technical_email"],
            technical_phone=data["technical_phone"],
            motivation=data["motivation"],
            working_group_intent=data["working_group_intent"],
            deliberation=deliberation,
        )

    @classmethod
    def initial_for(cls, application) -> dict[str, Any]:
        """The form's initial values for an existing draft."""
        initial: dict[str, Any] = {
            name: getattr(application, name) for name in APPLICANT_TEXT_FIELDS
        }
        territory = application.territory
        if territory is not None:
            initial["territory"] = territory_label(territory)
            initial["territory_ref"] = f"{application.kind}:{territory.pk}"
        host = application.host
        if host is not None:
            kind = "epci" if application.epci_id else "commune"
            initial["host"] = territory_label(host)
            initial["host_ref"] = f"{kind}:{host.pk}"
        return initial


class CallForm(forms.Form):
    opens_at = forms.DateTimeField(
        label=_("Ouverture (facultatif)"),
        help_text=_("Date et heure (heure de Paris) ; vide : dès que l’appel est ouvert."),
        required=False,
        input_formats=[DATETIME_FORMAT],
        widget=forms.DateTimeInput(
            attrs={"class": "fr-input", "type": "datetime-local"}, format=DATETIME_FORMAT
        ),
    )
    closes_at = forms.DateTimeField(
        label=_("Clôture"),
        help_text=_("Date et heure (heure de Paris) après lesquelles plus rien ne se dépose."),
        required=False,
        input_formats=[DATETIME_FORMAT],
        widget=forms.DateTimeInput(
            attrs={"class": "fr-input", "type": "datetime-local"}, format=DATETIME_FORMAT
        ),
    )
    decision_expected_on = forms.DateField(
        label=_("Décision attendue le (facultatif)"),
        required=False,
        widget=forms.DateInput(attrs={"class": "fr-input", "type": "date"}, format="%Y-%m-%d"),
    )
    introduction = _textarea(
        _("Présentation de l’appel"),
        help_text=_(
            "Markdown : **gras**, *italique*, listes, liens. Publiée sur la page de l’appel."
        ),
        max_length=20000,
    )
    expected_commitment = _textarea(
        _("Engagement attendu des territoires"),
        help_text=_("Ce qu’un territoire retenu s’engage à faire pendant l’année."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("La clôture doit suivre l’ouverture de l’appel."))
        return cleaned


class CriterionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(
        label=_("Critère"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "fr-input"}),
    )
    description = _textarea(_("Description (facultatif)"), max_length=2000, rows=2)
    weight = forms.IntegerField(
        label=_("Pondération"),
        min_value=1,
        max_value=100,
        initial=1,
        required=False,
        widget=forms.NumberInput(attrs={"class": "fr-input"}),
    )
    max_score = forms.IntegerField(
        label=_("Note maximale"),
        min_value=1,
        max_value=100,
        initial=5,
        required=False,
        widget=forms.NumberInput(attrs={"class": "fr-input"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("DELETE"):
            return cleaned
        filled = any(cleaned.get(name) for name in ("label", "description"))
        if filled and not cleaned.get("label"):
            self.add_error("label", _("Donnez un nom au critère."))
        if filled or cleaned.get("id"):
            for name in ("weight", "max_score"):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Indiquez un nombre entier."))
        return cleaned


class BaseCriterionFormSet(forms.BaseFormSet):
    def to_inputs(self) -> list[CriterionInput]:
        rows = []
        for form in self.forms:
            data = form.cleaned_data
            if not data:
                continue
            pk = data.get("id")
            if not data.get("label") and pk is None:
                continue  # an empty extra row
            rows.append(
                CriterionInput(
                    pk=pk,
                    label=data.get("label") or "",
                    description=data.get("description") or "",
                    weight=data.get("weight") or 1,
                    max_score=data.get("max_score") or 5,
                    delete=bool(data.get("DELETE")),
                )
            )
        return rows


CriterionFormSet = forms.formset_factory(
    CriterionForm,
    formset=BaseCriterionFormSet,
    extra=2,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


def criterion_initial(criteria: list[CallCriterion]) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "label": c.label,
            "description": c.description,
            "weight": c.weight,
            "max_score": c.max_score,
        }
        for c in criteria
    ]


class ScoreForm(forms.Form):
    """One score and comment per criterion of the call, and ANCT's internal comment."""

    pilot_comment = _textarea(
        _("Commentaire interne de l’ANCT (facultatif)"),
        help_text=_("Jamais montré au candidat."),
        rows=3,
    )

    def __init__(self, *args: Any, sheet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        for line in sheet.lines:
            criterion = line.criterion
            choices = [("", _("Non noté"))] + [
                (str(n), str(n)) for n in range(criterion.max_score + 1)
            ]
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("Note : %(label)s (sur %(max)d, pondération %(weight)d)")
                % {
                    "label": criterion.label,
                    "max": criterion.max_score,
                    "weight": criterion.weight,
                },
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={
                    "invalid_choice": _("Choisissez une note de 0 à %(max)d.")
                    % {"max": criterion.max_score}
                },
                widget=forms.Select(attrs={"class": "fr-select"}),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Commentaire : %(label)s (facultatif)") % {"label": criterion.label},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"class": "fr-input", "rows": 2}),
            )
            if line.score is not None:
                self.initial.setdefault(f"score_{criterion.pk}", str(line.score.score))
                self.initial.setdefault(f"comment_{criterion.pk}", line.score.comment)

    def score_fields(self):
        for line in self.sheet.lines:
            yield (
                line,
                self[f"score_{line.criterion.pk}"],
                self[f"comment_{line.criterion.pk}"],
            )

    def to_inputs(self) -> list[ScoreInput]:
        return [
            ScoreInput(
                criterion_id=line.criterion.pk,
                score=self.cleaned_data.get(f"score_{line.criterion.pk}"),
                comment=self.cleaned_data.get(f"comment_{line.criterion.pk}") or "",
            )
            for line in self.sheet.lines
        ]


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Motif de la décision (facultatif)"),
        help_text=_("Gardé dans le dossier ; il n’est pas envoyé au candidat."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": 2}),
    )


REVIEW_STATUS_CHOICES = [("", _("Tous les statuts"))] + [
    (value, label) for value, label in ApplicationStatus.choices if value != ApplicationStatus.DRAFT
]


class ReviewFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Statut"),
        choices=REVIEW_STATUS_CHOICES,
        required=False,
        error_messages={"invalid_choice": _("Statut inconnu ; ce filtre a été ignoré.")},
        widget=forms.Select(attrs={"class": "fr-select"}),
    )
    order = forms.ChoiceField(
        label=_("Trier par"),
        choices=[
            ("depot", _("Date de dépôt")),
            ("score", _("Note pondérée")),
            ("departement", _("Département")),
        ],
        required=False,
        error_messages={"invalid_choice": _("Tri inconnu ; il a été ignoré.")},
        widget=forms.Select(attrs={"class": "fr-select"}),
    )

    def applied(self) -> dict[str, str]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        status = "" if "status" in self.errors else data.get("status") or ""
        order = "depot" if "order" in self.errors else data.get("order") or "depot"
        return {"status": status, "order": order}


class ReceivedFilterForm(forms.Form):
    """Filters of the received applications across Fabriques, bound to GET."""

    fabrique = forms.TypedChoiceField(
        label=_("Fabrique (et son appel)"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Fabrique inconnue ; ce filtre a été ignoré.")},
        widget=forms.Select(attrs={"class": "fr-select"}),
    )
    status = ReviewFilterForm.base_fields["status"]

    def __init__(self, *args: Any, fabriques: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["fabrique"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Toutes les Fabriques"))] + [
            (str(f.pk), f"{f.title} ({f.programme_year.year})") for f in fabriques
        ]

    def applied(self) -> dict[str, Any]:
        """The valid filters; one with an error is reported and ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "fabrique_id": None if "fabrique" in self.errors else data.get("fabrique"),
            "status": "" if "status" in self.errors else data.get("status") or "",
        }
