"""Colour arithmetic for the look: WCAG contrast, readable variants, tints, department colours.

Every writer lays out the same ``Palette``, decided once per handbook in ``document.py``: the
HTML/PDF stylesheet, the DOCX styles and the org-chart SVGs of every format. Text colours are
checked against the ground they sit on (WCAG 2 AA: 4.5:1, 3:1 for large text) and, when a
brand's colour would fall short, replaced by a darker shade of the same hue (or, for a badge,
given dark text) with a notice naming the pair, so a client's palette never yields pages an
accessibility review sends back.
"""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass, field

from .style import Style

__all__ = ["AA", "AA_LARGE", "Palette", "brand_bands", "contrast", "mix", "palette_for",
           "readable", "rgb"]

AA = 4.5
AA_LARGE = 3.0
_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
# Lightness steps (HLS) of each brand colour, in the order departments take them: the brand's
# own shade first, then darker and lighter ones, so neighbouring departments alternate hues.
# Each step is a change of HLS lightness and a factor on saturation (a greyer shade).
_SHADE_STEPS = ((0.0, 1.0), (-0.12, 1.0), (0.08, 0.55), (-0.06, 0.5), (0.14, 1.0),
                (-0.18, 0.7))
_DARKEST = 0.16  # darker shades read as black
_MIN_DISTANCE = 38.0  # RGB distance below which two department colours read as the same
_GHOST = 0.07  # share of the text colour in a removed position's grey box fill


def rgb(colour: str) -> tuple[int, int, int] | None:
    """``#rgb`` or ``#rrggbb`` as channels, None for anything else."""
    match = _HEX.fullmatch(colour.strip()) if isinstance(colour, str) else None
    if match is None:
        return None
    text = match.group(1)
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def _hex(channels) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in channels)


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance."""
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in rgb(colour) or (0, 0, 0))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """The WCAG 2 contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(colour: str, base: str, amount: float) -> str:
    """``amount`` of ``colour`` over ``base``, as #rrggbb (a tint when ``base`` is white)."""
    first, second = rgb(colour), rgb(base)
    if first is None or second is None:
        return colour
    return _hex(a * amount + b * (1 - amount) for a, b in zip(first, second, strict=True))


def _with_lightness(colour: str, lightness: float) -> str:
    hue, _, saturation = colorsys.rgb_to_hls(*(c / 255 for c in rgb(colour) or (0, 0, 0)))
    lightness = max(0.0, min(1.0, lightness))
    return _hex(c * 255 for c in colorsys.hls_to_rgb(hue, lightness, saturation))


def _lightness(colour: str) -> float:
    return colorsys.rgb_to_hls(*(c / 255 for c in rgb(colour) or (0, 0, 0)))[1]


def readable(colour: str, ground: str, ratio: float = AA) -> str:
    """``colour`` if it reaches ``ratio`` on ``ground``, else the nearest shade of its hue
    that does (darker on a light ground, lighter on a dark one)."""
    if rgb(colour) is None or contrast(colour, ground) >= ratio:
        return colour
    step = -0.005 if _luminance(ground) > 0.18 else 0.005
    lightness = _lightness(colour)
    candidate = colour
    while 0.0 <= lightness <= 1.0 and contrast(candidate, ground) < ratio:
        lightness += step
        candidate = _with_lightness(colour, lightness)
    return candidate


def _distance(first: str, second: str) -> float:
    a, b = rgb(first) or (0, 0, 0), rgb(second) or (0, 0, 0)
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5


def _chromatic(colour: str) -> bool:
    """A colour with a hue (not a grey, near-black or near-white ink)."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in rgb(colour) or (0,) * 3))
    return saturation >= 0.25 and 0.12 <= lightness <= 0.88


def _shade(colour: str, lightness: float, saturation: float, ground: str) -> str:
    hue, _, own = colorsys.rgb_to_hls(*(c / 255 for c in rgb(colour) or (0, 0, 0)))
    lightness = max(_DARKEST, min(1.0, lightness))
    shade = _hex(c * 255 for c in colorsys.hls_to_rgb(hue, lightness, own * saturation))
    return readable(shade, ground, AA_LARGE)


def brand_bands(colours: list[str], ground: str) -> tuple[str, ...]:
    """Department colours from a brand's own colours only: shades of their hues (never a hue
    the brand does not use), each visible as a rule or band on ``ground`` (3:1) and told apart
    from the others. The brand's colours take turns, so neighbouring departments differ in
    hue; text in a department's colour uses ``Palette.department_text``."""
    bases = [c for c in dict.fromkeys(colours) if rgb(c) is not None and _chromatic(c)]
    bands: list[str] = []
    for lightness, saturation in _SHADE_STEPS:
        for base in bases:
            own = _lightness(readable(base, ground, AA_LARGE))
            shade = _shade(base, own + lightness, saturation, ground)
            if all(_distance(shade, other) >= _MIN_DISTANCE for other in bands):
                bands.append(shade)
    return tuple(bands)


@dataclass(frozen=True)
class Palette:
    """Every colour a writer uses, each text colour already readable on its ground.

    ``secondary`` is the accent as given (rules, bars, badges); ``secondary_text`` is the shade
    of it that text may use. ``departments`` maps department ids, in print order, to their
    colour; ``notices`` say which brand colours were adjusted and why."""

    primary: str
    secondary: str
    secondary_text: str
    foreground: str
    background: str
    muted: str
    primary_tint: str
    rule: str
    border: str
    dotted: str
    badge: str
    badge_text: str
    departments: dict[str, str] = field(default_factory=dict)
    notices: tuple[str, ...] = ()

    def department(self, department_id: str) -> str:
        return self.departments.get(department_id, self.primary)

    def department_text(self, department_id: str) -> str:
        """The department's colour for small text: its shade that reads at 4.5:1."""
        return readable(self.department(department_id), self.background)

    def chart_colours(self) -> dict[str, str]:
        """The org chart's colours (``orgchart.theme`` keys), departments by print index."""
        colours = {"primary": self.primary, "foreground": self.foreground,
                   "muted": self.muted, "rule": self.rule, "background": self.background,
                   "primary-tint": self.primary_tint, "border": self.border,
                   "secondary": self.badge, "badge-text": self.badge_text,
                   "dotted": self.dotted, **self._change_colours()}
        colours.update({f"dept-{index}": colour
                        for index, colour in enumerate(self.departments.values())})
        return colours

    def _change_colours(self) -> dict[str, str]:
        """The marks of a --changes-since chart: the accent of a new position or reporting
        line (text on a box of either fill, 4.5:1), and a removed position's grey ghost with
        its text readable on it."""
        ghost = mix(self.foreground, self.background, _GHOST)
        accent = readable(self.secondary_text, self.primary_tint)
        return {"accent": accent, "ghost": ghost, "ghost-text": readable(self.muted, ghost)}



def _checked(style: Style) -> Style:
    """Colours as #hex only: anything else (a typo, an injection into the stylesheet) falls
    back to the built-in colour."""
    default = Style()
    changes = {name: getattr(default, name)
               for name in ("primary", "secondary", "foreground", "background", "muted",
                            "dotted")
               if rgb(getattr(style, name)) is None or not str(getattr(style, name))
               .startswith("#")}
    bands = tuple(band for band in style.bands if rgb(band) and band.startswith("#"))
    return style.with_(**changes, bands=bands or default.bands)


def palette_for(style: Style, department_ids: list[str]) -> Palette:
    """The Palette of ``style`` for these departments (in print order): text colours made
    readable on the grounds they are printed on, a notice for each brand colour adjusted."""
    style = _checked(style)
    notices: list[str] = []
    known: set[str] = set()
    ground = style.background
    tint = mix(style.primary, ground, 0.08)

    grounds = {ground: "the background", tint: "the primary tint (table headers, totals)"}

    def text(name: str, colour: str, on: str = ground, ratio: float = AA) -> str:
        """``colour`` readable as text on ``on`` and on the background; a notice naming the
        pair that fell short (the worse one) when a brand's colour had to change."""
        fixed = readable(readable(colour, on, ratio), ground, ratio)
        if fixed != colour and style.brand_name and fixed not in known:
            known.add(fixed)
            worst = min((on, ground), key=lambda g: contrast(colour, g))
            notices.append(f"brand colour {name} {colour} as text on {grounds[worst]} "
                           f"{worst} has contrast {contrast(colour, worst):.2f}:1, below "
                           f"{ratio}:1 (WCAG AA): text uses {fixed}")
        return fixed

    primary = text("primary", style.primary, tint)
    badge, badge_text = style.secondary, ground
    if contrast(badge_text, badge) < AA:
        badge_text = max((ground, style.foreground), key=lambda c: contrast(c, badge))
        if contrast(badge_text, badge) < AA:
            badge = readable(badge, ground)
            badge_text = ground
        if style.brand_name:
            notices.append(f"brand colour secondary {style.secondary} as a badge behind text "
                           f"{ground} has contrast {contrast(ground, style.secondary):.2f}:1, "
                           f"below {AA}:1 (WCAG AA): badges are {badge} with text {badge_text}")
    bands = [readable(band, ground, AA_LARGE) for band in style.bands] or [primary]
    return Palette(
        primary=primary,
        secondary=style.secondary,
        secondary_text=text("secondary", style.secondary, tint),  # vacancies in totals
        foreground=text("foreground", style.foreground, tint),
        background=ground,
        muted=text("muted", style.muted, tint),
        primary_tint=tint,
        rule=readable(mix(style.foreground, ground, 0.45), ground, AA_LARGE),
        border=readable(mix(style.foreground, ground, 0.4), ground, AA_LARGE),
        dotted=text("dotted", style.dotted),
        badge=badge,
        badge_text=badge_text,
        departments={department_id: bands[index % len(bands)]
                     for index, department_id in enumerate(department_ids)},
        notices=tuple(notices),
    )
