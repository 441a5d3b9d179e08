"""The statistics page: figures, declared vs counted, accessible tables, query budget, vendoring."""

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from fabriques.programme.tests.dataset import build_figures_programme, grow_programme
from fabriques.public.statistics_views import MAP_DEPARTEMENT_CODES

pytestmark = pytest.mark.django_db

URL = "/statistiques/"
VENDOR_DIR = Path(settings.BASE_DIR) / "fabriques" / "static" / "vendor" / "dsfr-chart"
# The page runs one query per breakdown, whatever the amount of data (the tests use a dummy
# cache, so the figures are computed on every request):
#  0. data version of the cached figures (core.versioning)
#  1. programme years with their public Fabriques and participations (year_statistics)
#  2. themes           3. ANCT programmes        4. elected officials' associations
#  5. régions          6. participations by kind 7. accompanied départements
#  8. data version of the library's follow-up figures (cached apart)
#  9. published roadmaps (their follow-ups and sheets' states too, when some are published:
#     none here)                                 10. published recommendations (their
#     reviews too, when some are published: none here)
# 11. data version of the menu's open calls     12. the calls' dates (calls.call_calendar)
PAGE_QUERIES = 13


# --------------------------------------------------------------------------- HTML helpers


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list["Node | str"] = field(default_factory=list)
    parent: "Node | None" = None

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return re.sub(r"\s+", " ", " ".join(parts)).strip()

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str) -> list["Node"]:
        return [n for n in self.iter() if n.tag == tag]

    def find(self, tag: str) -> "Node":
        found = self.find_all(tag)
        assert found, f"no <{tag}>"
        return found[0]


class _TreeBuilder(HTMLParser):
    VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_endtag(self, tag):
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    return builder.root


def table_rows(table: Node) -> list[list[str]]:
    """The body rows of a table, as the text of their cells (row header first)."""
    body = table.find("tbody")
    return [
        [cell.text() for cell in tr.iter() if cell.tag in ("th", "td")]
        for tr in body.find_all("tr")
    ]


def table_by_id(doc: Node, element_id: str) -> Node:
    [wrapper] = [n for n in doc.iter() if n.attrs.get("id") == element_id]
    return wrapper.find("table")


@pytest.fixture
def programme():
    return build_figures_programme()


# --------------------------------------------------------------------------- the page


def test_statistics_page_is_routed():
    assert reverse("public:statistics") == URL


def test_page_shows_declared_and_counted_side_by_side(client, programme):
    response = client.get(URL)
    assert response.status_code == 200
    doc = parse(response.content.decode())
    rows = table_rows(table_by_id(doc, "table-annees"))
    # Year, Fabriques, declared by ANCT, counted on the platform, gap.
    assert rows[0][:4] == ["2019", "1", "12", "1"]
    assert rows[1][:4] == ["2020", "2", "20", "5"]
    assert rows[1][4].startswith("−15")  # the data is shown as it is, gap flagged
    assert rows[2][:4] == ["2021", "0", "non publié", "0"]
    assert rows[2][4] == "— sans objet"
    text = " ".join(n.text() for n in doc.iter() if "fr-callout" in n.attrs.get("class", ""))
    assert "l’ANCT déclare 20 territoires accompagnés" in text
    assert "seuls 5 sont nommés" in text
    assert "2021" in text and "n’a pas publié" in text

    [chart] = [
        n
        for n in doc.find_all("bar-chart")
        if n.parent is not None
        and n.parent.attrs.get("aria-labelledby") == "chart-annees-territoires-title"
    ]
    assert json.loads(chart.attrs["x"]) == [["2019", "2020", "2021"]]
    assert json.loads(chart.attrs["y"]) == [[12, 20, None], [1, 5, 0]]
    assert json.loads(chart.attrs["name"]) == ["Déclarés par l’ANCT", "Recensés sur la plateforme"]


def test_non_public_fabriques_are_left_out(client, programme):
    html = client.get(URL).content.decode()
    doc = parse(html)
    tables_text = " ".join(t.text() for t in doc.find_all("table"))
    for hidden in ("Industrie", "Petites villes de demain", "Corse-du-Sud"):
        assert hidden not in tables_text
    # Corse has territories only in a Fabrique that is not public: it is not listed at all.
    assert "Corse" not in [row[0] for row in table_rows(table_by_id(doc, "table-regions"))]
    [key_figures] = [n for n in doc.find_all("ul") if n.attrs.get("aria-label") == "Chiffres clés"]
    # Fabriques, territories counted, départements, régions.
    assert [p.text() for p in key_figures.find_all("p")][::2] == ["3", "6", "4", "3"]


def test_each_breakdown_table_gives_the_figures_of_its_chart(client, programme):
    doc = parse(client.get(URL).content.decode())
    expected = {
        "themes": [["Santé", "2", "5"], ["Alimentation", "2", "4"]],
        "programmes": [["Action cœur de ville", "1", "3"]],
        "associations": [
            ["Association des maires de France (AMF)", "2", "5"],
            ["Villes de France", "2", "4"],
        ],
        "regions": [
            ["Nouvelle-Aquitaine", "2", "3"],
            ["Grand Est", "2", "2"],
            ["La Réunion", "1", "1"],
        ],
        "types": [
            ["Commune", "2", "3"],
            ["Intercommunalité (EPCI)", "2", "2"],
            ["Quartier prioritaire (QPV)", "1", "1"],
        ],
    }
    for slug, rows in expected.items():
        assert table_rows(table_by_id(doc, f"table-{slug}")) == rows, slug
        [chart] = [
            n
            for n in doc.find_all("bar-chart")
            if n.parent is not None
            and n.parent.attrs.get("aria-labelledby") == f"chart-{slug}-title"
        ]
        labels = [row[0] for row in rows]
        if slug == "associations":
            labels = ["AMF", "Villes de France"]  # the chart axis uses acronyms
        assert json.loads(chart.attrs["x"]) == [labels], slug
        assert json.loads(chart.attrs["y"]) == [
            [int(row[1]) for row in rows],
            [int(row[2]) for row in rows],
        ], slug


def test_map_shows_metropolitan_and_overseas_departements(client, programme):
    doc = parse(client.get(URL).content.decode())
    [map_chart] = doc.find_all("map-chart")
    data = json.loads(map_chart.attrs["data"])
    assert set(data) == set(MAP_DEPARTEMENT_CODES)
    assert len(data) == 101 and {"2A", "2B", "971", "972", "973", "974", "976"} <= set(data)
    assert {code: n for code, n in data.items() if n} == {"16": 2, "33": 1, "67": 2, "974": 1}
    assert map_chart.attrs["value"] == "6"
    assert map_chart.attrs["level"] == "dep"
    assert table_rows(table_by_id(doc, "table-carte")) == [
        ["16", "Charente", "Nouvelle-Aquitaine", "2", "2"],
        ["33", "Gironde", "Nouvelle-Aquitaine", "1", "1"],
        ["67", "Bas-Rhin", "Grand Est", "2", "2"],
        ["974", "La Réunion", "La Réunion", "1", "1"],
    ]


def test_every_chart_has_a_name_and_is_followed_by_a_captioned_table(client, programme):
    doc = parse(client.get(URL).content.decode())
    ids = {n.attrs["id"]: n for n in doc.iter() if "id" in n.attrs}
    charts = [n for n in doc.iter() if n.tag in ("bar-chart", "map-chart")]
    assert len(charts) == 8  # two per year, five breakdowns, the map
    order = [n for n in doc.iter() if n.tag in ("bar-chart", "map-chart", "table")]
    for chart in charts:
        wrapper = chart.parent
        assert wrapper.attrs["role"] == "img"
        assert ids[wrapper.attrs["aria-labelledby"]].text()
        assert "tableau" in ids[wrapper.attrs["aria-describedby"]].text()
        following = order[order.index(chart) + 1 :]
        # The next table comes before any chart of another section (the two per-year charts
        # share one table).
        assert any(n.tag == "table" for n in following[:2]), chart.attrs
    tables = doc.find_all("table")
    assert len(tables) == 7
    for table in tables:
        assert table.find("caption").text()
        for th in table.find_all("th"):
            assert th.attrs.get("scope") in ("col", "row"), th.text()
        assert table.find("tbody").find_all("th")  # row headers in the body


def test_page_works_on_an_empty_database(client):
    response = client.get(URL)
    assert response.status_code == 200
    doc = parse(response.content.decode())
    assert not doc.find_all("bar-chart") and not doc.find_all("map-chart")
    assert "Aucun territoire accompagné n’est encore recensé." in doc.text()


def test_query_count_does_not_grow_with_data(client, django_assert_num_queries):
    objects = build_figures_programme()
    with django_assert_num_queries(PAGE_QUERIES):
        small = client.get(URL)
    grow_programme(objects, fabriques=12)
    with django_assert_num_queries(PAGE_QUERIES):
        large = client.get(URL)
    assert small.status_code == large.status_code == 200
    # The larger programme is really on the page: 3 + 12 public Fabriques.
    assert table_rows(table_by_id(parse(large.content.decode()), "table-annees"))[0][1] == "7"


# --------------------------------------------------------------------------- vendoring


def _sha256sums() -> dict[str, str]:
    lines = (VENDOR_DIR / "SHA256SUMS").read_text().splitlines()
    return {name: digest for digest, name in (line.split(maxsplit=1) for line in lines if line)}


def test_vendored_dsfr_chart_matches_its_manifest():
    sums = _sha256sums()
    assert set(sums) == {"DSFRChart.js", "DSFRChart.css", "LICENSE"}
    # Nothing else is shipped besides the manifest and its notes.
    assert {p.name for p in VENDOR_DIR.iterdir()} == {*sums, "SHA256SUMS", "VENDOR.md"}
    for name, digest in sums.items():
        assert hashlib.sha256((VENDOR_DIR / name).read_bytes()).hexdigest() == digest, name
    notes = (VENDOR_DIR / "VENDOR.md").read_text()
    assert "`@gouvfr/dsfr-chart`" in notes and "| Version | 2.0.4 |" in notes
    found = re.search(r"`(sha512-[A-Za-z0-9+/=]+)`", notes)
    assert found, "no integrity in VENDOR.md"
    integrity = found.group(1)
    assert len(base64.b64decode(integrity.removeprefix("sha512-"))) == 64
    assert "MIT License" in (VENDOR_DIR / "LICENSE").read_text()


def test_page_loads_the_vendored_files_and_nothing_remote(client, programme):
    doc = parse(client.get(URL).content.decode())
    scripts = [n.attrs["src"] for n in doc.find_all("script") if "src" in n.attrs]
    styles = [n.attrs["href"] for n in doc.find_all("link") if n.attrs.get("rel") == "stylesheet"]
    assert f"{settings.STATIC_URL}vendor/dsfr-chart/DSFRChart.js" in scripts
    assert f"{settings.STATIC_URL}vendor/dsfr-chart/DSFRChart.css" in styles
    [module] = [n for n in doc.find_all("script") if "dsfr-chart" in n.attrs.get("src", "")]
    assert module.attrs["type"] == "module"
    for url in scripts + styles:
        assert not re.match(r"^(https?:)?//", url), url
    for path in ("vendor/dsfr-chart/DSFRChart.js", "vendor/dsfr-chart/DSFRChart.css"):
        assert finders.find(path)


def test_figures_are_cached_until_the_data_changes(client, settings, django_assert_num_queries):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "stats"}
    }
    from django.core.cache import cache

    cache.clear()
    objects = build_figures_programme()
    client.get(URL)
    # Cached: only the data version is read, by the figures, by the library's follow-up
    # figures and by the menu's open calls.
    with django_assert_num_queries(3):
        client.get(URL)
    # Any write bumps the version: the next request recomputes and shows the new figures.
    grow_programme(objects, fabriques=12)
    with django_assert_num_queries(PAGE_QUERIES):
        large = client.get(URL)
    assert table_rows(table_by_id(parse(large.content.decode()), "table-annees"))[0][1] == "7"
    cache.clear()
