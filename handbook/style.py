"""The look of the output: colours, fonts, page size and margins, footer, logo.

Defaults suit each language (Noto CJK SC for Simplified, TC for Traditional, Noto Sans
for English with CJK behind it); a brand (``brand.py``) replaces any of them. The HTML/PDF
writer turns a Style into CSS variables, the DOCX writer into styles and theme fonts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

__all__ = ["FontFace", "PAGE_SIZES", "Style", "default_style"]

MM = 72 / 25.4  # points per millimetre
PAGE_SIZES = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4), "A5": (148.0, 210.0)}

_CJK = {"zh-Hans": "SC", "zh-Hant": "TC", "en": "SC"}
# Department colour bands for the org chart and headings, readable on white.
_BANDS = ("#1f5c99", "#c2185b", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#8d6e63",
          "#5c6bc0", "#9e9d24", "#d84315", "#00695c", "#455a64")


@dataclass(frozen=True)
class FontFace:
    """A font file a brand ships: embedded in the PDF, named in the DOCX."""

    family: str
    path: Path
    weight: int = 400
    style: str = "normal"


@dataclass(frozen=True)
class Style:
    primary: str = "#1f4e79"
    secondary: str = "#c55a11"
    foreground: str = "#222222"
    background: str = "#ffffff"
    muted: str = "#5f6b7a"
    bands: tuple[str, ...] = _BANDS
    body_font: tuple[str, ...] = ("Noto Sans CJK SC",)
    heading_font: tuple[str, ...] = ("Noto Sans CJK SC",)
    cjk_font: str = "Noto Sans CJK SC"
    latin_font: str = "Noto Sans"
    font_faces: tuple[FontFace, ...] = ()
    page_size: str = "A4"
    margins_mm: tuple[float, float, float, float] = (22.0, 18.0, 20.0, 18.0)  # t r b l
    footer: str | None = None
    logo: Path | None = None
    cover_image: Path | None = None
    reference_docx: Path | None = None
    templates: Path | None = None  # --templates: overrides of the built-in templates
    brand_name: str | None = None
    extra: dict = field(default_factory=dict, compare=False)

    def page_mm(self, landscape: bool = False) -> tuple[float, float]:
        width, height = PAGE_SIZES.get(self.page_size, PAGE_SIZES["A4"])
        return (height, width) if landscape else (width, height)

    def chart_area(self, landscape: bool = False) -> tuple[float, float]:
        """Printable width and height in points for a chart page (below its heading)."""
        width, height = self.page_mm(landscape)
        top, right, bottom, left = self.margins_mm
        heading = 18 * MM
        return (width - left - right) * MM, (height - top - bottom) * MM - heading

    def font_stack(self, families: tuple[str, ...]) -> str:
        """A CSS font-family list that always ends in a CJK face and a generic family."""
        names = list(dict.fromkeys([*families, self.latin_font, self.cjk_font]))
        return ", ".join(f'"{name}"' for name in names) + ", sans-serif"

    def with_(self, **changes) -> Style:
        return replace(self, **changes)


def default_style(lang: str, script: str | None = None) -> Style:
    """Regional CJK faces by the language the text is written in (``script``, default
    ``lang``: English labels on Traditional content still need TC glyphs); Latin text in
    Noto Sans before the CJK face for English."""
    region = _CJK.get(script or lang, "SC")
    cjk = f"Noto Sans CJK {region}"
    if lang == "en":
        return Style(body_font=("Noto Sans", cjk), heading_font=("Noto Sans", cjk),
                     cjk_font=cjk, latin_font="Noto Sans")
    return Style(body_font=(cjk,), heading_font=(cjk,), cjk_font=cjk, latin_font="Noto Sans")
