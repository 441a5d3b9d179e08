"""MACTOR: actors' plane, balance of power, convergence/divergence graphs, mobilisation."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from ._svg import (
    AXIS,
    BLUE_FRANCE,
    GREEN,
    GRID,
    GUIDE,
    RED,
    TEXT,
    WHITE,
    Chart,
    Svg,
    Table,
    chart,
    circle_layout,
    fr_number,
    marker_path,
    nice_ticks,
    place_labels,
    plane_axes,
    plane_ticks,
    quadrant_captions,
    rows,
    shorten,
    text_width,
    tick_label,
)

QUADRANT_SHAPES = {
    "dominant": "triangle",
    "relay": "diamond",
    "dominated": "square",
    "autonomous": "circle",
}


def quadrant_names() -> dict[str, str]:
    return {
        "dominant": _("Acteurs dominants"),
        "relay": _("Acteurs relais"),
        "dominated": _("Acteurs dominés"),
        "autonomous": _("Acteurs autonomes"),
    }


def _order(result: Mapping[str, Any], order: int) -> Mapping[str, Any]:
    for item in result["orders"]:
        if item["order"] == order:
            return item  # type: ignore[no-any-return]
    raise ValueError(f"no order {order} in the result")


def mactor_plane(result: Mapping[str, Any], *, id_prefix: str = "mactor-plane") -> Chart:
    """Actors' influence–dependence map (MIDI without its diagonal), quadrants at the means."""
    names = list(result["actors"])
    plane = result["plane"]
    infl = [float(p["influence"]) for p in plane]
    dep = [float(p["dependence"]) for p in plane]
    quadrants = [p["quadrant"] for p in plane]
    qnames = quadrant_names()
    n = len(names)
    width, height = 720.0, 580.0
    left, top, right, bottom = 70.0, 40.0, 690.0, 500.0
    xt, yt = plane_ticks(dep), plane_ticks(infl)

    def px(v: float) -> float:
        return left + (right - left) * (v - xt[0]) / (xt[-1] - xt[0])

    def py(v: float) -> float:
        return bottom - (bottom - top) * (v - yt[0]) / (yt[-1] - yt[0])

    mx = sum(dep) / n if n else 0.0
    my = sum(infl) / n if n else 0.0
    title = _("Plan influence–dépendance des acteurs")
    description = _(
        "%(n)s acteurs : en abscisse la dépendance, en ordonnée l’influence (influences "
        "directes et indirectes, sans la rétroaction). Droites en tirets aux moyennes "
        "(dépendance %(mx)s, influence %(my)s) : en haut à gauche les acteurs dominants, en "
        "haut à droite les relais, en bas à droite les dominés, en bas à gauche les autonomes."
    ) % {"n": n, "mx": fr_number(mx), "my": fr_number(my)}
    svg = Svg(width, height, id_prefix, title, description)
    plane_axes(svg, px, py, (xt, yt), (left, top, right, bottom))
    svg.line(px(mx), top, px(mx), bottom, stroke=GUIDE, stroke_dasharray="6 4")
    svg.line(left, py(my), right, py(my), stroke=GUIDE, stroke_dasharray="6 4")
    obstacles = quadrant_captions(
        svg,
        (left, top, right, bottom),
        (qnames["dominant"], qnames["relay"], qnames["dominated"], qnames["autonomous"]),
    )
    points = [(px(dep[i]), py(infl[i])) for i in range(n)]
    labels = [shorten(name, 22) for name in names]
    placed = place_labels(points, labels, 12, (left, top, right, bottom), obstacles=obstacles)
    for i in range(n):
        x, y = points[i]
        svg.open_group(f"{names[i]} — {qnames[quadrants[i]]}")
        svg.path(marker_path(QUADRANT_SHAPES[quadrants[i]], x, y, 6), fill=BLUE_FRANCE)
        lx, ly, anchor = placed[i]
        svg.text(lx, ly, labels[i], size=12, anchor=anchor)
        svg.close_group()
    lx = left
    for code, shape in QUADRANT_SHAPES.items():
        svg.path(marker_path(shape, lx + 5, 560, 5), fill=BLUE_FRANCE)
        svg.text(lx + 14, 564, qnames[code], size=11)
        lx += 24 + len(qnames[code]) * 6.4
    table = Table(
        title,
        (_("Acteur"), _("Influence"), _("Dépendance"), _("Quadrant")),
        rows(
            (
                names[i],
                fr_number(plane[i]["influence"]),
                fr_number(plane[i]["dependence"]),
                qnames[quadrants[i]],
            )
            for i in range(n)
        ),
    )
    return chart(svg, table)


def _bars_frame(count: int) -> tuple[float, float]:
    row = 26.0
    return row, 70 + row * max(count, 1)


def mactor_balance(result: Mapping[str, Any], *, id_prefix: str = "mactor-balance") -> Chart:
    """Balance of power r*ᵢ as horizontal bars, strongest first (ties in input order); the
    dashed line at 1 is the mean (r* sums to the number of actors)."""
    names = list(result["actors"])
    values = [float(v) for v in result["balance_of_power"]]
    order = sorted(range(len(names)), key=lambda i: (-values[i], i))
    row, height = _bars_frame(len(names))
    width = 720.0
    label_w = 200.0
    x0, x1 = label_w + 10, width - 70
    ticks = nice_ticks(max([*values, 1.0]), 4)

    def px(v: float) -> float:
        return x0 + (x1 - x0) * v / ticks[-1]

    title = _("Rapport de force des acteurs (r*)")
    description = _(
        "Barres horizontales, de l’acteur le plus fort au plus faible ; la ligne en tirets "
        "marque 1, la moyenne. En tête : %(first)s."
    ) % {"first": ", ".join(f"{names[i]} {fr_number(values[i])}" for i in order[:3]) or "—"}
    svg = Svg(width, height, id_prefix, title, description)
    top = 20.0
    for t in ticks:
        svg.line(px(t), top, px(t), top + row * len(names), stroke=GRID)
        svg.text(
            px(t), top + row * len(names) + 16, tick_label(t), size=11, fill=AXIS, anchor="middle"
        )
    for k, i in enumerate(order):
        y = top + k * row
        svg.text(label_w, y + row * 0.65, shorten(names[i], 30), size=12, anchor="end")
        svg.rect(x0, y + 4, max(px(values[i]) - x0, 0.0), row - 8, fill=BLUE_FRANCE)
        svg.text(px(values[i]) + 4, y + row * 0.65, fr_number(values[i]), size=12)
    svg.line(x0, top, x0, top + row * len(names), stroke=AXIS)
    svg.line(
        px(1.0),
        top,
        px(1.0),
        top + row * len(names),
        stroke=TEXT,
        stroke_dasharray="4 3",
        stroke_width=1.5,
    )
    svg.text(px(1.0), height - 12, _("1 = moyenne"), size=11, anchor="middle")
    table = Table(
        title,
        (_("Acteur"), _("Rapport de force r*")),
        rows((names[i], fr_number(values[i])) for i in order),
    )
    return chart(svg, table)


def mactor_graph(
    result: Mapping[str, Any],
    *,
    kind: str = "convergence",
    order: int = 2,
    threshold: float = 0.0,
    id_prefix: str = "mactor-graph",
) -> Chart:
    """Convergence (solid, green) or divergence (dashed, red) graph of one MAO order: actors on
    a circle, an edge with its value for every pair whose weight is ≥ threshold and > 0."""
    if kind not in ("convergence", "divergence"):
        raise ValueError("kind must be convergence or divergence")
    names = list(result["actors"])
    matrix = _order(result, order)[kind]
    n = len(names)
    edges = sorted(
        (
            (float(matrix[a][b]), a, b)
            for a in range(n)
            for b in range(a + 1, n)
            if float(matrix[a][b]) > 0 and float(matrix[a][b]) >= threshold
        ),
        key=lambda e: (-e[0], e[1], e[2]),
    )
    strongest = edges[0][0] if edges else 1.0
    colour, dash = (GREEN, None) if kind == "convergence" else (RED, "7 4")
    word = _("convergences") if kind == "convergence" else _("divergences")
    title = _("Graphe des %(kind)s entre acteurs (ordre %(o)s)") % {"kind": word, "o": order}
    description = _(
        "%(n)s acteurs disposés en cercle ; un trait relie deux acteurs dont le poids des "
        "%(kind)s atteint %(t)s, d’autant plus épais que le poids est fort, avec sa valeur. "
        "%(e)s liens."
    ) % {"n": n, "kind": word, "t": fr_number(threshold), "e": len(edges)}
    if kind == "divergence":
        description += " " + _("Les divergences sont tracées en tirets.")
    size = 640.0
    svg = Svg(size, size, id_prefix, title, description)
    pos = circle_layout(n, size / 2, size / 2, 230.0) if n else []
    for weight, a, b in reversed(edges):
        (xa, ya), (xb, yb) = pos[a], pos[b]
        svg.open_group(f"{names[a]} — {names[b]} : {fr_number(weight)}")
        svg.line(
            xa,
            ya,
            xb,
            yb,
            stroke=colour,
            stroke_width=1 + 5 * weight / strongest,
            stroke_dasharray=dash,
        )
        svg.close_group()
    # value labels on a white box at each edge's middle, shifted along it to limit overlaps
    for k, (weight, a, b) in enumerate(edges):
        (xa, ya), (xb, yb) = pos[a], pos[b]
        t = 0.5 + (0.12 if k % 2 else -0.12) * (k % 3 != 0)
        mx, my = xa + (xb - xa) * t, ya + (yb - ya) * t
        text = fr_number(weight)
        w = text_width(text, 11) + 6
        svg.rect(mx - w / 2, my - 9, w, 14, fill=WHITE, stroke=colour, stroke_width=0.8)
        svg.text(mx, my + 2, text, size=11, fill=TEXT, anchor="middle")
    for i, (x, y) in enumerate(pos):
        svg.path(marker_path("circle", x, y, 7), fill=BLUE_FRANCE)
        angle = math.atan2(y - size / 2, x - size / 2) if n > 1 else -math.pi / 2
        anchor = (
            "middle" if abs(math.cos(angle)) < 0.3 else ("start" if math.cos(angle) > 0 else "end")
        )
        svg.text(
            x + math.cos(angle) * 16,
            y + math.sin(angle) * 16 + 4,
            shorten(names[i], 22),
            size=12,
            anchor=anchor,
        )
    table = Table(
        title,
        (_("Acteur"), _("Acteur"), _("Poids")),
        rows((names[a], names[b], fr_number(w)) for w, a, b in edges),
    )
    return chart(svg, table)


def mactor_mobilisation(
    result: Mapping[str, Any], *, order: int = 2, id_prefix: str = "mactor-mobilisation"
) -> Chart:
    """Per objective, the actors' mobilisation for (right, solid green) and against (left,
    hatched red) at one MAO order, objectives in input order."""
    data = _order(result, order)
    objectives = list(result["objectives"])
    pro = [float(v) for v in data["objective_for"]]
    con = [float(v) for v in data["objective_against"]]
    row, height = _bars_frame(len(objectives))
    height += 20
    width = 760.0
    label_w = 210.0
    mid = label_w + 10 + (width - label_w - 30) / 2
    half = (width - label_w - 30) / 2 - 50
    top_value = max(pro + con + [1.0])
    ticks = nice_ticks(top_value, 3)

    def dx(v: float) -> float:
        return half * v / ticks[-1]

    title = _("Mobilisation des acteurs sur les objectifs (ordre %(o)s)") % {"o": order}
    description = _(
        "Pour chaque objectif, à droite de l’axe central la mobilisation pour (barre pleine), "
        "à gauche la mobilisation contre (barre hachurée)."
    )
    svg = Svg(width, height, id_prefix, title, description)
    hatch = svg.hatch_pattern("hatch", RED)
    top = 30.0
    svg.text(mid - 8, 18, _("Contre"), size=12, anchor="end", weight="bold")
    svg.text(mid + 8, 18, _("Pour"), size=12, weight="bold")
    for t in ticks:
        for sign in (-1, 1):
            if t == 0 and sign < 0:
                continue
            svg.line(
                mid + sign * dx(t),
                top,
                mid + sign * dx(t),
                top + row * len(objectives),
                stroke=GRID,
            )
            svg.text(
                mid + sign * dx(t),
                top + row * len(objectives) + 16,
                tick_label(t),
                size=11,
                fill=AXIS,
                anchor="middle",
            )
    for k, name in enumerate(objectives):
        y = top + k * row
        svg.text(label_w, y + row * 0.65, shorten(name, 30), size=12, anchor="end")
        svg.rect(mid, y + 4, dx(pro[k]), row - 8, fill=GREEN)
        svg.rect(mid - dx(con[k]), y + 4, dx(con[k]), row - 8, fill=hatch, stroke=RED)
        svg.text(mid + dx(pro[k]) + 4, y + row * 0.65, fr_number(pro[k]), size=11)
        svg.text(mid - dx(con[k]) - 4, y + row * 0.65, fr_number(con[k]), size=11, anchor="end")
    svg.line(mid, top, mid, top + row * len(objectives), stroke=TEXT, stroke_width=1.5)
    table = Table(
        title,
        (_("Objectif"), _("Pour"), _("Contre"), _("Mobilisation")),
        rows(
            (name, fr_number(pro[k]), fr_number(con[k]), fr_number(float(data["mobilisation"][k])))
            for k, name in enumerate(objectives)
        ),
    )
    return chart(svg, table)
