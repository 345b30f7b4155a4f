"""``<span lang>`` around text in another language than the page (see handbook.languages).

Applied to the finished page, so every text a template writes is covered (a handbook's own
templates too) without a filter on each field. Only text between tags in the body is
touched: the head, attribute values and the org charts' SVG (which carry their own
``lang``) stay as they are, and a text without a foreign run comes out byte for byte.
"""

from __future__ import annotations

import bisect
import html
import re

from markupsafe import escape

from ...languages import foreign_runs

__all__ = ["mark_languages"]

# Tags, comments and whole SVG images, which are copied unchanged.
_UNTOUCHED = re.compile(r"<svg\b.*?</svg>|<!--.*?-->|<[^>]*>", re.DOTALL)
# Where the scan sees no tags, and the tag before which a piece of the body may start.
_OPAQUE = re.compile(r"<svg\b.*?</svg>|<!--.*?-->", re.DOTALL)
_CUT = re.compile(r"<(?:section|li|tr)\b")


def mark_languages(page: str, page_tag: str,
                   memo: dict[tuple[str, str], str] | None = None) -> str:
    """``page`` with each foreign run of its body's text in a ``span`` with its ``lang``.

    ``memo`` (the live preview's) holds the marked pieces of the last page, by tag and text:
    the body is marked piece by piece, cut before each section, list item and table row, and
    an unchanged piece is not scanned again. The memo is left holding this page's pieces only.
    """
    start = page.find("<body")
    if start < 0:
        return page
    if memo is None:
        return page[:start] + _marked_html(page, start, len(page), page_tag)
    last = dict(memo)
    memo.clear()
    out = [page[:start]]
    cuts = _cuts(page, start)
    for begin, end in zip(cuts, [*cuts[1:], len(page)], strict=True):
        piece = page[begin:end]
        marked = last.get((page_tag, piece))
        if marked is None:
            marked = _marked_html(page, begin, end, page_tag)
        memo[page_tag, piece] = marked
        out.append(marked)
    return "".join(out)


def _cuts(page: str, start: int) -> list[int]:
    """Where the body can be cut so that each piece is marked as in the whole page: before
    a ``<section``, ``<li`` or ``<tr`` tag (the scan of the whole page starts a tag there)
    that is not inside an SVG image or a comment (where the scan does not see tags)."""
    spans = [(m.start(), m.end()) for m in _OPAQUE.finditer(page, start)]
    starts = [begin for begin, _ in spans]
    cuts = [start]
    for match in _CUT.finditer(page, start):
        at = match.start()
        index = bisect.bisect_right(starts, at) - 1
        if at > start and (index < 0 or spans[index][1] <= at):
            cuts.append(at)
    return cuts


def _marked_html(page: str, start: int, end: int, page_tag: str) -> str:
    """``page[start:end]`` (body HTML) with the foreign runs of its text marked."""
    out = []
    for match in _UNTOUCHED.finditer(page, start, end):
        out.append(_marked(page[start:match.start()], page_tag))
        out.append(match[0])
        start = match.end()
    out.append(_marked(page[start:end], page_tag))
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
