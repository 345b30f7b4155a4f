"""The Style as CSS: custom properties (``--hb-primary`` …), brand font faces, page geometry
and the strings the print margin boxes show.

The built-in stylesheet (``templates/handbook.css``) only ever refers to these variables,
so a brand reaches the HTML and the PDF without any template change.
"""

from __future__ import annotations

import base64
import functools
import re
import string
from pathlib import Path

from markupsafe import Markup

from ...colour import Palette, mix
from ...labels import Labels
from ...style import Style

__all__ = ["css_string", "css_values", "css_variables", "page_geometry", "page_of_content",
           "safe_css"]

_FONT_TYPES = {".ttf": ("font/ttf", "truetype"), ".otf": ("font/otf", "opentype"),
               ".woff": ("font/woff", "woff"), ".woff2": ("font/woff2", "woff2")}
# Fonts a reader's own computer may have when the Noto faces are not installed (screen only:
# WeasyPrint finds the Noto faces first and never reaches these).
_PLATFORM_FONTS = {
    "zh-Hans": ("PingFang SC", "Microsoft YaHei", "Source Han Sans SC"),
    "zh-Hant": ("PingFang TC", "Microsoft JhengHei", "Source Han Sans TC"),
    "en": ("Segoe UI", "Helvetica Neue", "Arial", "PingFang SC", "Microsoft YaHei"),
}


def css_string(value: str | None) -> Markup:
    """``value`` as a quoted CSS string, safe inside a <style> element."""
    out = []
    for char in value or "":
        if char.isalnum() or char in " .,:;·-_/()[]%+#!?@*=~|'" or ord(char) > 0x7F:
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return Markup('"' + "".join(out) + '"')


def safe_css(text: str) -> Markup:
    """Stylesheet text that cannot end its <style> element early."""
    return Markup(re.sub(r"</", r"<\\/", text))


def page_of_content(labels: Labels) -> Markup:
    """The "page X / Y" label as a CSS ``content`` value with page counters."""
    parts = []
    for literal, name, _spec, _conv in string.Formatter().parse(labels["page_of"]):
        if literal:
            parts.append(css_string(literal))
        if name in ("page", "pages"):
            parts.append(f"counter({name})")
    return Markup(" ".join(parts))


def page_geometry(style: Style) -> dict[str, str]:
    """Page sizes and margins in mm, as CSS lengths, for the @page rules."""
    width, height = style.page_mm()
    top, right, bottom, left = style.margins_mm
    return {
        "size": f"{_mm(width)} {_mm(height)}",
        "landscape": f"{_mm(height)} {_mm(width)}",
        "margin": " ".join(_mm(m) for m in (top, right, bottom, left)),
        "content_height": _mm(height - top - bottom - 1),
        "content_height_landscape": _mm(width - top - bottom - 1),
    }


def css_values(style: Style, palette: Palette, lang: str) -> dict[str, str]:
    """The ``--hb-*`` custom properties and their values: the Palette's colours (readable
    text, the departments' colours by print index) and the Style's fonts."""
    values = {
        "--hb-primary": palette.primary,
        "--hb-primary-tint": palette.primary_tint,
        "--hb-primary-soft": mix(palette.primary, palette.background, 0.22),
        "--hb-secondary": palette.secondary,
        "--hb-secondary-text": palette.secondary_text,
        "--hb-foreground": palette.foreground,
        "--hb-background": palette.background,
        "--hb-muted": palette.muted,
        "--hb-rule": mix(palette.foreground, palette.background, 0.22),
        "--hb-rule-light": mix(palette.foreground, palette.background, 0.1),
        "--hb-font-body": _font_stack(style, style.body_font, lang),
        "--hb-font-heading": _font_stack(style, style.heading_font, lang),
    }
    for index, colour in enumerate(palette.departments.values()):
        values[f"--hb-dept-{index}"] = colour
    return values


def css_variables(values: dict[str, str], style: Style,
                  colours: list[tuple[str, str]]) -> Markup:
    """``:root`` custom properties, a class per department of the page (``hb-dept-N`` for
    the N-th: the colour the Palette gave it, and its shade for small text), brand
    @font-faces."""
    background = values["--hb-background"]
    lines = [":root {"] + [f"  {name}: {value};" for name, value in values.items()] + ["}"]
    for index, (colour, text) in enumerate(colours):
        lines.append(f".hb-dept-{index} {{ --hb-dept: {colour}; --hb-dept-text: {text}; "
                     f"--hb-dept-tint: {mix(colour, background, 0.1)}; }}")
    lines += [_font_face(face) for face in style.font_faces if Path(face.path).is_file()]
    return safe_css("\n".join(lines))


def _font_stack(style: Style, families: tuple[str, ...], lang: str) -> str:
    names = [*style.font_names(families), *_PLATFORM_FONTS.get(lang, ())]
    unique = dict.fromkeys(name for name in names if name)
    return ", ".join(css_string(name) for name in unique) + ", sans-serif"


def _font_face(face) -> str:
    path = Path(face.path)
    mime, fmt = _FONT_TYPES.get(path.suffix.lower(), ("font/ttf", "truetype"))
    stat = path.stat()
    data = _font_data(path, stat.st_mtime_ns, stat.st_size)
    return (f"@font-face {{ font-family: {css_string(face.family)}; "
            f"src: url(data:{mime};base64,{data}) format({css_string(fmt)}); "
            f"font-weight: {int(face.weight)}; font-style: {_font_style(face.style)}; }}")


@functools.lru_cache(maxsize=8)
def _font_data(path: Path, mtime_ns: int, size: int) -> str:
    """A font file as base64, as it is now (its modification time and size are part of the
    key): a brand's CJK face is megabytes, and the live preview re-renders on every save."""
    return base64.b64encode(path.read_bytes()).decode("ascii")


def _font_style(value: str) -> str:
    return value if value in ("normal", "italic", "oblique") else "normal"


def _mm(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "mm"
