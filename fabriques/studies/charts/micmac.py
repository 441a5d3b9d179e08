"""MICMAC: the influence–dependence plane (direct, or direct → indirect) and the direct graph."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from ._svg import (
    AXIS,
    BLUE_FRANCE,
    GUIDE,
    TEXT,
    Chart,
    Svg,
    Table,
    c,
    chart,
    circle_layout,
    fr_number,
    marker_path,
    place_labels,
    plane_axes,
    plane_ticks,
    quadrant_captions,
    rows,
    shorten,
    text_width,
)

# The library's quadrant codes (foresight/README.md, micmac) → the plane's names and markers.
QUADRANT_SHAPES = {
    "influent": "triangle",
    "relay": "diamond",
    "dependent": "square",
    "excluded": "circle",
    "regulating": "cross",
}
PLANES = ("direct", "indirect", "potential_direct", "potential_indirect")


def quadrant_names() -> dict[str, str]:
    return {
        "influent": _("Variables d’entrée / influentes"),
        "relay": _("Variables relais"),
        "dependent": _("Variables dépendantes / de sortie"),
        "excluded": _("Variables exclues"),
        "regulating": _("Variables régulatrices"),
    }


def plane_names() -> dict[str, str]:
    """The planes' names in "plan …" (masculine)."""
    return {
        "direct": _("direct"),
        "indirect": _("indirect"),
        "potential_direct": _("direct potentiel"),
        "potential_indirect": _("indirect potentiel"),
    }


def axis_names() -> dict[str, str]:
    """The planes' adjective in "influence …" (feminine)."""
    return {
        "direct": _("directe"),
        "indirect": _("indirecte"),
        "potential_direct": _("directe potentielle"),
        "potential_indirect": _("indirecte potentielle"),
    }


def _shown(names: Sequence[str], labels: Sequence[str] | None) -> list[str]:
    if labels is not None and len(labels) != len(names):
        raise ValueError(f"expected {len(names)} labels, got {len(labels)}")
    return [shorten(name, 22) for name in (labels if labels is not None else names)]


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def micmac_plane(
    result: Mapping[str, Any],
    *,
    plane: str = "direct",
    compare: str | None = None,
    labels: Sequence[str] | None = None,
    id_prefix: str = "micmac-plane",
) -> Chart:
    """The influence–dependence plane of `plane`; with `compare` (e.g. "indirect") an arrow
    from each variable's position on `plane` to its position on `compare`, both in ‰ of the
    totals (the planes' raw sums are not on one scale). `labels`: short names drawn next to
    the points (MICMAC's usual short labels), the full names staying in tooltips and the
    table; by default the names, shortened past 22 characters."""
    if plane not in PLANES or (compare is not None and compare not in PLANES):
        raise ValueError(f"plane must be one of {PLANES}")
    names = list(result["variables"])
    first = result[plane]
    second = result[compare] if compare else None
    key_i, key_d = (
        ("influence_share", "dependence_share") if second else ("influence", "dependence")
    )
    infl = [float(v) for v in first[key_i]]
    dep = [float(v) for v in first[key_d]]
    infl2 = [float(v) for v in second[key_i]] if second else []
    dep2 = [float(v) for v in second[key_d]] if second else []
    quadrants = list((second or first)["quadrant"])
    qnames = quadrant_names()
    pnames = plane_names()
    anames = axis_names()

    n = len(names)
    width, height = 760.0, 620.0
    head = ""
    left, top, right, bottom = 70.0, 40.0, 730.0, 540.0
    x_ticks = plane_ticks(dep + dep2)
    y_ticks = plane_ticks(infl + infl2)
    x_min, x_max, y_min, y_max = x_ticks[0], x_ticks[-1], y_ticks[0], y_ticks[-1]

    def px(v: float) -> float:
        return left + (right - left) * (v - x_min) / (x_max - x_min)

    def py(v: float) -> float:
        return bottom - (bottom - top) * (v - y_min) / (y_max - y_min)

    unit = " (‰)" if second else ""
    if second:
        title = _("Plan influence–dépendance : déplacement du plan %(a)s au plan %(b)s") % {
            "a": pnames[plane],
            "b": pnames[compare or ""],
        }
    else:
        title = _("Plan influence–dépendance %(a)s") % {"a": pnames[plane]}
    ref = second or first
    mean_x = _mean(dep2 if second else dep)
    mean_y = _mean(infl2 if second else infl)
    counts = ", ".join(
        f"{sum(1 for q in quadrants if q == code)} {qnames[code].lower()}"
        for code in QUADRANT_SHAPES
        if any(q == code for q in quadrants)
    )
    description = _(
        "Nuage de %(n)s variables : en abscisse la dépendance%(unit)s, en ordonnée "
        "l’influence%(unit)s. Les droites en tirets passent par les moyennes (dépendance "
        "%(mx)s, influence %(my)s) et délimitent les quadrants : en haut à gauche les "
        "variables d’entrée, en haut à droite les relais, en bas à droite les variables de "
        "sortie, en bas à gauche les exclues. Répartition : %(counts)s."
    ) % {
        "n": n,
        "unit": unit,
        "mx": fr_number(mean_x),
        "my": fr_number(mean_y),
        "counts": counts,
    }
    if second:
        description += " " + _(
            "Chaque flèche va de la position dans le plan %(a)s à celle dans le plan %(b)s, "
            "en pour mille des totaux."
        ) % {"a": pnames[plane], "b": pnames[compare or ""]}
    svg = Svg(width, height, id_prefix, title, description)

    plane_axes(svg, px, py, (x_ticks, y_ticks), (left, top, right, bottom), unit=unit)

    # quadrant lines at the means; the upper quadrants' names above the frame, the lower ones
    # inside it, kept clear of the labels
    svg.line(px(mean_x), top, px(mean_x), bottom, stroke=GUIDE, stroke_dasharray="6 4")
    svg.line(left, py(mean_y), right, py(mean_y), stroke=GUIDE, stroke_dasharray="6 4")
    obstacles = quadrant_captions(
        svg,
        (left, top, right, bottom),
        (qnames["influent"], qnames["relay"], qnames["dependent"], qnames["excluded"]),
    )

    # displacement arrows, then points and labels
    if second:
        head = svg.arrow_marker("arrow", AXIS, 7)
        for i in range(n):
            x1, y1, x2, y2 = px(dep[i]), py(infl[i]), px(dep2[i]), py(infl2[i])
            if math.hypot(x2 - x1, y2 - y1) < 8:
                continue
            shrink = 6 / math.hypot(x2 - x1, y2 - y1)
            svg.line(
                x1,
                y1,
                x2 - (x2 - x1) * shrink,
                y2 - (y2 - y1) * shrink,
                stroke=AXIS,
                stroke_width=1.2,
                marker_end=head,
            )
            svg.path(marker_path("circle", x1, y1, 2.5), fill=AXIS)
    points = [
        (px(dep2[i]), py(infl2[i])) if second else (px(dep[i]), py(infl[i])) for i in range(n)
    ]
    shown = _shown(names, labels)
    order = sorted(range(n), key=lambda i: (points[i][1], points[i][0], i))
    placed = place_labels(
        [points[i] for i in order],
        [shown[i] for i in order],
        11,
        (left, top, right, bottom),
        obstacles=obstacles,
    )
    where = dict(zip(order, placed, strict=True))
    for i in range(n):
        x, y = points[i]
        svg.open_group(f"{names[i]} — {qnames[quadrants[i]]}")
        shape = QUADRANT_SHAPES[quadrants[i]]
        if shape == "cross":
            svg.path(marker_path(shape, x, y, 5), stroke=BLUE_FRANCE, stroke_width=2.5)
        else:
            svg.path(marker_path(shape, x, y, 5), fill=BLUE_FRANCE)
        lx, ly, anchor = where[i]
        svg.text(lx, ly, shown[i], size=11, fill=TEXT, anchor=anchor)
        svg.close_group()

    # legend: shapes by quadrant, on two lines
    for k, (code, shape) in enumerate(QUADRANT_SHAPES.items()):
        lx, ly = left + (k % 3) * 220, 586 + (k // 3) * 20
        if shape == "cross":
            svg.path(marker_path(shape, lx + 5, ly - 4, 5), stroke=BLUE_FRANCE, stroke_width=2.5)
        else:
            svg.path(marker_path(shape, lx + 5, ly - 4, 5), fill=BLUE_FRANCE)
        svg.text(lx + 14, ly, qnames[code], size=11, fill=TEXT)
    if second:
        svg.path(marker_path("circle", left + 445, 602, 2.5), fill=AXIS)
        svg.line(left + 448, 602, left + 470, 602, stroke=AXIS, stroke_width=1.2, marker_end=head)
        svg.text(
            left + 476,
            606,
            _("du plan %(a)s au plan %(b)s") % {"a": pnames[plane], "b": pnames[compare or ""]},
            size=11,
            fill=TEXT,
        )

    header = [
        _("Variable"),
        _("Influence %(a)s") % {"a": anames[plane]},
        _("Dépendance %(a)s") % {"a": anames[plane]},
    ]
    raw_i, raw_d = first["influence"], first["dependence"]
    body = []
    for i in range(n):
        row = [names[i], fr_number(raw_i[i], 2), fr_number(raw_d[i], 2)]
        if second:
            row += [
                fr_number(infl[i], 1),
                fr_number(infl2[i], 1),
                fr_number(dep[i], 1),
                fr_number(dep2[i], 1),
            ]
        row.append(qnames[ref["quadrant"][i]])
        body.append(row)
    if second:
        header += [
            _("Influence %(a)s (‰)") % {"a": anames[plane]},
            _("Influence %(a)s (‰)") % {"a": anames[compare or ""]},
            _("Dépendance %(a)s (‰)") % {"a": anames[plane]},
            _("Dépendance %(a)s (‰)") % {"a": anames[compare or ""]},
        ]
    header.append(_("Quadrant"))
    return chart(svg, Table(title, tuple(header), rows(body)))


def micmac_graph(
    variables: Sequence[str],
    matrix: Sequence[Sequence[int | str]],
    *,
    threshold: int = 1,
    potential: bool = True,
    labels: Sequence[str] | None = None,
    id_prefix: str = "micmac-graph",
) -> Chart:
    """The direct-influence graph: variables on a circle, an arrow i → j for every cell ≥
    `threshold` (1–3), width by strength, "P" cells dashed when `potential`; `labels` as for
    `micmac_plane`."""
    if threshold not in (1, 2, 3):
        raise ValueError("threshold must be 1, 2 or 3")
    names = list(variables)
    shown = _shown(names, labels)
    n = len(names)
    links: list[tuple[int, int, int | str]] = []
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            if i == j:
                continue
            if value == "P":
                if potential:
                    links.append((i, j, "P"))
            elif isinstance(value, int) and value >= threshold:
                links.append((i, j, value))
    strength = {1: _("faible"), 2: _("moyenne"), 3: _("forte"), "P": _("potentielle")}
    widths: dict[int | str, float] = {1: 1.0, 2: 2.2, 3: 3.6, "P": 1.6}
    if len(links) > 120:
        # Dense graphs: thinner strokes (same ratios) so that crossings stay apart.
        widths = {key: width / 2 for key, width in widths.items()}
    radial = n > 16  # many variables: labels along the radius, so neighbours do not collide
    radius = (250.0 if not radial else max(250.0, n * 5.0)) if n > 1 else 0.0
    margin = max((text_width(label, 11) for label in shown), default=0.0) + 24 if radial else 110.0
    size = max(760.0, 2 * (radius + margin))
    cx = cy = size / 2
    pos = circle_layout(n, cx, cy, radius) if n else []
    title = _("Graphe des influences directes (seuil %(t)s)") % {"t": threshold}
    count = {k: sum(1 for link in links if link[2] == k) for k in widths}
    description = _(
        "%(n)s variables disposées en cercle ; une flèche va de la variable influente à la "
        "variable influencée pour chaque influence d’intensité au moins %(t)s : %(s)s fortes "
        "(trait épais), %(m)s moyennes (trait moyen), %(w)s faibles (trait fin)."
    ) % {"n": n, "t": threshold, "s": count[3], "m": count[2], "w": count[1]}
    if potential:
        description += " " + _("%(p)s influences potentielles (tirets).") % {"p": count["P"]}
    svg = Svg(size, size + 40, id_prefix, title, description)
    head = svg.arrow_marker("arrow", BLUE_FRANCE, 9)
    present = {(i, j) for i, j, _v in links}
    node = 6.0
    # strongest last so they are drawn on top
    for i, j, value in sorted(
        links, key=lambda k: (k[2] != "P", k[2] if k[2] != "P" else 0, k[0], k[1])
    ):
        (x1, y1), (x2, y2) = pos[i], pos[j]
        dx, dy = x2 - x1, y2 - y1
        dist = math.hypot(dx, dy) or 1.0
        ux, uy = dx / dist, dy / dist
        sx, sy = x1 + ux * node, y1 + uy * node
        ex, ey = x2 - ux * (node + 1), y2 - uy * (node + 1)
        label = f"{names[i]} → {names[j]} : {value} ({strength[value]})"
        dash = "5 4" if value == "P" else None
        if (j, i) in present:
            # both directions: bend each to its own side so they do not overlap
            bx, by = (sx + ex) / 2 - uy * dist * 0.08, (sy + ey) / 2 + ux * dist * 0.08
            d = f"M{c(sx)} {c(sy)}Q{c(bx)} {c(by)} {c(ex)} {c(ey)}"
        else:
            d = f"M{c(sx)} {c(sy)}L{c(ex)} {c(ey)}"
        svg.open_group(label)
        svg.path(
            d,
            fill="none",
            stroke=BLUE_FRANCE,
            stroke_width=widths[value],
            stroke_dasharray=dash,
            marker_end=head,
        )
        svg.close_group()
    for i, (x, y) in enumerate(pos):
        svg.path(marker_path("circle", x, y, node), fill=TEXT)
        angle = math.atan2(y - cy, x - cx) if n > 1 else -math.pi / 2
        if radial:
            # Read from the left on the right half, turned half a turn on the left half.
            right_half = math.cos(angle) >= -1e-9
            degrees = math.degrees(angle) + (0 if right_half else 180)
            lx, ly = x + math.cos(angle) * 12, y + math.sin(angle) * 12
            svg.text(
                lx,
                ly,
                shown[i],
                size=11,
                fill=TEXT,
                anchor="start" if right_half else "end",
                rotate=degrees,
                baseline="central",
            )
            continue
        lx, ly = x + math.cos(angle) * 14, y + math.sin(angle) * 14 + 4
        anchor = (
            "middle" if abs(math.cos(angle)) < 0.3 else ("start" if math.cos(angle) > 0 else "end")
        )
        svg.text(lx, ly, shown[i], size=11, fill=TEXT, anchor=anchor)
    # legend
    x = 20.0
    for key in (1, 2, 3, "P"):
        if key == "P" and not potential:
            continue
        if isinstance(key, int) and key < threshold:
            continue
        y = size + 16
        svg.line(
            x,
            y,
            x + 34,
            y,
            stroke=BLUE_FRANCE,
            stroke_width=widths[key],
            stroke_dasharray="5 4" if key == "P" else None,
        )
        text = f"{key} : {strength[key]}"
        svg.text(x + 40, y + 4, text, size=12, fill=TEXT)
        x += 60 + len(text) * 7
    body = [
        (names[i], names[j], str(value) if value != "P" else "P", strength[value])
        for i, j, value in links
    ]
    table = Table(
        title,
        (_("Variable influente"), _("Variable influencée"), _("Intensité"), _("Force")),
        rows(body),
    )
    return chart(svg, table)
