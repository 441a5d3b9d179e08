"""Shared machinery of the charts: the Chart value, an SVG builder, French numbers, colours."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# The DSFR font stack (Marianne is served by django-dsfr; arial then sans-serif otherwise).
FONT_FAMILY = "Marianne, arial, sans-serif"

# DSFR colours (hex as published by the Système de design de l'État).
BLUE_FRANCE = "#000091"  # blue-france-sun-113: 14.9:1 on white
TEXT = "#161616"  # grey-50 (the DSFR body text): 18.1:1 on white
TEXT_MUTED = "#3A3A3A"  # grey-200 (mention grey): 11.4:1 on white
AXIS = "#666666"  # grey-425: 5.7:1 on white, axes and ticks
GUIDE = "#929292"  # grey-625: 3.1:1 on white, quadrant lines (graphics need 3:1)
GRID = "#DDDDDD"  # grey-900: light grid, never the only carrier of information
GREEN = "#18753C"  # success-425: 5.8:1 on white
RED = "#CE0500"  # error-425: 5.8:1 on white
WHITE = "#FFFFFF"

# Every (text colour, background) pair the charts draw text with; the tests check each
# reaches 4.5:1 (WCAG 2.1, 1.4.3).
TEXT_PAIRS: list[tuple[str, str]] = [
    (TEXT, WHITE),
    (TEXT_MUTED, WHITE),
    (BLUE_FRANCE, WHITE),
    (AXIS, WHITE),
    (GREEN, WHITE),
    (RED, WHITE),
]
# Every (graphic colour, background) pair for marks that carry meaning (points, bars, lines):
# 3:1 (WCAG 2.1, 1.4.11).
GRAPHIC_PAIRS: list[tuple[str, str]] = [
    (BLUE_FRANCE, WHITE),
    (AXIS, WHITE),
    (GUIDE, WHITE),
    (GREEN, WHITE),
    (RED, WHITE),
    (TEXT, WHITE),
]

_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
NNBSP = "\u202f"  # narrow no-break space: the French thousands separator
MINUS = "\u2212"


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #RRGGBB colour."""
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio between two #RRGGBB colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class Table:
    """The data table shown after a figure: caption, header row, rows (strings, French)."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def body(self) -> SafeString:
        """The <tbody> rows (each row's first cell its header), built here: a graph's table
        has a row per influence, a thousand in a 60-variable matrix, which the template
        engine would render many times slower."""
        parts = []
        for row in self.rows:
            head, *rest = row or ("",)
            cells = "".join(f"<td>{escape(cell)}</td>" for cell in rest)
            parts.append(f'<tr><th scope="row">{escape(head)}</th>{cells}</tr>')
        # Every cell is escaped above.
        return mark_safe("".join(parts))


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    title: str
    description: str
    table: Table


def fr_number(value: float | int, digits: int = 2) -> str:
    """A number in French: decimal comma, narrow no-break space between thousands, the minus
    sign; integers (and integral floats with digits=0) exactly, others rounded to `digits`."""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        text = f"{abs(value):,}"
    else:
        if math.isnan(value) or math.isinf(value):
            return "—"
        text = f"{abs(value):,.{digits}f}"
        if value != 0 and float(text.replace(",", "")) == 0:
            value = 0.0  # no "−0,00"
    text = text.replace(",", NNBSP).replace(".", ",")
    return (MINUS + text) if value < 0 else text


def check_prefix(id_prefix: str) -> str:
    if not _PREFIX.match(id_prefix):
        raise ValueError(f"id_prefix must match {_PREFIX.pattern}: {id_prefix!r}")
    return id_prefix


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def text_width(text: str, size: float) -> float:
    """A deterministic estimate of a label's width (average glyph 0.58 em)."""
    return len(text) * size * 0.58


def c(value: float) -> str:
    """A coordinate: one decimal, no "-0.0" (same input, same bytes)."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def nice_ticks(high: float, count: int = 5) -> list[float]:
    """Ticks from 0 to at least `high` with a 1-2-5 step."""
    if high <= 0:
        high = 1.0
    raw = high / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = []
    value = 0.0
    while value < high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def range_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Ticks covering [lo, hi] with a 1-2-5 step, starting at a multiple of the step."""
    if hi <= lo:
        lo, hi = lo - 1, hi + 1
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(lo / step + 1e-9) * step
    ticks = []
    k = 0
    while True:
        t = round(start + k * step, 10)
        ticks.append(t)
        if t >= hi - step * 1e-9:
            return ticks
        k += 1


def plane_ticks(values: Sequence[float]) -> list[float]:
    """Ticks of a plane's axis: from 0, unless every value lies above 40 % of the largest
    (crowded clouds far from the origin, as indirect planes of large matrices are), then from
    just below the smallest."""
    high = max([*values, 0.0])
    low = min(values) if values else 0.0
    if high > 0 and low > 0.4 * high:
        return range_ticks(low, high)
    return nice_ticks(high)


def circle_layout(n: int, cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    """n points on a circle, the first at the top, clockwise."""
    if n == 1:
        return [(cx, cy)]
    return [
        (cx + r * math.sin(2 * math.pi * i / n), cy - r * math.cos(2 * math.pi * i / n))
        for i in range(n)
    ]


def marker_path(shape: str, x: float, y: float, r: float) -> str:
    """Path data of a point marker: circle, square, triangle, diamond, cross, ring."""
    if shape == "square":
        s = r * 0.9
        return f"M{c(x - s)} {c(y - s)}H{c(x + s)}V{c(y + s)}H{c(x - s)}Z"
    if shape == "triangle":
        return f"M{c(x)} {c(y - r * 1.2)}L{c(x + r * 1.1)} {c(y + r * 0.8)}H{c(x - r * 1.1)}Z"
    if shape == "diamond":
        k = r * 1.25
        return f"M{c(x)} {c(y - k)}L{c(x + k)} {c(y)}L{c(x)} {c(y + k)}L{c(x - k)} {c(y)}Z"
    if shape == "cross":
        k = r * 0.9
        return f"M{c(x - k)} {c(y - k)}L{c(x + k)} {c(y + k)}M{c(x - k)} {c(y + k)}L{c(x + k)} {c(y - k)}"
    # circle as two arcs (a path keeps every marker one element type)
    return f"M{c(x - r)} {c(y)}a{c(r)} {c(r)} 0 1 0 {c(2 * r)} 0a{c(r)} {c(r)} 0 1 0 {c(-2 * r)} 0Z"


def _attrs(attrs: dict[str, str | float | None]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        text = c(value) if isinstance(value, float) else str(value)
        parts.append(f' {key.rstrip("_").replace("_", "-")}="{escape(text)}"')
    return "".join(parts)


class Svg:
    """Collects the elements of one figure and renders it as a self-contained, titled SVG."""

    def __init__(
        self, width: float, height: float, id_prefix: str, title: str, description: str
    ) -> None:
        self.width = width
        self.height = height
        self.prefix = check_prefix(id_prefix)
        self.title = title
        self.description = description
        self.defs: list[str] = []
        self.parts: list[str] = []

    def id(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    def element(self, tag: str, **attrs: str | float | None) -> None:
        self.parts.append(f"<{tag}{_attrs(attrs)}/>")

    def line(self, x1: float, y1: float, x2: float, y2: float, **attrs: str | float | None) -> None:
        self.element("line", x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), **attrs)

    def rect(self, x: float, y: float, w: float, h: float, **attrs: str | float | None) -> None:
        self.element("rect", x=float(x), y=float(y), width=float(w), height=float(h), **attrs)

    def path(self, d: str, **attrs: str | float | None) -> None:
        self.element("path", d=d, **attrs)

    def text(
        self,
        x: float,
        y: float,
        content: str,
        *,
        size: float = 12,
        fill: str = TEXT,
        anchor: str = "start",
        weight: str | None = None,
        rotate: float | None = None,
        baseline: str | None = None,
    ) -> None:
        transform = f"rotate({c(rotate)} {c(x)} {c(y)})" if rotate is not None else None
        attrs = _attrs(
            {
                "x": float(x),
                "y": float(y),
                "font-size": float(size),
                "fill": fill,
                "text-anchor": anchor if anchor != "start" else None,
                "font-weight": weight,
                "transform": transform,
                "dominant-baseline": baseline,
            }
        )
        self.parts.append(f"<text{attrs}>{escape(content)}</text>")

    def open_group(self, label: str | None = None, **attrs: str | float | None) -> None:
        self.parts.append(f"<g{_attrs(attrs)}>")
        if label is not None:
            # A tooltip with the full name, read by pointing devices (the table carries it too).
            self.parts.append(f"<title>{escape(label)}</title>")

    def close_group(self) -> None:
        self.parts.append("</g>")

    def arrow_marker(self, name: str, colour: str, size: float = 8) -> str:
        """Defines an arrowhead marker and returns its url() reference."""
        marker_id = self.id(name)
        self.defs.append(
            f'<marker id="{marker_id}" viewBox="0 0 10 10" refX="9" refY="5" '
            f'markerWidth="{c(size)}" markerHeight="{c(size)}" markerUnits="userSpaceOnUse" '
            f'orient="auto"><path d="M0 0L10 5L0 10Z" fill="{colour}"/></marker>'
        )
        return f"url(#{marker_id})"

    def hatch_pattern(self, name: str, colour: str) -> str:
        pattern_id = self.id(name)
        self.defs.append(
            f'<pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{WHITE}"/>'
            f'<rect width="3" height="6" fill="{colour}"/></pattern>'
        )
        return f"url(#{pattern_id})"

    def render(self) -> SafeString:
        title_id, desc_id = self.id("title"), self.id("desc")
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {c(self.width)} '
            f'{c(self.height)}" role="img" aria-labelledby="{title_id} {desc_id}" '
            f'font-family="{FONT_FAMILY}" class="fab-chart">'
            f'<title id="{title_id}">{escape(self.title)}</title>'
            f'<desc id="{desc_id}">{escape(self.description)}</desc>'
        )
        defs = f"<defs>{''.join(self.defs)}</defs>" if self.defs else ""
        body = f'<rect width="{c(self.width)}" height="{c(self.height)}" fill="{WHITE}"/>'
        # Safe: every user string above went through escape().
        return mark_safe(head + defs + body + "".join(self.parts) + "</svg>")


def chart(svg: Svg, table: Table) -> Chart:
    return Chart(svg=svg.render(), title=svg.title, description=svg.description, table=table)


def rows(items: Iterable[Sequence[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(row) for row in items)


def place_labels(
    points: Sequence[tuple[float, float]],
    labels: Sequence[str],
    size: float,
    bounds: tuple[float, float, float, float],
    marker: float = 6,
    obstacles: Sequence[tuple[float, float, float, float]] = (),
) -> list[tuple[float, float, str]]:
    """Deterministic label placement: for each point in order, the first of ten positions
    around it whose box stays inside `bounds` (x0, y0, x1, y1) and overlaps no label already
    placed, no obstacle box and no other point's marker; when none is free, the one with the
    fewest overlaps. Returns (x, y, text-anchor) per point."""
    placed: list[tuple[float, float, float, float]] = list(obstacles)
    markers = [(x - marker, y - marker, x + marker, y + marker) for x, y in points]
    out = []
    gap = marker + 2
    for k, ((x, y), label) in enumerate(zip(points, labels, strict=True)):
        w, h = text_width(label, size), size
        candidates = [
            (x + gap, y + h * 0.35, "start"),
            (x - gap, y + h * 0.35, "end"),
            (x, y - gap, "middle"),
            (x, y + gap + h * 0.8, "middle"),
            (x + gap, y - gap, "start"),
            (x - gap, y - gap, "end"),
            (x + gap, y + gap + h * 0.6, "start"),
            (x - gap, y + gap + h * 0.6, "end"),
            (x + gap, y - gap - h * 1.4, "start"),
            (x - gap, y - gap - h * 1.4, "end"),
        ]
        # Nothing free: the position inside the bounds with the fewest overlaps, the first
        # such on ties; the first position when none is inside.
        choice, best = candidates[0], None
        for cand in candidates:
            box = _box(cand, w, h)
            if not _inside(box, bounds):
                continue
            hits = sum(_overlap(box, other) for other in placed) + sum(
                _overlap(box, m) for i, m in enumerate(markers) if i != k
            )
            if best is None or hits < best:
                choice, best = cand, hits
            if hits == 0:
                break
        placed.append(_box(choice, w, h))
        out.append(choice)
    return out


def _box(cand: tuple[float, float, str], w: float, h: float) -> tuple[float, float, float, float]:
    x, y, anchor = cand
    left = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
    return (left, y - h * 0.8, left + w, y + h * 0.2)


def _inside(
    box: tuple[float, float, float, float], bounds: tuple[float, float, float, float]
) -> bool:
    return (
        box[0] >= bounds[0] and box[1] >= bounds[1] and box[2] <= bounds[2] and box[3] <= bounds[3]
    )


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def quadrant_captions(
    svg: Svg, frame: tuple[float, float, float, float], names: tuple[str, str, str, str]
) -> list[tuple[float, float, float, float]]:
    """Writes the four quadrants' names (upper left, upper right, lower right, lower left):
    the upper ones above the frame, the lower ones inside its bottom corners; returns the
    boxes of the lower ones, for the point labels to avoid."""
    left, top, right, bottom = frame
    size = 12
    svg.text(left, top - 10, names[0], size=size, fill=TEXT_MUTED, weight="bold")
    svg.text(right, top - 10, names[1], size=size, fill=TEXT_MUTED, weight="bold", anchor="end")
    svg.text(
        right - 6, bottom - 8, names[2], size=size, fill=TEXT_MUTED, weight="bold", anchor="end"
    )
    svg.text(left + 6, bottom - 8, names[3], size=size, fill=TEXT_MUTED, weight="bold")
    w2, w3 = text_width(names[2], size) * 1.08, text_width(names[3], size) * 1.08
    return [
        (right - 6 - w2, bottom - 8 - size, right - 6, bottom - 4),
        (left + 6, bottom - 8 - size, left + 6 + w3, bottom - 4),
    ]


def tick_label(value: float) -> str:
    """An axis tick in French with as few decimals as it needs (at most three)."""
    digits = next((d for d in range(3) if abs(round(value, d) - value) < 1e-9), 3)
    return fr_number(float(value), digits)


def plane_axes(
    svg: Svg,
    px: Callable[[float], float],
    py: Callable[[float], float],
    ticks: tuple[Sequence[float], Sequence[float]],
    box: tuple[float, float, float, float],
    *,
    unit: str = "",
) -> None:
    """An influence–dependence plane's grid, ticks, axes and axis titles (MICMAC, MACTOR):
    dependence along x, influence along y; `box` is (left, top, right, bottom)."""
    left, top, right, bottom = box
    x_ticks, y_ticks = ticks
    for t in x_ticks:
        svg.line(px(t), top, px(t), bottom, stroke=GRID)
        svg.text(px(t), bottom + 16, tick_label(t), size=11, fill=AXIS, anchor="middle")
    for t in y_ticks:
        svg.line(left, py(t), right, py(t), stroke=GRID)
        svg.text(left - 6, py(t) + 4, tick_label(t), size=11, fill=AXIS, anchor="end")
    svg.line(left, bottom, right, bottom, stroke=AXIS)
    svg.line(left, top, left, bottom, stroke=AXIS)
    svg.text((left + right) / 2, bottom + 36, _("Dépendance") + unit, size=13, anchor="middle")
    svg.text(18, (top + bottom) / 2, _("Influence") + unit, size=13, anchor="middle", rotate=-90)
