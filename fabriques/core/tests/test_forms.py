from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from fabriques.core.forms import SearchField, add_service_errors
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
