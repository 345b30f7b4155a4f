"""``<span lang>`` around text in another language than the page (see handbook.languages).

Applied to the finished page, so every text a template writes is covered (a handbook's own
templates too) without a filter on each field. Only text between tags in the body is
touched: the head, attribute values and the org charts' SVG (which carry their own
``lang``) stay as they are, and a text without a foreign run comes out byte for byte.
"""

from __future__ import annotations

import html
import re

from markupsafe import escape

from ...languages import foreign_runs

__all__ = ["mark_languages"]

# Tags, comments and whole SVG images, which are copied unchanged.
_UNTOUCHED = re.compile(r"<svg\b.*?</svg>|<!--.*?-->|<[^>]*>", re.DOTALL)


def mark_languages(page: str, page_tag: str) -> str:
    """``page`` with each foreign run of its body's text in a ``span`` with its ``lang``."""
    start = page.find("<body")
    if start < 0:
        return page
    out = [page[:start]]
    end = start
    for match in _UNTOUCHED.finditer(page, start):
        out.append(_marked(page[end:match.start()], page_tag))
        out.append(match[0])
        end = match.end()
    out.append(_marked(page[end:], page_tag))
    return "".join(out)


def _marked(segment: str, page_tag: str) -> str:
    """One text segment (escaped HTML text) with its foreign runs marked."""
    if not segment.strip():
        return segment
    text = html.unescape(segment)
    pieces = foreign_runs(text, page_tag)
    if all(lang is None for _, lang in pieces):
        return segment
    return "".join(str(escape(piece)) if lang is None
                   else f'<span lang="{lang}">{escape(piece)}</span>'
                   for piece, lang in pieces)
