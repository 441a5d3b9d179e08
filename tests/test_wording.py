"""Words the whole platform writes the same way."""

import importlib
import pkgutil

from django import forms

import fabriques


def _form_classes():
    for module_info in pkgutil.walk_packages(fabriques.__path__, "fabriques."):
        if not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                yield value


def test_every_email_field_says_adresse_electronique():
    checked = []
    for form_class in _form_classes():
        for name, field in getattr(form_class, "base_fields", {}).items():
            if not isinstance(field, forms.EmailField):
                continue
            try:
                field.clean("pas-une-adresse")
            except forms.ValidationError as error:
                message = " ".join(str(m) for m in error.messages)
            else:  # pragma: no cover — an EmailField always refuses this
                raise AssertionError(f"{form_class.__name__}.{name} accepted a bad address")
            assert "adresse électronique" in message, (form_class.__name__, name, message)
            assert "e-mail" not in message, (form_class.__name__, name, message)
            checked.append(f"{form_class.__name__}.{name}")
    # The signup, password reset, application and invitation forms at least.
    assert len(checked) >= 5, checked
