"""Delphi: one question's box plots, one per round."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from ._svg import (
    AXIS,
    BLUE_FRANCE,
    GRID,
    TEXT,
    WHITE,
    Chart,
    Svg,
    Table,
    chart,
    fr_number,
    marker_path,
    range_ticks,
    rows,
    tick_label,
)


def delphi_boxplots(
    question: Mapping[str, Any],
    answers: Sequence[Sequence[float | None]],
    *,
    id_prefix: str = "delphi",
) -> Chart:
    """Box plots of one question, one per round: box from Q1 to Q3 with the median, whiskers to
    the most extreme answers that are not outliers, outliers (the library's `outliers`: outside
    Tukey's fences) as rings. `question` is one item of the result's `questions`, `answers`
    that question's input `rounds` (with `null` for experts who did not answer)."""
    rounds = list(question["rounds"])
    values: list[list[tuple[int, float]]] = [
        [(k, float(v)) for k, v in enumerate(answers[r["round"]]) if v is not None] for r in rounds
    ]
    everything = [v for rnd in values for _k, v in rnd] or [0.0]
    ticks = range_ticks(min(everything), max(everything))
    lo, hi = ticks[0], ticks[-1]
    col = 150.0
    left, top = 70.0, 30.0
    plot_h = 320.0
    width = left + col * max(len(rounds), 1) + 40
    height = top + plot_h + 90

    def py(v: float) -> float:
        return top + plot_h - plot_h * (v - lo) / (hi - lo)

    title = _("Réponses à la question « %(q)s », par tour") % {"q": question["name"]}
    parts = [
        _("tour %(r)s : médiane %(m)s, quartiles %(q1)s et %(q3)s, %(n)s réponses")
        % {
            "r": r["round"] + 1,
            "m": fr_number(r["median"]),
            "q1": fr_number(r["q1"]),
            "q3": fr_number(r["q3"]),
            "n": r["n"],
        }
        for r in rounds
    ]
    description = _(
        "Boîtes à moustaches : la boîte va du premier au troisième quartile, le trait épais "
        "marque la médiane, les moustaches vont aux réponses extrêmes non atypiques et les "
        "cercles marquent les réponses atypiques. %(rounds)s."
    ) % {"rounds": " ; ".join(parts)}
    svg = Svg(width, height, id_prefix, title, description)
    for t in ticks:
        svg.line(left, py(t), width - 20, py(t), stroke=GRID)
        svg.text(
            left - 6,
            py(t) + 4,
            tick_label(t),
            size=11,
            fill=AXIS,
            anchor="end",
        )
    svg.line(left, top, left, top + plot_h, stroke=AXIS)
    svg.text(18, top + plot_h / 2, _("Estimation"), size=13, anchor="middle", rotate=-90)
    body = []
    for k, r in enumerate(rounds):
        cx = left + col * k + col / 2
        outliers = set(r["outliers"])
        inside = [v for pos, v in values[k] if pos not in outliers]
        out = [v for pos, v in values[k] if pos in outliers]
        low, high = (min(inside), max(inside)) if inside else (r["median"], r["median"])
        svg.open_group(parts[k])
        svg.line(cx, py(low), cx, py(r["q1"]), stroke=TEXT, stroke_width=1.5)
        svg.line(cx, py(r["q3"]), cx, py(high), stroke=TEXT, stroke_width=1.5)
        svg.line(cx - 16, py(low), cx + 16, py(low), stroke=TEXT, stroke_width=1.5)
        svg.line(cx - 16, py(high), cx + 16, py(high), stroke=TEXT, stroke_width=1.5)
        box_h = max(py(r["q1"]) - py(r["q3"]), 1.0)
        svg.rect(cx - 34, py(r["q3"]), 68, box_h, fill=WHITE, stroke=BLUE_FRANCE, stroke_width=2.0)
        svg.line(
            cx - 34, py(r["median"]), cx + 34, py(r["median"]), stroke=BLUE_FRANCE, stroke_width=4.0
        )
        for v in sorted(out):
            svg.path(
                marker_path("circle", cx, py(v), 4.5), fill=WHITE, stroke=TEXT, stroke_width=1.5
            )
        svg.close_group()
        svg.text(
            cx,
            top + plot_h + 22,
            _("Tour %(r)s") % {"r": r["round"] + 1},
            size=13,
            anchor="middle",
            weight="bold",
        )
        svg.text(
            cx,
            top + plot_h + 40,
            _("médiane %(m)s") % {"m": fr_number(r["median"])},
            size=11,
            anchor="middle",
        )
        svg.text(cx, top + plot_h + 56, _("n = %(n)s") % {"n": r["n"]}, size=11, anchor="middle")
        body.append(
            (
                str(r["round"] + 1),
                str(r["n"]),
                fr_number(r["minimum"]),
                fr_number(r["q1"]),
                fr_number(r["median"]),
                fr_number(r["q3"]),
                fr_number(r["maximum"]),
                fr_number(r["iqr"]),
                " ; ".join(fr_number(v) for v in sorted(out)) or "—",
                _("oui") if r["consensus"] else _("non"),
            )
        )
    table = Table(
        title,
        (
            _("Tour"),
            _("Réponses"),
            _("Minimum"),
            _("Premier quartile"),
            _("Médiane"),
            _("Troisième quartile"),
            _("Maximum"),
            _("Écart interquartile"),
            _("Réponses atypiques"),
            _("Consensus"),
        ),
        rows(body),
    )
    return chart(svg, table)
