"""Colours and fonts shared by the SVG and PNG renderers.

Every colour has a CSS custom property (set by the handbook's brand CSS) and a fallback used when
no brand is given or the renderer cannot resolve CSS variables (WeasyPrint's SVG, Pillow).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .fonts import family_for

# Department bands: distinct in print, dark enough for a thin band to show.
PALETTE = (
    "#2f6db5", "#2a9d8f", "#d08c2d", "#8e5ea2", "#c8475a",
    "#4f772d", "#3d5a80", "#a0675b", "#00798c", "#6b6b3a",
)

# Property name (without --hb-) -> fallback; brand keys of the same names override them.
COLORS = {
    "primary": "#1f4e79",  # assistant marker, "+n" marker
    "foreground": "#1a1a1a",  # titles
    "muted": "#5f6b76",  # code and counts
    "rule": "#7b8794",  # connectors
    "background": "#ffffff",  # box fill
    "primary-tint": "#eef3f8",  # assistant box fill
    "border": "#9aa5b1",  # box outline
    "secondary": "#c2410c",  # vacancy badge
    "badge-text": "#ffffff",  # its number
    "dotted": "#7a4f9a",  # dotted-line reporting
    "accent": "#b83d0b",  # a new position's outline and tag, a new reporting line
    "ghost": "#efefef",  # a removed position's box fill
    "ghost-text": "#5b6670",  # its text
}


_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


def colors_for(overrides: Mapping[str, str] | None) -> dict[str, str]:
    """Fallback colours with the caller's (brand) colours applied; `dept-N` keys allowed.

    Only #rgb/#rrggbb values are taken: they end up in markup, and Pillow needs them too.
    """
    colors = dict(COLORS)
    colors.update({f"dept-{i}": c for i, c in enumerate(PALETTE)})
    colors.update({k: v for k, v in (overrides or {}).items() if _COLOR.fullmatch(str(v))})
    return colors


def band_color(colors: Mapping[str, str], index: int) -> str:
    return colors.get(f"dept-{index}", PALETTE[index % len(PALETTE)])


def font_stack(lang: str, font_family: str | None = None) -> str:
    """A CSS font-family list: the caller's list (as given), then the Noto CJK face measured."""
    stack = f"'{family_for(lang)}', sans-serif"
    return f"{font_family}, {stack}" if font_family else stack
