"""Pictures for the Word handbook: the org-chart pages and the logo, each as a PNG every
reader shows plus, where there is one, the SVG that Word 2016 and later draw instead.

The PNG is the SVG itself drawn by librsvg (``rsvg``): the same picture as the PDF's (the
same SVG, its text set by Pango with the same fonts, antialiased) at a small part of the cost
of printing the SVGs with WeasyPrint and rasterising the pages, once most of a DOCX build.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from ...document import Document
from .drawing import draw

__all__ = ["CHART_DPI", "Picture", "chart_images", "logo_image", "rasterize"]

CHART_DPI = 200
_RASTER = {".png", ".jpg", ".jpeg", ".gif"}


@dataclass(frozen=True)
class Picture:
    png: bytes | Future  # a chart's is a future: it is drawn while the body is built
    svg: bytes | None
    width_pt: float
    height_pt: float
    caption: str = ""
    description: str = ""


def chart_images(document: Document) -> Iterator[Picture]:
    """One picture per chart page, in the Document's order, captioned as in the PDF."""
    from ... import orgchart

    labels = document.labels
    colours, font = document.palette.chart_colours(), document.chart_font  # once, not a chart
    svgs = [orgchart.to_svg(page, lang=document.lang, labels=labels, colors=colours,
                            font_family=font).encode("utf-8")
            for page in document.charts]
    for page, svg, png in zip(document.charts, svgs, draw(svgs, CHART_DPI), strict=True):
        yield Picture(png, svg, *_svg_size(svg), page.caption, page.alt or page.caption)



def logo_image(path: Path | None, root: Path | None = None) -> Picture | None:
    """The logo as a picture, or None when there is none or it cannot be drawn as PNG."""
    if path is None:
        return None
    path = Path(path)
    if not path.is_absolute() and root is not None:
        path = root / path
    if not path.is_file():
        return None
    suffix = path.suffix.lower()
    if suffix in _RASTER:
        return _raster(path.read_bytes())
    if suffix == ".svg":
        return _svg_logo(path.read_bytes())
    return None


def _raster(data: bytes) -> Picture | None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            dpi = image.info.get("dpi", (96, 96))[0] or 96
            if image.format != "PNG":
                buffer = io.BytesIO()
                image.save(buffer, format="PNG")
                data = buffer.getvalue()
    except OSError:
        return None
    return Picture(data, None, width * 72 / dpi, height * 72 / dpi)


def _svg_logo(data: bytes) -> Picture | None:
    from ...sanitize import UnsafeSvg, clean_svg

    try:
        svg = clean_svg(data)
    except UnsafeSvg:
        return None
    width, height = _svg_size(svg)
    return Picture(rasterize([svg], 300, opaque=False)[0], svg, width, height)


def _svg_size(svg: bytes) -> tuple[float, float]:
    """The SVG's size in points (CSS pixels are 3/4 pt), from width/height or viewBox."""
    from lxml import etree

    root = etree.fromstring(svg)
    view = [float(v) for v in re.split(r"[\s,]+", root.get("viewBox", "").strip()) if v]

    def length(name: str, fallback: float) -> float:
        match = re.fullmatch(r"\s*([0-9.]+)\s*(px|pt|mm|cm|in)?\s*", root.get(name) or "")
        if not match:
            return fallback
        factor = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}.get(
            match.group(2) or "px", 0.75)
        return float(match.group(1)) * factor

    width = length("width", view[2] * 0.75 if len(view) == 4 else 180.0)
    height = length("height", view[3] * 0.75 if len(view) == 4 else 48.0)
    return max(width, 1.0), max(height, 1.0)


def rasterize(svgs: list[bytes], dpi: int, *, opaque: bool = True) -> list[bytes]:
    """PNGs of ``svgs`` at ``dpi`` with the dpi recorded: on white (charts, as on paper), or
    ``opaque=False`` keeping the SVG's transparency (a logo on a coloured ground).

    The SVGs are the charts' own or a sanitised logo (``sanitize``), so they refer to
    nothing outside themselves."""
    from .rsvg import svg_to_png

    pngs = []
    for svg in svgs:
        width, height = _svg_size(svg)
        pixels = max(1, round(width * dpi / 72)), max(1, round(height * dpi / 72))
        pngs.append(_with_dpi(svg_to_png(svg, *pixels, opaque=opaque), dpi))
    return pngs


def _with_dpi(png: bytes, dpi: int) -> bytes:
    """``png`` with a pHYs chunk after its header (cairo writes none), so that a reader
    that sizes a picture by its resolution (python-docx, an image editor) sees print size."""
    per_metre = round(dpi / 0.0254)
    data = struct.pack(">IIB", per_metre, per_metre, 1)
    chunk = struct.pack(">I", len(data)) + b"pHYs" + data
    chunk += struct.pack(">I", zlib.crc32(b"pHYs" + data))
    header_end = 8 + 25  # the signature, then IHDR: length, type, 13 bytes, CRC
    return png[:header_end] + chunk + png[header_end:]
