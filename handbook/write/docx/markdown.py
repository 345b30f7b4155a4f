"""Markdown fields as Word paragraphs: the markdown-it tokens the HTML writer renders, mapped
to runs (bold, italic, code), hyperlinks and list paragraphs.

Block tokens become paragraphs in the writer's styles (``List Bullet`` / ``List Number`` with
their own list instance so numbering restarts like Markdown's, ``Quote``, ``Plain Text``,
``Subheading`` for headings inside a field, so they stay out of the table of contents).
Inside table cells the same structure uses ``Table Text``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ...markdown import Markdown, safe_link
from . import oxml as x

__all__ = ["MarkdownRenderer"]

@dataclass
class _List:
    num_id: int
    ordered: bool


class MarkdownRenderer:
    """Turns Markdown into paragraph and run elements for one document.

    ``external(url)`` returns the relationship id of an external link; links to ``#anchor``
    become links to the bookmark of that anchor.
    """

    def __init__(self, numbering: x.Numbering, external: Callable[[str], str]) -> None:
        self._numbering = numbering
        self._external = external

    # --- blocks ------------------------------------------------------------------------------

    def blocks(self, markdown: Markdown | None, *, in_table: bool = False,
               track: Callable | None = None) -> list:
        """Paragraphs for a block field (an inline field gives one paragraph); ``track`` as
        for ``inline``, for a field with its changes marked."""
        if markdown is None:
            return []
        base = "TableText" if in_table else "Normal"
        if markdown.inline:
            return [x.paragraph(base, self.inline(markdown, track))]
        paragraphs: list = []
        lists: list[_List] = []
        quote = 0
        item_start = False
        style, numbering, indent = base, None, None
        for token in markdown.tokens:
            kind = token.type
            if kind in ("bullet_list_open", "ordered_list_open"):
                ordered = kind == "ordered_list_open"
                if ordered:
                    start = int(token.attrs.get("start", 1) or 1)
                    num_id = self._numbering.ordered(start, len(lists))
                else:
                    num_id = self._numbering.bullets
                lists.append(_List(num_id, ordered))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif kind == "list_item_open":
                item_start = True
            elif kind == "blockquote_open":
                quote += 1
            elif kind == "blockquote_close":
                quote -= 1
            elif kind in ("paragraph_open", "heading_open"):
                style, numbering, indent = self._paragraph_style(
                    base, lists, item_start, quote, heading=kind == "heading_open",
                    in_table=in_table)
                item_start = False
            elif kind == "inline":
                paragraphs.append(x.paragraph(style, self.inline(token.children or [], track),
                                              numbering=numbering, indent=indent,
                                              keep_next=style == "Subheading"))
            elif kind in ("code_block", "fence"):
                code_style = base if in_table else "PlainText"
                paragraphs.append(x.paragraph(code_style,
                                              [x.run(token.content.rstrip("\n"),
                                                     style="HTMLCode")]))
            elif kind == "html_block":
                paragraphs.append(x.paragraph(base, [x.run(token.content.strip())]))
        return paragraphs

    @staticmethod
    def _paragraph_style(base: str, lists: list[_List], item_start: bool, quote: int, *,
                         heading: bool, in_table: bool):
        if heading:
            return ("TableLabel" if in_table else "Subheading"), None, None
        if lists:
            level = len(lists) - 1
            if item_start:
                current = lists[-1]
                if in_table:
                    style = base
                else:
                    style = "ListNumber" if current.ordered else "ListBullet"
                    style += "2" if level else ""
                return style, (current.num_id, level), None
            return ("ListContinue" if not in_table else base), None, 420 * (level + 1)
        if quote and not in_table:
            return "Quote", None, None
        return base, None, None

    # --- inline ------------------------------------------------------------------------------

    def inline(self, source, track: Callable | None = None) -> list:
        """Runs and hyperlinks for an inline field or an ``inline`` token's children;
        ``track(change, run)`` puts the runs of a marked field (``markedtext``) into Word
        tracked changes."""
        if isinstance(source, Markdown):
            children = [c for token in source.tokens for c in (token.children or [])]
        else:
            children = source
        out: list = []
        link: list | None = None
        href = ""
        bold = italic = 0
        pending_space = False
        change = ""  # inside a marked insertion ("ins") or deletion ("del")
        for child in children:
            kind = child.type
            text = None
            style = None
            if kind == "text":
                text = child.content
            elif kind == "code_inline":
                text, style = child.content, "HTMLCode"
            elif kind == "softbreak":
                pending_space = True  # those between Chinese characters are already gone
                continue
            elif kind == "hardbreak":
                text = "\n"
            elif kind == "strong_open":
                bold += 1
            elif kind == "strong_close":
                bold -= 1
            elif kind == "em_open":
                italic += 1
            elif kind == "em_close":
                italic -= 1
            elif kind in ("ins_open", "del_open"):
                change = child.tag
            elif kind in ("ins_close", "del_close"):
                change = ""
            elif kind == "link_open":
                href, link = str(child.attrs.get("href", "")), []
            elif kind == "link_close":
                if link is not None:
                    out.extend(self._link(href, link))
                link = None
            elif kind == "image":
                text = child.content or "".join(c.content for c in child.children or [])
            elif kind in ("html_inline", "html_block"):
                text = child.content
            if not text:
                continue
            if pending_space:
                if link is not None and not link:
                    out.append(x.run(" "))  # the space goes before the link, not in it
                else:
                    text = " " + text
                pending_space = False
            r = x.run(text, bold=bold > 0, italic=italic > 0, style=style)
            if change and track is not None:
                r = track(change, r)
            (link if link is not None else out).append(r)
        return out

    def _link(self, href: str, runs: list) -> list:
        if href.startswith("#") and len(href) > 1:
            return [x.hyperlink(runs, anchor=x.bookmark_name(href[1:]))]
        if runs and safe_link(href):
            return [x.hyperlink(runs, rid=self._external(href))]
        return runs  # never expected: the parser drops unsafe links
