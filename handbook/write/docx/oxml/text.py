"""Runs, paragraphs and hyperlinks: the text of the body, copied from prototypes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache

from lxml import etree

from .elements import (
    _P,
    _PPR,
    _PSTYLE,
    _R,
    _RPR,
    _RSTYLE,
    _SPACE,
    _T,
    _VAL,
    _deepcopy,
    _el,
    _SubElement,
    qn,
)

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """Text XML can carry: control characters (never meant to print) are dropped."""
    return _CONTROL.sub("", text)


def run(text: str = "", *, bold: bool = False, italic: bool = False,
        style: str | None = None):
    """A run; ``\\n`` becomes a line break and ``\\t`` a tab."""
    if not (bold or italic or style or "\n" in text or "\t" in text):
        if not text:
            return etree.Element(_R)
        r = _deepcopy(_RUN)  # the common case, cloned: four times faster than building
        t = r[0]
        t.text = _CONTROL.sub("", text)
        if text[0] == " " or text[-1] == " ":
            t.set(_SPACE, "preserve")
        return r
    r = etree.Element(_R)
    if bold or italic or style:
        rpr = _SubElement(r, _RPR)
        if style:
            _SubElement(rpr, _RSTYLE, {_VAL: style})
        if bold:
            _SubElement(rpr, qn("w:b"))
            _SubElement(rpr, qn("w:bCs"))
        if italic:
            _SubElement(rpr, qn("w:i"))
            _SubElement(rpr, qn("w:iCs"))
    if "\n" in text or "\t" in text:
        for index, line in enumerate(text.split("\n")):
            if index:
                _SubElement(r, qn("w:br"))
            for position, piece in enumerate(line.split("\t")):
                if position:
                    _SubElement(r, qn("w:tab"))
                if piece:
                    _text(r, piece)
    elif text:
        _text(r, text)
    return r


_RUN = etree.Element(_R)
_SubElement(_RUN, _T)


def _text(r, text: str) -> None:
    t = _SubElement(r, _T)
    t.text = clean(text)
    if text[0] == " " or text[-1] == " ":
        t.set(_SPACE, "preserve")


def paragraph(style: str | None = None, children: Iterable = (), *, keep_next: bool = False,
              page_break_before: bool = False, align: str | None = None,
              numbering: tuple[int, int] | None = None, tabs: Sequence[tuple] = (),
              space_before: int | None = None, space_after: int | None = None,
              indent: int | None = None):
    """A paragraph: style, the few direct properties the writer uses, then its runs."""
    if style and not (page_break_before or numbering or tabs or space_before is not None
                      or space_after is not None or indent is not None):
        p = _deepcopy(_styled_paragraph(style, keep_next, align))
        p.extend(children)
        return p
    p = etree.Element(_P)
    if (style or keep_next or page_break_before or align or numbering or tabs
            or space_before is not None or space_after is not None or indent is not None):
        ppr = _SubElement(p, _PPR)  # children in schema order
        if style:
            _SubElement(ppr, _PSTYLE, {_VAL: style})
        if keep_next:
            _SubElement(ppr, qn("w:keepNext"))
        if page_break_before:
            _SubElement(ppr, qn("w:pageBreakBefore"))
        if numbering:
            num_pr = _SubElement(ppr, qn("w:numPr"))
            _el(num_pr, "w:ilvl", w_val=str(numbering[1]))
            _el(num_pr, "w:numId", w_val=str(numbering[0]))
        if tabs:
            tab_list = _SubElement(ppr, qn("w:tabs"))
            for kind, position, *leader in tabs:
                attrs = {_VAL: kind, qn("w:pos"): str(position)}
                if leader:
                    attrs[qn("w:leader")] = leader[0]
                _SubElement(tab_list, qn("w:tab"), attrs)
        if space_before is not None or space_after is not None:
            spacing = _SubElement(ppr, qn("w:spacing"))
            if space_before is not None:
                spacing.set(qn("w:before"), str(space_before))
            if space_after is not None:
                spacing.set(qn("w:after"), str(space_after))
        if indent is not None:
            _el(ppr, "w:ind", w_left=str(indent))
        if align:
            _SubElement(ppr, qn("w:jc"), {_VAL: align})
    p.extend(children)
    return p


@cache
def _styled_paragraph(style: str, keep_next: bool, align: str | None):
    """The prototype of a paragraph with just a style (and keep-with-next, alignment)."""
    p = etree.Element(_P)
    ppr = _SubElement(p, _PPR)
    _SubElement(ppr, _PSTYLE, {_VAL: style})
    if keep_next:
        _SubElement(ppr, qn("w:keepNext"))
    if align:
        _SubElement(ppr, qn("w:jc"), {_VAL: align})
    return p


def text_paragraph(style: str, text: str):
    """``paragraph(style, [run(text)])``, for the many table cells that are just that."""
    return paragraph(style, [run(text)] if text else ())


def hyperlink(children: Iterable, *, anchor: str | None = None, rid: str | None = None,
              styled: bool = True):
    """A link to a bookmark in this document (``anchor``) or to a relationship (``rid``);
    ``styled`` runs take the Hyperlink character style."""
    link = etree.Element(qn("w:hyperlink"))
    if anchor:
        link.set(qn("w:anchor"), anchor)
    if rid:
        link.set(qn("r:id"), rid)
    link.set(qn("w:history"), "1")
    for child in children:
        if not styled or child.tag != _R:
            link.append(child)
            continue
        rpr = child.find(_RPR)
        if rpr is None:
            rpr = etree.Element(_RPR)
            child.insert(0, rpr)
        rpr.insert(0, etree.Element(_RSTYLE, {_VAL: "Hyperlink"}))
        link.append(child)
    return link


# pPr children that come before keepNext / keepLines, in schema order
_BEFORE_KEEP = {qn("w:pStyle")}
_BEFORE_LINES = {qn("w:pStyle"), qn("w:keepNext")}


def keep(element, *, with_next: bool = True, lines: bool = False) -> None:
    """Keep every paragraph in ``element`` (a paragraph, a table row, a table) with the one
    after it (``with_next``: ``keepNext``; in a table row it keeps the row with the next
    one) and, with ``lines``, on one page (``keepLines``): how Word keeps a block together."""
    paragraphs = [element] if element.tag == _P else element.iter(_P)
    for p in paragraphs:
        ppr = p.find(_PPR)
        if ppr is None:
            ppr = etree.Element(_PPR)
            p.insert(0, ppr)
        if with_next:
            _set_flag(ppr, "w:keepNext", _BEFORE_KEEP)
        if lines:
            _set_flag(ppr, "w:keepLines", _BEFORE_LINES)


def _set_flag(ppr, tag: str, before: set[str]) -> None:
    """An empty on/off property in its place in ``ppr`` (after the ``before`` ones)."""
    if ppr.find(qn(tag)) is not None:
        return
    index = sum(1 for child in ppr if child.tag in before)
    ppr.insert(index, etree.Element(qn(tag)))
