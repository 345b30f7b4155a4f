"""Page setup: section properties (size, orientation, margins, header) and breaks."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from .elements import _P, _PPR, _el, _SubElement, qn


def section_properties(*, width: int, height: int, margins: Sequence[int], header: int,
                       footer: int, landscape: bool = False, title_page: bool = False,
                       headers: Sequence[tuple[str, str]] = (),
                       footers: Sequence[tuple[str, str]] = ()):
    """A ``w:sectPr``: page size and margins (twips, t r b l), header/footer references."""
    sect = etree.Element(qn("w:sectPr"))
    for kind, rid in headers:
        _el(sect, "w:headerReference", w_type=kind, r_id=rid)
    for kind, rid in footers:
        _el(sect, "w:footerReference", w_type=kind, r_id=rid)
    _el(sect, "w:type", w_val="nextPage")
    size = _el(sect, "w:pgSz", w_w=str(width), w_h=str(height))
    if landscape:
        size.set(qn("w:orient"), "landscape")
    top, right, bottom, left = margins
    _el(sect, "w:pgMar", w_top=str(top), w_right=str(right), w_bottom=str(bottom),
        w_left=str(left), w_header=str(header), w_footer=str(footer), w_gutter="0")
    if title_page:
        _SubElement(sect, qn("w:titlePg"))
    return sect


def section_break(sect):
    """The paragraph that ends a section: Word keeps a section's properties in its last one."""
    p = etree.Element(_P)
    _SubElement(p, _PPR).append(sect)
    return p
