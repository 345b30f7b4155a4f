"""The look of the output: colours, fonts, page size and margins, footer, logo.

Defaults suit each language (Noto CJK SC for Simplified, TC for Traditional, HK for Hong
Kong's, Noto Sans
for English with CJK behind it); a brand (``brand.py``) replaces any of them. The HTML/PDF
writer turns a Style into CSS variables, the DOCX writer into styles and theme fonts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

__all__ = ["FontFace", "PAGE_SIZES", "Style", "default_style", "page_size_name",
           "parse_margins", "with_page"]

MM = 72 / 25.4  # points per millimetre
PAGE_SIZES = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4), "A5": (148.0, 210.0),
              "A3": (297.0, 420.0), "Legal": (215.9, 355.6)}
_LENGTH_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}

_CJK = {"zh-Hans": "SC", "zh-Hant": "TC", "en": "SC"}
_CJK_REGIONS = {("zh-Hant", "HK"): "HK"}  # Hong Kong's forms of the Traditional characters
# Department colour bands for the org chart and headings, readable on white.
_BANDS = ("#1f5c99", "#c2185b", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#8d6e63",
          "#5c6bc0", "#9e9d24", "#d84315", "#00695c", "#455a64")
_SYMBOL_FONTS = ("Noto Sans Math", "Noto Sans Symbols", "Noto Sans Symbols2")


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
    dotted: str = "#7a4f9a"  # dotted-line reporting on charts (a brand's secondary)
    bands: tuple[str, ...] = _BANDS
    body_font: tuple[str, ...] = ("Noto Sans CJK SC",)
    heading_font: tuple[str, ...] = ("Noto Sans CJK SC",)
    cjk_font: str = "Noto Sans CJK SC"
    latin_font: str = "Noto Sans"
    # Symbols the Latin face lacks (≥ ≤ → ±…), from faces drawn to match it, before any CJK
    # face: an English book then needs no CJK font at all.
    symbol_fonts: tuple[str, ...] = ()
    font_faces: tuple[FontFace, ...] = ()
    page_size: str = "A4"
    margins_mm: tuple[float, float, float, float] = (22.0, 18.0, 20.0, 18.0)  # t r b l
    footer: str | None = None
    logo: Path | None = None
    cover_image: Path | None = None
    reference_docx: Path | None = None
    templates: Path | None = None  # --templates: overrides of the built-in templates
    brand_name: str | None = None
    pdf_variant: str | None = None  # the PDF variant by default (handbook.yml, then brand)
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

    def font_names(self, families: tuple[str, ...]) -> list[str]:
        """``families``, then the Latin face, its symbol faces and the CJK face: a CJK face
        that only backs up a Latin one goes after the symbols, so ≥ and ≤ in an English book
        come from faces drawn to match its text, not from the CJK face."""
        head = [name for index, name in enumerate(families)
                if index == 0 or name != self.cjk_font or not self.symbol_fonts]
        return list(dict.fromkeys([*head, self.latin_font, *self.symbol_fonts,
                                   self.cjk_font]))

    def font_stack(self, families: tuple[str, ...]) -> str:
        """A CSS font-family list that always ends in a CJK face and a generic family."""
        return ", ".join(f'"{name}"' for name in self.font_names(families)) + ", sans-serif"

    def with_(self, **changes) -> Style:
        return replace(self, **changes)


def default_style(lang: str, script: str | None = None, region: str | None = None) -> Style:
    """Regional CJK faces by the language the text is written in (``script``, default
    ``lang``: English labels on Traditional content still need TC glyphs) and its region
    (Hong Kong's HK faces draw some characters differently from Taiwan's TC); Latin text in
    Noto Sans before the CJK face for English."""
    script = script or lang
    faces = _CJK_REGIONS.get((script, region)) or _CJK.get(script, "SC")
    cjk = f"Noto Sans CJK {faces}"
    if lang == "en":
        return Style(body_font=("Noto Sans", cjk), heading_font=("Noto Sans", cjk),
                     cjk_font=cjk, latin_font="Noto Sans", symbol_fonts=_SYMBOL_FONTS)
    return Style(body_font=(cjk,), heading_font=(cjk,), cjk_font=cjk, latin_font="Noto Sans")


def page_size_name(text: str) -> str | None:
    """The page size as PAGE_SIZES spells it ("letter" is "Letter"), None if unknown."""
    names = {name.lower(): name for name in PAGE_SIZES}
    return names.get(str(text).strip().lower())


def parse_margins(text: str) -> tuple[float, float, float, float] | None:
    """Margins in mm (top right bottom left) from one, two or four CSS-like lengths
    ("20mm", "2cm 1.5cm", "1in 0.75in 1in 0.75in"); None when they do not read as such."""
    values = []
    for part in str(text).split():
        match = re.fullmatch(r"(\d+(?:\.\d+)?)(mm|cm|in|pt)", part)
        if not match:
            return None
        values.append(float(match.group(1)) * _LENGTH_MM[match.group(2)])
    if len(values) == 1:
        values *= 4
    elif len(values) == 2:
        values *= 2
    return tuple(values) if len(values) == 4 else None


def with_page(style: Style, page) -> Style:
    """The ``page`` of handbook.yml (size and margins, checked by the model) over the
    locale's default; a brand's page is applied after it, so the brand wins."""
    if page is None:
        return style
    changes = {}
    if page.size:
        changes["page_size"] = page.size
    if page.margins:
        changes["margins_mm"] = parse_margins(page.margins)
    return style.with_(**changes)
