"""Forms of the planning pages: they parse; the services hold the rules, and their errors are
shown on the fields (fabriques.core.forms.add_service_errors)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fabriques.accounts.models import User
from fabriques.deliverables.models import Deliverable
from fabriques.territories.models import Participation

from ..models import DocumentKind, Workshop, WorkshopKind, WorkshopMode

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%Hh%M", "%Hh"]
FABRIQUE_WIDE = ""  # the territory choice of a meeting of the whole Fabrique


def _text(**attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "fr-input", "autocomplete": "off", **attrs})


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "fr-input", "rows": rows})


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "fr-select"})


def _number() -> forms.NumberInput:
    return forms.NumberInput(attrs={"class": "fr-input", "min": "0", "inputmode": "numeric"})


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"class": "fr-input", "type": "date"}, format="%Y-%m-%d")


def _time() -> forms.TimeInput:
    return forms.TimeInput(attrs={"class": "fr-input", "type": "time"}, format="%H:%M")


def _choice_label(user: User) -> str:
    return user.get_full_name() or user.email or user.username


class FacilitatorField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _choice_label(obj)


class WorkshopForm(forms.Form):
    """Dates and times are entered in Europe/Paris and combined into aware datetimes; the
    change of time (summer, winter) is Django's, through settings.TIME_ZONE."""

    kind = forms.ChoiceField(
        label=_("Type de rencontre"),
        choices=[("", _("Choisir un type")), *WorkshopKind.choices],
        widget=_select(),
        error_messages={"required": _("Choisissez le type de rencontre.")},
    )
    title = forms.CharField(
        label=_("Titre"),
        max_length=250,
        widget=_text(),
        error_messages={"required": _("Indiquez le titre de la rencontre.")},
    )
    participation = forms.ChoiceField(
        label=_("Territoire"),
        required=False,
        widget=_select(),
        help_text=_("« Toute la Fabrique » pour un séminaire inter-territoires."),
    )
    day = forms.DateField(
        label=_("Date"),
        input_formats=DATE_FORMATS,
        widget=_date(),
        help_text=_("Format attendu : JJ/MM/AAAA"),
        error_messages={
            "required": _("Indiquez la date de la rencontre."),
            "invalid": _("Indiquez une date valide, par exemple 03/03/2027."),
        },
    )
    start_time = forms.TimeField(
        label=_("Heure de début"),
        input_formats=TIME_FORMATS,
        widget=_time(),
        help_text=_("Heure de Paris, par exemple 14:00"),
        error_messages={
            "required": _("Indiquez l’heure de début."),
            "invalid": _("Indiquez une heure valide, par exemple 14:00."),
        },
    )
    end_time = forms.TimeField(
        label=_("Heure de fin"),
        input_formats=TIME_FORMATS,
        widget=_time(),
        help_text=_("Heure de Paris, par exemple 17:00"),
        error_messages={
            "required": _("Indiquez l’heure de fin."),
            "invalid": _("Indiquez une heure valide, par exemple 17:00."),
        },
    )
    mode = forms.ChoiceField(label=_("Modalité"), choices=WorkshopMode.choices, widget=_select())
    video_url = forms.URLField(
        label=_("Lien de la visioconférence (si à distance ou hybride)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "fr-input"}),
        error_messages={
            "invalid": _("Indiquez une adresse valide, par exemple https://webconf.exemple.fr/…")
        },
    )
    venue = forms.CharField(
        label=_("Lieu (facultatif)"), max_length=250, required=False, widget=_text()
    )
    address = forms.CharField(label=_("Adresse (facultatif)"), required=False, widget=_textarea(2))
    accessibility = forms.CharField(
        label=_("Accessibilité du lieu (facultatif)"),
        required=False,
        help_text=_("Accès en fauteuil roulant, boucle magnétique, transports, stationnement…"),
        widget=_textarea(3),
    )
    facilitator = FacilitatorField(
        label=_("Animateur ou animatrice (facultatif)"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Personne pour l’instant"),
        widget=_select(),
    )
    objectives = forms.CharField(
        label=_("Objectifs (facultatif)"), required=False, widget=_textarea()
    )
    deliverable = forms.ModelChoiceField(
        label=_("Livrable du marché (facultatif)"),
        queryset=Deliverable.objects.none(),
        required=False,
        empty_label=_("Aucun"),
        widget=_select(),
    )
    capacity = forms.IntegerField(
        label=_("Nombre de places (facultatif)"),
        min_value=1,
        required=False,
        help_text=_("Vide : sans limite."),
        widget=_number(),
        error_messages={"min_value": _("Prévoyez au moins une place, ou laissez vide.")},
    )
    places_per_territory = forms.IntegerField(
        label=_("Places réservées par territoire (facultatif)"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=_("Pour une rencontre de toute la Fabrique."),
        widget=_number(),
    )
    deadline_day = forms.DateField(
        label=_("Date limite d’inscription (facultatif)"),
        input_formats=DATE_FORMATS,
        required=False,
        widget=_date(),
        help_text=_("Les inscriptions ferment à la fin de ce jour."),
        error_messages={"invalid": _("Indiquez une date valide, par exemple 24/02/2027.")},
    )

    def __init__(
        self,
        *args: Any,
        territories: list[Participation],
        fabrique_wide: bool,
        facilitators: Any,
        deliverables: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.territories = {str(p.pk): p for p in territories}
        self.fabrique_wide = fabrique_wide
        choices: list[tuple[str, str]] = []
        if fabrique_wide:
            choices.append((FABRIQUE_WIDE, str(_("Toute la Fabrique"))))
        choices += [(key, p.label) for key, p in self.territories.items()]
        participation = self.fields["participation"]
        assert isinstance(participation, forms.ChoiceField)
        participation.choices = choices
        participation.error_messages["invalid_choice"] = _(
            "Vous ne pouvez pas prévoir de rencontre pour ce territoire."
        )
        facilitator = self.fields["facilitator"]
        assert isinstance(facilitator, forms.ModelChoiceField)
        facilitator.queryset = facilitators
        deliverable = self.fields["deliverable"]
        assert isinstance(deliverable, forms.ModelChoiceField)
        deliverable.queryset = deliverables

    def clean_participation(self) -> Participation | None:
        value = self.cleaned_data.get("participation") or FABRIQUE_WIDE
        if value != FABRIQUE_WIDE:
            return self.territories[value]
        if not self.fabrique_wide:
            raise forms.ValidationError(
                _(
                    "Seuls le prestataire et l’ANCT prévoient les rencontres de toute la "
                    "Fabrique : choisissez votre territoire."
                ),
                code="fabrique_wide",
            )
        return None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if day and start:
            data["starts_at"] = _aware(day, start)
        if day and end:
            data["ends_at"] = _aware(day, end)
        deadline = data.get("deadline_day")
        data["registration_deadline"] = (
            _aware(deadline, datetime.time(23, 59)) if deadline else None
        )
        return data

    @staticmethod
    def initial_for(workshop: Workshop) -> dict[str, Any]:
        start = timezone.localtime(workshop.starts_at)
        end = timezone.localtime(workshop.ends_at)
        deadline = workshop.registration_deadline
        return {
            "kind": workshop.kind,
            "title": workshop.title,
            "participation": str(workshop.participation_id or FABRIQUE_WIDE),
            "day": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "mode": workshop.mode,
            "video_url": workshop.video_url,
            "venue": workshop.venue,
            "address": workshop.address,
            "accessibility": workshop.accessibility,
            "facilitator": workshop.facilitator_id,
            "objectives": workshop.objectives,
            "deliverable": workshop.deliverable_id,
            "capacity": workshop.capacity,
            "places_per_territory": workshop.places_per_territory,
            "deadline_day": timezone.localtime(deadline).date() if deadline else None,
        }


def _aware(day: datetime.date, moment: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, moment))


# Where a service's error on a computed field shows on the form.
FORM_FIELD_OF = {
    "starts_at": "day",
    "ends_at": "end_time",
    "registration_deadline": "deadline_day",
}


class AgendaItemForm(forms.Form):
    position = forms.IntegerField(
        label=_("Ordre"),
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"class": "fr-input", "min": "0"}),
    )
    title = forms.CharField(
        label=_("Point"),
        max_length=250,
        widget=_text(),
        error_messages={"required": _("Indiquez l’intitulé du point.")},
    )
    duration_minutes = forms.IntegerField(
        label=_("Durée en minutes (facultatif)"),
        min_value=1,
        max_value=1440,
        required=False,
        widget=_number(),
        error_messages={"min_value": _("Indiquez une durée d’au moins une minute.")},
    )
    speaker = forms.CharField(
        label=_("Intervenant (facultatif)"), max_length=200, required=False, widget=_text()
    )


def ordered_agenda_items(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The kept items of a valid agenda formset, by their position field then their place in
    the page (a blank or removed item is dropped)."""
    kept = [
        (form.cleaned_data.get("position"), index, form.cleaned_data)
        for index, form in enumerate(formset.forms)
        if form.cleaned_data
        and not form.cleaned_data.get("DELETE")
        and form.cleaned_data.get("title")
    ]
    kept.sort(key=lambda row: (row[0] is None, row[0] or 0, row[1]))
    return [data for _position, _index, data in kept]


AgendaFormSet = forms.formset_factory(AgendaItemForm, extra=2, can_delete=True, max_num=50)


class DocumentForm(forms.Form):
    title = forms.CharField(
        label=_("Titre"),
        max_length=250,
        widget=_text(),
        error_messages={"required": _("Indiquez le titre du document.")},
    )
    kind = forms.ChoiceField(label=_("Type"), choices=DocumentKind.choices, widget=_select())
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_(
            "Documents : PDF, formats bureautiques (Word, Excel, PowerPoint, OpenDocument) ; "
            "photos : JPEG ou PNG."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "fr-upload"}),
        error_messages={"required": _("Choisissez le fichier à déposer.")},
    )
