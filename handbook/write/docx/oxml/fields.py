"""Bookmarks and complex fields: the TOC, PAGEREF page numbers and their results."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from lxml import etree

from .elements import _PPR, _SPACE, _T, _el, _SubElement, qn
from .text import _text, hyperlink, paragraph, run


def bookmark_name(anchor: str) -> str:
    """A Word bookmark name for a document anchor: letters, digits, ``_``; at most 40."""
    name = re.sub(r"[^0-9A-Za-z_]", "_", anchor)
    if not name[:1].isalpha():
        name = f"b_{name}"
    if len(name) > 40:
        digest = hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:8]
        name = f"{name[:31]}_{digest}"
    return name


def add_bookmark(p, name: str, bookmark_id: int) -> None:
    """Wrap a paragraph's content in a bookmark (after its properties)."""
    start = etree.Element(qn("w:bookmarkStart"), {qn("w:id"): str(bookmark_id),
                                                  qn("w:name"): name})
    ppr = p.find(_PPR)
    p.insert(0 if ppr is None else 1, start)
    _el(p, "w:bookmarkEnd", w_id=str(bookmark_id))


def complex_field(instruction: str, result: str = "", *, style: str | None = None) -> list:
    """The runs of a field: begin, instruction, separate, cached result, end."""
    runs = []
    for kind in ("begin", None, "separate"):
        r = run(style=style)
        if kind:
            _el(r, "w:fldChar", w_fldCharType=kind)
        else:
            instr = _SubElement(r, qn("w:instrText"))
            instr.text = f" {instruction} "
            instr.set(_SPACE, "preserve")
        runs.append(r)
    runs.append(run(result, style=style))
    end = run(style=style)
    _el(end, "w:fldChar", w_fldCharType="end")
    runs.append(end)
    return runs


def toc_paragraphs(entries: Sequence[tuple[int, str, str]], levels: int, tab: int) -> list:
    """A TOC field whose result is already the table of contents.

    ``entries`` are (level, bookmark, text); every line links to its heading's bookmark and
    carries a PAGEREF field, empty until Word updates fields (or ``fill_field_results``
    writes LibreOffice's numbers). Nothing asks Word to update on open: the file opens
    complete.
    """
    paragraphs = []
    for index, (level, bookmark, text) in enumerate(entries):
        p = paragraph(f"TOC{min(level, 9)}", tabs=[("right", tab, "dot")])
        if index == 0:
            p.extend(complex_field(f'TOC \\o "1-{levels}" \\h \\z \\u')[:3])
        p.append(hyperlink([run(text), run("\t"), *complex_field(f"PAGEREF {bookmark} \\h")],
                           anchor=bookmark, styled=False))
        paragraphs.append(p)
    end = run()
    _el(end, "w:fldChar", w_fldCharType="end")
    if paragraphs:
        paragraphs.append(paragraph("Normal", [end], space_after=0))
    return paragraphs


def fill_field_results(body, pages: dict[str, int]) -> int:
    """Write page numbers into every ``PAGEREF bookmark`` field's cached result."""
    filled = 0
    instr_tag, fld_tag, type_attr = qn("w:instrText"), qn("w:fldChar"), qn("w:fldCharType")
    for instr in body.iter(instr_tag):
        words = (instr.text or "").split()
        if len(words) < 2 or words[0] != "PAGEREF" or words[1] not in pages:
            continue
        begin = instr.getparent()
        result = None
        for sibling in begin.itersiblings():
            fld = sibling.find(fld_tag)
            if fld is not None and fld.get(type_attr) == "separate":
                result = sibling.getnext()
                break
        if result is None or result.find(fld_tag) is not None:
            continue
        for t in result.findall(_T):
            result.remove(t)
        _text(result, str(pages[words[1]]))
        filled += 1
    return filled
