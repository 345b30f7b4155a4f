"""Markdown fields, parsed once into markdown-it tokens that every writer walks.

CommonMark with raw HTML disabled; links survive only for http(s), mailto and in-document
anchors, so hostile content (``javascript:`` links, ``<script>``) is inert in every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["Markdown", "parse_markdown", "safe_link"]

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


@lru_cache(maxsize=65536)
def parse_markdown(text: str, *, inline: bool = False) -> Markdown:
    """Parse a field's text; ``inline`` for table cells (duties), where blocks make no sense.

    Parsed fields are shared (writers never change tokens), so a live preview re-parses
    only the text that changed.
    """
    tokens = _MD.parseInline(text.strip()) if inline else _MD.parse(text)
    return Markdown(text, inline, tokens)
