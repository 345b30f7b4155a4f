"""The chart as a PNG for Word, drawn with Pillow from the same geometry as the SVG.

Word's SVG support is uneven, so the DOCX writer embeds this bitmap (and may add the SVG beside
it). Text is drawn with the Noto Sans CJK face of the chart's language, the one the boxes were
measured with, so glyphs have the right regional forms and nothing falls back to tofu.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Mapping
from itertools import pairwise

from PIL import Image, ImageDraw, ImageFont

from .fonts import find_face
from .model import Box, ChartPage, Layout, Point
from .theme import band_color, colors_for

_LINE_W = 0.8  # pt, as in the SVG
_DASH = (3.5, 2.5)  # pt on, pt off


def to_png(
    chart: Layout | ChartPage,
    *,
    lang: str | None = None,
    dpi: int = 200,
    colors: Mapping[str, str] | None = None,
) -> bytes:
    """PNG bytes of the chart at `dpi` (scaled to the page for a ChartPage), dpi recorded."""
    layout, scale = (chart.layout, chart.scale) if isinstance(chart, ChartPage) else (chart, 1.0)
    painter = _Painter(layout, lang or layout.lang, dpi / 72 * scale, colors_for(colors))
    painter.paint()
    buffer = io.BytesIO()
    painter.image.save(buffer, "PNG", dpi=(dpi, dpi))
    return buffer.getvalue()


class _Painter:
    def __init__(self, layout: Layout, lang: str, k: float, colors: dict[str, str]) -> None:
        self.layout, self.lang, self.k, self.colors = layout, lang, k, colors
        size = (max(1, math.ceil(layout.width * k)), max(1, math.ceil(layout.height * k)))
        self.image = Image.new("RGB", size, colors["background"])
        self.draw = ImageDraw.Draw(self.image)
        self.line_w = max(1, round(_LINE_W * k))

    def paint(self) -> None:
        for edge in self.layout.edges:
            self.draw.line(self._px(edge.points), fill=self.colors["rule"], width=self.line_w,
                           joint="curve")
        for dotted in self.layout.dotted:
            self._dashed(dotted.points, self.colors["dotted"], _DASH)
        for box in self.layout.boxes:
            self._box(box)

    def _box(self, box: Box) -> None:
        k, c = self.k, self.colors
        x0, y0, x1, y1 = box.x * k, box.y * k, box.right * k, box.bottom * k
        r = 3 * k
        self.draw.rounded_rectangle((x0, y0, x1, y1), r, fill=band_color(c, box.color_index))
        fill = c["primary-tint" if box.assistant else "background"]
        self.draw.rounded_rectangle((x0, y0 + box.band * k, x1, y1), r, fill=fill,
                                    corners=(False, False, True, True))
        if box.filled > 0:
            self.draw.rounded_rectangle((x0, y0, x1, y1), r, outline=c["border"],
                                        width=self.line_w)
        else:  # nobody in post yet: a dashed outline, as in the SVG
            corners = ((box.x, box.y), (box.right, box.y), (box.right, box.bottom),
                       (box.x, box.bottom), (box.x, box.y))
            self._dashed(corners, c["border"], (3, 2))
        if box.badge:
            g = box.badge
            self.draw.rounded_rectangle(
                (g.x * k, g.y * k, (g.x + g.w) * k, (g.y + g.h) * k), g.h * k / 2,
                fill=c["secondary"])
        if box.note_rule:
            self._dashed(box.note_rule, c["dotted"], (2, 1.5))
        for t in box.texts:
            fill = {"hb-title": "foreground", "hb-badge-text": "background",
                    "hb-more": "primary", "hb-note": "dotted"}.get(t.cls, "muted")
            self.draw.text((t.x * k, t.y * k), t.text, fill=c[fill],
                           font=_font(self.lang, t.bold, round(t.size * k, 1)),
                           anchor="ms" if t.anchor == "middle" else "ls")

    def _dashed(self, points: tuple[Point, ...], color: str, pattern: tuple[float, float]) -> None:
        """Pillow has no dashes: cut each segment into on/off runs, carried across corners."""
        runs = (pattern[0] * self.k, pattern[1] * self.k)
        drawing, left = True, runs[0]  # in a dash or a gap, and how much of it remains
        for (ax, ay), (bx, by) in pairwise(self._px(points)):
            length = math.hypot(bx - ax, by - ay)
            pos = 0.0
            while length - pos > 1e-6:
                step = min(left, length - pos)
                if drawing:
                    f0, f1 = pos / length, (pos + step) / length
                    self.draw.line(((ax + (bx - ax) * f0, ay + (by - ay) * f0),
                                    (ax + (bx - ax) * f1, ay + (by - ay) * f1)),
                                   fill=color, width=self.line_w)
                pos += step
                left -= step
                if left <= 1e-6:
                    drawing = not drawing
                    left = runs[0] if drawing else runs[1]

    def _px(self, points) -> list[tuple[float, float]]:
        return [(x * self.k, y * self.k) for x, y in points]


@functools.lru_cache(maxsize=64)
def _font(lang: str, bold: bool, size_px: float) -> ImageFont.FreeTypeFont:
    face = find_face(lang, bold)
    return ImageFont.truetype(face.path, size=size_px, index=face.index)
