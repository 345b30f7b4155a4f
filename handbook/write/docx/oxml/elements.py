"""Namespaces, units and the element builder every other ``oxml`` module uses."""

from __future__ import annotations

from functools import cache

from lxml import etree

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "asvg": "http://schemas.microsoft.com/office/drawing/2016/SVG/main",
    "xml": "http://www.w3.org/XML/1998/namespace",
}
TWIPS_PER_MM = 1440 / 25.4
EMU_PER_PT = 12700
_SubElement = etree.SubElement


def _deepcopy(element):
    """A copy of a prototype element (lxml's own deep copy, without copy.deepcopy's memo)."""
    return element.__deepcopy__(None)


@cache
def qn(tag: str) -> str:
    """``w:p`` → ``{namespace}p``."""
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


_VAL = qn("w:val")
_P, _PPR, _R, _RPR, _T = qn("w:p"), qn("w:pPr"), qn("w:r"), qn("w:rPr"), qn("w:t")
_PSTYLE, _RSTYLE = qn("w:pStyle"), qn("w:rStyle")
_SPACE = qn("xml:space")


def _el(parent, tag: str, **attrs: str):
    """A child element; attribute names are ``w_val`` style (prefix_local)."""
    return _SubElement(parent, qn(tag), {qn(k.replace("_", ":", 1)): v for k, v in attrs.items()})
