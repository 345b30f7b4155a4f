"""Pictures for the Word handbook: the org-chart pages and the logo, each as a PNG every
reader shows plus, where there is one, the SVG that Word 2016 and later draw instead.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..document import Document

__all__ = ["CHART_DPI", "Picture", "chart_images", "logo_image"]

CHART_DPI = 200
_RASTER = {".png", ".jpg", ".jpeg", ".gif"}


@dataclass(frozen=True)
class Picture:
    png: bytes
    svg: bytes | None
    width_pt: float
    height_pt: float
    caption: str = ""
    description: str = ""


def chart_images(document: Document) -> Iterator[Picture]:
    """One picture per chart page, in the Document's order, captioned as in the PDF."""
    from .. import orgchart

    labels = document.labels
    departments = {d.id: d.name for d in document.departments}
    for page in document.charts:
        png = orgchart.to_png(page, lang=document.lang, dpi=CHART_DPI)
        svg = orgchart.to_svg(page, lang=document.lang).encode("utf-8")
        width_px, height_px = _png_size(png)
        department = getattr(page, "department", None)
        if getattr(page, "kind", "full") == "department" and department in departments:
            caption = labels.fmt("org_department_chart", name=departments[department])
        elif getattr(page, "kind", "full") == "overview":
            caption = labels["org_overview"]
        else:  # the whole organization on one page
            caption = labels.fmt("org_department_chart", name=document.organization)
        titles = _chart_titles(page)
        description = (labels.fmt("chart_alt", caption=caption,
                                  roles=labels["list_separator"].join(titles))
                       if titles else caption)
        yield Picture(png, svg, width_px * 72 / CHART_DPI, height_px * 72 / CHART_DPI,
                      caption, description)


def _chart_titles(page) -> list[str]:
    """The position titles drawn on a chart page, for its alternative text."""
    layout = getattr(page, "layout", None)
    nodes = getattr(layout, "nodes", None) or getattr(page, "nodes", None) or []
    if isinstance(nodes, dict):
        nodes = list(nodes.values())
    titles = []
    for node in nodes:
        title = getattr(node, "title", None) or getattr(getattr(node, "node", None), "title",
                                                        None)
        if title:
            titles.append(str(title))
    return titles


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
    from ..sanitize import UnsafeSvg, clean_svg

    try:
        svg = clean_svg(data)
    except UnsafeSvg:
        return None
    width, height = _svg_size(svg)
    png = _rasterize_svg(svg, width, height)
    if png is None:
        return None
    return Picture(png, svg, width, height)


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


def _rasterize_svg(svg: bytes, width_pt: float, height_pt: float) -> bytes | None:
    """A PNG of the SVG at 300 dpi, drawn by WeasyPrint and pdfium when they are there."""
    try:
        import pypdfium2
        import weasyprint
    except ImportError:
        return None
    import base64

    source = base64.b64encode(svg).decode("ascii")
    html = (f"<style>@page {{ size: {width_pt}pt {height_pt}pt; margin: 0 }}"
            "body { margin: 0 } img { display: block; width: 100%; height: 100% }</style>"
            f'<img src="data:image/svg+xml;base64,{source}">')
    pdf = weasyprint.HTML(string=html).write_pdf()
    document = pypdfium2.PdfDocument(pdf)
    try:
        bitmap = document[0].render(scale=300 / 72, fill_color=(255, 255, 255, 0))
        image = bitmap.to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=False)
        return buffer.getvalue()
    finally:
        document.close()


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels from the PNG header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("the org-chart renderer did not return a PNG")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
