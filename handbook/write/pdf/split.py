"""Cutting the printed page into parts that WeasyPrint can lay out on their own.

WeasyPrint lays a document out in one process, and layout is most of the time of a big
handbook. The template marks the elements that always start a new printed page
(``data-pdf-split``); the page cut just before such an element is laid out exactly as it
is in the whole document, so each part can be printed in its own process and the PDFs
joined afterwards (see join).

What a part cannot know by itself is handled here, on the HTML:

- the page numbers of anchors in other parts (``target-counter(attr(href), page)`` in the
  TOC and the index): the CSS is rewritten to read ``attr(data-hb-page)`` and every link
  that a rule with that function matches gets the number (or a placeholder) as attribute;
- links to anchors in other parts: WeasyPrint drops a link whose anchor it cannot find,
  so each part carries invisible stub anchors for them; the joined PDF's destinations come
  from the part that really holds each anchor.

Pages whose layout depends on what came before (running elements, ``:left``/``:right``/
``:first`` page rules, CSS counters, fixed boxes) cannot be cut: ``split_page`` then
returns ``None`` and the PDF is printed in one pass.
"""

from __future__ import annotations

import copy
import hashlib
import html as html_lib
import math
import re
from dataclasses import dataclass

import cssselect2
import lxml.html
import tinycss2
from lxml import etree

__all__ = ["Part", "Split", "split_page"]

SPLIT_MARK = "data-pdf-split"
PAGE_ATTRIBUTE = "data-hb-page"
_PAGE_TOKEN = "hbpage:"
_TARGET_COUNTER = re.compile(r"target-counter\(\s*attr\(\s*href\s*\)\s*,\s*page\s*\)")
_UNSPLITTABLE = re.compile(
    r"running\(|element\(|target-text|target-counters|target-counter|counter-reset|"
    r"counter-increment|position\s*:\s*fixed|@page[^{]*:(first|left|right|blank|recto|verso|nth)",
    re.IGNORECASE)
_STUB_STYLE = "position:absolute;top:0;left:0;width:0;height:0;overflow:hidden"


@dataclass(frozen=True)
class Part:
    """One stretch of the page, printed in its own process."""

    html: str              # a whole HTML page: the same head, only this part's body content
    anchors: frozenset[str]  # the ids this part really holds (not its stubs)
    numbered: bool         # shows page numbers of anchors (printed again once they are known)
    weight: int            # elements in the part: its share of the layout work

    def with_pages(self, pages: dict[str, int], placeholder: str) -> str:
        """This part's HTML with the page number of every numbered link filled in
        (``placeholder`` where the anchor's page is not known yet)."""
        if not self.numbered:
            return self.html

        def number(match: re.Match) -> str:
            page = pages.get(html_lib.unescape(match[1]))
            return f'{PAGE_ATTRIBUTE}="{placeholder if page is None else page}"'

        return re.sub(f'{PAGE_ATTRIBUTE}="{_PAGE_TOKEN}([^"]*)"', number, self.html)


@dataclass(frozen=True)
class Split:
    parts: list[Part]
    head: str              # the <head> element, for the page of running headers and footers


def split_page(page: str, *, parts: int = 28, max_weight: int = 8000) -> Split | None:
    """Cut ``page`` into about ``parts`` parts of at most about ``max_weight`` elements
    (about 100 pages) at its split marks, or ``None`` when it cannot be cut (no marks, or
    CSS whose result depends on earlier pages). The cut depends on the page only, not on
    the machine, so that a build is reproducible anywhere."""
    root = lxml.html.document_fromstring(page)
    styles = root.findall(".//style")
    css = "\n".join(style.text or "" for style in styles)
    if root.find(".//link[@rel='stylesheet']") is not None or root.find(".//body") is None:
        return None
    if _UNSPLITTABLE.search(_TARGET_COUNTER.sub("", _print_css(css))):
        return None
    body = root.find("body")
    order, ends = _number_elements(body)
    marks = [order[el] for el in body.iter() if el.get(SPLIT_MARK) is not None]
    if len(marks) < 2:
        return None
    _mark_numbered_links(root, css)
    for style in styles:
        style.text = _TARGET_COUNTER.sub(f"attr({PAGE_ATTRIBUTE})", style.text or "")
    segments = _segments(order, ends, marks, body)
    names = _mark_names(body, order)
    all_ids = {el.get("id") for el in body.iter() if isinstance(el.tag, str) and el.get("id")}
    built = [_build_part(root, body, order, ends, lo, hi, all_ids)
             for lo, hi in _group(segments, body, order, parts, max_weight, names)]
    head = lxml.html.tostring(root.find("head"), encoding="unicode")
    return Split(parts=built, head=head)


def _number_elements(body) -> tuple[dict, dict]:
    """Preorder index of every node under ``body`` and the index just past its subtree."""
    order: dict = {}
    ends: dict = {}

    def visit(element, index: int) -> int:
        order[element] = index
        index += 1
        for child in element:
            index = visit(child, index)
        ends[element] = index
        return index

    visit(body, 0)
    return order, ends


def _segments(order, ends, marks: list[int], body) -> list[tuple[int, int]]:
    """The stretches between consecutive marks; the first also takes what precedes it."""
    starts = [1] + sorted(marks)[1:]
    stops = starts[1:] + [ends[body]]
    return list(zip(starts, stops, strict=True))


def _mark_numbered_links(root, css: str) -> None:
    """Give every link styled with ``target-counter(attr(href), page)`` a page attribute
    holding a token with its anchor (filled in by ``Part.with_pages``)."""
    selectors = []
    for rule in _style_rules(tinycss2.parse_stylesheet(css, skip_comments=True,
                                                       skip_whitespace=True)):
        if _TARGET_COUNTER.search(tinycss2.serialize(rule.content)):
            prelude = re.sub(r"::?(after|before|marker)\b", "", tinycss2.serialize(rule.prelude))
            selectors.extend(cssselect2.compile_selector_list(prelude))
    if not selectors:
        return
    wrapper = cssselect2.ElementWrapper.from_html_root(root)
    for element in wrapper.iter_subtree():
        if any(selector.test(element) for selector in selectors):
            href = element.etree_element.get("href") or ""
            if href.startswith("#"):
                element.etree_element.set(PAGE_ATTRIBUTE, _PAGE_TOKEN + href[1:])


def _print_css(css: str) -> str:
    """The stylesheet without its screen-only @media blocks."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    kept = [rule for rule in rules
            if not (rule.type == "at-rule" and rule.lower_at_keyword == "media"
                    and not re.search(r"\b(print|all)\b", tinycss2.serialize(rule.prelude)))]
    return tinycss2.serialize(kept)


def _style_rules(rules):
    """Qualified rules at the top level and inside @media blocks."""
    for rule in rules:
        if rule.type == "qualified-rule":
            yield rule
        elif rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content:
            yield from _style_rules(tinycss2.parse_rule_list(
                rule.content, skip_comments=True, skip_whitespace=True))


def _mark_names(body, order) -> dict[int, str]:
    """The id of each split mark (the department's or position's anchor) by its index."""
    return {order[el]: el.get("id") or "" for el in body.iter()
            if el.get(SPLIT_MARK) is not None}


def _group(segments: list[tuple[int, int]], body, order, parts: int, max_weight: int,
           names: dict[int, str]) -> list[tuple[int, int]]:
    """Consecutive segments joined into about ``parts`` parts; a segment with page numbers
    of other parts stays alone, as it is printed twice.

    The cuts are content-defined, so that the build cache finds the unchanged parts again
    after an edit: a part ends before a segment whose mark's id hashes to a multiple of the
    segments per part (a power of two, so that adding a position rarely changes it), or
    where it would outgrow ``max_weight``. An edit, an added or a removed position moves
    at most the cuts next to it. The first segment (the cover) keeps the one after it:
    printed alone, its absolutely placed control block falls onto a second page."""
    numbered = {order[el] for el in body.iter() if el.get(PAGE_ATTRIBUTE) is not None}
    spacing = 1 << max(round(math.log2(max(len(segments) / max(parts, 1), 1))), 0)
    groups: list[tuple[int, int]] = []
    for number, (lo, hi) in enumerate(segments):
        alone = any(lo <= index < hi for index in numbered)
        joins = groups and not alone and not groups[-1][2] and (
            number == 1 or not _cuts(names.get(lo, ""), spacing))
        if joins and groups[-1][1] - groups[-1][0] + (hi - lo) <= max_weight:
            groups[-1] = (groups[-1][0], hi, False)
        else:
            groups.append((lo, hi, alone))
    return [(lo, hi) for lo, hi, _ in groups]


def _cuts(name: str, spacing: int) -> bool:
    """Whether a part starts at the mark ``name``: about one mark in ``spacing``."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % spacing == 0


def _build_part(root, body, order, ends, lo: int, hi: int, all_ids: set[str]) -> Part:
    """The page with only the body content in [lo, hi), plus stubs for outside anchors."""
    page = root.makeelement(root.tag, root.attrib)
    page.append(copy.deepcopy(root.find("head")))
    part_body = _prune(body, lo, hi, order, ends)
    page.append(part_body)
    anchors = frozenset(el.get("id") for el in body.iter()
                        if isinstance(el.tag, str) and el.get("id") and lo <= order[el] < hi)
    wanted = {a.get("href")[1:] for a in part_body.iter("a")
              if (a.get("href") or "").startswith("#")}
    stubs = sorted((wanted & all_ids) - anchors)
    if stubs:
        holder = etree.SubElement(part_body, "div", {"style": _STUB_STYLE, "aria-hidden": "true"})
        for anchor in stubs:
            etree.SubElement(holder, "span", {"id": anchor})
    html = lxml.html.tostring(page, encoding="unicode", doctype="<!DOCTYPE html>")
    numbered = f'{PAGE_ATTRIBUTE}="{_PAGE_TOKEN}' in html
    return Part(html=html, anchors=anchors, numbered=numbered, weight=hi - lo)


def _prune(element, lo: int, hi: int, order, ends):
    """A copy of ``element`` keeping only the nodes whose preorder index is in [lo, hi);
    an element cut off at its start keeps its tag but gives up its id and its text."""
    start, end = order[element], ends[element]
    if end <= lo or start >= hi:
        return None
    if lo <= start and end <= hi:
        return copy.deepcopy(element)
    attrib = dict(element.attrib)
    if start < lo:
        attrib.pop("id", None)
    shell = element.makeelement(element.tag, attrib)
    if start >= lo:
        shell.text = element.text
    for child in element:
        kept = _prune(child, lo, hi, order, ends)
        if kept is not None:
            shell.append(kept)
    shell.tail = element.tail if end <= hi else None
    return shell
