from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from fabriques.core.forms import add_service_errors


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
