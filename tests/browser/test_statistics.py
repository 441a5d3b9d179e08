"""The statistics page's charts in a real browser: whole axis labels, whole-number steps."""

import pytest

from fabriques.programme.models import AnctProgramme, Fabrique, Theme
from fabriques.programme.tests.dataset import build_figures_programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The longest names of the programme's real data (data/programme/), which the charts clipped.
LONG_THEME = "Coopérations et gouvernance territoriales"
LONG_PROGRAMMES = ("Territoires d'industrie", "Petites villes de demain")

# For each bar chart: its labels as the axis draws them (lines), where the text's left edge
# falls on the canvas (Chart.js right-aligns the labels of a left axis against the plot: a
# label wider than the axis starts left of the canvas and is cut), the full label, and the
# value axis's tick values. Widths are measured now, with the fonts the page has loaded.
MEASURE = """() => [...document.querySelectorAll('bar-chart')].map((element) => {
    const chart = element._instance.proxy.chart;
    const horizontal = element.getAttribute('horizontal') === 'true';
    const category = horizontal ? chart.scales.y : chart.scales.x;
    const value = horizontal ? chart.scales.x : chart.scales.y;
    const ctx = chart.ctx;
    const labels = category.getLabelItems().map((item, index) => {
        const lines = Array.isArray(item.label) ? item.label : [item.label];
        ctx.save();
        ctx.font = item.font.string;
        const width = Math.max(...lines.map((line) => ctx.measureText(line).width));
        ctx.restore();
        const x = item.options.translation[0];
        const align = item.options.textAlign;
        const left = align === 'right' ? x - width : align === 'center' ? x - width / 2 : x;
        return {
            lines: lines,
            full: String(chart.data.labels[index]),
            left: left,
            right: left + width,
        };
    });
    return {
        title: element.parentElement.getAttribute('aria-labelledby'),
        horizontal: horizontal,
        canvasWidth: chart.width,
        labels: labels,
        labelCount: chart.data.labels.length,
        steps: value.ticks.map((tick) => tick.value),
    };
})"""


@pytest.fixture
def long_names(db):
    build_figures_programme()
    Theme.objects.filter(slug="sante").update(name=LONG_THEME)
    AnctProgramme.objects.filter(slug="acv").update(name=LONG_PROGRAMMES[0])
    # « Petites villes de demain » was only on a Fabrique that is not public.
    Fabrique.objects.get(slug="f2").anct_programmes.add(AnctProgramme.objects.get(slug="pvd"))


def measure(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/statistiques/")
    page.locator("html[data-fab-charts-ready='true']").wait_for(state="attached")
    return page.evaluate(MEASURE)


@pytest.mark.parametrize("width", [1280, 390])
def test_axis_labels_are_drawn_whole(page, live_server, long_names, width):
    charts = measure(page, live_server, width)
    horizontal = [c for c in charts if c["horizontal"]]
    assert len(horizontal) == 4  # themes, programmes, associations, régions
    drawn = set()
    for chart in horizontal:
        # Every category has its label, none skipped.
        assert len(chart["labels"]) == chart["labelCount"], chart["title"]
        for label in chart["labels"]:
            # The label's text is the whole name, and it lies inside the canvas.
            assert " ".join(label["lines"]) == label["full"], chart["title"]
            assert label["left"] >= 0, (chart["title"], label)
            assert label["right"] <= chart["canvasWidth"], (chart["title"], label)
            drawn.add(label["full"])
    assert {LONG_THEME, *LONG_PROGRAMMES} <= drawn


def test_count_axes_step_by_whole_numbers_and_regions_without_data_are_left_out(
    page, live_server, long_names, assert_accessible
):
    charts = measure(page, live_server, 1280)
    assert len(charts) == 7
    for chart in charts:
        assert chart["steps"], chart["title"]
        assert all(float(step).is_integer() for step in chart["steps"]), chart
    [regions] = [c for c in charts if c["title"] == "chart-regions-title"]
    # Corse has no public territory: neither in the chart nor in its table.
    assert [label["full"] for label in regions["labels"]] == [
        "Nouvelle-Aquitaine",
        "Grand Est",
        "La Réunion",
    ]
    assert "Corse" not in page.locator("#table-regions").inner_text()
    assert_accessible(page)
