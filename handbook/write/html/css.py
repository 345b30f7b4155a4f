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

from ...labels import Labels
from ...style import Style

__all__ = ["css_string", "css_values", "css_variables", "page_geometry", "page_of_content",
           "safe_css"]

_FONT_TYPES = {".ttf": ("font/ttf", "truetype"), ".otf": ("font/otf", "opentype"),
               ".woff": ("font/woff", "woff"), ".woff2": ("font/woff2", "woff2")}
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
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


def css_values(style: Style, lang: str, departments: int) -> dict[str, str]:
    """The ``--hb-*`` custom properties and their values for ``style``."""
    style = _checked_colours(style)
    values = {
        "--hb-primary": style.primary,
        "--hb-primary-tint": _mix(style.primary, style.background, 0.08),
        "--hb-primary-soft": _mix(style.primary, style.background, 0.22),
        "--hb-secondary": style.secondary,
        "--hb-foreground": style.foreground,
        "--hb-background": style.background,
        "--hb-muted": style.muted,
        "--hb-rule": _mix(style.foreground, style.background, 0.22),
        "--hb-rule-light": _mix(style.foreground, style.background, 0.1),
        "--hb-font-body": _font_stack(style, style.body_font, lang),
        "--hb-font-heading": _font_stack(style, style.heading_font, lang),
    }
    bands = style.bands
    for index in range(max(departments, len(bands))):
        values[f"--hb-dept-{index}"] = bands[index % len(bands)]
    return values


def css_variables(values: dict[str, str], style: Style, departments: int) -> Markup:
    """``:root`` custom properties, one class per department colour, brand @font-faces."""
    lines = [":root {"] + [f"  {name}: {value};" for name, value in values.items()] + ["}"]
    background = _checked_colours(style).background
    for index in range(departments):
        band = values[f"--hb-dept-{index}"]
        lines.append(f".hb-dept-{index} {{ --hb-dept: var(--hb-dept-{index}); "
                     f"--hb-dept-tint: {_mix(band, background, 0.1)}; }}")
    lines += [_font_face(face) for face in style.font_faces if Path(face.path).is_file()]
    return safe_css("\n".join(lines))


def _checked_colours(style: Style) -> Style:
    """Colours as #hex only: anything else (a typo, an injection) falls back to the default."""
    default = Style()
    changes = {name: getattr(default, name)
               for name in ("primary", "secondary", "foreground", "background", "muted")
               if not _HEX.fullmatch(str(getattr(style, name)))}
    bands = tuple(band for band in style.bands if _HEX.fullmatch(str(band)))
    return style.with_(**changes, bands=bands or default.bands)


def _font_stack(style: Style, families: tuple[str, ...], lang: str) -> str:
    names = [*families, style.latin_font, style.cjk_font, *_PLATFORM_FONTS.get(lang, ())]
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


def _mix(colour: str, base: str, amount: float) -> str:
    """``amount`` of ``colour`` over ``base`` (both #rrggbb), as #rrggbb."""
    first, second = _rgb(colour), _rgb(base)
    if first is None or second is None:
        return colour
    mixed = (round(a * amount + b * (1 - amount)) for a, b in zip(first, second, strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _rgb(colour: str) -> tuple[int, int, int] | None:
    text = colour.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", text):
        return None
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
