"""Inline pictures: a PNG every reader shows, with the SVG Word 2016 and later draw."""

from __future__ import annotations

from lxml import etree

from .elements import _R, _el, _SubElement, qn
from .text import clean

_SVG_EXT = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"


def inline_image(png_rid: str, svg_rid: str | None, width_emu: int, height_emu: int,
                 shape_id: int, name: str, description: str):
    """A run holding an inline picture: PNG for every reader, SVG alongside for Word 2016+."""
    r = etree.Element(_R)
    drawing = _el(r, "w:drawing")
    inline = _SubElement(drawing, qn("wp:inline"), {"distT": "0", "distB": "0", "distL": "0",
                                                   "distR": "0"})
    _SubElement(inline, qn("wp:extent"), {"cx": str(width_emu), "cy": str(height_emu)})
    _SubElement(inline, qn("wp:effectExtent"), {"l": "0", "t": "0", "r": "0", "b": "0"})
    _SubElement(inline, qn("wp:docPr"), {"id": str(shape_id), "name": name,
                                         "descr": clean(description)})
    frame = _SubElement(inline, qn("wp:cNvGraphicFramePr"))
    _SubElement(frame, qn("a:graphicFrameLocks"), {"noChangeAspect": "1"})
    graphic = _SubElement(inline, qn("a:graphic"))
    data = _SubElement(graphic, qn("a:graphicData"),
                       {"uri": "http://schemas.openxmlformats.org/drawingml/2006/picture"})
    pic = _SubElement(data, qn("pic:pic"))
    nv = _SubElement(pic, qn("pic:nvPicPr"))
    _SubElement(nv, qn("pic:cNvPr"), {"id": "0", "name": name, "descr": clean(description)})
    _SubElement(nv, qn("pic:cNvPicPr"))
    blip_fill = _SubElement(pic, qn("pic:blipFill"))
    blip = _SubElement(blip_fill, qn("a:blip"), {qn("r:embed"): png_rid})
    if svg_rid:
        ext = _SubElement(_SubElement(blip, qn("a:extLst")), qn("a:ext"), {"uri": _SVG_EXT})
        _SubElement(ext, qn("asvg:svgBlip"), {qn("r:embed"): svg_rid})
    _SubElement(_SubElement(blip_fill, qn("a:stretch")), qn("a:fillRect"))
    sppr = _SubElement(pic, qn("pic:spPr"))
    xfrm = _SubElement(sppr, qn("a:xfrm"))
    _SubElement(xfrm, qn("a:off"), {"x": "0", "y": "0"})
    _SubElement(xfrm, qn("a:ext"), {"cx": str(width_emu), "cy": str(height_emu)})
    _SubElement(_SubElement(sppr, qn("a:prstGeom"), {"prst": "rect"}), qn("a:avLst"))
    return r
