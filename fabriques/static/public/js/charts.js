// Fabriques — the statistics page's bar charts (@gouvfr/dsfr-chart), adjusted where the
// component has no attribute for it:
//  - counts are whole numbers: the value axis steps by 1 or more, never by 0.5;
//  - a horizontal chart's category labels are wrapped on word boundaries to fit the room
//    Chart.js gives the axis (at most half the chart's width; a longer label would be cut at
//    its start), and the whole label stays in the tooltip and the table;
//  - once the page's fonts (Marianne) are loaded, the charts are laid out again, measures
//    forgotten: labels measured with a fallback font and drawn in Marianne overflowed their
//    axis and were cut at their start.
//
// The Chart.js instance is the component's `chart` (the bundle does not export Chart.js);
// the Vue custom element exposes its component through `_instance`. Written against
// dsfr-chart 2.0.4 (fabriques/static/vendor/dsfr-chart/VENDOR.md).

const AXIS_SHARE = 0.45; // of the chart's width: below Chart.js's half, minus the ticks' padding

function chartOf(element) {
  const instance = element._instance;
  return instance && instance.proxy ? instance.proxy.chart : undefined;
}

// Greedy word wrap: lines no wider than maxWidth (a single longer word stays whole).
export function wrapLabel(ctx, text, maxWidth) {
  const lines = [];
  let line = "";
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(candidate).width > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines.length > 1 ? lines : lines[0] || "";
}

function adjust(chart, horizontal) {
  const scales = chart.options.scales;
  const value = horizontal ? scales.x : scales.y;
  value.ticks.precision = 0;
  if (horizontal) {
    const ticks = scales.y.ticks;
    ticks.autoSkip = false; // every category has its label
    ticks.callback = function (tickValue) {
      const label = this.getLabelForValue(tickValue);
      const ctx = this.chart.ctx;
      ctx.save();
      ctx.font = this._resolveTickFontOptions(0).string; // the font the axis measures with
      const lines = wrapLabel(ctx, label, this.chart.width * AXIS_SHARE);
      ctx.restore();
      return lines;
    };
  }
}

function whenMounted(element, attempts = 120) {
  return new Promise((resolve, reject) => {
    const poll = (left) => {
      const chart = chartOf(element);
      if (chart) resolve(chart);
      else if (left <= 0) reject(new Error("dsfr-chart: no Chart.js instance"));
      else requestAnimationFrame(() => poll(left - 1));
    };
    poll(attempts);
  });
}

// Chart.js caches the width of each label per font name: widths measured before Marianne
// was loaded (with a fallback font) would stay, and the axis keep the fallback's width.
function forgetMeasures(chart) {
  for (const scale of Object.values(chart.scales)) scale._longestTextCache = {};
}

async function main() {
  await customElements.whenDefined("bar-chart");
  const elements = [...document.querySelectorAll("bar-chart")];
  const charts = await Promise.all(elements.map((element) => whenMounted(element)));
  const fonts = new Set(
    charts.flatMap((chart) => Object.values(chart.scales)).map((scale) =>
      scale._resolveTickFontOptions(0).string,
    ),
  );
  await Promise.all([...fonts].map((font) => document.fonts.load(font)));
  await document.fonts.ready;
  charts.forEach((chart, index) => {
    adjust(chart, elements[index].getAttribute("horizontal") === "true");
    forgetMeasures(chart);
    chart.update("none");
  });
  document.documentElement.dataset.fabChartsReady = "true";
}

main().catch((error) => console.error(error));
