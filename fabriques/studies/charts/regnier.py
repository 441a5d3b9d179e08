"""Régnier's abacus: the coloured grid, statements × participants, in the library's order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from foresight.regnier import COLOURS

from ._svg import TEXT, TEXT_MUTED, WHITE, Chart, Svg, Table, chart, fr_number, rows, shorten

# The library's seven codes (foresight/regnier.py, COLOURS) → cell fill, letter, letter colour.
# Fills from the DSFR palette; each letter reaches 4.5:1 on its fill (tested).
CELL_FILLS = {
    "dark_green": "#18753C",  # success-425
    "light_green": "#68A532",  # green-bourgeon main-640
    "orange": "#FC5D00",  # warning main-525
    "light_red": "#FCBFBF",  # error-850
    "dark_red": "#CE0500",  # error-425
    "white": "#FFFFFF",
    "black": "#161616",  # grey-50
}
CELL_TEXT = {
    "dark_green": WHITE,
    "light_green": TEXT,
    "orange": TEXT,
    "light_red": TEXT,
    "dark_red": WHITE,
    "white": TEXT,
    "black": WHITE,
}
CELL_BORDER = TEXT_MUTED
assert tuple(CELL_FILLS) == tuple(COLOURS), "one fill per colour of the library"


def colour_names() -> dict[str, tuple[str, str]]:
    """Per code: the letters written in the cell, the colour's French name."""
    return {
        "dark_green": (_("VF"), _("vert foncé (tout à fait d’accord)")),
        "light_green": (_("VC"), _("vert clair (plutôt d’accord)")),
        "orange": (_("O"), _("orange (avis mitigé)")),
        "light_red": (_("RC"), _("rouge clair (plutôt pas d’accord)")),
        "dark_red": (_("RF"), _("rouge foncé (pas du tout d’accord)")),
        "white": (_("B"), _("blanc (sans avis)")),
        "black": (_("N"), _("noir (refus de répondre)")),
    }


def regnier_abacus(
    result: Mapping[str, Any],
    votes: Sequence[Sequence[str]],
    *,
    id_prefix: str = "regnier",
) -> Chart:
    """The abacus: rows are the statements in the result's order, columns the participants in
    the result's order, each cell its colour and letters. `votes` is the input's `votes`
    (one row per statement in input order, one colour per participant in input order)."""
    statements = list(result["statements"])
    participants = list(result["participants"])
    names = colour_names()
    cols = [p["position"] for p in participants]
    cell = 30.0
    label_w = 260.0
    head_h = 110.0
    width = label_w + cell * max(len(cols), 1) + 120
    legend_y = head_h + cell * len(statements) + 30
    height = legend_y + 26 * 4 + 10
    dissensus = sum(1 for s in statements if s["dissensus"])
    title = _("Abaque de Régnier")
    description = _(
        "Grille de %(s)s affirmations (en lignes, de la plus consensuelle à la moins "
        "consensuelle) et %(p)s participants (en colonnes, regroupés par profil de vote). "
        "Chaque case porte la couleur du vote et ses initiales : VF vert foncé, VC vert clair, "
        "O orange, RC rouge clair, RF rouge foncé, B blanc, N noir. La colonne de droite "
        "donne la moyenne (abstentions comptées 0) et signale les dissensus (%(d)s)."
    ) % {"s": len(statements), "p": len(participants), "d": dissensus}
    svg = Svg(width, height, id_prefix, title, description)
    for k, p in enumerate(participants):
        x = label_w + k * cell + cell / 2
        svg.text(x + 4, head_h - 8, shorten(p["name"], 16), size=11, rotate=-60)
    mean_x = label_w + cell * len(cols) + 10
    svg.text(mean_x, head_h - 8, _("Moyenne"), size=11, weight="bold")
    for r, s in enumerate(statements):
        y = head_h + r * cell
        svg.text(label_w - 8, y + cell * 0.62, shorten(s["name"], 40), size=12, anchor="end")
        row = votes[s["position"]]
        for k, col in enumerate(cols):
            code = row[col]
            letters, name = names[code]
            x = label_w + k * cell
            svg.open_group(f"{s['name']} — {participants[k]['name']} : {name}")
            svg.rect(x, y, cell, cell, fill=CELL_FILLS[code], stroke=CELL_BORDER, stroke_width=1.0)
            svg.text(
                x + cell / 2,
                y + cell * 0.64,
                letters,
                size=11,
                fill=CELL_TEXT[code],
                anchor="middle",
                weight="bold",
            )
            svg.close_group()
        mark = " ≠" if s["dissensus"] else ""
        svg.text(mean_x, y + cell * 0.62, fr_number(s["mean"]) + mark, size=12)
    if dissensus:
        svg.text(mean_x, head_h + cell * len(statements) + 16, _("≠ : dissensus"), size=11)
    for k, code in enumerate(CELL_FILLS):
        letters, name = names[code]
        x = 10 + (k % 2) * 330
        y = legend_y + (k // 2) * 26
        svg.rect(x, y, 22, 22, fill=CELL_FILLS[code], stroke=CELL_BORDER, stroke_width=1.0)
        svg.text(
            x + 11, y + 15, letters, size=10, fill=CELL_TEXT[code], anchor="middle", weight="bold"
        )
        svg.text(x + 30, y + 15, name, size=12)
    header = (
        _("Affirmation"),
        *tuple(p["name"] for p in participants),
        _("Moyenne"),
        _("Dispersion"),
        _("Dissensus"),
    )
    body = []
    for s in statements:
        row = votes[s["position"]]
        body.append(
            (
                s["name"],
                *tuple(names[row[col]][1] for col in cols),
                fr_number(s["mean"]),
                fr_number(s["dispersion"]) if s["dispersion"] is not None else "—",
                _("oui") if s["dissensus"] else _("non"),
            )
        )
    return chart(svg, Table(title, header, rows(body)))
