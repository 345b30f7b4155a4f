"""Pictures for the HTML page, inlined: the logo and cover image as data: URIs, pictures
from Markdown fields, and the org-chart SVGs fitted to their page.

Every SVG that ends up in the page is drawn by WeasyPrint for the PDF too, so it must be
complete on its own: custom properties resolved to the brand's values, Chinese text in the
document's regional face, and a size that fits the printable area.
"""

from __future__ import annotations

import base64
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ...document import Document
from ...sanitize import UnsafeSvg, clean_svg
from ...style import MM

__all__ = ["ChartFigure", "chart_figures", "image_uri", "markdown_image", "regional_svg_fonts"]

_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".gif": "image/gif", ".webp": "image/webp", ".svg": "image/svg+xml"}
_IMAGE_LIMIT = 8 * 1024 * 1024
# Room above a chart: the part heading and a caption on the first page, a caption after.
_FIRST_CHART_HEADINGS_MM = 26.0
_CHART_CAPTION_MM = 10.0


# --- org charts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartFigure:
    """One chart page: the inline SVG, its caption, alt text and orientation."""

    svg: Markup
    caption: str
    alt: str
    landscape: bool
    kind: str
    shares_page: bool = False
    reporting: tuple = ()  # a long chart's reporting lines, a nested list (charts.py)


def chart_figures(document: Document, memo: dict | None = None) -> list[ChartFigure]:
    """The Document's chart pages as SVG figures, in the Palette's colours and the chart font.

    The chart's colours are given to the engine as values (WeasyPrint's SVG renderer resolves
    no custom properties); browsers may still restyle it through the ``--hb-*`` properties.
    ``memo`` (the live preview's) keeps the SVGs by everything that draws them, so an edit
    that moves no box redraws no chart; it is left holding this render's SVGs only.
    """
    if not document.charts:
        return []
    labels = document.labels
    style = document.style
    colors = document.palette.chart_colours()
    font = document.chart_font  # reads every chart's text: once, not once a chart
    drawing = (document.lang, tuple(labels.items()), tuple(colors.items()), style.cjk_font,
               font, style.page_size, style.margins_mm)
    svgs = {}
    figures = []
    for index, page in enumerate(document.charts):
        caption = page.caption
        if memo is None:
            svg = _chart_svg(document, page, index, colors, font)
        else:
            key = (drawing, page, index == 0)
            svg = svgs[key] = memo.get(key) or _chart_svg(document, page, index, colors, font)
        figures.append(ChartFigure(svg, caption, page.alt or caption, page.landscape, page.kind,
                                   document.shares_page(index), page.reporting))
    if memo is not None:
        memo.clear()
        memo.update(svgs)
    return figures


def _chart_svg(document: Document, page, index: int, colors: dict[str, str],
               font: str) -> Markup:
    """One chart page as an inline SVG that fits its page below its headings."""
    from ... import orgchart

    style = document.style
    svg = orgchart.to_svg(page, lang=document.lang, labels=document.labels, colors=colors,
                          font_family=font)
    svg = regional_svg_fonts(_bare_svg(svg), style.cjk_font)
    width, height = style.page_mm(page.landscape)
    top, right, bottom, left = style.margins_mm
    room = _FIRST_CHART_HEADINGS_MM if index == 0 else _CHART_CAPTION_MM
    return Markup(fit_svg(svg, (width - left - right) * MM, (height - top - bottom - room) * MM))



def _bare_svg(svg: str) -> str:
    """An SVG document as an element to inline: no XML declaration, no doctype."""
    return re.sub(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", "", svg)


_SVG_TAG = re.compile(r"<svg\b[^>]*>")
_LENGTH = re.compile(r"^\s*([0-9.]+)\s*(pt|px|mm|cm|in)?\s*$")
_UNIT_PT = {"pt": 1.0, "px": 0.75, None: 0.75, "mm": MM, "cm": 10 * MM, "in": 72.0}


def fit_svg(svg: str, width_pt: float, height_pt: float) -> str:
    """The SVG with its root width and height (in pt) made to fit the box, ratio kept."""
    tag = _SVG_TAG.search(svg)
    if tag is None:
        return svg
    attributes = dict(re.findall(r'\s([\w:-]+)="([^"]*)"', tag[0]))
    size = [_points(attributes.get(name)) for name in ("width", "height")]
    if None in size:
        box = attributes.get("viewBox", "").replace(",", " ").split()
        if len(box) != 4:
            return svg
        size = [float(box[2]) * 0.75, float(box[3]) * 0.75]
    natural_w, natural_h = size
    if natural_w <= 0 or natural_h <= 0:
        return svg
    scale = min(1.0, width_pt / natural_w, height_pt / natural_h)
    new_tag = re.sub(r'\s(width|height)="[^"]*"', "", tag[0])
    new_tag = new_tag.replace(
        "<svg", f'<svg width="{natural_w * scale:.2f}pt" height="{natural_h * scale:.2f}pt"', 1)
    if "viewBox" not in attributes:
        new_tag = new_tag.replace("<svg", f'<svg viewBox="0 0 {natural_w / 0.75:.2f} '
                                  f'{natural_h / 0.75:.2f}"', 1)
    return svg[:tag.start()] + new_tag + svg[tag.end():]


def _points(value: str | None) -> float | None:
    match = _LENGTH.match(value or "")
    return float(match[1]) * _UNIT_PT[match[2]] if match else None


# --- fonts in pictures ---------------------------------------------------------------------


_CJK_FAMILY = re.compile(r"(Noto (?:Sans|Serif) CJK|Source Han (?:Sans|Serif)) "
                         r"(?:SC|TC|HK|JP|KR|J|K|CN|TW)\b", re.I)
# A font list in an attribute or a declaration, or a declaration's whole ``var(…, list)``
# (the chart's own rule), which a list cut at its first quote would break.
_FONT_FAMILY = re.compile(r"(font-family\s*[=:]\s*)(var\([^;}]*\)|\"[^\"]*\"|'[^']*'|[^;\"'>]+)")
_HAN = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_GENERIC = re.compile(r"\s*,?\s*(sans-serif|serif|monospace|cursive|fantasy|system-ui)\s*$")


def regional_svg_fonts(svg: str, cjk_font: str) -> str:
    """Chinese text in an SVG drawn in ``cjk_font``'s region: regional CJK family names
    become that region, and the face joins every font list before its generic family (so
    no Japanese fallback face is ever picked for a Chinese logo)."""
    region = cjk_font.rsplit(" ", 1)[-1]
    chinese = _HAN.search(svg) is not None

    def family_list(match: re.Match) -> str:
        value = match[2]
        if value.startswith("var("):  # its fallback is the document's list: regional names only
            return match[1] + _CJK_FAMILY.sub(lambda m: f"{m[1]} {region}", value)
        quote = value[0] if value[:1] in "\"'" else ""
        families = value.strip(quote)
        families = _CJK_FAMILY.sub(lambda m: f"{m[1]} {region}", families)
        if chinese and cjk_font.lower() not in families.lower():
            generic = _GENERIC.search(families)
            head = families[:generic.start()] if generic else families
            tail = f", {generic[1]}" if generic else ""
            families = f"{head}, {cjk_font}{tail}".lstrip(", ")  # unquoted: valid anywhere
        return f"{match[1]}{quote}{families}{quote}"

    return _FONT_FAMILY.sub(family_list, svg)


# --- picture files -------------------------------------------------------------------------


def image_uri(path: Path | None, cjk_font: str | None = None) -> str | None:
    """A picture file as a data: URI (an SVG cleaned of anything active first, its Chinese
    text set in the document's regional face)."""
    if path is None:
        return None
    path = Path(path)
    mime = _IMAGE_TYPES.get(path.suffix.lower())
    if mime is None or not path.is_file():
        return None
    stat = path.stat()
    if stat.st_size > _IMAGE_LIMIT:
        return None
    return _file_uri(path, mime, cjk_font, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _file_uri(path: Path, mime: str, cjk_font: str | None, mtime_ns: int,
              size: int) -> str | None:
    """The data: URI of a picture file as it is now (its modification time and size are
    part of the key), so the live preview encodes a logo once, not on every save."""
    data = path.read_bytes()
    if mime == "image/svg+xml":
        try:
            data = clean_svg(data)
        except UnsafeSvg:
            return None
        if cjk_font:
            data = regional_svg_fonts(data.decode("utf-8"), cjk_font).encode("utf-8")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def markdown_image(src: str, root: Path | None) -> str | None:
    """A picture a Markdown field names, if it is a file inside the handbook directory."""
    if root is None or not src or re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I):
        return None
    base = root.resolve()
    path = (base / src).resolve()
    return image_uri(path) if path.is_relative_to(base) else None
