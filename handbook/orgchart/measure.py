"""Text widths from the real font metrics, and title wrapping.

Boxes are sized from the advance widths of the Noto Sans CJK face the chart is drawn with: CJK
ideographs are a full em wide, Latin letters and digits about half, so counting characters would
leave Latin titles in oversized boxes and CJK ones overflowing. The cmap and advance table of each
face are read once; widths of whole strings are cached, since charts repeat titles a lot.
"""

from __future__ import annotations

import functools
import unicodedata

from fontTools.ttLib import TTCollection, TTFont

from .fonts import FontFace, find_face

# Kinsoku: a line must not start with closing punctuation nor end with opening punctuation.
_NO_LINE_START = set("，。、；：！？）】」』》〉〕］｝’”…‥—～·・%,.;:!?)]}>")
_NO_LINE_END = set("（【「『《〈〔［｛‘“([{<")
_OPENING = set("（【「『《〈〔［｛([{")
_CLOSING = set("）】」』》〉〕］｝)]}")
_AFTER_GOOD = set("、，,;；：:/-·・") | _CLOSING  # natural places to end a line


class _FaceMetrics:
    """Advance widths in em of one face, looked up per character."""

    def __init__(self, face: FontFace) -> None:
        if face.path.lower().endswith((".ttc", ".otc")):
            font = TTCollection(face.path, lazy=True).fonts[face.index]
        else:
            font = TTFont(face.path, lazy=True)
        self._cmap = font.getBestCmap()
        self._hmtx = font["hmtx"]
        self._upm = font["head"].unitsPerEm
        self._em: dict[str, float] = {}

    def em(self, char: str) -> float:
        width = self._em.get(char)
        if width is None:
            glyph = self._cmap.get(ord(char))
            if glyph is not None:
                width = self._hmtx[glyph][0] / self._upm
            else:  # no glyph: the renderer will fall back to another font of similar width
                width = 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.6
            self._em[char] = width
        return width


@functools.cache
def _metrics(lang: str, bold: bool) -> _FaceMetrics:
    return _FaceMetrics(find_face(lang, bold))


@functools.lru_cache(maxsize=65536)
def _em_width(text: str, lang: str, bold: bool) -> float:
    metrics = _metrics(lang, bold)
    return sum(metrics.em(char) for char in text)


def text_width(text: str, size: float, *, lang: str, bold: bool = False) -> float:
    """Advance width of `text` in points at `size` pt (no kerning: boxes keep a little padding)."""
    return _em_width(text, lang, bold) * size


def normalize_space(text: str) -> str:
    return " ".join(text.split())


def wrap_title(
    text: str, size: float, max_width: float, *, lang: str, bold: bool = True
) -> tuple[str, ...]:
    """`text` on one line if it fits `max_width`, else on two lines of balanced width.

    Lines break at spaces, after a hyphen or slash, or between CJK characters; never inside a
    Latin word, never before closing or after opening punctuation. Of the allowed breaks the one
    giving the narrowest wider line wins, so a title wraps into two even lines rather than a full
    line and a stray character; a break between two ideographs costs two characters' width more
    than a natural one (space, punctuation, bracket), and a break inside brackets three, so
    "新媒体运营专员（微博、微信）" breaks before its bracket. With no allowed break the title stays
    on one (wide) line: a box grows rather than lose text.
    """
    text = normalize_space(text)
    if text_width(text, size, lang=lang, bold=bold) <= max_width:
        return (text,)
    best: tuple[float, str, str] | None = None
    depth = 0  # bracket nesting before text[i]
    for i in range(1, len(text)):
        depth = max(0, depth + (text[i - 1] in _OPENING) - (text[i - 1] in _CLOSING))
        split = _split_at(text, i)
        if split is None:
            continue
        first, second = split
        natural = text[i - 1] in _AFTER_GOOD or text[i] in _OPENING or " " in (text[i - 1], text[i])
        cost = max(
            text_width(first, size, lang=lang, bold=bold),
            text_width(second, size, lang=lang, bold=bold),
        ) + size * ((0 if natural else 2) + (3 if depth else 0))
        if best is None or cost < best[0] - 1e-9:
            best = (cost, first, second)
    return (text,) if best is None else (best[1], best[2])


def _split_at(text: str, i: int) -> tuple[str, str] | None:
    """The two lines when breaking before `text[i]`, or None if no break is allowed there."""
    before, after = text[i - 1], text[i]
    if after == " ":
        return None  # break at the space itself (handled when i points past it)
    if before == " ":
        first, second = text[: i - 1].rstrip(), text[i:]
    elif _is_wide(before) or _is_wide(after) or (before in "-/" and after.isalnum()):
        first, second = text[:i], text[i:]
    else:
        return None  # inside a Latin word or number
    if not first or not second or second[0] in _NO_LINE_START or first[-1] in _NO_LINE_END:
        return None
    return first, second


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"
