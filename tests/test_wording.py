"""Words the whole platform writes the same way."""

import importlib
import pkgutil
import re
from pathlib import Path

from django import forms
from django.conf import settings

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


# The public site's templates: French text uses the typographic apostrophe « ’ ».
PUBLIC_TEMPLATES = [
    "fabriques/templates",
    "fabriques/public/templates",
    "fabriques/opendata/templates",
    "fabriques/calls/templates/calls/call_list.html",
    "fabriques/calls/templates/calls/call_detail.html",
]


def test_public_templates_use_the_typographic_apostrophe():
    straight = re.compile(r"(?<=[A-Za-zÀ-ÿ])'(?=[A-Za-zÀ-ÿ])")
    # Django template comments and tags are code, not text.
    code = re.compile(
        r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}|{%\s*(?:static|url|load|include|extends)[^%]*%}",
        re.S,
    )
    found = []
    for entry in PUBLIC_TEMPLATES:
        root = Path(settings.BASE_DIR) / entry
        for path in [root] if root.is_file() else sorted(root.rglob("*.html")):
            text = code.sub("", path.read_text(encoding="utf-8"))
            found += [
                f"{path.relative_to(settings.BASE_DIR)}: {m.group(0)}"
                for m in re.finditer(r"\S*" + straight.pattern + r"\S*", text)
            ]
    assert found == []
