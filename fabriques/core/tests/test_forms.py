from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from fabriques.core.forms import AmountField, SearchField, add_service_errors, format_amount
from fabriques.core.text import strip_controls


class NameForm(forms.Form):
    name = forms.CharField()


def _bound_form() -> NameForm:
    form = NameForm(data={"name": "Fabrique"})
    assert form.is_valid()
    return form


def test_field_errors_go_on_their_fields_and_the_rest_on_top():
    form = _bound_form()
    add_service_errors(
        form,
        ValidationError(
            {
                "name": "Ce nom est pris.",
                "slug": "Cet identifiant est pris.",
                NON_FIELD_ERRORS: "La Fabrique est close.",
            },
        ),
    )
    assert form.errors["name"] == ["Ce nom est pris."]
    assert form.non_field_errors() == ["Cet identifiant est pris.", "La Fabrique est close."]
    assert "name" not in form.cleaned_data


def test_an_error_without_fields_goes_on_top_with_its_code():
    form = _bound_form()
    add_service_errors(form, ValidationError("La Fabrique est close.", code="closed"))
    assert form.non_field_errors() == ["La Fabrique est close."]
    assert form.has_error(NON_FIELD_ERRORS, code="closed")


class SearchForm(forms.Form):
    q = SearchField(required=False, max_length=20)


def test_strip_controls_keeps_words_apart_and_printable_text():
    assert strip_controls("sant\x00é\x1b[31m\nenv\tx\x85y\x7f\x9b") == "santé[31m env x y"
    assert strip_controls("« Fabrique\u00a0»") == "« Fabrique\u00a0»"  # no-break spaces stay


def test_search_field_applies_and_shows_the_term_without_control_characters():
    form = SearchForm(data={"q": "\x00sant\x1bé\nrurale"})
    assert form.is_valid(), form.errors  # a NUL is removed, not refused
    assert form.cleaned_data["q"] == "santé rurale"
    assert 'value="santé rurale"' in str(form["q"])


class AmountForm(forms.Form):
    amount = AmountField(required=False)


def _amount(text: str) -> forms.Form:
    form = AmountForm(data={"amount": text})
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("50 000", Decimal("50000")),
        ("50\u00a0000", Decimal("50000")),  # no-break space (French spreadsheets)
        ("50\u202f000", Decimal("50000")),  # narrow no-break space (browsers, Django)
        ("48 000,00", Decimal("48000.00")),
        ("48000.00", Decimal("48000.00")),
        ("48 000 €", Decimal("48000")),
        ("48\u00a0000,50\u00a0€", Decimal("48000.50")),
        ("1 250 000,5", Decimal("1250000.5")),
        ("", None),
    ],
)
def test_amounts_typed_the_french_way(typed, value):
    form = _amount(typed)
    assert form.errors == {}
    assert form.cleaned_data["amount"] == value


def test_a_comma_and_a_point_are_ambiguous():
    form = _amount("48,000.00")
    assert form.errors["amount"] == [
        "« 48,000.00 » mêle virgule et point : écrivez le montant à la française, les "
        "milliers séparés par des espaces et les centimes après une virgule, par exemple "
        "48 000,50."
    ]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("quarante", "Indiquez un montant en euros, par exemple 48 000 ou 48 000,50."),
        ("48.000.000", "Indiquez un montant en euros, par exemple 48 000 ou 48 000,50."),
        ("-5", "Le montant ne peut pas être négatif."),
        ("12,345", "Le montant a au plus deux décimales (les centimes)."),
        ("1 000 000 000 000", "Le montant est trop grand."),
    ],
)
def test_refused_amounts_say_why(typed, message):
    assert _amount(typed).errors["amount"] == [message]


def test_a_stored_amount_is_shown_in_french_and_resubmits_unchanged():
    form = AmountForm(initial={"amount": Decimal("48000.00")})
    shown = form["amount"].value()
    assert shown == "48\u00a0000,00"
    assert f'value="{shown}"' in str(form["amount"])
    assert _amount(shown).cleaned_data["amount"] == Decimal("48000.00")
    assert format_amount(Decimal("1250000.5")) == "1\u00a0250\u00a0000,50"
