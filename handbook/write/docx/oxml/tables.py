"""Tables: cells, rows that do not split, repeating header rows, fixed widths."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lxml import etree

from .elements import _VAL, _deepcopy, _el, _SubElement, qn
from .text import paragraph


def cell(children: Iterable, width: int, *, span: int = 1, fill: str | None = None,
         vertical: str | None = None):
    """A table cell of ``width`` twips holding paragraphs (at least one, as Word requires)."""
    tc = _deepcopy(_CELL)
    tcpr = tc[0]
    tcpr[0].set(_W_W, str(width))
    if span > 1:
        _SubElement(tcpr, qn("w:gridSpan"), {_VAL: str(span)})
    if fill:
        _SubElement(tcpr, qn("w:shd"), {_VAL: "clear", qn("w:color"): "auto",
                                        qn("w:fill"): fill})
    if vertical:
        _SubElement(tcpr, qn("w:vAlign"), {_VAL: vertical})
    tc.extend(children)
    if len(tc) == 1:
        tc.append(paragraph("TableText"))
    return tc


_W_W = qn("w:w")
_CELL = etree.Element(qn("w:tc"))
_SubElement(_SubElement(_CELL, qn("w:tcPr")), qn("w:tcW"), {_W_W: "0", qn("w:type"): "dxa"})
_ROW = etree.Element(qn("w:tr"))
_SubElement(_SubElement(_ROW, qn("w:trPr")), qn("w:cantSplit"))


def row(cells: Iterable, *, header: bool = False, height: int | None = None):
    """A row that never splits across pages; a header row repeats on every page.
    ``height``: a minimum row height in twips (room to sign in)."""
    tr = _deepcopy(_ROW)
    if header:
        _SubElement(tr[0], qn("w:tblHeader"))
    if height is not None:
        _SubElement(tr[0], qn("w:trHeight"), {qn("w:val"): str(height), qn("w:hRule"): "atLeast"})
    tr.extend(cells)
    return tr


def table(widths: Sequence[int], rows: Iterable, *, style: str = "HandbookTable",
          first_row: bool = True, last_row: bool = False, caption: str | None = None):
    """A fixed-layout table whose columns add up to the text width."""
    tbl = etree.Element(qn("w:tbl"))
    tblpr = _SubElement(tbl, qn("w:tblPr"))
    _SubElement(tblpr, qn("w:tblStyle"), {_VAL: style})
    _el(tblpr, "w:tblW", w_w=str(sum(widths)), w_type="dxa")
    _el(tblpr, "w:tblLayout", w_type="fixed")
    look = {"firstRow": first_row, "lastRow": last_row, "firstColumn": False,
            "lastColumn": False, "noHBand": True, "noVBand": True}
    bits = {"firstRow": 0x20, "lastRow": 0x40, "noHBand": 0x200, "noVBand": 0x400}
    attrs = {_VAL: f"{sum(bits.get(k, 0) for k, v in look.items() if v):04X}"}
    attrs.update({qn(f"w:{k}"): "1" if v else "0" for k, v in look.items()})
    _SubElement(tblpr, qn("w:tblLook"), attrs)
    if caption:
        _el(tblpr, "w:tblCaption", w_val=caption)
    grid = _SubElement(tbl, qn("w:tblGrid"))
    for width in widths:
        _el(grid, "w:gridCol", w_w=str(width))
    tbl.extend(rows)
    return tbl
