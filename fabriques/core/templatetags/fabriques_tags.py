"""Template helpers of the public site: safe Markdown, French months and periods, DSFR widgets.

None of them touches the database: they only format what selectors already loaded.
"""

import datetime
import functools
import re
from typing import Any, Protocol

import markdown as markdown_lib
import nh3
from django import template
from django.conf import settings
from django.core.paginator import Page
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaulttags import CsrfTokenNode
from django.template.loader_tags import BlockNode
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

# Markdown written by ANCT staff: text formatting, lists, links, quotes, simple tables.
# No images, no raw HTML attributes beyond links: nh3 removes everything else.
MARKDOWN_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "code", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
    "abbr", "sup", "sub",
}  # fmt: skip
MARKDOWN_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
_HEADING = re.compile(r"<(/?)h([1-6])>")


@register.filter(is_safe=True)
def markdown(text: str | None, heading_offset: int = 2) -> SafeString:
    """Render Markdown to sanitised HTML.

    Headings are shifted down by `heading_offset` levels (``#`` becomes ``<h3>`` by default)
    because the text sits under the page's ``<h1>`` and a section ``<h2>``: a page keeps a
    single ``<h1>`` and a coherent outline (RGAA 9.1).
    """
    if not text:
        return mark_safe("")
    return mark_safe(_sanitised_html(str(text), int(heading_offset or 0)))  # nh3 below


@functools.lru_cache(maxsize=256)
def _sanitised_html(text: str, offset: int) -> str:
    """The HTML of `text`, kept per process: the same texts (a Fabrique's objective, a
    roadmap's sections) come back on every view of their pages, and the Markdown parser
    costs 0.3 ms for a paragraph, more for a long text."""
    html = markdown_lib.markdown(text, extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=MARKDOWN_TAGS,
        attributes=MARKDOWN_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    if offset:
        clean = _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + offset, 6)}>", clean)
    return clean


@register.filter
def month(value: datetime.date | None) -> str:
    """« juin 2021 »: the month and year of a first-of-month date, in French."""
    if not value:
        return ""
    return date_format(value, "F Y")


class _Dated(Protocol):
    """A Fabrique's months (core sits below programme and cannot import the model)."""

    @property
    def start_month(self) -> datetime.date | None: ...

    @property
    def end_month(self) -> datetime.date | None: ...


def _elide_de(text: str) -> str:
    """French elision: « de avril » becomes « d’avril »."""
    return f"d’{text}" if text[:1].lower() in "aàâeéèêiîoôuy" else f"de {text}"


@register.filter
def period(fabrique: _Dated) -> str:
    """« de juin 2021 à juin 2022 », « d’avril 2021 à mars 2022 », or one bound, or ""."""
    start, end = month(fabrique.start_month), month(fabrique.end_month)
    if start and end:
        return _("%(start)s à %(end)s") % {"start": _elide_de(start), "end": end}
    if start:
        return _("à partir %(start)s") % {"start": _elide_de(start)}
    if end:
        return _("jusqu’en %(end)s") % {"end": end}
    return ""


STATUS_BADGES = {
    "running": "fr-badge--info",
    "closing": "fr-badge--new",
    "published": "fr-badge--success",
    "follow_up": "fr-badge--purple-glycine",
}


@register.filter
def status_badge_class(status: str) -> str:
    return STATUS_BADGES.get(status, "")


# Main navigation: which section each URL name belongs to.
NAV_SECTIONS = {
    "public:home": "home",
    "public:catalogue": "fabriques",
    "public:fabrique_detail": "fabriques",
    "public:territory_list": "territoires",
    "public:territory_commune": "territoires",
    "public:territory_epci": "territoires",
    "public:territory_qpv": "territoires",
    "public:organisation_list": "organisations",
    "public:organisation_detail": "organisations",
    "public:statistics": "statistiques",
    "public:library": "bibliotheque",
    "public:roadmap": "bibliotheque",
    "public:sheet": "bibliotheque",
    "public:recommendation": "bibliotheque",
    "calls:call_list": "appels",
    "calls:call_detail": "appels",
}
NAV_SECTION_INDEX = {
    "public:home",
    "public:catalogue",
    "public:territory_list",
    "public:organisation_list",
    "public:statistics",
    "public:library",
    "calls:call_list",
}


@register.simple_tag(takes_context=True)
def nav_current(context: template.Context, section: str) -> SafeString:
    """The aria-current attribute of a main navigation link (RGAA 12.x, DSFR navigation).

    ``aria-current="page"`` on the section's own page, ``"true"`` on its sub-pages. Works
    without a request (the 500 page is rendered without one).
    """
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return mark_safe("")
    view_name = match.view_name
    current = NAV_SECTIONS.get(view_name) or {
        "opendata": "donnees",
        "api": "api",
    }.get(match.namespace.split(":")[0] if match.namespace else "")
    if current != section:
        return mark_safe("")
    value = "page" if view_name in NAV_SECTION_INDEX or view_name == "opendata:index" else "true"
    return format_html(' aria-current="{}"', value)


@register.inclusion_tag("includes/breadcrumb.html")
def breadcrumb(current: str, *links: str) -> dict[str, Any]:
    """DSFR breadcrumb: Accueil, then (label, url) pairs, then the current page.

    Usage: ``{% breadcrumb fabrique.title _("Les Fabriques") catalogue_url %}``.
    """
    if len(links) % 2:
        raise template.TemplateSyntaxError("breadcrumb expects (label, url) pairs")
    items = [{"label": _("Accueil"), "url": reverse("public:home")}]
    items += [{"label": links[i], "url": links[i + 1]} for i in range(0, len(links), 2)]
    return {"items": items, "current": current}


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context: template.Context, page_obj: Page[Any], anchor: str = "") -> dict[str, Any]:
    """DSFR pagination that keeps the other query parameters (filters) in each link."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else None

    def href(number: int) -> str:
        if params is None:
            return f"?page={number}{anchor}"
        query = params.copy()
        query["page"] = str(number)
        return f"?{query.urlencode()}{anchor}"

    paginator = page_obj.paginator
    pages = [
        {"number": n, "href": href(n), "current": n == page_obj.number}
        if isinstance(n, int)
        else {"ellipsis": True}
        for n in paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
    ]
    return {
        "page_obj": page_obj,
        "pages": pages,
        "first_href": href(1) if page_obj.has_previous() else "",
        "previous_href": href(page_obj.previous_page_number()) if page_obj.has_previous() else "",
        "next_href": href(page_obj.next_page_number()) if page_obj.has_next() else "",
        "last_href": href(paginator.num_pages) if page_obj.has_next() else "",
    }


@register.simple_block_tag
def dsfr_table(content: str, classes: str = "", id: str = "", scroll_label: str = "") -> str:
    """The DSFR table's four nested wrappers around a `<table>`, written once.

    `classes` adds modifiers to `fr-table` (fr-table--sm, fr-table--no-caption…); `id` names
    the outer block; `scroll_label`, the id of the caption, makes the scrolling container
    reachable and named for keyboard users (a wide table on a phone).
    """
    scroll = (
        format_html(' tabindex="0" role="region" aria-labelledby="{}"', scroll_label)
        if scroll_label
        else ""
    )
    return format_html(
        '<div class="{}"{}><div class="fr-table__wrapper"><div class="fr-table__container"{}>'
        '<div class="fr-table__content">{}</div></div></div></div>',
        " ".join(["fr-table", *classes.split()]),
        format_html(' id="{}"', id) if id else "",
        scroll,
        content,
    )


# Fragments rendered once per process and language ({% kept_per_language %}).
_KEPT: dict[tuple[str, str, str], str] = {}


@receiver(setting_changed)
def _forget_kept_fragments(**kwargs: Any) -> None:
    """A test that overrides a setting (a URL configuration, the static files' storage) gets
    fragments rendered with it."""
    _KEPT.clear()


class KeptPerLanguageNode(template.Node):
    def __init__(self, key: tuple[str, str], nodelist: template.NodeList):
        self.key = key
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        if settings.DEBUG:  # a template edited on disk shows at once
            return self.nodelist.render(context)
        key = (*self.key, get_language() or "")
        html = _KEPT.get(key)
        if html is None:
            html = _KEPT[key] = self.nodelist.render(context)
        return html


@register.tag
def kept_per_language(parser: template.base.Parser, token: template.base.Token) -> template.Node:
    """`{% kept_per_language "name" %}…{% endkept_per_language %}`: the enclosed fragment is
    rendered once per process and language, then given as it is to every page.

    Only for what depends on the language alone: texts, URLs of fixed pages, static files
    (the URL patterns and the collected files change only with a release, which restarts the
    processes). Never a variable of the page, the person or the data. The footer of every
    page is one: about 0.85 ms of the 12 ms a signed-in page costs to render.
    """
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(
            'kept_per_language takes one quoted name: {% kept_per_language "footer" %}'
        )
    nodelist = parser.parse(("endkept_per_language",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode) or nodelist.get_nodes_by_type(CsrfTokenNode):
        raise template.TemplateSyntaxError(
            "kept_per_language cannot hold a {% block %} (pages fill it) nor a {% csrf_token %}"
        )
    origin = parser.origin.template_name if parser.origin else ""
    return KeptPerLanguageNode((str(origin), bits[1][1:-1]), nodelist)
