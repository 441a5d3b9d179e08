"""SVG figures as PNG for the office formats (DOCX, ODT).

Word processors do not all read SVG (python-docx only embeds raster images, and older office
suites show nothing for an SVG in an ODT), so the figures the platform draws as SVG are
rasterised with CairoSVG, which runs offline on the system's cairo library (Debian's
libcairo2) and draws text with the installed fonts. The PDF keeps the SVG itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Pixels across for a figure printed 16 cm wide: about 250 dots per inch, sharp on paper.
TARGET_WIDTH_PX = 1600
PRINTED_WIDTH_CM = 16.0

_VIEWBOX = re.compile(r'viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"')


class RasterUnavailable(RuntimeError):
    """Cairo is not installed (apt-get install libcairo2)."""


@dataclass(frozen=True)
class Raster:
    png: bytes
    width_cm: float
    height_cm: float


def svg_size(svg: str) -> tuple[float, float]:
    """The drawing's width and height in user units, read from its viewBox; ValueError when
    the SVG has none (every chart of the platform has one)."""
    match = _VIEWBOX.search(svg)
    if match is None:
        raise ValueError("The SVG has no viewBox.")
    width, height = float(match[1]), float(match[2])
    if width <= 0 or height <= 0:
        raise ValueError("The SVG's viewBox is empty.")
    return width, height


def svg_to_png(svg: str) -> Raster:
    """The figure as a PNG TARGET_WIDTH_PX wide, with the size to print it at (16 cm wide,
    its proportions kept). Nothing is fetched: CairoSVG is told not to follow any URL."""
    width, height = svg_size(svg)
    try:
        from cairosvg.surface import PNGSurface
    except OSError as error:  # cairocffi finds no libcairo
        raise RasterUnavailable("CairoSVG cannot load cairo: apt-get install libcairo2") from error
    # PNGSurface.convert, not svg2png, which does not pass the URL fetcher on.
    png = PNGSurface.convert(
        bytestring=svg.encode("utf-8"),
        output_width=TARGET_WIDTH_PX,
        output_height=round(TARGET_WIDTH_PX * height / width),
        unsafe=False,
        url_fetcher=_refuse,
    )
    return Raster(png=png, width_cm=PRINTED_WIDTH_CM, height_cm=PRINTED_WIDTH_CM * height / width)


def _refuse(url: str, resource_type: str) -> bytes:
    raise ValueError(f"A figure refers to an outside resource ({url}); nothing is fetched.")
