"""The template helpers that format what the selectors load: months, periods, Markdown."""

import datetime
from types import SimpleNamespace

import pytest

from fabriques.core.templatetags.fabriques_tags import markdown, month, period


def test_month_is_french():
    assert month(datetime.date(2021, 6, 1)) == "juin 2021"
    assert month(None) == ""


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ((2021, 6), (2022, 6), "de juin 2021 à juin 2022"),
        ((2021, 4), (2022, 8), "d’avril 2021 à août 2022"),
        ((2019, 10), None, "à partir d’octobre 2019"),
        ((2019, 11), None, "à partir de novembre 2019"),
        (None, (2021, 7), "jusqu’en juillet 2021"),
        (None, None, ""),
    ],
)
def test_period_uses_french_elision(
    start: tuple[int, int] | None, end: tuple[int, int] | None, expected: str
):
    fabrique = SimpleNamespace(
        start_month=datetime.date(*start, 1) if start else None,
        end_month=datetime.date(*end, 1) if end else None,
    )
    assert period(fabrique).replace("\xa0", " ") == expected


def test_markdown_is_sanitised_and_headings_shifted():
    html = markdown(
        "# Titre\n\n**gras** [lien](https://anct.gouv.fr) [mal](javascript:alert(1))\n\n"
        '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    )
    assert "<h3>Titre</h3>" in html
    assert '<a href="https://anct.gouv.fr" rel="noopener noreferrer">lien</a>' in html
    assert "javascript:" not in html and "<img" not in html and "<script" not in html
    assert "onerror" not in html
    assert markdown("") == ""


def test_markdown_is_parsed_once_per_text_and_offset(monkeypatch):
    import markdown as markdown_lib

    calls = []
    parse = markdown_lib.markdown

    def counted(text: str, **options: object) -> str:
        calls.append(text)
        return str(parse(text, **options))

    monkeypatch.setattr(markdown_lib, "markdown", counted)
    text = "## Un texte vu une seule fois par ce test"
    assert markdown(text) == markdown(text) == "<h4>Un texte vu une seule fois par ce test</h4>"
    assert markdown(text, 0) == "<h2>Un texte vu une seule fois par ce test</h2>"
    assert len(calls) == 2  # once for each heading offset


def test_dsfr_table_writes_the_four_wrappers_once():
    from django.template import Context, Template

    html = Template(
        '{% load fabriques_tags %}{% dsfr_table classes="fr-table--sm  fr-mt-2w" id=name '
        'scroll_label="legende" %}<table><caption id="legende">Ça & là</caption></table>'
        "{% enddsfr_table %}"
    ).render(Context({"name": 'tableau"x'}))
    assert html == (
        '<div class="fr-table fr-table--sm fr-mt-2w" id="tableau&quot;x">'
        '<div class="fr-table__wrapper"><div class="fr-table__container" tabindex="0" '
        'role="region" aria-labelledby="legende"><div class="fr-table__content">'
        '<table><caption id="legende">Ça & là</caption></table></div></div></div></div>'
    )
    plain = Template(
        "{% load fabriques_tags %}{% dsfr_table %}<table></table>{% enddsfr_table %}"
    ).render(Context())
    assert plain.startswith('<div class="fr-table"><div class="fr-table__wrapper">')
    assert "tabindex" not in plain


def kept(name: str) -> str:
    return (
        f'{{% load i18n fabriques_tags %}}{{% kept_per_language "{name}" %}}'
        '{% translate "Fermer" %} {{ value }}{% endkept_per_language %}'
    )


def test_a_kept_fragment_is_rendered_once_per_language():
    from django.template import Context, Template
    from django.utils import translation

    first = Template(kept("une-langue")).render(Context({"value": "premier"}))
    again = Template(kept("une-langue")).render(Context({"value": "second"}))
    assert first == again == "Fermer premier"  # kept: a variable in it would be wrong
    with translation.override("en"):  # rendered again (no English catalogue: same text)
        assert Template(kept("une-langue")).render(Context({"value": "second"})) == (
            "Fermer second"
        )


def test_a_kept_fragment_is_rendered_each_time_in_debug(settings):
    from django.template import Context, Template

    settings.DEBUG = True
    assert Template(kept("debug")).render(Context({"value": "un"})) == "Fermer un"
    assert Template(kept("debug")).render(Context({"value": "deux"})) == "Fermer deux"


@pytest.mark.parametrize(
    "source",
    [
        "{% kept_per_language %}x{% endkept_per_language %}",
        "{% kept_per_language essai %}x{% endkept_per_language %}",
        '{% kept_per_language "essai" %}{% block b %}{% endblock %}{% endkept_per_language %}',
        '{% kept_per_language "essai" %}{% csrf_token %}{% endkept_per_language %}',
    ],
)
def test_a_kept_fragment_takes_one_quoted_name_and_no_block_nor_token(source):
    from django.template import Template, TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        Template("{% load fabriques_tags %}" + source)
