"""Markdown fields, parsed once into markdown-it tokens that every writer walks.

CommonMark with raw HTML disabled; links survive only for http(s), mailto and in-document
anchors, so hostile content (``javascript:`` links, ``<script>``) is inert in every format.
A line break in the source between two Chinese characters is dropped here, once for every
writer (see ``_join_cjk_lines``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["Markdown", "heading_levels", "parse_markdown", "safe_link"]

_SAFE_SCHEMES = ("http://", "https://", "mailto:", "#")


def safe_link(url: str) -> bool:
    """Whether a link target may appear in output."""
    return url.strip().lower().startswith(_SAFE_SCHEMES)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = safe_link
    return md


_MD = _parser()


@dataclass(frozen=True)
class Markdown:
    """A markdown field: its source text and its tokens (block or inline)."""

    source: str
    inline: bool = False
    tokens: list[Token] = field(default_factory=list, compare=False, repr=False)

    @cached_property
    def plain(self) -> str:
        """The text without markup, for places that take plain text (bookmarks, alt text)."""
        parts: list[str] = []
        for token in self.tokens:
            for child in token.children or ():
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
            if token.type in ("paragraph_close", "heading_close", "list_item_close"):
                parts.append("\n")
        return "".join(parts).strip()

    def html(self) -> str:
        """HTML for the HTML writer; raw HTML in the source is shown as text, never run."""
        return _MD.renderer.render(self.tokens, _MD.options, {}).strip()


def heading_levels(tokens: list[Token], top: int) -> dict[int, int]:
    """The level each heading of a field takes (by the index of its open and close token)
    when its first heading is ``h<top>``: nested as the source nests them, never skipping a
    level ("# A / ### B / ## C" is top, top+1, top+1), never deeper than h6. An outline
    with a skipped level is what a screen reader's heading list would stumble on."""
    levels: dict[int, int] = {}
    open_levels: list[int] = []  # the source levels of the headings still open
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            source = int(token.tag[1:])
            while open_levels and open_levels[-1] >= source:
                open_levels.pop()
            open_levels.append(source)
            levels[index] = min(6, top + len(open_levels) - 1)
        elif token.type == "heading_close":
            levels[index] = levels[max(levels)]
    return levels


def _wide(char: str) -> bool:
    """Whether a line break next to ``char`` is no space: CSS Text 3's segment-break rule
    (East Asian Wide or Fullwidth, Hangul excepted, since Korean separates words)."""
    return (unicodedata.east_asian_width(char) in "WF"
            and not unicodedata.name(char, "").startswith("HANGUL"))


def _join_cjk_lines(tokens: list[Token]) -> list[Token]:
    """Drop soft line breaks between two wide characters ("成效。\n下设" is "成效。下设"),
    the way Chinese readers expect and browsers do not; between words they stay a space.

    The characters either side are looked up across markup (``**成效**\n下设``).
    """
    for token in tokens:
        children = token.children
        if not children:
            continue
        texts = [c.content if c.type in ("text", "code_inline") else "" for c in children]
        keep = []
        for index, child in enumerate(children):
            if child.type == "softbreak":
                before = next((t[-1] for t in reversed(texts[:index]) if t), "")
                after = next((t[0] for t in texts[index + 1:] if t), "")
                if before and after and _wide(before) and _wide(after):
                    continue
            keep.append(child)
        token.children = keep
    return tokens


@lru_cache(maxsize=65536)
def parse_markdown(text: str, *, inline: bool = False) -> Markdown:
    """Parse a field's text; ``inline`` for table cells (duties), where blocks make no sense.

    Parsed fields are shared (writers never change tokens), so a live preview re-parses
    only the text that changed.
    """
    tokens = _MD.parseInline(text.strip()) if inline else _MD.parse(text)
    return Markdown(text, inline, _join_cjk_lines(tokens))
